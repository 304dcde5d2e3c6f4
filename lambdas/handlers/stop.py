"""Stop a job whose run passed its limit, so nothing keeps running (and billing) unwatched."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from evalcore.run_limit import DEFAULT_RUN_LIMIT_SECONDS, RUN_LIMIT_ENV, describe_limit
from evalcore.run_state import JobStatus, RunState
from handlers.runtime import bedrock_client, call_bedrock, int_setting, logger, tracer

# Bedrock refuses to stop a job that has already ended; the run goes on as if it had stopped.
ALREADY_ENDED_CODES = frozenset({"ConflictException", "ValidationException"})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = RunState.from_json(event)
    state.require("job_arn")
    limit = describe_limit(
        state.limit_seconds(int_setting(RUN_LIMIT_ENV, DEFAULT_RUN_LIMIT_SECONDS))
    )
    try:
        call_bedrock(bedrock_client().stop_evaluation_job, jobIdentifier=state.job_arn)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ALREADY_ENDED_CODES:
            raise
        logger.info("The job had already ended", extra={"jobArn": state.job_arn})
    logger.warning(
        "Stopped an evaluation job at the run's limit",
        extra={"jobArn": state.job_arn, "limit": limit},
    )
    return state.evolve(
        status=JobStatus.STOPPING,
        overdue=True,
        failure_messages=(f"stopped: the run passed its time limit of {limit}",),
    ).to_json()
