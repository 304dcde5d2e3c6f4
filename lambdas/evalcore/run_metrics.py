"""The metric contract between the Lambdas that publish a run and the alarms that watch it.

Every name a Lambda publishes and every name a CloudWatch alarm or widget reads is defined here
once, so the two cannot drift apart. All metrics share one namespace (`METRICS_NAMESPACE`).

- dimensions (Suite, Metric): Mean, NARate, LowScoreCount, MeanChange
- dimensions (Suite, Metric, Category): Mean, for a bounded set of categories
- dimensions (Suite): PromptsEvaluated, JobDurationSeconds, EstimatedCostUsd, RunSucceeded,
  ThresholdBreaches, Regressions, RunCompleted
- no dimension (pipeline health): RunsStarted, RunsSucceeded, RunsFailed, RunsRejected,
  RunsTimedOut
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from evalcore.defaults import UNCATEGORIZED
from evalcore.run_state import RunState
from evalcore.suite import Suite
from evalcore.summary import Summary


class Dimension(StrEnum):
    SUITE = "Suite"
    METRIC = "Metric"
    CATEGORY = "Category"


class ScoreMetric(StrEnum):
    """Per suite and judge metric (dimensions Suite, Metric; Mean also per Category)."""

    MEAN = "Mean"
    NA_RATE = "NARate"
    LOW_SCORE_COUNT = "LowScoreCount"
    MEAN_CHANGE = "MeanChange"


class RunMetric(StrEnum):
    """Per suite, once per run (dimension Suite)."""

    PROMPTS_EVALUATED = "PromptsEvaluated"
    JOB_DURATION_SECONDS = "JobDurationSeconds"
    ESTIMATED_COST_USD = "EstimatedCostUsd"
    RUN_SUCCEEDED = "RunSucceeded"
    THRESHOLD_BREACHES = "ThresholdBreaches"
    REGRESSIONS = "Regressions"
    RUN_COMPLETED = "RunCompleted"


class PipelineMetric(StrEnum):
    """Pipeline health counts without a dimension: one stream each, whatever the suites."""

    RUNS_STARTED = "RunsStarted"
    RUNS_SUCCEEDED = "RunsSucceeded"
    RUNS_FAILED = "RunsFailed"
    RUNS_REJECTED = "RunsRejected"
    RUNS_TIMED_OUT = "RunsTimedOut"


class RunOutcome(StrEnum):
    """How a run ended: in the run's log line, its SNS message and Logs Insights queries."""

    PASSED = "passed"  # the summary was written and every check held
    FAILED_CHECKS = "failed-checks"  # the summary was written; a threshold or regression failed
    REJECTED = "rejected"  # the dataset or suite failed validation; no job was started
    JOB_FAILED = "job-failed"  # Bedrock ended the job as Failed or Stopped
    TIMED_OUT = "timed-out"  # the execution hit its timeout
    ABORTED = "aborted"  # someone stopped the execution
    ERROR = "error"  # a pipeline step raised


# The one log line each run ends with (Powertools JSON: message plus these keys), which the
# stack's Logs Insights queries read.
RUN_FINISHED_MESSAGE = "Run finished"
LOG_SUITE = "suite"
LOG_OUTCOME = "outcome"
LOG_REASON = "reason"


# Step Functions error names the failure path can carry besides the Lambdas' own exceptions.
TIMED_OUT_ERROR = "States.Timeout"
ABORTED_ERROR = "States.Aborted"
# Raised by submit when the upload cannot be evaluated as it is: the uploader must fix it.
VALIDATION_ERRORS = frozenset({"SuiteError", "DatasetError", "InputError", "RunStateError"})


class Unit(StrEnum):
    """CloudWatch units, spelled as Powertools' MetricUnit values."""

    COUNT = "Count"
    SECONDS = "Seconds"
    NONE = "None"


Dimensions = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Datapoint:
    """One value to publish once for a run; equal `dimensions` share one EMF record."""

    name: str
    value: float
    unit: Unit
    dimensions: Dimensions = ()


def published_categories(suite: Suite, seen: Iterable[str]) -> tuple[str, ...]:
    """The categories that become a `Category` dimension: each costs a stream per metric.

    A suite's `categoryDimensions` names them; otherwise the first `maxCategoryDimensions` seen,
    sorted, so the choice is stable from run to run. Records without a category are not one.
    """
    present = {category for category in seen if category != UNCATEGORIZED}
    if suite.category_dimensions:
        return tuple(c for c in suite.category_dimensions if c in present)
    return tuple(sorted(present))[: suite.max_category_dimensions]


def metric_streams(suite: Suite) -> int:
    """The most custom-metric streams a suite creates: 4 per metric, 1 per metric and
    published category, 7 per suite. Each stream is billed as a custom metric."""
    categories = len(suite.category_dimensions) or suite.max_category_dimensions
    return len(suite.metrics) * (len(ScoreMetric) + categories) + len(RunMetric)


# The pipeline's own counts: one stream each, whatever the suites.
PIPELINE_STREAMS = len(PipelineMetric)


