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


def test_a_failed_sharded_run_lists_every_shards_outcome():
    base = {"bucket": "b", "key": "datasets/s/big.jsonl", "suite": "s", "shardCount": 3}
    error = {"Error": "BedrockQuotaExceeded", "Cause": json.dumps({"errorMessage": "quota"})}
    state = RunState.from_json(
        {
            **base,
            "jobName": "s-big-0123456789",
            "status": "Failed",
            "failureMessages": ["shard 2/3 (s-big-0123456789-s2): judge failed"],
            "shardOutcomes": [
                {**base, "shardIndex": 0, "jobName": "s-big-0123456789-s1", "status": "Completed"},
                {
                    **base,
                    "shardIndex": 1,
                    "jobName": "s-big-0123456789-s2",
                    "status": "Failed",
                    "failureMessages": ["judge failed"],
                },
                {**base, "shardIndex": 2, "jobName": "s-big-0123456789-s3", "error": error},
            ],
        }
    )
    record = build_failure_record(state).to_json()
    assert record["kind"] == "bedrock"
    assert [(s["shard"], s["of"], s["completed"], s["message"]) for s in record["shards"]] == [
        (1, 3, True, "completed"),
        (2, 3, False, "judge failed"),
        (3, 3, False, "quota"),
    ]


def test_a_run_stopped_at_its_limit_is_a_time_limit_failure():
    base = {"bucket": "b", "key": "datasets/s/d.jsonl", "suite": "s", "shardCount": 1}
    stopped = {
        **base,
        "shardIndex": 0,
        "jobName": "s-d-0123456789",
        "status": "Stopped",
        "overdue": True,
        "failureMessages": ["stopped: the run passed its time limit of 12 h"],
    }
    state = RunState.from_json({**stopped, "shardOutcomes": [stopped]})
    record = build_failure_record(state)
    assert (record.kind, record.error_type) == (FailureKind.TIME_LIMIT, "RunTimeLimitExceeded")
    assert record.message == "stopped: the run passed its time limit of 12 h"
