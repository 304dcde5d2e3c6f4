"""Write failure.json where the uploader looks (reports/), so no failure is silent."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from evalcore.failure import build_failure_record, failure_key
from handlers import s3io
from handlers.runtime import logger, metrics, setting, tracer


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: object) -> dict:
    record = build_failure_record(event)
    bucket = event.get("bucket") or setting("DATA_BUCKET")
    key = failure_key(event)
    s3io.put_json(bucket, key, record)
    metrics.add_dimension(name="Suite", value=record["suite"])
    metrics.add_metric(name="EvaluationJobsFailed", unit=MetricUnit.Count, value=1)
    logger.error("Evaluation run failed", extra={"failureKey": key, "reason": record["message"]})
    return {**event, "failureKey": key, "failure": {k: record[k] for k in ("errorType", "message")}}
