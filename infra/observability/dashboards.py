"""Evaluation quality and Bedrock runtime dashboards, generated from the suite files.

Built by hand with aws_cloudwatch: cdk-monitoring-constructs has no Bedrock monitor, and its
custom-metric monitor draws one graph per group, while these dashboards need single-value
widgets for the latest run and SEARCH expressions for categories that are only known at run
time. Every widget title starts with the suite or model it shows, so a new suite or model
appears on the next `cdk deploy` with no code change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cw
from constructs import Construct

from evalcore.run_metrics import RunMetric, ScoreMetric
from evalcore.suite import Suite
from infra.observability.metrics import (
    BedrockRuntimeMetric,
    bedrock_metric,
    category_search,
    run_metric,
    score_metric,
)

FULL_WIDTH = 24


def _graph(title: str, metrics: Sequence[cw.IMetric], *, width: int = 8) -> cw.GraphWidget:
    return cw.GraphWidget(title=title, left=list(metrics), width=width, height=6)


def _labelled(suite: str, metric: str, name: ScoreMetric) -> cw.Metric:
    return score_metric(suite, metric, name, label=metric.removeprefix("Builtin."))


def suite_widgets(suite: Suite) -> list[cw.IWidget]:
    """One suite's rows: latest run, means over time, N/A rates, low scores, categories, runs."""
    name = suite.name
    means = [_labelled(name, metric, ScoreMetric.MEAN) for metric in suite.metrics]
    annotations = [
        cw.HorizontalAnnotation(
            value=bound, label=f"{threshold.metric.removeprefix('Builtin.')} {label}"
        )
        for threshold in suite.thresholds
        for bound, label in ((threshold.minimum, "floor"), (threshold.maximum, "ceiling"))
        if bound is not None
    ]
    widgets: list[cw.IWidget] = [
        cw.TextWidget(markdown=f"## {name}\n{suite.description}", width=FULL_WIDTH, height=2),
        cw.SingleValueWidget(
            title=f"{name}: latest run",
            metrics=[
                *means,
                run_metric(name, RunMetric.PROMPTS_EVALUATED),
                run_metric(name, RunMetric.THRESHOLD_BREACHES),
                run_metric(name, RunMetric.REGRESSIONS),
            ],
            width=FULL_WIDTH,
            height=4,
        ),
        cw.GraphWidget(
            title=f"{name}: mean score per run",
            left=means,
            left_y_axis=cw.YAxisProps(min=0, max=1),
            left_annotations=annotations,
            width=8,
            height=6,
        ),
        _graph(
            f"{name}: N/A rate",
            [_labelled(name, m, ScoreMetric.NA_RATE) for m in suite.metrics],
        ),
        _graph(
            f"{name}: low-score records",
            [_labelled(name, m, ScoreMetric.LOW_SCORE_COUNT) for m in suite.metrics],
        ),
    ]
    widgets += [
        _graph(f"{name}: {metric} by category", [category_search(name, metric)], width=6)
        for metric in suite.metrics
    ]
    widgets += [
        _graph(
            f"{name}: run outcome and size",
            [
                run_metric(name, RunMetric.RUN_SUCCEEDED),
                run_metric(name, RunMetric.PROMPTS_EVALUATED),
            ],
        ),
        _graph(f"{name}: job duration (s)", [run_metric(name, RunMetric.JOB_DURATION_SECONDS)]),
        _graph(f"{name}: estimated cost (USD)", [run_metric(name, RunMetric.ESTIMATED_COST_USD)]),
    ]
    return widgets


def model_widgets(model_id: str) -> list[cw.IWidget]:
    """Invocations, errors and throttles; latency; tokens, for one model."""

    def metric(name: BedrockRuntimeMetric, statistic: str = cw.Stats.SUM) -> cw.Metric:
        return bedrock_metric(model_id, name, statistic=statistic)

    return [
        _graph(
            f"{model_id}: invocations and errors",
            [
                metric(BedrockRuntimeMetric.INVOCATION_COUNT),
                metric(BedrockRuntimeMetric.INVOCATION_CLIENT_ERRORS),
                metric(BedrockRuntimeMetric.INVOCATION_SERVER_ERRORS),
                metric(BedrockRuntimeMetric.INVOCATION_THROTTLES),
            ],
        ),
        _graph(
            f"{model_id}: latency (ms)",
            [
                metric(BedrockRuntimeMetric.INVOCATION_LATENCY, cw.Stats.AVERAGE),
                metric(BedrockRuntimeMetric.INVOCATION_LATENCY, cw.Stats.p(90)),
            ],
        ),
        _graph(
            f"{model_id}: tokens",
            [
                metric(BedrockRuntimeMetric.INPUT_TOKEN_COUNT),
                metric(BedrockRuntimeMetric.OUTPUT_TOKEN_COUNT),
            ],
        ),
    ]


class EvaluationDashboards(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        suites: Sequence[Suite],
        model_ids: Iterable[str],
        name_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.quality = cw.Dashboard(
            self,
            "Quality",
            dashboard_name=f"{name_prefix}-EvaluationQuality",
            default_interval=cdk.Duration.days(56),
            period_override=cw.PeriodOverride.INHERIT,
        )
        for suite in suites:
            self.quality.add_widgets(*suite_widgets(suite))
        self.bedrock = cw.Dashboard(
            self,
            "Bedrock",
            dashboard_name=f"{name_prefix}-BedrockRuntime",
            default_interval=cdk.Duration.days(1),
        )
        for model_id in sorted(model_ids):
            self.bedrock.add_widgets(*model_widgets(model_id))
