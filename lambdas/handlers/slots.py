"""Take and give back slots of the pipeline-wide job semaphore (handlers.ledger).

`acquire` runs before a shard's job is created and `release` after it ends, on every path
(completed, failed, stopped, or a step that raised). `release_leaked` is the safety net for
an execution that ended without reaching `release` (aborted by hand, a bug, the state
machine's timeout): an EventBridge rule on the state machine's FAILED, TIMED_OUT and ABORTED
status changes calls it, and it stops the run's jobs still in progress and frees their slots.

A human job takes no slot (evalcore.job_slots.takes_job_slot says why): `acquire` lets its
shard go on at once without touching the semaphore, `release` has nothing to give back, and
`release_leaked` still stops the jobs of such a run, which no slot records.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from evalcore import naming
from evalcore.errors import SuiteError
from evalcore.failure import suite_of
from evalcore.job_kinds import JobKind
from evalcore.job_slots import (
    MAX_CONCURRENT_JOBS,
    MAX_JOBS_ENV,
    SLOT_WAIT_ENV,
    SLOT_WAIT_SECONDS,
    takes_job_slot,
)
from evalcore.run_limit import is_overdue
from evalcore.run_state import RunState
from evalcore.shards import run_job_names
from evalcore.suite import Suite, load_suite
from handlers.ledger import Ledger
from handlers.runtime import (
    CLOCK,
    bedrock_client,
    call_bedrock,
    int_setting,
    logger,
    run_limits,
    tracer,
)


def slot_holder(state: RunState) -> str:
    """The shard's job name: one slot per job, whichever execution asks for it."""
    state.require("job_name")
    assert state.job_name is not None
    return state.job_name


def _suite(state: RunState) -> Suite:
    state.require("suite")
    assert state.suite is not None
    return load_suite(state.suite)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def acquire(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`slotAcquired` true: the shard's job may be created (a slot is held, or needs none)."""
    state = RunState.from_json(event)
    now = CLOCK.now()
    holder = slot_holder(state)
    suite = _suite(state)
    run_limit = run_limits().for_suite(suite.kind, suite.max_run_hours)
    if not takes_job_slot(suite.kind):
        logger.info("No job slot needed", extra={"holder": holder, "kind": suite.kind.value})
        return state.evolve(slot_acquired=True, run_limit_seconds=run_limit).to_json()
    limit = int_setting(MAX_JOBS_ENV, MAX_CONCURRENT_JOBS)
    acquired = Ledger.from_environment().acquire(holder, limit, now)
    overdue = not acquired and is_overdue(state.started_at, now, run_limit)
    logger.info(
        "Job slot" if acquired else "No job slot free",
        extra={"holder": holder, "limit": limit, "overdue": overdue},
    )
    failure = ("the run passed its limit while waiting for a job slot",) if overdue else ()
    return state.evolve(
        slot_acquired=acquired,
        overdue=overdue,
        failure_messages=failure,
        run_limit_seconds=run_limit,
        wait_seconds=int_setting(SLOT_WAIT_ENV, SLOT_WAIT_SECONDS),
    ).to_json()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def release(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Give the slot back; after a step raised while the job may still run, stop it first, so
    a freed slot never leaves a job running beside the next one."""
    state = RunState.from_json(event)
    running = state.status is None or not state.status.finished
    if state.error is not None and state.job_arn and running:
        _stop(state.job_arn)
    if state.slot_acquired and takes_job_slot(_suite(state).kind):
        released = Ledger.from_environment().release(slot_holder(state))
        logger.info("Released job slot", extra={"holder": state.job_name, "held": released})
    return state.evolve(slot_acquired=False).to_json()


def _run_job_names(state: RunState) -> list[str]:
    """Every job name a run of this input could hold a slot under (one per possible job)."""
    dataset = state.dataset
    run = naming.job_name(suite_of(state), dataset.bucket, dataset.key, dataset.version_id)
    return run_job_names(run)


def _kind_of(state: RunState) -> JobKind:
    """The kind of the run's suite; a suite that cannot be read is treated as automated, whose
    jobs the ledger records."""
    try:
        return load_suite(suite_of(state)).kind
    except SuiteError as error:  # the safety net must not fail on a broken or removed suite
        logger.warning("Could not read the run's suite", extra={"error": str(error)})
        return JobKind.JUDGE


def _stop(job_arn: str) -> None:
    """Best effort: a job that ended meanwhile refuses to stop, which is what we wanted."""
    try:
        call_bedrock(bedrock_client().stop_evaluation_job, jobIdentifier=job_arn)
        logger.warning("Stopped a job its run could no longer watch", extra={"jobArn": job_arn})
    except ClientError as error:
        logger.warning("Could not stop a job", extra={"jobArn": job_arn, "error": str(error)})


def _stop_if_running(job_name: str) -> None:
    pages = bedrock_client().get_paginator("list_evaluation_jobs").paginate(nameContains=job_name)
    for page in pages:
        for job in page.get("jobSummaries", []):
            if job.get("jobName") == job_name and job.get("status") == "InProgress":
                _stop(job["jobArn"])


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def release_leaked(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """EventBridge `Step Functions Execution Status Change` for a run that did not succeed."""
    detail = event.get("detail") or {}
    state = RunState.from_json(json.loads(detail.get("input") or "{}"))
    names = _run_job_names(state)
    if not takes_job_slot(_kind_of(state)):
        # No slot records a human run's jobs: look for each one it could have started.
        for name in names:
            _stop_if_running(name)
    ledger = Ledger.from_environment()
    held = ledger.holders()
    leaked = [name for name in names if name in held]
    for name in leaked:
        _stop_if_running(name)
        ledger.release(name)
    logger.info(
        "Released slots of an execution that ended without releasing them",
        extra={
            "execution": detail.get("executionArn"),
            "status": detail.get("status"),
            "released": leaked,
        },
    )
    return {"released": leaked}
