"""Each handler against moto S3 and the botocore-layer Bedrock fake."""

from __future__ import annotations

import json

import pytest

from evalcore.errors import DatasetError, SuiteError
from handlers import parse, poll, record_failure, submit
from handlers.runtime import BedrockThrottled
from tests.fakes.aws import ROLE_ARN, LambdaContext, fake_aws

KEY = "datasets/support-assistant/smoke.jsonl"
SCORES = {"p1": 1.0, "p2": 0.5, "p3": None, "p4": 0.25}
CATEGORIES = {"p1": "billing", "p2": "billing", "p3": "account", "p4": "account"}


def scorer(record: dict, metric: str):
    return SCORES[record["prompt"]]


def dataset(source_id: str = "support-assistant-v1") -> list[dict]:
    return [
        {
            "prompt": prompt,
            "referenceResponse": "ref",
            "category": CATEGORIES[prompt],
            "modelResponses": [{"response": f"answer {prompt}", "modelIdentifier": source_id}],
        }
        for prompt in SCORES
    ]


@pytest.fixture(autouse=True)
def role(monkeypatch):
    monkeypatch.setenv("EVALUATION_ROLE_ARN", ROLE_ARN)


@pytest.fixture
def world():
    with fake_aws(scorer, polls_until_done=1) as world:
        yield world


def start(world, key: str = KEY, rows: list[dict] | None = None) -> dict:
    version = world.upload(key, rows if rows is not None else dataset())
    return {"bucket": world.bucket, "key": key, "versionId": version}


def run_to_completion(world, event: dict) -> dict:
    state = submit.handler(event, LambdaContext())
    while (state := poll.handler(state, LambdaContext()))["status"] == "InProgress":
        pass
    return state


def test_submit_validates_estimates_and_creates_the_job(world):
    state = submit.handler(start(world), LambdaContext())
    (operation, request), *_ = world.bedrock.calls
    assert operation == "CreateEvaluationJob"
    assert request["roleArn"] == ROLE_ARN
    assert request["jobName"] == state["jobName"]
    assert state["jobArn"] in world.bedrock.jobs
    assert state["records"] == 4
    assert state["costEstimate"]["judgeUsd"] > 0
    assert (
        state["outputS3Uri"] == f"s3://{world.bucket}/results/support-assistant/{state['jobName']}/"
    )


def test_submitting_the_same_upload_twice_yields_one_job(world):
    event = start(world)
    first = submit.handler(event, LambdaContext())
    second = submit.handler(event, LambdaContext())
    assert first["jobArn"] == second["jobArn"]
    assert len(world.bedrock.jobs) == 1


def test_a_name_conflict_reuses_the_existing_job(world):
    event = start(world)
    first = submit.handler(event, LambdaContext())
    next(iter(world.bedrock.jobs.values())).request["clientRequestToken"] = "someone-else"
    assert submit.handler(event, LambdaContext())["jobArn"] == first["jobArn"]


def test_a_new_version_of_the_dataset_is_a_new_job(world):
    first = submit.handler(start(world), LambdaContext())
    second = submit.handler(start(world), LambdaContext())
    assert first["jobName"] != second["jobName"]


def test_throttling_becomes_the_retryable_error():
    with fake_aws(scorer, throttle_first_create=True) as world, pytest.raises(BedrockThrottled):
        submit.handler(start(world), LambdaContext())


def test_an_invalid_dataset_is_refused_with_line_numbers(world):
    rows = dataset()
    rows[2]["modelResponses"][0]["modelIdentifier"] = "wrong-app"
    with pytest.raises(DatasetError) as raised:
        submit.handler(start(world, rows=rows), LambdaContext())
    assert "smoke.jsonl:3: modelResponses[0].modelIdentifier" in str(raised.value)
    assert world.bedrock.calls == []


def test_a_dataset_for_an_unknown_suite_is_refused(world):
    with pytest.raises(SuiteError, match="no suite named 'nope'"):
        submit.handler(start(world, key="datasets/nope/d.jsonl"), LambdaContext())


def test_parse_aggregates_every_output_file_and_writes_the_summary(world, capsys):
    state = run_to_completion(world, start(world))
    assert state["status"] == "Completed"
    result = parse.handler(state, LambdaContext())

    summary = world.read_json(result["summaryKey"])
    assert result["summaryKey"] == f"reports/support-assistant/{state['jobName']}/summary.json"
    assert len(summary["outputFiles"]) == 2
    assert summary["records"] == 4
    correctness = summary["metrics"]["Builtin.Correctness"]
    # (1.0 + 0.5 + 0.25) / 3: p3's null is N/A, not zero
    assert correctness["mean"] == pytest.approx(0.5833, abs=1e-4)
    assert correctness["naRate"] == 0.25
    assert summary["categories"]["billing"]["Builtin.Correctness"]["mean"] == 0.75
    assert summary["categories"]["account"]["Builtin.Correctness"]["mean"] == 0.25
    assert {low["prompt"] for low in summary["lowScores"]} == {"p4"}
    assert "p4" in summary["lowScores"][0]["explanation"]
    assert [b["metric"] for b in summary["thresholdBreaches"]] == [
        "Builtin.Completeness",
        "Builtin.Correctness",
        "Builtin.Helpfulness",
    ]
    assert summary["passed"] is False
    assert (
        world.read_json("reports/support-assistant/latest-summary.json")["jobName"]
        == (state["jobName"])
    )

    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    published = {k: v for doc in emf for k, v in doc.items() if not k.startswith("_")}
    assert published["Suite"] == "support-assistant"
    assert published["Builtin.Correctness"] == [pytest.approx(0.5833, abs=1e-4)]
    assert published["Builtin.Correctness.NARate"] == [0.25]
    assert published["ThresholdBreaches"] == [3.0]


def test_parse_compares_with_the_previous_run_but_never_with_itself(world):
    first = parse.handler(run_to_completion(world, start(world)), LambdaContext())
    SCORES["p1"] = 0.0
    try:
        second_state = run_to_completion(world, start(world))
        second = parse.handler(second_state, LambdaContext())
        again = parse.handler(second_state, LambdaContext())
    finally:
        SCORES["p1"] = 1.0
    summary = world.read_json(second["summaryKey"])
    assert (
        summary["comparison"]["previousJobName"] == world.read_json(first["summaryKey"])["jobName"]
    )
    assert "Builtin.Correctness" in summary["comparison"]["regressions"]
    rerun = world.read_json(again["summaryKey"])
    assert rerun["comparison"]["previousJobName"] == summary["comparison"]["previousJobName"]


def test_parse_without_outputs_says_where_it_looked(world):
    state = submit.handler(start(world), LambdaContext())
    with pytest.raises(parse.ResultsNotFound, match=state["outputS3Uri"]):
        parse.handler(state, LambdaContext())


def test_record_failure_writes_failure_json_for_bedrock_failures(world):
    state = {
        **submit.handler(start(world), LambdaContext()),
        "status": "Failed",
        "failureMessages": ["The judge model is not available"],
    }
    result = record_failure.handler(state, LambdaContext())
    record = world.read_json(result["failureKey"])
    assert result["failureKey"] == f"reports/support-assistant/{state['jobName']}/failure.json"
    assert record["messages"] == ["The judge model is not available"]
    assert record["jobArn"] == state["jobArn"]
