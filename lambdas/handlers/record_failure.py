"""Record a run that ended without a summary: failure.json where the uploader looks (reports/),
its metrics and one SNS message, so no failure is silent.

Reached from the workflow's failure path (a caught error or a Failed/Stopped job) and from the
EventBridge rule on executions that timed out or were aborted, whose status-change event is
read into a run state at entry.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from evalcore.execution_status import is_status_change, state_from_status_change
from evalcore.failure import build_failure_record, failure_key
from evalcore.notification import failure_message
from evalcore.run_metrics import failed_run_datapoints, failure_outcome
from evalcore.run_state import RunState
from evalcore.suite import Suite, load_all_suites
from handlers import s3io
from handlers.run_end import log_run_finished, notify, publish_metrics
from handlers.runtime import logger, tracer


def _known_suite(name: str) -> Suite | None:
    """Per-suite metrics only for shipped suites: a mistyped folder must not create streams."""
    return {suite.name: suite for suite in load_all_suites()}.get(name)


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_status_change(event):
        state = state_from_status_change(event)
    else:
        state = RunState.from_json(event)
    record = build_failure_record(state)
    key = failure_key(state)
    bucket = state.dataset.bucket
    s3io.put_json(bucket, key, record.to_json())
    outcome = failure_outcome(state)
    logger.error("Evaluation run failed", extra={"failureKey": key, "reason": record.message})
    publish_metrics(failed_run_datapoints(_known_suite(record.suite), outcome))
    log_run_finished(record.suite, outcome, record.error_type)
    notify(failure_message(record, outcome, key, bucket))
    return state.evolve(failure_key=key).to_json()