def job_duration_seconds(state: RunState) -> float | None:
    """From the job's creation to its end, as GetEvaluationJob reported them."""
    if not state.job_created_at or not state.job_ended_at:
        return None
    try:
        start = datetime.fromisoformat(state.job_created_at)
        end = datetime.fromisoformat(state.job_ended_at)
    except ValueError:
        return None
    return max((end - start).total_seconds(), 0.0)


def succeeded_run_datapoints(suite: Suite, summary: Summary, state: RunState) -> list[Datapoint]:
    """Everything a run with a summary publishes: scores, run facts and the pipeline count."""
    points: list[Datapoint] = []
    changes = summary.comparison.metrics if summary.comparison is not None else {}
    for metric, result in summary.metrics.items():
        dims: Dimensions = ((Dimension.SUITE, suite.name), (Dimension.METRIC, metric))
        if result.mean is not None:
            points.append(Datapoint(ScoreMetric.MEAN, result.mean, Unit.NONE, dims))
        points.append(Datapoint(ScoreMetric.NA_RATE, result.na_rate, Unit.NONE, dims))
        points.append(Datapoint(ScoreMetric.LOW_SCORE_COUNT, result.low_count, Unit.COUNT, dims))
        change = changes.get(metric)
        if change is not None and change.delta is not None:
            points.append(Datapoint(ScoreMetric.MEAN_CHANGE, change.delta, Unit.NONE, dims))
    for category in published_categories(suite, summary.categories):
        for metric, result in summary.categories[category].items():
            if result.mean is None:
                continue
            dims = (
                (Dimension.SUITE, suite.name),
                (Dimension.METRIC, metric),
                (Dimension.CATEGORY, category),
            )
            points.append(Datapoint(ScoreMetric.MEAN, result.mean, Unit.NONE, dims))

    per_suite: Dimensions = ((Dimension.SUITE, suite.name),)
    facts: list[tuple[RunMetric, float | None, Unit]] = [
        (RunMetric.PROMPTS_EVALUATED, summary.records, Unit.COUNT),
        (RunMetric.JOB_DURATION_SECONDS, job_duration_seconds(state), Unit.SECONDS),
        (
            RunMetric.ESTIMATED_COST_USD,
            None if state.cost_estimate is None else state.cost_estimate.total_usd,
            Unit.NONE,
        ),
        (RunMetric.RUN_SUCCEEDED, 1, Unit.COUNT),
        (RunMetric.THRESHOLD_BREACHES, len(summary.threshold_breaches), Unit.COUNT),
        (RunMetric.REGRESSIONS, len(summary.regressions), Unit.COUNT),
        (RunMetric.RUN_COMPLETED, 1, Unit.COUNT),
    ]
    points += [
        Datapoint(name, value, unit, per_suite) for name, value, unit in facts if value is not None
    ]
    points.append(Datapoint(PipelineMetric.RUNS_SUCCEEDED, 1, Unit.COUNT))
    return points


def failed_run_datapoints(suite: Suite | None, outcome: RunOutcome) -> list[Datapoint]:
    """A run that ended without a summary.

    `RunSucceeded` 0 goes to the suite only when the upload named a known suite (a mistyped
    folder must not create metric streams). `RunCompleted` is not published: a failed run did
    not report scores, so it does not reset the staleness alarm. Rejected uploads were counted
    by submit (`RunsRejected`) and are not counted again.
    """
    points: list[Datapoint] = []
    if suite is not None:
        dims: Dimensions = ((Dimension.SUITE, suite.name),)
        points.append(Datapoint(RunMetric.RUN_SUCCEEDED, 0, Unit.COUNT, dims))
    if outcome is RunOutcome.TIMED_OUT:
        points.append(Datapoint(PipelineMetric.RUNS_TIMED_OUT, 1, Unit.COUNT))
    elif outcome is not RunOutcome.REJECTED:
        points.append(Datapoint(PipelineMetric.RUNS_FAILED, 1, Unit.COUNT))
    return points


def pipeline_count(name: PipelineMetric) -> Datapoint:
    return Datapoint(name, 1, Unit.COUNT)


def failure_outcome(state: RunState) -> RunOutcome:
    """How a run that reached the failure path ended."""
    if state.overdue or any(outcome.overdue for outcome in state.shard_outcomes):
        return RunOutcome.TIMED_OUT  # stopped at its run limit
    if state.error is None:
        return RunOutcome.JOB_FAILED
    if state.error.error == TIMED_OUT_ERROR:
        return RunOutcome.TIMED_OUT
    if state.error.error == ABORTED_ERROR:
        return RunOutcome.ABORTED
    if state.error.error in VALIDATION_ERRORS:
        return RunOutcome.REJECTED
    return RunOutcome.ERROR


def success_outcome(summary: Summary) -> RunOutcome:
    return RunOutcome.PASSED if summary.passed else RunOutcome.FAILED_CHECKS


def grouped(points: Iterable[Datapoint]) -> dict[Dimensions, list[Datapoint]]:
    """Datapoints by dimension set: one EMF record each, as CloudWatch expects."""
    groups: dict[Dimensions, list[Datapoint]] = {}
    for point in points:
        groups.setdefault(point.dimensions, []).append(point)
    return groups
