"""What went wrong with a run, in a record the uploader can find next to the reports.

A run fails either inside the workflow (a Lambda raised: bad dataset, bad suite, access
denied; Step Functions hands over `error` with the Lambda's JSON as `Cause`) or inside
Bedrock (the job ended Failed or Stopped with `failureMessages`). Both become one shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from evalcore import layout, naming
from evalcore.run_state import CaughtError, DatasetRef, FailureKind, JobStatus, RunState

FAILURE_SCHEMA_VERSION = 1
UNASSIGNED_SUITE = "unassigned"


@dataclass(frozen=True)
class ShardOutcome:
    """How one shard's job ended, so a failed run shows every shard, not just the first."""

    index: int
    count: int
    job_name: str | None
    job_arn: str | None
    status: JobStatus | None
    completed: bool
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "shard": self.index + 1,
            "of": self.count,
            "jobName": self.job_name,
            "jobArn": self.job_arn,
            "status": None if self.status is None else self.status.value,
            "completed": self.completed,
            "message": self.message,
        }


def shard_outcome(state: RunState) -> ShardOutcome:
    """One shard's final state (a Map iteration's output) as a failure record lists it."""
    completed = state.error is None and state.status is JobStatus.COMPLETED
    if state.error is not None:
        message = _workflow_reason(state.error)[1]
    elif state.failure_messages:
        message = "; ".join(state.failure_messages)
    elif state.status is None:
        message = "no job was started"
    else:
        message = f"the evaluation job ended {state.status.value}"
    return ShardOutcome(
        index=state.shard_index or 0,
        count=state.shard_count or 1,
        job_name=state.job_name,
        job_arn=state.job_arn,
        status=state.status,
        completed=completed,
        message="completed" if completed else message,
    )


@dataclass(frozen=True)
class FailureRecord:
    kind: FailureKind
    error_type: str
    message: str
    messages: tuple[str, ...]
    suite: str
    job_name: str | None
    job_arn: str | None
    status: JobStatus
    dataset: DatasetRef
    recorded_at: str
    shards: tuple[ShardOutcome, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "schemaVersion": FAILURE_SCHEMA_VERSION,
            "suite": self.suite,
            "jobName": self.job_name,
            "jobArn": self.job_arn,
            "status": self.status.value,
            "dataset": self.dataset.to_json(),
            "recordedAt": self.recorded_at,
            "kind": self.kind.value,
            "errorType": self.error_type,
            "message": self.message,
            "messages": list(self.messages),
            "shards": [shard.to_json() for shard in self.shards],
        }


def suite_of(state: RunState) -> str:
    if state.suite:
        return state.suite
    try:
        return layout.suite_name_from_dataset_key(state.dataset.key)
    except ValueError:
        return UNASSIGNED_SUITE


def _decode_cause(cause: str | None) -> dict[str, Any]:
    """Lambda errors arrive as a JSON string with errorType/errorMessage; others as prose."""
    if not cause:
        return {}
    try:
        decoded = json.loads(cause)
    except json.JSONDecodeError:
        return {"errorMessage": cause}
    return decoded if isinstance(decoded, dict) else {"errorMessage": str(decoded)}


def failure_key(state: RunState) -> str:
    suite = suite_of(state)
    dataset = state.dataset
    name = state.job_name or naming.job_name(suite, dataset.bucket, dataset.key, dataset.version_id)
    return layout.report_prefix(suite, name) + layout.FAILURE_FILE


def _workflow_reason(error: CaughtError) -> tuple[str, str, tuple[str, ...]]:
    cause = _decode_cause(error.cause)
    message = cause.get("errorMessage") or error.error
    return cause.get("errorType") or error.error, message, tuple(message.splitlines())


def build_failure_record(state: RunState, now: datetime | None = None) -> FailureRecord:
    status = state.status or JobStatus.FAILED
    overdue = state.overdue or any(outcome.overdue for outcome in state.shard_outcomes)
    if state.error is not None:
        kind = FailureKind.WORKFLOW
        error_type, message, messages = _workflow_reason(state.error)
    else:
        kind = FailureKind.BEDROCK
        messages = state.failure_messages
        error_type = f"EvaluationJob{status.value}"
        message = "; ".join(messages) or f"the evaluation job ended {status.value}"
    if overdue:
        kind, error_type = FailureKind.TIME_LIMIT, "RunTimeLimitExceeded"
    return FailureRecord(
        kind=kind,
        error_type=error_type,
        message=message,
        messages=messages,
        suite=suite_of(state),
        job_name=state.job_name,
        job_arn=state.job_arn,
        status=status,
        dataset=state.dataset,
        recorded_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        shards=tuple(shard_outcome(outcome) for outcome in state.shard_outcomes),
    )
