"""Alarms built by hand: per suite (quality, regression, staleness), per Bedrock model, the rule.

Missing data is chosen per kind of metric:

- Score and run metrics arrive once per run. Their alarms treat missing data as `ignore`, so
  an alarm keeps the verdict of the latest run until the next run reports, instead of falling
  back to OK (a drop would be forgotten after an hour) or INSUFFICIENT_DATA (a healthy suite
  would look broken between runs).
- Whether runs happen at all is the staleness alarm's job: it counts `RunCompleted` per day and
  treats a day without data as breaching, so it fires once `maxDaysBetweenRuns` days pass
  without a finished run.
- Bedrock runtime and EventBridge metrics only exist while something happens; no data means
  nothing went wrong (`notBreaching`).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from evalcore.run_metrics import RunMetric, ScoreMetric
from evalcore.suite import Suite
from infra.observability.metrics import (
    BedrockRuntimeMetric,
    bedrock_metric,
    rule_failed_invocations,
    run_metric,
    score_metric,
)
from infra.observability.settings import ObservabilitySettings

STALENESS_PERIOD = cdk.Duration.days(1)
# CloudWatch evaluates at most 7 days: Period x EvaluationPeriods <= 604,800 seconds.
MAX_STALENESS_DAYS = 7
LATENCY_EVALUATION_PERIODS = 3


def _short(metric: str) -> str:
    return metric.removeprefix("Builtin.")


def _act_on(alarm: cw.AlarmBase, topic: sns.ITopic, *, ok_too: bool = False) -> None:
    action = cw_actions.SnsAction(topic)
    alarm.add_alarm_action(action)
    if ok_too:
        alarm.add_ok_action(action)


class SuiteAlarms(Construct):
    """Every alarm of one suite, generated from its file, and a composite "suite is unhealthy".

    - one per floor (`Mean` below the minimum, worst run of the hour: Minimum) and per ceiling
      (`Mean` above the maximum: Maximum)
    - `Regressions` >= 1: the parse step applied the suite's tolerances and directions
    - `RunSucceeded` < 1: the latest run of the suite failed
    - staleness, when `maxDaysBetweenRuns` is set: no `RunCompleted` for that many days
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        suite: Suite,
        topic: sns.ITopic,
        name_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.suite = suite
        self._prefix = f"{name_prefix}-{suite.name}"
        self.alarms: list[cw.Alarm] = []

        for threshold in suite.thresholds:
            if threshold.minimum is not None:
                self._add(
                    f"{threshold.metric}-Floor",
                    score_metric(
                        suite.name, threshold.metric, ScoreMetric.MEAN, statistic=cw.Stats.MINIMUM
                    ),
                    threshold=threshold.minimum,
                    comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
                    description=(
                        f"{suite.name}: the latest run's mean {threshold.metric} is below the "
                        f"floor {threshold.minimum} set in {suite.name}.json. Read the run's "
                        "summary.json (lowScores) to see which records scored low."
                    ),
                )
            if threshold.maximum is not None:
                self._add(
                    f"{threshold.metric}-Ceiling",
                    score_metric(
                        suite.name, threshold.metric, ScoreMetric.MEAN, statistic=cw.Stats.MAXIMUM
                    ),
                    threshold=threshold.maximum,
                    comparison=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
                    description=(
                        f"{suite.name}: the latest run's mean {threshold.metric} is above the "
                        f"ceiling {threshold.maximum} set in {suite.name}.json (lower is "
                        "better). Read the run's summary.json (lowScores) for the offending "
                        "records."
                    ),
                )
        self._add(
            "Regression",
            run_metric(suite.name, RunMetric.REGRESSIONS),
            threshold=1,
            comparison=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            description=(
                f"{suite.name}: the latest run is worse than the previous run by more than the "
                "suite's regression tolerance on at least one metric. Compare the two runs' "
                "summary.json (comparison) and check what changed in the application."
            ),
        )
        self._add(
            "RunFailed",
            run_metric(suite.name, RunMetric.RUN_SUCCEEDED, statistic=cw.Stats.MINIMUM),
            threshold=1,
            comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
            description=(
                f"{suite.name}: the latest run did not produce a summary. Read failure.json "
                "under reports/ in the pipeline bucket (or the run's SNS message) for why."
            ),
        )
        if suite.max_days_between_runs is not None:
            self._add_staleness(suite.max_days_between_runs)

        self.composite = cw.CompositeAlarm(
            self,
            "Unhealthy",
            composite_alarm_name=f"{self._prefix}-Unhealthy",
            alarm_description=(
                f"{suite.name} is unhealthy: one of its alarms is in ALARM. The alarm that "
                "fired says what to do."
            ),
            alarm_rule=cw.AlarmRule.any_of(*self.alarms),
        )
        _act_on(self.composite, topic, ok_too=True)
        for alarm in self.alarms:
            _act_on(alarm, topic)

    def _add(
        self,
        name: str,
        metric: cw.Metric,
        *,
        threshold: float,
        comparison: cw.ComparisonOperator,
        description: str,
        evaluation_periods: int = 1,
        missing: cw.TreatMissingData = cw.TreatMissingData.IGNORE,
    ) -> cw.Alarm:
        alarm = metric.create_alarm(
            self,
            name,
            alarm_name=f"{self._prefix}-{_short(name)}",
            alarm_description=description,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=evaluation_periods,
            treat_missing_data=missing,
        )
        self.alarms.append(alarm)
        return alarm

    def _add_staleness(self, days: int) -> None:
        if not 1 <= days <= MAX_STALENESS_DAYS:
            raise ValueError(
                f"{self.suite.source}: maxDaysBetweenRuns is {days}, but a CloudWatch alarm "
                f"looks back at most {MAX_STALENESS_DAYS} days (Period x EvaluationPeriods <= "
                f"604,800 s); use a value from 1 to {MAX_STALENESS_DAYS}"
            )
        self._add(
            "Stale",
            run_metric(
                self.suite.name,
                RunMetric.RUN_COMPLETED,
                statistic=cw.Stats.SUM,
                period=STALENESS_PERIOD,
            ),
            threshold=1,
            comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluation_periods=days,
            missing=cw.TreatMissingData.BREACHING,
            description=(
                f"{self.suite.name}: no run has finished for {days} day(s) "
                f"(maxDaysBetweenRuns). Check that datasets are still uploaded to "
                f"datasets/{self.suite.name}/ and that executions start."
            ),
        )


