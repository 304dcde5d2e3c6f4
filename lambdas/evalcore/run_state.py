"""The state one Step Functions execution carries from the upload event to the summary.

Each handler turns its event into a `RunState` at entry and returns `RunState.to_json()`, so
the keys of the execution's JSON (read by the state machine's Choice on `$.status` and written
by its Catch into `$.error`) are spelled here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from evalcore import naming
from evalcore.cost import CostEstimate


class RunStateError(ValueError):
    """The execution's input or state lacks a field a step needs."""


class JobStatus(StrEnum):
    """Bedrock's evaluation-job statuses, as GetEvaluationJob spells them."""

    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    STOPPING = "Stopping"
    STOPPED = "Stopped"
    DELETING = "Deleting"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED)


class FailureKind(StrEnum):
    """Why a run ended without a summary."""

    WORKFLOW = "workflow"  # a step raised: bad dataset or suite, access denied, ...
    BEDROCK = "bedrock"  # the job ended Failed or Stopped
    TIME_LIMIT = "timeLimit"  # the run passed its limit; its jobs were stopped


# The execution input the upload trigger sends; the error a Catch stores.
BUCKET, KEY, VERSION_ID, ERROR = "bucket", "key", "versionId", "error"
# Keys the state machine itself reads or writes (infra.workflow spells them from here).
STATUS, WAIT_SECONDS, STARTED_AT, OVERDUE = "status", "waitSeconds", "startedAt", "overdue"
SLOT_ACQUIRED, SHARDS, SHARD_OUTCOMES = "slotAcquired", "shards", "shardOutcomes"


@dataclass(frozen=True)
class DatasetRef:
    """One uploaded dataset object, pinned to the version that started the run."""

    bucket: str
    key: str
    version_id: str | None = None

    @property
    def uri(self) -> str:
        return naming.s3_uri(self.bucket, self.key)

    def to_json(self) -> dict[str, Any]:
        return {BUCKET: self.bucket, KEY: self.key, VERSION_ID: self.version_id}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "dataset") -> DatasetRef:
        missing = [name for name in (BUCKET, KEY) if not isinstance(data.get(name), str)]
        if missing:
            raise RunStateError(
                f"the {where} lacks {', '.join(missing)}: start executions with "
                '{"bucket": ..., "key": "datasets/<suite>/<file>.jsonl", "versionId": ...}'
            )
        version = data.get(VERSION_ID)
        return cls(data[BUCKET], data[KEY], version if isinstance(version, str) else None)


@dataclass(frozen=True)
class CaughtError:
    """What Step Functions' Catch hands over: the error name and the Lambda's JSON as cause."""

    error: str
    cause: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"Error": self.error, "Cause": self.cause}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CaughtError:
        cause = data.get("Cause")
        return cls(str(data.get("Error") or "States.Unknown"), cause if cause else None)


def _optional_int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RunStateError(f"the run state's {key} must be a whole number, got {value!r}")
    return value


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RunStateError(f"the run state's {key} must be a string, got {value!r}")
    return value


