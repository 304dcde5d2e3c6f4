"""Report the Bedrock job's status; the state machine's Choice decides what happens next."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from evalcore.polling import next_wait_seconds
from evalcore.run_limit import DEFAULT_RUN_LIMIT_SECONDS, RUN_LIMIT_ENV, is_overdue
from evalcore.run_state import JobStatus, RunState
from handlers.runtime import (
    bedrock_client,
    call_bedrock,
    int_setting,
    logger,
    polling_schedule,
    tracer,
)


def _iso(moment: object) -> str | None:
    return moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else None


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = RunState.from_json(event)
    state.require("job_arn")
    job = call_bedrock(bedrock_client().get_evaluation_job, jobIdentifier=state.job_arn)
    status = JobStatus(job["status"])
    created = job["creationTime"]
    logger.info("Evaluation job status", extra={"jobArn": state.job_arn, "status": status.value})
    now = datetime.now(UTC)
    limit = state.limit_seconds(int_setting(RUN_LIMIT_ENV, DEFAULT_RUN_LIMIT_SECONDS))
    return state.evolve(
        # Past the run's limit the state machine stops the job (handlers.stop).
        # Once overdue, always: the failure record says the run was stopped at its limit.
        overdue=state.overdue or (not status.finished and is_overdue(state.started_at, now, limit)),
        status=status,
        failure_messages=tuple(job.get("failureMessages", ())) or state.failure_messages,
        job_created_at=_iso(created),
        job_ended_at=_iso(job.get("lastModifiedTime")) if status.finished else None,
        # The Wait state reads this: the wait grows with the job's age (evalcore.polling).
        wait_seconds=next_wait_seconds(created, now, polling_schedule()),
    ).to_json()
