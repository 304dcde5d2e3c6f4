"""Turn a Step Functions "Execution Status Change" event into the run state RecordFailure reads.

Executions that time out or are aborted run no state of the workflow, so nothing in the
workflow records them. An EventBridge rule sends their status-change event to RecordFailure;
this module reads the event at entry so the handler goes on as for any other failure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from evalcore import layout, naming
from evalcore.run_metrics import ABORTED_ERROR, TIMED_OUT_ERROR
from evalcore.run_state import CaughtError, DatasetRef, RunState, RunStateError

DETAIL_TYPE = "Step Functions Execution Status Change"
SOURCE = "aws.states"
ERRORS_BY_STATUS = {"TIMED_OUT": TIMED_OUT_ERROR, "ABORTED": ABORTED_ERROR}


def is_status_change(event: Mapping[str, Any]) -> bool:
    return event.get("source") == SOURCE and event.get("detail-type") == DETAIL_TYPE


def _when(milliseconds: Any) -> str:
    if not isinstance(milliseconds, int | float):
        return "?"
    return datetime.fromtimestamp(milliseconds / 1000, UTC).isoformat(timespec="seconds")


def state_from_status_change(event: Mapping[str, Any]) -> RunState:
    """The run state of an execution that ended TIMED_OUT or ABORTED.

    The event carries the execution's original input (bucket, key, versionId), so the suite and
    the job name (deterministic per dataset version) are derived as submit derived them: the
    failure record lands where the run's reports would have, and the message names the job
    that may still be running.
    """
    detail = event.get("detail")
    if not isinstance(detail, Mapping):
        raise RunStateError("the status-change event has no detail object")
    status = detail.get("status")
    if status not in ERRORS_BY_STATUS:
        raise RunStateError(
            f"the status-change event's status is {status!r}; RecordFailure handles "
            f"{', '.join(ERRORS_BY_STATUS)} (a FAILED execution recorded itself)"
        )
    try:
        execution_input = json.loads(detail.get("input") or "")
    except json.JSONDecodeError:
        raise RunStateError(
            f"execution {detail.get('name')!r}: its input is not JSON, so the dataset is unknown"
        ) from None
    if not isinstance(execution_input, Mapping):
        raise RunStateError(f"execution {detail.get('name')!r}: its input is not a JSON object")
    dataset = DatasetRef.from_json(execution_input, where="execution input")
    try:
        suite: str | None = layout.suite_name_from_dataset_key(dataset.key)
    except ValueError:
        suite = None
    job_name = (
        naming.job_name(suite, dataset.bucket, dataset.key, dataset.version_id) if suite else None
    )
    cause = (
        f"Execution {detail.get('name')} ended {status} (started {_when(detail.get('startDate'))}, "
        f"stopped {_when(detail.get('stopDate'))})"
    )
    if detail.get("error") or detail.get("cause"):
        cause += f": {detail.get('error') or ''} {detail.get('cause') or ''}".rstrip()
    return RunState(
        dataset=dataset,
        suite=suite,
        job_name=job_name,
        error=CaughtError(ERRORS_BY_STATUS[status], cause),
    )