@dataclass(frozen=True)
class RunState:
    """Everything a later step needs; each step fills in what it learns."""

    dataset: DatasetRef
    suite: str | None = None
    # The pipeline-owned copy of the validated dataset version that the job reads.
    staged_key: str | None = None
    job_name: str | None = None
    job_arn: str | None = None
    output_s3_uri: str | None = None
    records: int | None = None
    cost_estimate: CostEstimate | None = None
    status: JobStatus | None = None
    failure_messages: tuple[str, ...] = ()
    job_created_at: str | None = None
    job_ended_at: str | None = None
    wait_seconds: int | None = None
    error: CaughtError | None = None
    summary_key: str | None = None
    failure_key: str | None = None
    passed: bool | None = field(default=None)
    # When the execution started (Step Functions' clock): the run limit counts from here,
    # queueing for a job slot included.
    started_at: str | None = None
    # The run's limit in seconds: the suite's maxRunHours or the stack's, whichever is shorter.
    run_limit_seconds: int | None = None
    # Set by a status check or a slot request made after the run's limit.
    overdue: bool = False
    # The job may be created: a slot of the pipeline-wide job semaphore is held (DynamoDB,
    # handlers.slots), or its kind takes none (evalcore.job_slots.takes_job_slot).
    slot_acquired: bool | None = None
    # Shard i of n (0-based) inside the Map state; a run of one job is shard 0 of 1.
    shard_index: int | None = None
    shard_count: int | None = None
    # The dataset object the shard's job reads (the run's dataset when it has one shard).
    shard_key: str | None = None
    # Target model i of m (0-based) of a model comparison, whose jobs run every shard once per
    # model; a run of one model leaves both unset.
    model_index: int | None = None
    model_count: int | None = None
    # Before the Map: the state each shard starts from; after it, every shard's final state.
    shards: tuple[RunState, ...] = ()
    shard_outcomes: tuple[RunState, ...] = ()

    def evolve(self, **changes: Any) -> RunState:
        return replace(self, **changes)

    def require(self, *names: str) -> None:
        """Fail with the missing fields' JSON names when a step runs on an incomplete state."""
        missing = [_JSON_NAMES[name] for name in names if getattr(self, name) is None]
        if missing:
            raise RunStateError(
                f"the run state lacks {', '.join(missing)}; this step runs after "
                "SubmitEvaluationJob, which sets them"
            )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            **self.dataset.to_json(),
            "suite": self.suite,
            "stagedKey": self.staged_key,
            "jobName": self.job_name,
            "jobArn": self.job_arn,
            "outputS3Uri": self.output_s3_uri,
            "records": self.records,
            "costEstimate": None if self.cost_estimate is None else self.cost_estimate.to_json(),
            "status": None if self.status is None else self.status.value,
            "failureMessages": list(self.failure_messages),
            "jobCreatedAt": self.job_created_at,
            "jobEndedAt": self.job_ended_at,
            "waitSeconds": self.wait_seconds,
            "summaryKey": self.summary_key,
            "failureKey": self.failure_key,
            "passed": self.passed,
            "startedAt": self.started_at,
            "runLimitSeconds": self.run_limit_seconds,
            "overdue": self.overdue,
            "slotAcquired": self.slot_acquired,
            "shardIndex": self.shard_index,
            "shardCount": self.shard_count,
            "shardKey": self.shard_key,
        }
        if self.model_count is not None:
            data["modelIndex"], data["modelCount"] = self.model_index, self.model_count
        if self.shards:
            data[SHARDS] = [shard.to_json() for shard in self.shards]
        if self.shard_outcomes:
            data[SHARD_OUTCOMES] = [outcome.to_json() for outcome in self.shard_outcomes]
        if self.error is not None:
            data[ERROR] = self.error.to_json()
        return data

    @classmethod
    def from_json(cls, data: Any) -> RunState:
        if not isinstance(data, Mapping):
            raise RunStateError(f"the run state must be a JSON object, got {type(data).__name__}")
        status = data.get("status")
        try:
            job_status = None if status is None else JobStatus(status)
        except ValueError:
            raise RunStateError(f"the run state's status {status!r} is not a job status") from None
        records = data.get("records")
        if records is not None and (isinstance(records, bool) or not isinstance(records, int)):
            raise RunStateError(f"the run state's records must be a number, got {records!r}")
        messages = data.get("failureMessages") or []
        error = data.get(ERROR)
        estimate = data.get("costEstimate")
        passed = data.get("passed")
        wait = data.get("waitSeconds")
        slot = data.get("slotAcquired")
        outcomes = data.get(SHARD_OUTCOMES) or []
        shards = data.get(SHARDS) or []
        return cls(
            dataset=DatasetRef.from_json(data, where="execution input"),
            suite=_optional_str(data, "suite"),
            staged_key=_optional_str(data, "stagedKey"),
            job_name=_optional_str(data, "jobName"),
            job_arn=_optional_str(data, "jobArn"),
            output_s3_uri=_optional_str(data, "outputS3Uri"),
            records=records,
            cost_estimate=None if estimate is None else CostEstimate.from_json(estimate),
            status=job_status,
            failure_messages=tuple(str(message) for message in messages),
            job_created_at=_optional_str(data, "jobCreatedAt"),
            job_ended_at=_optional_str(data, "jobEndedAt"),
            wait_seconds=wait if isinstance(wait, int) and not isinstance(wait, bool) else None,
            error=CaughtError.from_json(error) if isinstance(error, Mapping) else None,
            summary_key=_optional_str(data, "summaryKey"),
            failure_key=_optional_str(data, "failureKey"),
            passed=passed if isinstance(passed, bool) else None,
            started_at=_optional_str(data, "startedAt"),
            run_limit_seconds=_optional_int(data, "runLimitSeconds"),
            overdue=data.get("overdue") is True,
            slot_acquired=slot if isinstance(slot, bool) else None,
            shard_index=_optional_int(data, "shardIndex"),
            shard_count=_optional_int(data, "shardCount"),
            shard_key=_optional_str(data, "shardKey"),
            model_index=_optional_int(data, "modelIndex"),
            model_count=_optional_int(data, "modelCount"),
            shards=tuple(cls.from_json(shard) for shard in shards),
            shard_outcomes=tuple(cls.from_json(outcome) for outcome in outcomes),
        )

    def limit_seconds(self, stack_default: int) -> int:
        """The limit this run was given at submit, or the stack's for a run started without."""
        return self.run_limit_seconds or stack_default

    @property
    def shard_label(self) -> str:
        """`shard 2/3`, `model 1/3` or `model 1/3, shard 2/3` for people; a run of one job has
        no shard to name."""
        parts = []
        if self.model_index is not None and self.model_count and self.model_count > 1:
            parts.append(f"model {self.model_index + 1}/{self.model_count}")
        if self.shard_index is not None and self.shard_count and self.shard_count > 1:
            parts.append(f"shard {self.shard_index + 1}/{self.shard_count}")
        return ", ".join(parts) or "the job"


_JSON_NAMES = {
    "suite": "suite",
    "staged_key": "stagedKey",
    "job_name": "jobName",
    "job_arn": "jobArn",
    "output_s3_uri": "outputS3Uri",
    "records": "records",
    "status": "status",
}
