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

from enum import StrEnum


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
