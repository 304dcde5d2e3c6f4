"""Report the Bedrock job's status; the state machine's Choice decides what happens next."""

from __future__ import annotations

from handlers.runtime import bedrock_client, call_bedrock, logger, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict, context: object) -> dict:
    job = call_bedrock(bedrock_client().get_evaluation_job, jobIdentifier=event["jobArn"])
    logger.info("Evaluation job status", extra={"jobArn": event["jobArn"], "status": job["status"]})
    return {
        **event,
        "status": job["status"],
        "failureMessages": job.get("failureMessages", []),
    }
