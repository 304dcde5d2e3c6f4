import json

from evalcore.cost import estimate_cost
from evalcore.dataset import validate_dataset
from evalcore.failure import build_failure_record, failure_key


def test_workflow_failure_unpacks_the_lambda_error():
    cause = json.dumps({"errorType": "DatasetError", "errorMessage": "2 problems:\n  - a\n  - b"})
    state = {
        "bucket": "b",
        "key": "datasets/support-assistant/d.jsonl",
        "versionId": "v1",
        "error": {"Error": "DatasetError", "Cause": cause},
    }
    record = build_failure_record(state)
    assert record["kind"] == "workflow"
    assert record["errorType"] == "DatasetError"
    assert record["messages"] == ["2 problems:", "  - a", "  - b"]
    assert record["suite"] == "support-assistant"
    assert failure_key(state).startswith("reports/support-assistant/support-assistant-d-")
    assert failure_key(state).endswith("/failure.json")


def test_bedrock_failure_keeps_the_failure_messages():
    state = {
        "bucket": "b",
        "key": "datasets/s/d.jsonl",
        "suite": "s",
        "jobName": "s-d-123",
        "status": "Failed",
        "failureMessages": ["AccessDenied on s3://b/datasets/s/d.jsonl"],
    }
    record = build_failure_record(state)
    assert record["kind"] == "bedrock"
    assert record["message"] == "AccessDenied on s3://b/datasets/s/d.jsonl"
    assert failure_key(state) == "reports/s/s-d-123/failure.json"


def test_a_key_without_suite_folder_is_recorded_as_unassigned():
    state = {"bucket": "b", "key": "datasets/x.jsonl", "error": {"Error": "SuiteError"}}
    assert failure_key(state).startswith("reports/unassigned/")


def test_cost_scales_with_prompts_and_metrics(precomputed_suite, live_suite):
    lines = [json.dumps({"prompt": "p" * 400})] * 10
    live = estimate_cost(live_suite, validate_dataset(lines, live_suite), prices=None)
    # judge: 10 prompts x 3 metrics x (1500 x 0.003 + 200 x 0.015) / 1000
    assert live.judge_usd == round(30 * (1500 * 0.003 + 200 * 0.015) / 1000, 4)
    # nova lite via the us. profile: 10 x 100 input tokens and 10 x 300 output tokens
    assert live.inference_usd == round((1000 * 0.00006 + 3000 * 0.00024) / 1000, 4)
    assert live.total_usd == round(live.judge_usd + live.inference_usd, 4)


def test_unknown_prices_are_explained(precomputed_suite):
    stats = validate_dataset([], precomputed_suite)
    estimate = estimate_cost(precomputed_suite, stats, prices={})
    assert estimate.total_usd is None
    assert "prices.json" in estimate.notes[0]
