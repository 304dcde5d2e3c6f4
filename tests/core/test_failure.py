import json

from evalcore.failure import build_failure_record, failure_key
from evalcore.run_state import FailureKind, RunState


def test_workflow_failure_unpacks_the_lambda_error():
    cause = json.dumps({"errorType": "DatasetError", "errorMessage": "2 problems:\n  - a\n  - b"})
    state = RunState.from_json(
        {
            "bucket": "b",
            "key": "datasets/support-assistant/d.jsonl",
            "versionId": "v1",
            "error": {"Error": "DatasetError", "Cause": cause},
        }
    )
    record = build_failure_record(state)
    assert record.kind is FailureKind.WORKFLOW
    assert record.error_type == "DatasetError"
    assert record.messages == ("2 problems:", "  - a", "  - b")
    assert record.suite == "support-assistant"
    assert record.to_json()["kind"] == "workflow"
    assert failure_key(state).startswith("reports/support-assistant/support-assistant-d-")
    assert failure_key(state).endswith("/failure.json")


def test_a_cause_that_is_not_json_is_kept_as_the_message():
    state = RunState.from_json(
        {
            "bucket": "b",
            "key": "datasets/s/d.jsonl",
            "error": {"Error": "States.Timeout", "Cause": "late"},
        }
    )
    record = build_failure_record(state)
    assert (record.error_type, record.message) == ("States.Timeout", "late")


def test_bedrock_failure_keeps_the_failure_messages():
    state = RunState.from_json(
        {
            "bucket": "b",
            "key": "datasets/s/d.jsonl",
            "suite": "s",
            "jobName": "s-d-123",
            "status": "Failed",
            "failureMessages": ["AccessDenied on s3://b/datasets/s/d.jsonl"],
        }
    )
    record = build_failure_record(state)
    assert record.kind is FailureKind.BEDROCK
    assert record.error_type == "EvaluationJobFailed"
    assert record.message == "AccessDenied on s3://b/datasets/s/d.jsonl"
    assert failure_key(state) == "reports/s/s-d-123/failure.json"


def test_a_key_without_suite_folder_is_recorded_as_unassigned():
    state = RunState.from_json(
        {"bucket": "b", "key": "datasets/x.jsonl", "error": {"Error": "SuiteError"}}
    )
    assert failure_key(state).startswith("reports/unassigned/")
