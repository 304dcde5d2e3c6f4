"""Report the Bedrock job's status; the state machine's Choice decides what happens next.

The suite's kind sets the pace: a human job's run limit is days and its wait between checks
grows to an hour (evalcore.run_limit, evalcore.polling); the limit is written back into the
state, so the stop step and failure.json name the one this run was held to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from evalcore.polling import next_wait_seconds
from evalcore.run_limit import is_overdue
from evalcore.run_state import JobStatus, RunState
from evalcore.suite import load_suite
from handlers.runtime import (
    CLOCK,
    bedrock_client,
    call_bedrock,
    logger,
    polling_schedules,
    run_limits,
    tracer,
)


def _iso(moment: object) -> str | None:
    return moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else None


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = RunState.from_json(event)
    state.require("job_arn", "suite")
    assert state.suite is not None
    suite = load_suite(state.suite)
    job = call_bedrock(bedrock_client().get_evaluation_job, jobIdentifier=state.job_arn)
    status = JobStatus(job["status"])
    created = job["creationTime"]
    logger.info("Evaluation job status", extra={"jobArn": state.job_arn, "status": status.value})
    now = CLOCK.now()
    limit = run_limits().for_suite(suite.kind, suite.max_run_hours)
    return state.evolve(
        # Past the run's limit the state machine stops the job (handlers.stop).
        # Once overdue, always: the failure record says the run was stopped at its limit.
        overdue=state.overdue or (not status.finished and is_overdue(state.started_at, now, limit)),
        status=status,
        failure_messages=tuple(job.get("failureMessages", ())) or state.failure_messages,
        job_created_at=_iso(created),
        job_ended_at=_iso(job.get("lastModifiedTime")) if status.finished else None,
        run_limit_seconds=limit,
        # The Wait state reads this: the wait grows with the job's age (evalcore.polling),
        # up to the cap for the suite's kind of job.
        wait_seconds=next_wait_seconds(created, now, polling_schedules().for_kind(suite.kind)),
    ).to_json()
