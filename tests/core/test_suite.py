import json

import pytest

from evalcore.errors import SuiteError
from evalcore.suite import InferenceMode, Threshold, load_all_suites, load_suite, parse_suite


def valid_suite(**overrides) -> dict:
    data = {
        "name": "demo",
        "evaluatorModel": "anthropic.claude-haiku-4-5-20251001-v1:0",
        "inference": {"mode": "precomputed", "sourceIdentifier": "demo-app-v1"},
        "metrics": ["Builtin.Correctness", "Builtin.Helpfulness"],
        "thresholds": {"Builtin.Correctness": 0.7},
    }
    data.update(overrides)
    return data


def test_shipped_suites_load_and_name_the_models_they_invoke():
    suites = {suite.name: suite for suite in load_all_suites()}
    assert set(suites) >= {"support-assistant", "live-nova"}
    assert suites["support-assistant"].model_identifiers == {
        "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    }
    assert "us.amazon.nova-lite-v1:0" in suites["live-nova"].model_identifiers


def test_parse_suite_reads_every_field():
    suite = parse_suite(valid_suite(lowScoreThreshold=0.4, regressionTolerance=0.1))
    assert suite.metrics == ("Builtin.Correctness", "Builtin.Helpfulness")
    assert suite.inference.source_identifier == "demo-app-v1"
    assert suite.inference.mode is InferenceMode.PRECOMPUTED
    assert suite.thresholds == (Threshold("Builtin.Correctness", minimum=0.7),)
    assert (suite.low_score_threshold, suite.regression_tolerance) == (0.4, 0.1)
    assert suite.task_type == "General"
    assert (suite.max_days_between_runs, suite.budget_usd, suite.category_dimensions) == (
        None,
        None,
        (),
    )


def test_thresholds_have_a_direction_and_explicit_bounds():
    suite = parse_suite(
        valid_suite(
            metrics=["Builtin.Correctness", "Builtin.Harmfulness", "Builtin.Helpfulness"],
            thresholds={
                "Builtin.Correctness": {"min": 0.8},
                "Builtin.Harmfulness": 0.02,
                "Builtin.Helpfulness": {"min": 0.5, "max": 0.99},
            },
        )
    )
    assert suite.thresholds == (
        Threshold("Builtin.Correctness", minimum=0.8),
        Threshold("Builtin.Harmfulness", maximum=0.02),
        Threshold("Builtin.Helpfulness", minimum=0.5, maximum=0.99),
    )
    assert suite.threshold_for("Builtin.Harmfulness") == Threshold(
        "Builtin.Harmfulness", None, 0.02
    )
    harmfulness = suite.thresholds[1]
    assert harmfulness.breached_by(0.05) and not harmfulness.breached_by(0.0)
    assert harmfulness.breached_by(None)


def test_operational_fields_are_read():
    suite = parse_suite(
        valid_suite(
            regressionTolerances={"Builtin.Correctness": 0.1},
            maxDaysBetweenRuns=7,
            categoryDimensions=["billing"],
            maxCategoryDimensions=3,
            budgetUsd=25,
        )
    )
    assert suite.tolerance_for("Builtin.Correctness") == 0.1
    assert suite.tolerance_for("Builtin.Helpfulness") == suite.regression_tolerance
    assert suite.max_days_between_runs == 7
    assert (suite.category_dimensions, suite.max_category_dimensions) == (("billing",), 3)
    assert suite.budget_usd == 25.0


def test_bad_bounds_and_operational_values_are_reported():
    data = valid_suite(
        thresholds={
            "Builtin.Correctness": {"min": 0.9, "max": 0.1},
            "Builtin.Helpfulness": {"above": 1},
        },
        maxDaysBetweenRuns=0,
        budgetUsd=-1,
        regressionTolerances={"Builtin.Nope": 0.1},
    )
    with pytest.raises(SuiteError) as raised:
        parse_suite(data)
    fields = {p.field for p in raised.value.problems}
    assert {
        "thresholds.Builtin.Correctness",
        "thresholds.Builtin.Helpfulness",
        "maxDaysBetweenRuns",
        "budgetUsd",
        "regressionTolerances.Builtin.Nope",
    } <= fields


def test_every_problem_is_reported_at_once_with_field_and_fix():
    data = valid_suite(
        name="Bad Name",
        metrics=["Builtin.Correctness", "Correctness"],
        thresholds={"Builtin.Toxicity": 2},
        inference={"mode": "magic"},
    )
    with pytest.raises(SuiteError) as raised:
        parse_suite(data, source="suites/demo.json")
    fields = {p.field for p in raised.value.problems}
    assert {"name", "metrics[1]", "thresholds.Builtin.Toxicity", "inference.mode"} <= fields
    message = str(raised.value)
    assert "suites/demo.json" in message
    assert "'Correctness' is not a built-in" in message
    assert "fix:" in message


def test_live_inference_requires_a_model():
    with pytest.raises(SuiteError, match=r"inference\.modelIdentifier"):
        parse_suite(valid_suite(inference={"mode": "bedrock"}))


def test_unknown_suite_name_lists_the_known_ones():
    with pytest.raises(SuiteError, match="support-assistant"):
        load_suite("no-such-suite")


def test_file_name_must_match_suite_name(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps(valid_suite()))
    with pytest.raises(SuiteError, match="name the file"):
        load_suite(str(path))


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "demo.json"
    path.write_text('{\n  "name": "demo",\n  oops\n}')
    with pytest.raises(SuiteError) as raised:
        load_suite(str(path))
    assert raised.value.problems[0].line == 3
