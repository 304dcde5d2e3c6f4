"""What went wrong with a run, in a record the uploader can find next to the reports.

A run fails either inside the workflow (a Lambda raised: bad dataset, bad suite, access
denied; Step Functions hands over `error` with the Lambda's JSON as `Cause`) or inside
Bedrock (the job ended Failed or Stopped with `failureMessages`). Both become one shape.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from evalcore import layout, naming

UNASSIGNED_SUITE = "unassigned"


def _suite_of(state: dict) -> str:
    if state.get("suite"):
        return state["suite"]
    try:
        return layout.suite_name_from_dataset_key(state.get("key", ""))
    except ValueError:
        return UNASSIGNED_SUITE


def _decode_cause(cause: str | None) -> dict:
    """Lambda errors arrive as a JSON string with errorType/errorMessage; others as prose."""
    if not cause:
        return {}
    try:
        decoded = json.loads(cause)
    except json.JSONDecodeError:
        return {"errorMessage": cause}
    return decoded if isinstance(decoded, dict) else {"errorMessage": str(decoded)}


def failure_key(state: dict) -> str:
    suite = _suite_of(state)
    name = state.get("jobName") or naming.job_name(
        suite, state.get("bucket", ""), state.get("key", ""), state.get("versionId")
    )
    return layout.report_prefix(suite, name) + layout.FAILURE_FILE


def build_failure_record(state: dict, now: datetime | None = None) -> dict:
    error = state.get("error")
    if error:
        cause = _decode_cause(error.get("Cause"))
        reason = {
            "kind": "workflow",
            "errorType": cause.get("errorType") or error.get("Error"),
            "message": cause.get("errorMessage") or error.get("Error"),
            "messages": (cause.get("errorMessage") or "").splitlines(),
        }
    else:
        messages = list(state.get("failureMessages") or [])
        reason = {
            "kind": "bedrock",
            "errorType": f"EvaluationJob{state.get('status', 'Failed')}",
            "message": "; ".join(messages) or f"the evaluation job ended {state.get('status')}",
            "messages": messages,
        }
    return {
        "schemaVersion": 1,
        "suite": _suite_of(state),
        "jobName": state.get("jobName"),
        "jobArn": state.get("jobArn"),
        "status": state.get("status", "Failed"),
        "dataset": {
            "bucket": state.get("bucket"),
            "key": state.get("key"),
            "versionId": state.get("versionId"),
        },
        "recordedAt": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        **reason,
    }
