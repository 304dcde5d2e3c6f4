"""Timed-out and aborted executions become a run state RecordFailure can record and notify."""

from __future__ import annotations

import json

import pytest

from evalcore import naming
from evalcore.execution_status import is_status_change, state_from_status_change
from evalcore.failure import build_failure_record
from evalcore.run_metrics import RunOutcome, failure_outcome
from evalcore.run_state import RunStateError

INPUT = {"bucket": "b", "key": "datasets/support/golden.jsonl", "versionId": "v7"}


def status_change(status: str, execution_input: object = INPUT) -> dict:
    return {
        "version": "0",
        "source": "aws.states",
        "detail-type": "Step Functions Execution Status Change",
        "detail": {
            "executionArn": "arn:aws:states:us-east-1:1:execution:sm:run-1",
            "stateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:sm",
            "name": "run-1",
            "status": status,
            "startDate": 1767225600000,
            "stopDate": 1767312000000,
            "input": json.dumps(execution_input),
            "output": None,
            "error": None,
            "cause": None,
        },
    }


@pytest.mark.parametrize(
    ("status", "outcome"),
    [("TIMED_OUT", RunOutcome.TIMED_OUT), ("ABORTED", RunOutcome.ABORTED)],
)
def test_an_unfinished_execution_is_recorded_where_its_reports_would_be(status, outcome):
    event = status_change(status)
    assert is_status_change(event)
    state = state_from_status_change(event)
    assert (state.dataset.bucket, state.dataset.key, state.dataset.version_id) == (
        "b",
        "datasets/support/golden.jsonl",
        "v7",
    )
    assert state.suite == "support"
    assert state.job_name == naming.job_name("support", "b", INPUT["key"], "v7")
    assert failure_outcome(state) is outcome
    record = build_failure_record(state)
    assert record.suite == "support"
    assert f"Execution run-1 ended {status}" in record.message
    assert "started 2026-01-01T00:00:00+00:00" in record.message


def test_a_run_state_is_not_a_status_change():
    assert not is_status_change(INPUT)


def test_other_statuses_and_bad_inputs_are_refused_with_a_reason():
    with pytest.raises(RunStateError, match="FAILED execution recorded itself"):
        state_from_status_change(status_change("FAILED"))
    event = status_change("TIMED_OUT")
    event["detail"]["input"] = "not json"
    with pytest.raises(RunStateError, match="input is not JSON"):
        state_from_status_change(event)
    with pytest.raises(RunStateError, match="lacks key"):
        state_from_status_change(status_change("ABORTED", {"bucket": "b"}))


def test_an_upload_outside_a_suite_folder_still_gets_a_state():
    state = state_from_status_change(status_change("TIMED_OUT", {"bucket": "b", "key": "x.jsonl"}))
    assert state.suite is None and state.job_name is None
