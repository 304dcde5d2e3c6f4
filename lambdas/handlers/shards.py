"""A run's jobs, one per shard: create each shard's job, gather the outcomes.

The submit step splits the dataset (handlers.shard_files); the state machine's Map then runs
every shard through take-a-slot, `submit_job`, wait-and-check and give-back-the-slot, and
`collect` decides from all shards' outcomes whether the run goes on to parse or to
failure.json (which then lists every shard's outcome).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from evalcore import naming
from evalcore.failure import shard_outcome
from evalcore.job_request import build_create_job_request
from evalcore.run_state import JobStatus, RunState
from evalcore.shards import shard_job_request
from evalcore.suite import load_suite
from handlers.runtime import logger, polling_schedule, setting, tracer
from handlers.submit import create_job


def run_request(state: RunState) -> dict[str, Any]:
    """The request a single job over the whole dataset would send; shards derive from it."""
    state.require("suite")
    assert state.suite is not None
    return build_create_job_request(
        load_suite(state.suite), state.dataset, role_arn=setting("EVALUATION_ROLE_ARN")
    )


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def submit_job(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Create one shard's job (or find the one a retry of this step already created)."""
    state = RunState.from_json(event)
    state.require("shard_key")
    assert state.shard_key is not None and state.suite is not None
    request = shard_job_request(
        run_request(state),
        index=state.shard_index or 0,
        count=state.shard_count or 1,
        dataset_uri=naming.s3_uri(state.dataset.bucket, state.shard_key),
    )
    job_arn = create_job(request)
    logger.info(
        "Submitted evaluation job",
        extra={"jobName": request["jobName"], "jobArn": job_arn, "shard": state.shard_label},
    )
    return state.evolve(
        job_name=request["jobName"],
        job_arn=job_arn,
        output_s3_uri=request["outputDataConfig"]["s3Uri"],
        status=JobStatus.IN_PROGRESS,
        wait_seconds=polling_schedule().min_wait_seconds,
    ).to_json()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def collect(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Completed when every shard completed; otherwise Failed, naming each shard's outcome."""
    state = RunState.from_json(event)
    outcomes = [shard_outcome(outcome) for outcome in state.shard_outcomes]
    if not outcomes:
        raise ValueError("the run has no shard outcomes: collect runs after the Map state")
    overdue = any(outcome.overdue for outcome in state.shard_outcomes)
    single = state.shard_outcomes[0] if len(outcomes) == 1 else None
    common = {
        "shards": (),
        "overdue": overdue,
        "job_created_at": min(
            (o.job_created_at for o in state.shard_outcomes if o.job_created_at), default=None
        ),
        "job_ended_at": max(
            (o.job_ended_at for o in state.shard_outcomes if o.job_ended_at), default=None
        ),
        # A run of one job is that job; a sharded run keeps its own name and output prefix.
        "job_arn": single.job_arn if single else None,
    }
    if all(outcome.completed for outcome in outcomes):
        logger.info("Every shard completed", extra={"shards": len(outcomes)})
        return state.evolve(status=JobStatus.COMPLETED, failure_messages=(), **common).to_json()
    failed = [o for o in outcomes if not o.completed]
    if single is not None:
        # A run of one job fails as that job did, in its own words.
        messages = single.failure_messages or (failed[0].message,)
    else:
        messages = tuple(
            f"shard {o.index + 1}/{o.count} ({o.job_name}): {o.message}" for o in failed
        )
    logger.warning("Shards did not complete", extra={"failed": len(failed)})
    statuses = {o.status for o in failed}
    status = JobStatus.STOPPED if statuses == {JobStatus.STOPPED} else JobStatus.FAILED
    # An error a step raised (rather than a job that ended badly) is the run's error.
    errors = [o.error for o in state.shard_outcomes if o.error is not None]
    common["error"] = errors[0] if errors else None
    return state.evolve(status=status, failure_messages=messages, **common).to_json()
