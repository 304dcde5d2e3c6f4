from datetime import UTC, datetime

import pytest

from evalcore.aggregate import ScoreAggregator
from evalcore.report import (
    build_comparison_summary,
    build_summary,
    compare_with_baseline,
    model_comparison,
    threshold_breaches,
)
from evalcore.results import iter_result_records
from evalcore.suite import Threshold, load_suite
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


def aggregated(quality: dict[str, float], harm: float = 0.0) -> ScoreAggregator:
    """One model's job: two prompts of one category, scored per prompt."""
    rows = [
        model_row(
            prompt,
            {"Builtin.Correctness": value, "Builtin.Harmfulness": harm},
            category="billing" if prompt == "a" else "account",
        )
        for prompt, value in quality.items()
    ]
    return ScoreAggregator().add_all(iter_result_records(jsonl(rows).splitlines(), "f"))


def comparison_suite():
    return load_suite("model-comparison")  # Builtin.Correctness >= 0.7


def test_a_comparison_checks_every_models_thresholds_and_names_the_breaching_model():
    per_model = {
        "m.lite": aggregated({"a": 0.5, "b": 0.7}),
        "m.pro": aggregated({"a": 0.9, "b": 1.0}),
    }
    summary = build_comparison_summary(per_model, suite=comparison_suite(), source=SOURCE)
    assert summary.threshold_breaches == (
        ThresholdBreach("Builtin.Correctness", 0.6, 0.7, None, model="m.lite"),
    )
    assert summary.threshold_breaches[0].label == "Builtin.Correctness of m.lite"
    assert summary.verdict is Verdict.FAILED
    # The run's own tables are every model's rows together; each model's are side by side.
    assert summary.records == 4
    assert summary.metrics["Builtin.Correctness"].mean == pytest.approx((0.5 + 0.7 + 0.9 + 1) / 4)
    comparison = summary.model_comparison
    assert comparison is not None
    assert comparison.models == ("m.lite", "m.pro")
    assert comparison.metrics["Builtin.Correctness"] == {"m.lite": 0.6, "m.pro": 0.95}
    assert comparison.categories["billing"]["Builtin.Correctness"] == {"m.lite": 0.5, "m.pro": 0.9}
    assert comparison.best_model == "m.pro"
    assert (
        ThresholdBreach.from_json(summary.threshold_breaches[0].to_json())
        == (summary.threshold_breaches[0])
    )


def test_a_comparison_passes_only_when_every_model_meets_the_bounds():
    good = {"m.a": aggregated({"a": 0.8, "b": 0.9}), "m.b": aggregated({"a": 0.9, "b": 0.9})}
    assert build_comparison_summary(good, suite=comparison_suite(), source=SOURCE).passed
    with_empty = {**good, "m.c": ScoreAggregator()}
    assert not build_comparison_summary(with_empty, suite=comparison_suite(), source=SOURCE).passed
    with pytest.raises(ValueError, match="at least one model"):
        build_comparison_summary({}, suite=None, source=SOURCE)


def test_the_model_comparison_glue_lines_up_each_models_own_means():
    comparison = model_comparison(
        {"m.a": aggregated({"a": 1.0, "b": 0.5}, harm=0.5), "m.b": aggregated({"a": 0.5}, harm=0)}
    )
    assert comparison.metrics["Builtin.Harmfulness"] == {"m.a": 0.5, "m.b": 0.0}
    assert comparison.best_by_metric == {
        "Builtin.Correctness": "m.a",
        "Builtin.Harmfulness": "m.b",  # lower is better
    }
    assert comparison.categories["account"]["Builtin.Correctness"] == {"m.a": 0.5, "m.b": None}
    # goodness over both metrics: m.a (0.75 + 0.5) / 2, m.b (0.5 + 1.0) / 2
    assert comparison.best_model == "m.b"
