"""How a Lambda that ends a run tells the world: metrics, one log line, one SNS message.

Metrics leave as CloudWatch embedded-metric-format lines through Powertools, one record per
dimension set, in the namespace of `evalcore.defaults`. They are written without Powertools'
default `service` dimension so their dimensions are exactly the ones the stack's alarms read.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

from evalcore.defaults import METRICS_NAMESPACE
from evalcore.notification import TOPIC_ARN_VARIABLE, RunNotification
from evalcore.run_metrics import (
    LOG_OUTCOME,
    LOG_REASON,
    LOG_SUITE,
    RUN_FINISHED_MESSAGE,
    Datapoint,
    RunOutcome,
    grouped,
)
from handlers.runtime import logger, setting, sns_client


def publish_metrics(points: Iterable[Datapoint]) -> None:
    for dimensions, group in grouped(points).items():
        emf = EphemeralMetrics(namespace=METRICS_NAMESPACE, service="")
        for name, value in dimensions:
            emf.add_dimension(name=name, value=value)
        for point in group:
            emf.add_metric(name=point.name, unit=MetricUnit(point.unit.value), value=point.value)
        emf.flush_metrics()


def log_run_finished(suite: str | None, outcome: RunOutcome, reason: str | None = None) -> None:
    """The line the stack's Logs Insights queries count runs and failures by."""
    logger.info(
        RUN_FINISHED_MESSAGE,
        extra={LOG_SUITE: suite, LOG_OUTCOME: outcome.value, LOG_REASON: reason},
    )


def notify(notification: RunNotification) -> str:
    """Publish the run's message; returns the SNS message id (logged for tracing)."""
    response = sns_client().publish(
        TopicArn=setting(TOPIC_ARN_VARIABLE),
        Subject=notification.subject,
        Message=notification.message,
        MessageAttributes={
            name: {"DataType": "String", "StringValue": value}
            for name, value in notification.attributes.items()
            if value
        },
    )
    logger.info("Sent the run's notification", extra={"messageId": response["MessageId"]})
    return response["MessageId"]
