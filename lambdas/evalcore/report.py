"""Judge a run: aggregate statistics against the suite's thresholds and the baseline run.

The Lambda and `evalctl summarize` both call `build_summary`, so a summary has one shape
whoever built it; what only one of them knows (the job, the dataset object, a results folder)
is a field that is null for the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from evalcore.aggregate import ScoreAggregator
from evalcore.defaults import REGRESSION_TOLERANCE
from evalcore.metrics import direction_of
from evalcore.run_state import DatasetRef
from evalcore.suite import Suite, Threshold
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


def threshold_breaches(
    means: Mapping[str, float | None], thresholds: tuple[Threshold, ...]
) -> tuple[ThresholdBreach, ...]:
    """Metrics whose mean is outside the suite's bounds; an all-N/A metric cannot pass one."""
    return tuple(
        ThresholdBreach(t.metric, means.get(t.metric), t.minimum, t.maximum)
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
