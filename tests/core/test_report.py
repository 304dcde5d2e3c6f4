from datetime import UTC, datetime

import pytest

from evalcore.aggregate import ScoreAggregator
from evalcore.report import build_summary, compare_with_baseline, threshold_breaches
from evalcore.results import iter_result_records
from evalcore.suite import Threshold
from evalcore.summary import Baseline, JobRef, ResultsSource, ThresholdBreach, Verdict
from evalctl.simulation.bedrock_output import jsonl, model_row

SOURCE = ResultsSource(("f",))


def test_threshold_breaches_follow_floors_ceilings_and_include_all_na_metrics():
    thresholds = (
        Threshold("a", minimum=0.7),
        Threshold("b", minimum=0.6),
        Threshold("c", minimum=0.1),
        Threshold("Builtin.Harmfulness", maximum=0.02),
        Threshold("Builtin.Refusal", maximum=0.1),
    )
    means = {"a": 0.9, "b": 0.5, "c": None, "Builtin.Harmfulness": 0.05, "Builtin.Refusal": 0.0}
    assert threshold_breaches(means, thresholds) == (
        ThresholdBreach("Builtin.Harmfulness", 0.05, None, 0.02),
        ThresholdBreach("b", 0.5, 0.6, None),
        ThresholdBreach("c", None, 0.1, None),
    )


def test_comparison_flags_moves_the_wrong_way_beyond_tolerance_only(precomputed_suite):
    baseline = Baseline(
        "old",
        None,
        "reports/s/old/summary.json",
        {"Builtin.Correctness": 0.8, "Builtin.Completeness": 0.8, "Builtin.Harmfulness": 0.0},
    )
    means = {
        "Builtin.Correctness": 0.7,  # dropped 0.1: regression
        "Builtin.Completeness": 0.77,  # dropped 0.03: within tolerance
        "Builtin.Harmfulness": 0.1,  # rose 0.1 on a lower-is-better metric: regression
        "Builtin.Helpfulness": 0.5,  # no baseline
    }
    comparison = compare_with_baseline(means, baseline, precomputed_suite)
    assert comparison.regressions == ("Builtin.Correctness", "Builtin.Harmfulness")
    assert comparison.metrics["Builtin.Correctness"].delta == pytest.approx(-0.1)
    assert comparison.metrics["Builtin.Completeness"].regressed is False
    helpfulness = comparison.metrics["Builtin.Helpfulness"]
    assert (helpfulness.previous, helpfulness.delta, helpfulness.regressed) == (None, None, False)
    assert comparison.previous_summary_key == "reports/s/old/summary.json"


def test_a_per_metric_tolerance_overrides_the_suites(precomputed_suite):
    from dataclasses import replace

    lenient = replace(precomputed_suite, regression_tolerances={"Builtin.Correctness": 0.2})
    baseline = Baseline("old", None, None, {"Builtin.Correctness": 0.8})
    comparison = compare_with_baseline({"Builtin.Correctness": 0.7}, baseline, lenient)
    assert comparison.regressions == ()
    assert comparison.metrics["Builtin.Correctness"].tolerance == 0.2


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
    summary = build_summary(agg, suite=precomputed_suite, source=SOURCE, job=JobRef("j"), now=now)
    assert summary.verdict is Verdict.PASSED and summary.passed
    assert summary.generated_at == "2026-01-01T00:00:00+00:00"
    assert summary.job == JobRef("j") and summary.suite == "support-assistant"
    assert summary.comparison is None

    worse = Baseline("prev", None, None, {"Builtin.Correctness": 1.0})
    regressed = build_summary(agg, suite=precomputed_suite, source=SOURCE, baseline=worse)
    assert regressed.regressions == ("Builtin.Correctness",)
    assert regressed.verdict is Verdict.FAILED


def test_a_run_without_records_never_passes():
    assert build_summary(ScoreAggregator(), suite=None, source=SOURCE).verdict is Verdict.FAILED
