"""CloudWatch metric objects for the pipeline's own contract (evalcore.run_metrics) and Bedrock.

Dashboards and alarms build their metrics here so a widget and the alarm next to it read the
same namespace, name, dimensions and statistic.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cw

from evalcore.defaults import METRICS_NAMESPACE
from evalcore.run_metrics import Dimension, PipelineMetric, RunMetric, ScoreMetric
from infra.observability.bedrock_runtime import (
    BEDROCK_MODEL_DIMENSION,
    BEDROCK_NAMESPACE,
    BedrockRuntimeMetric,
)

EVENTS_NAMESPACE = "AWS/Events"

# Scores arrive once per run: an hour groups one run's datapoints and nothing else in practice.
RUN_PERIOD = cdk.Duration.hours(1)
RUNTIME_PERIOD = cdk.Duration.minutes(5)


def score_metric(
    suite: str,
    metric: str,
    name: ScoreMetric,
    *,
    statistic: str = cw.Stats.AVERAGE,
    period: cdk.Duration = RUN_PERIOD,
    label: str | None = None,
) -> cw.Metric:
    """A label is for widgets only: an alarm on a labelled metric renders as metric math."""
    return cw.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name.value,
        dimensions_map={Dimension.SUITE.value: suite, Dimension.METRIC.value: metric},
        statistic=statistic,
        period=period,
        label=label,
    )


def category_search(
    suite: str, metric: str, period: cdk.Duration = RUN_PERIOD
) -> cw.MathExpression:
    """Every published category of one suite metric; categories are data, not known at synth."""
    query = (
        f"{{{METRICS_NAMESPACE},{Dimension.CATEGORY.value},{Dimension.METRIC.value},"
        f'{Dimension.SUITE.value}}} MetricName="{ScoreMetric.MEAN.value}" '
        f'{Dimension.SUITE.value}="{suite}" {Dimension.METRIC.value}="{metric}"'
    )
    return cw.MathExpression(
        expression=f"SEARCH('{query}', 'Average', {int(period.to_seconds())})",
        label=f"{metric.removeprefix('Builtin.')} by category",
        period=period,
        using_metrics={},
    )


def run_metric(
    suite: str,
    name: RunMetric,
    *,
    statistic: str = cw.Stats.MAXIMUM,
    period: cdk.Duration = RUN_PERIOD,
) -> cw.Metric:
    return cw.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name.value,
        dimensions_map={Dimension.SUITE.value: suite},
        statistic=statistic,
        period=period,
    )


def pipeline_metric(name: PipelineMetric, period: cdk.Duration = RUN_PERIOD) -> cw.Metric:
    return cw.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name.value,
        statistic=cw.Stats.SUM,
        period=period,
    )


def bedrock_metric(
    model_id: str,
    name: BedrockRuntimeMetric,
    *,
    statistic: str = cw.Stats.SUM,
    period: cdk.Duration = RUNTIME_PERIOD,
) -> cw.Metric:
    return cw.Metric(
        namespace=BEDROCK_NAMESPACE,
        metric_name=name.value,
        dimensions_map={BEDROCK_MODEL_DIMENSION: model_id},
        statistic=statistic,
        period=period,
    )


def rule_failed_invocations(rule_name: str) -> cw.Metric:
    """EventBridge could not start an execution (after its retries) for a matched event."""
    return cw.Metric(
        namespace=EVENTS_NAMESPACE,
        metric_name="FailedInvocations",
        dimensions_map={"RuleName": rule_name},
        statistic=cw.Stats.SUM,
        period=RUNTIME_PERIOD,
    )
