"""Write failure.json where the uploader looks (reports/), so no failure is silent."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from evalcore.failure import build_failure_record, failure_key
from evalcore.run_state import RunState
from handlers import s3io
from handlers.runtime import logger, metrics, tracer


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = RunState.from_json(event)
    record = build_failure_record(state)
    key = failure_key(state)
    s3io.put_json(state.dataset.bucket, key, record.to_json())
    metrics.add_dimension(name="Suite", value=record.suite)
    metrics.add_metric(name="EvaluationJobsFailed", unit=MetricUnit.Count, value=1)
    logger.error("Evaluation run failed", extra={"failureKey": key, "reason": record.message})
    return state.evolve(failure_key=key).to_json()
