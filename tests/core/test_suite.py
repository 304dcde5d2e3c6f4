import json

import pytest

from evalcore.errors import Problem, SuiteError
from evalcore.suite import (
    DEFAULT_TASK_TYPE,
    InferenceMode,
    Threshold,
    load_all_suites,
    load_suite,
    parse_suite,
    suite_for_dataset_key,
    suite_names,
    task_types,
)


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
            maxRunHours=6,
        )
    )
    assert suite.max_run_hours == 6
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
        maxRunHours=0,
        budgetUsd=-1,
        regressionTolerances={"Builtin.Nope": 0.1},
    )
    with pytest.raises(SuiteError) as raised:
        parse_suite(data)
    fields = {p.field for p in raised.value.problems}
    assert {
        "thresholds.Builtin.Correctness",
        "thresholds.Builtin.Helpfulness.above",
        "maxDaysBetweenRuns",
        "maxRunHours",
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


def problems_of(data: dict) -> dict[str, Problem]:
    with pytest.raises(SuiteError) as raised:
        parse_suite(data, source="suites/demo.json")
    return {p.field: p for p in raised.value.problems}


@pytest.mark.parametrize(
    "key,suggestion",
    [("evaluatormodel", "evaluatorModel"), ("threshold", "thresholds"), ("metric", "metrics")],
)
def test_an_unknown_key_is_an_error_with_a_suggestion(key, suggestion):
    data = valid_suite()
    data[key] = data.pop(suggestion, 1)
    found = problems_of(data)
    assert f"did you mean {suggestion!r}?" in found[key].message
    assert "Suites" in found[key].fix


@pytest.mark.parametrize(
    ("key", "suite_key"),
    [("customMetricConfig", "customMetrics"), ("applicationType", "kind"), ("ragConfigs", "rag")],
)
def test_the_apis_own_field_names_point_to_the_suite_key(key, suite_key):
    found = problems_of(valid_suite(**{key: {}}))
    assert "not a suite key" in found[key].message
    assert f'"{suite_key}"' in found[key].fix


def test_nested_objects_are_checked_strictly_too():
    found = problems_of(
        valid_suite(
            inference={
                "mode": "precomputed",
                "sourceIdentifier": "demo-app-v1",
                "modelIdentifier": "us.amazon.nova-lite-v1:0",
                "sourceIdentifer": "typo",
            },
            thresholds={"Builtin.Correctness": {"minimum": 0.7}, "Builtin.Helpfulnes": 0.5},
        )
    )
    assert "only applies when mode is 'bedrock'" in found["inference.modelIdentifier"].message
    assert "did you mean 'sourceIdentifier'?" in found["inference.sourceIdentifer"].message
    assert "did you mean 'min'?" in found["thresholds.Builtin.Correctness.minimum"].message
    assert "did you mean 'Builtin.Helpfulness'?" in found["thresholds.Builtin.Helpfulnes"].message


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"evaluatorModel": "Claude 3.5 Sonnet"}, "evaluatorModel"),
        (
            {"inference": {"mode": "bedrock", "modelIdentifier": "nova lite"}},
            "inference.modelIdentifier",
        ),
        (
            {"inference": {"mode": "precomputed", "sourceIdentifier": "my app"}},
            "inference.sourceIdentifier",
        ),
        (
            {"inference": {"mode": "precomputed", "sourceIdentifier": "a" * 257}},
            "inference.sourceIdentifier",
        ),
    ],
)
def test_values_bedrock_constrains_are_checked_against_its_pattern(overrides, field):
    found = problems_of(valid_suite(**overrides))
    assert "pattern" in found[field].message or "longer than" in found[field].message


def test_inference_params_are_measured_as_sent():
    params = {"inferenceConfig": {"stopSequences": ["x" * 950]}}
    suite = parse_suite(
        valid_suite(
            inference={
                "mode": "bedrock",
                "modelIdentifier": "us.amazon.nova-lite-v1:0",
                "inferenceParams": params,
            }
        )
    )
    assert suite.inference.inference_params == params
    params["inferenceConfig"]["stopSequences"] = ["x" * 1000]
    found = problems_of(
        valid_suite(
            inference={
                "mode": "bedrock",
                "modelIdentifier": "us.amazon.nova-lite-v1:0",
                "inferenceParams": params,
            }
        )
    )
    assert "at most 1023 characters" in found["inference.inferenceParams"].message


def test_task_type_is_general_or_botocores_enum():
    assert task_types()[0] == DEFAULT_TASK_TYPE == "General"
    assert "QuestionAndAnswer" in task_types()
    assert parse_suite(valid_suite(taskType="QuestionAndAnswer")).task_type == "QuestionAndAnswer"
    found = problems_of(valid_suite(taskType="general"))
    assert "did you mean 'General'?" in found["taskType"].message
    assert (
        "must be a string, got number" in problems_of(valid_suite(taskType=3))["taskType"].message
    )


def test_wrong_types_are_named_in_json_terms():
    found = problems_of(valid_suite(metrics=["Builtin.Correctness", 7], description=["x"]))
    assert found["metrics[1]"].message == "must be a string, got number"
    assert found["description"].message == "must be a string, got array"
    assert (
        "did you mean 'Builtin.Correctness'?"
        in problems_of(valid_suite(metrics=["Correctness"], thresholds={}))["metrics[0]"].message
    )


def test_a_dataset_key_names_its_suite_or_is_told_which_exist(tmp_path):
    assert suite_for_dataset_key("datasets/support-assistant/q3.jsonl").name == "support-assistant"
    for key, expected in [
        ("datasets/suport-assistant/q3.jsonl", "did you mean 'support-assistant'?"),
        ("datasets/handlers/q3.jsonl", "no suite named 'handlers'"),
        ("datasets/../suites/x.jsonl", "no suite named '..'"),
        ("datasets/loose.jsonl", "does not name a suite"),
    ]:
        with pytest.raises(SuiteError) as raised:
            suite_for_dataset_key(key)
        (problem,) = raised.value.problems
        assert problem.source == key and problem.field == "<key>"
        assert expected in str(problem)
        assert all(name in problem.fix for name in suite_names())
    (tmp_path / "handlers").mkdir()
    with pytest.raises(SuiteError, match="no suite named 'handlers'"):
        load_suite("handlers", suites_dir=tmp_path)
