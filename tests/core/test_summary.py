import json

import pytest

from evalcore.aggregate import ScoreAggregator
from evalcore.report import build_summary
from evalcore.results import iter_result_records
from evalcore.run_state import DatasetRef
from evalcore.summary import SCHEMA_VERSION, Baseline, JobRef, ResultsSource, Summary
from evalctl.simulation.bedrock_output import jsonl, model_row
from evalctl.simulation.summary_schema import assert_valid_summary

ROWS = [
    model_row("a", {"Builtin.Correctness": 0.514019, "tone": "formal"}, category="billing"),
    model_row("b", {"Builtin.Correctness": None, "tone": "casual"}),
    model_row("c", {"Builtin.Correctness": 0.1, "tone": "formal"}, category="billing"),
]


def summary(suite=None, **kwargs) -> Summary:
    agg = ScoreAggregator().add_all(iter_result_records(["{oops", *jsonl(ROWS).splitlines()], "f"))
    return build_summary(agg, suite=suite, source=ResultsSource(("f",)), **kwargs)


def test_a_lambda_summary_matches_the_schema_and_round_trips(precomputed_suite):
    built = summary(
        precomputed_suite,
        job=JobRef("j", "arn:aws:bedrock:us-east-1:123456789012:evaluation-job/x"),
        dataset=DatasetRef("b", "datasets/support-assistant/d.jsonl", "v1"),
        baseline=Baseline("old", "2026-01-01T00:00:00+00:00", "k", {"Builtin.Correctness": 0.9}),
    )
    document = assert_valid_summary(json.loads(json.dumps(built.to_json())))
    assert document["schemaVersion"] == SCHEMA_VERSION
    assert Summary.from_json(document) == built


def test_a_cli_summary_has_the_same_shape_with_nulls():
    built = summary()
    document = assert_valid_summary(built.to_json())
    assert (document["job"], document["dataset"], document["comparison"]) == (None, None, None)
    assert Summary.from_json(document) == built


def test_means_are_exact_in_the_data():
    document = summary().to_json()
    assert document["metrics"]["Builtin.Correctness"]["mean"] == pytest.approx(
        (0.514019 + 0.1) / 2, abs=0
    )
    assert document["metrics"]["tone"]["labels"] == {"casual": 1, "formal": 2}
    assert document["malformedLines"] == 1


def test_the_schema_catches_a_wrong_shape():
    document = summary().to_json()
    document["metrics"]["Builtin.Correctness"]["mean"] = "high"
    with pytest.raises(AssertionError, match=r"metrics/Builtin\.Correctness/mean"):
        assert_valid_summary(document)


def test_a_baseline_is_read_from_a_schema_1_summary():
    old = {"schemaVersion": 1, "jobName": "j", "metrics": {"m": {"mean": 0.5}}}
    baseline = Baseline.from_summary_json(old, "reports/s/j/summary.json")
    assert baseline.means == {"m": 0.5} and baseline.job_name == "j"
    assert baseline.summary_key == "reports/s/j/summary.json"


def test_reading_another_schema_version_says_how_to_fix_it():
    with pytest.raises(ValueError, match="re-run evalctl summarize"):
        Summary.from_json({"schemaVersion": 1})


def test_histograms_are_published_and_an_older_summary_without_them_still_reads():
    document = assert_valid_summary(summary().to_json())
    assert document["metrics"]["Builtin.Correctness"]["histogram"] == [0, 1, 0, 0, 0, 1] + [0] * 4
    del document["metrics"]["Builtin.Correctness"]["histogram"]
    assert_valid_summary(document)
    assert Summary.from_json(document).metrics["Builtin.Correctness"].histogram == ()
    document["metrics"]["Builtin.Correctness"]["histogram"] = [1, 2]
    with pytest.raises(AssertionError, match="histogram"):
        assert_valid_summary(document)