class BedrockModelAlarms(Construct):
    """Latency, server errors and throttles of one model, from AWS/Bedrock by ModelId."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model_id: str,
        topic: sns.ITopic,
        settings: ObservabilitySettings,
        name_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        prefix = f"{name_prefix}-Bedrock-{model_id}"
        specs = [
            (
                "Latency",
                bedrock_metric(
                    model_id, BedrockRuntimeMetric.INVOCATION_LATENCY, statistic=cw.Stats.p(90)
                ),
                settings.bedrock_latency_p90_ms,
                LATENCY_EVALUATION_PERIODS,
                f"p90 latency of {model_id} has been above {settings.bedrock_latency_p90_ms} ms "
                f"for {LATENCY_EVALUATION_PERIODS} periods of 5 minutes. Evaluation jobs will "
                "run long; check the AWS Health Dashboard and the model's quotas.",
            ),
            (
                "ServerErrors",
                bedrock_metric(model_id, BedrockRuntimeMetric.INVOCATION_SERVER_ERRORS),
                settings.bedrock_server_errors,
                1,
                f"{model_id} returned more than {settings.bedrock_server_errors} server errors "
                "in 5 minutes. Bedrock retries inside evaluation jobs, but jobs may fail; check "
                "the AWS Health Dashboard.",
            ),
            (
                "Throttles",
                bedrock_metric(model_id, BedrockRuntimeMetric.INVOCATION_THROTTLES),
                settings.bedrock_throttles,
                1,
                f"{model_id} throttled more than {settings.bedrock_throttles} requests in 5 "
                "minutes. Spread runs out or request a higher quota (Service Quotas, Amazon "
                "Bedrock).",
            ),
        ]
        self.alarms: list[cw.Alarm] = []
        for name, metric, threshold, periods, description in specs:
            alarm = metric.create_alarm(
                self,
                name,
                alarm_name=f"{prefix}-{name}",
                alarm_description=description,
                threshold=threshold,
                comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluation_periods=periods,
                datapoints_to_alarm=periods,
                treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            )
            _act_on(alarm, topic)
            self.alarms.append(alarm)


def rule_failure_alarm(
    scope: Construct, construct_id: str, *, rule_name: str, topic: sns.ITopic, name_prefix: str
) -> cw.Alarm:
    """The upload rule could not start an execution: a dataset went to the DLQ unevaluated."""
    alarm = rule_failed_invocations(rule_name).create_alarm(
        scope,
        construct_id,
        alarm_name=f"{name_prefix}-TriggerFailedInvocations",
        alarm_description=(
            "EventBridge could not start an evaluation for an uploaded dataset after its "
            "retries; the event is in the trigger's dead-letter queue. Check the state "
            "machine's limits and the rule target's role, then re-upload the dataset."
        ),
        threshold=0,
        comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods=1,
        treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
    )
    _act_on(alarm, topic)
    return alarm
