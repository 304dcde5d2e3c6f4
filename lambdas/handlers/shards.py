"""A run's jobs, one per shard (per compared model): create each job, gather the outcomes.

The submit step splits the dataset and lays out the Map items (handlers.shard_files); the
state machine's Map then runs every item through take-a-slot, `submit_job`, wait-and-check
and give-back-the-slot, and `collect` decides from all items' outcomes whether the run goes
on to parse or to failure.json (which then lists every job's outcome).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from evalcore import job_specs, naming
from evalcore.failure import shard_outcome
from evalcore.job_request import build_create_job_request
from evalcore.run_state import JobStatus, RunState
from evalcore.shards import shard_job_request
from evalcore.suite import Suite, load_suite
from handlers.runtime import logger, polling_schedule, setting, tracer
from handlers.submit import create_job


def run_request(state: RunState) -> dict[str, Any]:
    """The request a single job over the whole dataset would send for this item's model (a
    comparison's model i; the suite's one job otherwise); the item's own request derives
    from it."""
    state.require("suite")
    assert state.suite is not None
    suite = load_suite(state.suite)
    return build_create_job_request(
        suite,
        state.dataset,
        role_arn=setting("EVALUATION_ROLE_ARN"),
        targets=job_specs.jobs_for(suite)[state.model_index or 0],
    )


def job_label(suite: Suite | None, state: RunState) -> str:
    """`shard 2/3`, or in a comparison `model us.amazon.nova-pro-v1:0 (2/3)` and, when
    sharded, `, shard 1/2`: which of the run's jobs an outcome is, for people."""
    if suite is None or state.model_index is None or not state.model_count:
        return state.shard_label
    model = job_specs.compared_models(suite)[state.model_index]
    label = f"model {model} ({state.model_index + 1}/{state.model_count})"
    if state.shard_index is not None and state.shard_count and state.shard_count > 1:
        label += f", shard {state.shard_index + 1}/{state.shard_count}"
    return label


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
        model_index=state.model_index or 0,
        model_count=state.model_count or 1,
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
    """Completed when every job completed; otherwise Failed, naming each failed job's shard and,
    in a comparison, its model."""
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
        suite = load_suite(state.suite) if state.suite else None
        messages = tuple(
            f"{job_label(suite, item)} ({o.job_name}): {o.message}"
            for item, o in zip(state.shard_outcomes, outcomes, strict=True)
            if not o.completed
        )
    logger.warning("Shards did not complete", extra={"failed": len(failed)})
    statuses = {o.status for o in failed}
    status = JobStatus.STOPPED if statuses == {JobStatus.STOPPED} else JobStatus.FAILED
    # An error a step raised (rather than a job that ended badly) is the run's error.
    errors = [o.error for o in state.shard_outcomes if o.error is not None]
    common["error"] = errors[0] if errors else None
    return state.evolve(status=status, failure_messages=messages, **common).to_json()
