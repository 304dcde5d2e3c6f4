from datetime import UTC, datetime

from evalcore.aggregate import ScoreAggregator
from evalcore.report import build_summary, compare_with_previous, threshold_breaches
from evalcore.results import iter_result_records
from tests.fakes.bedrock_output import jsonl, model_row


def test_threshold_breaches_include_all_na_metrics():
    breaches = threshold_breaches({"a": 0.9, "b": 0.5, "c": None}, {"a": 0.7, "b": 0.6, "c": 0.1})
    assert breaches == [
        {"metric": "b", "mean": 0.5, "floor": 0.6},
        {"metric": "c", "mean": None, "floor": 0.1},
    ]


def test_comparison_flags_drops_beyond_tolerance_only():
    previous = {"jobName": "old", "metrics": {"a": {"mean": 0.8}, "b": {"mean": 0.8}}}
    result = compare_with_previous({"a": 0.7, "b": 0.77, "c": 0.5}, previous, tolerance=0.05)
    assert result["regressions"] == ["a"]
    assert result["metrics"]["a"]["delta"] == -0.1
    assert result["metrics"]["b"]["regressed"] is False
    assert result["metrics"]["c"] == {
        "previous": None,
        "current": 0.5,
        "delta": None,
        "regressed": False,
    }
    assert compare_with_previous({"a": 1.0}, None, 0.05) is None


def test_summary_verdict(precomputed_suite):
    agg = ScoreAggregator()
    rows = [
        model_row(
            "a",
            {"Builtin.Correctness": 0.9, "Builtin.Completeness": 0.9, "Builtin.Helpfulness": 0.9},
        )
    ]
    agg.add_all(iter_result_records(jsonl(rows).splitlines(), "f"))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    summary = build_summary(
        agg, suite=precomputed_suite, job={"jobName": "j"}, output_files=["f"], now=now
    )
    assert summary["passed"] is True
    assert summary["generatedAt"] == "2026-01-01T00:00:00+00:00"
    assert summary["jobName"] == "j" and summary["suite"] == "support-assistant"

    worse = {"jobName": "prev", "metrics": {"Builtin.Correctness": {"mean": 1.0}}}
    regressed = build_summary(agg, suite=precomputed_suite, job={}, output_files=[], previous=worse)
    assert regressed["comparison"]["regressions"] == ["Builtin.Correctness"]
    assert regressed["passed"] is False
