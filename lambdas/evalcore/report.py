"""Judge a run: aggregate statistics against the suite's thresholds and the baseline run.

The Lambda and `evalctl summarize` both call `build_summary` (and, for a model comparison,
`build_comparison_summary`), so a summary has one shape whoever built it; what only one of
them knows (the job, the dataset object, a results folder) is a field that is null for the
other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from evalcore.aggregate import ScoreAggregator
from evalcore.defaults import REGRESSION_TOLERANCE
from evalcore.metrics import direction_of
from evalcore.model_comparison import ModelComparison, compare_models
from evalcore.summary import (
    Baseline,
    Comparison,
    JobRef,
    MetricChange,
    ResultsSource,
    Summary,
    ThresholdBreach,
    Verdict,
)

if TYPE_CHECKING:  # annotations only: summarizing without a suite must not load suite parsing
    from evalcore.run_state import DatasetRef
    from evalcore.suite import Suite, Threshold


def threshold_breaches(
    means: Mapping[str, float | None], thresholds: tuple[Threshold, ...], model: str | None = None
) -> tuple[ThresholdBreach, ...]:
    """Metrics whose mean is outside the suite's bounds; an all-N/A metric cannot pass one.
    `model` names whose means these are in a model comparison."""
    return tuple(
        ThresholdBreach(t.metric, means.get(t.metric), t.minimum, t.maximum, model=model)
        for t in sorted(thresholds, key=lambda t: t.metric)
        if t.breached_by(means.get(t.metric))
    )


def compare_with_baseline(
    means: Mapping[str, float | None], baseline: Baseline, suite: Suite | None
) -> Comparison:
    """Per-metric change since the baseline; a move the wrong way beyond tolerance regresses."""
    return Comparison(
        previous_job_name=baseline.job_name,
        previous_generated_at=baseline.generated_at,
        previous_summary_key=baseline.summary_key,
        metrics={
            metric: MetricChange(
                previous=baseline.means.get(metric),
                current=current,
                tolerance=suite.tolerance_for(metric) if suite else REGRESSION_TOLERANCE,
                direction=direction_of(metric),
            )
            for metric, current in sorted(means.items())
        },
    )


def build_summary(
    aggregator: ScoreAggregator,
    *,
    suite: Suite | None,
    source: ResultsSource,
    job: JobRef | None = None,
    dataset: DatasetRef | None = None,
    baseline: Baseline | None = None,
    now: datetime | None = None,
) -> Summary:
    metrics = aggregator.metric_results()
    means = {name: stats.mean for name, stats in metrics.items()}
    breaches = threshold_breaches(means, suite.thresholds if suite else ())
    comparison = None if baseline is None else compare_with_baseline(means, baseline, suite)
    regressions = comparison.regressions if comparison else ()
    passed = not breaches and not regressions and aggregator.records > 0
    return Summary(
        suite=suite.name if suite else None,
        generated_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        job=job,
        dataset=dataset,
        source=source,
        records=aggregator.records,
        malformed_lines=aggregator.malformed_count,
        malformed=tuple(aggregator.malformed),
        metrics=metrics,
        categories=aggregator.category_results(),
        low_score_threshold=aggregator.low_score_threshold,
        low_score_count=aggregator.low_score_count,
        low_scores=tuple(aggregator.low_scores),
        threshold_breaches=breaches,
        comparison=comparison,
        verdict=Verdict.PASSED if passed else Verdict.FAILED,
    )


def _means(aggregator: ScoreAggregator) -> dict[str, float | None]:
    return {name: stats.mean for name, stats in aggregator.metric_results().items()}


def model_comparison(per_model: Mapping[str, ScoreAggregator]) -> ModelComparison:
    """Each model's own aggregation, lined up per metric and per category (best model named)."""
    return compare_models(
        {model: _means(aggregator) for model, aggregator in per_model.items()},
        {
            model: {
                category: {name: stats.mean for name, stats in table.items()}
                for category, table in aggregator.category_results().items()
            }
            for model, aggregator in per_model.items()
        },
    )


def build_comparison_summary(
    per_model: Mapping[str, ScoreAggregator],
    *,
    suite: Suite | None,
    source: ResultsSource,
    job: JobRef | None = None,
    dataset: DatasetRef | None = None,
    baseline: Baseline | None = None,
    now: datetime | None = None,
) -> Summary:
    """The summary of a model comparison: one aggregation per model's job(s), in suite order.

    What the fields mean for a comparison (the parse Lambda and `evalctl summarize --compare`
    both build it here):
    - `modelComparison` holds each model's means side by side and names the best model;
    - `metrics`, `categories`, `records` and `lowScores` are over every model's rows together
      (records = models x prompts): the run's overall picture, and what CloudWatch's Mean
      publishes; a single model's figures are in `modelComparison`;
    - every threshold is checked against every model's own means, a breach naming its model,
      so the verdict passes only when every compared model meets the suite's bounds (and no
      pooled mean regressed against the baseline run's), and no model without a scored row
      passes.
    """
    if not per_model:
        raise ValueError("a model comparison needs at least one model's results")
    first = next(iter(per_model.values()))
    pooled = ScoreAggregator(
        low_score_threshold=first.low_score_threshold, max_low_scores=first.max_low_scores
    )
    for aggregator in per_model.values():
        pooled.merge(aggregator)
    summary = build_summary(
        pooled, suite=suite, source=source, job=job, dataset=dataset, baseline=baseline, now=now
    )
    thresholds = suite.thresholds if suite else ()
    breaches = tuple(
        breach
        for model, aggregator in per_model.items()
        for breach in threshold_breaches(_means(aggregator), thresholds, model=model)
    )
    passed = (
        not breaches
        and not summary.regressions
        and all(aggregator.records > 0 for aggregator in per_model.values())
    )
    return replace(
        summary,
        threshold_breaches=breaches,
        verdict=Verdict.PASSED if passed else Verdict.FAILED,
        model_comparison=model_comparison(per_model),
    )
