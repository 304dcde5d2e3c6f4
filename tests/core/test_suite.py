import json

import pytest

from evalcore.errors import SuiteError
from evalcore.suite import load_all_suites, load_suite, parse_suite


def valid_suite(**overrides) -> dict:
    data = {
        "name": "demo",
        "evaluatorModel": "anthropic.claude-3-5-sonnet-20240620-v1:0",
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
        "anthropic.claude-3-5-sonnet-20240620-v1:0"
    }
    assert "us.amazon.nova-lite-v1:0" in suites["live-nova"].model_identifiers


def test_parse_suite_reads_every_field():
    suite = parse_suite(valid_suite(lowScoreThreshold=0.4, regressionTolerance=0.1))
    assert suite.metrics == ("Builtin.Correctness", "Builtin.Helpfulness")
    assert suite.inference.source_identifier == "demo-app-v1"
    assert suite.thresholds == {"Builtin.Correctness": 0.7}
    assert (suite.low_score_threshold, suite.regression_tolerance) == (0.4, 0.1)
    assert suite.task_type == "General"


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
