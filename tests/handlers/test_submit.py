import json

import pytest

from evalcore.errors import DatasetError, SuiteError
from evalcore.run_limit import HUMAN_RUN_LIMIT_ENV, RUN_LIMIT_ENV
from evalcore.run_state import RunStateError
from evalcore.shards import MAX_SHARDS_ENV
from evalcore.suite import DEFAULT_SUITES_DIR, SUITES_DIR_ENV
from evalctl.simulation.aws import ROLE_ARN, fake_aws, lambda_context
from evalctl.simulation.bedrock_output import judge_by_prompt
from evalctl.simulation.bedrock_service import LEGACY, NOT_FOUND
from evalctl.simulation.emf import datapoints, emf_records
from handlers import parse, poll, record_failure, submit
from handlers.runtime import BedrockThrottled
from tests.handlers.conftest import (
    COMPARISON_KEY,
    COMPARISON_ROWS,
    HUMAN_KEY,
    QUALITY,
    comparison_world,
    dataset,
    human_rows,
    start,
    submitted,
)

HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0"
AWKWARD_KEY = "datasets/support-assistant/date=2026-11-22/run 1.jsonl"
BOM = b"\xef\xbb\xbf"


def crlf_with_bom_and_blank_lines(rows: list[dict]) -> bytes:
    """What a spreadsheet export on Windows looks like: BOM, CRLF, a blank line per record."""
    return BOM + b"".join(json.dumps(row).encode() + b"\r\n\r\n" for row in rows)


def caught(error: Exception) -> dict:
    """What the state machine's Catch hands record_failure for an error the Lambda raised."""
    cause = {"errorType": type(error).__name__, "errorMessage": str(error)}
    return {"Error": type(error).__name__, "Cause": json.dumps(cause)}


def test_submit_validates_estimates_and_creates_the_job(world):
    state = submitted(start(world), lambda_context())
    (request,) = world.bedrock.creates()
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
    first = submitted(event, lambda_context())
    second = submitted(event, lambda_context())
    assert first["jobArn"] == second["jobArn"]
    assert len(world.bedrock.jobs) == 1


def test_a_name_conflict_reuses_the_existing_job(world):
    event = start(world)
    first = submitted(event, lambda_context())
    next(iter(world.bedrock.jobs.values())).request["clientRequestToken"] = "someone-else"
    assert submitted(event, lambda_context())["jobArn"] == first["jobArn"]


def test_a_new_version_of_the_dataset_is_a_new_job(world):
    first = submitted(start(world), lambda_context())
    second = submitted(start(world), lambda_context())
    assert first["jobName"] != second["jobName"]


def test_throttling_becomes_the_retryable_error():
    with (
        fake_aws(judge_by_prompt(QUALITY), throttle_first_create=True) as world,
        pytest.raises(BedrockThrottled),
    ):
        submitted(start(world), lambda_context())


def test_an_invalid_dataset_is_refused_with_line_numbers(world):
    rows = dataset()
    rows[2]["modelResponses"][0]["modelIdentifier"] = "wrong-app"
    with pytest.raises(DatasetError) as raised:
        submitted(start(world, rows=rows), lambda_context())
    assert "smoke.jsonl:3: modelResponses[0].modelIdentifier" in str(raised.value)
    assert world.bedrock.calls == []


def test_submit_counts_started_and_rejected_runs(world, capsys):
    submitted(start(world), lambda_context())
    assert datapoints(capsys.readouterr().out) == {("RunsStarted", ()): 1}
    with pytest.raises(SuiteError):
        submitted(start(world, key="datasets/nope/d.jsonl"), lambda_context())
    with pytest.raises(RunStateError):
        submitted({"bucket": world.bucket}, lambda_context())
    out = capsys.readouterr().out
    assert [record.values for record in emf_records(out)] == [{"RunsRejected": 1}] * 2


def test_a_dataset_for_an_unknown_suite_is_refused(world):
    with pytest.raises(SuiteError, match="no suite named 'nope'"):
        submitted(start(world, key="datasets/nope/d.jsonl"), lambda_context())


def test_an_execution_input_without_a_key_names_the_field(world):
    with pytest.raises(RunStateError, match="lacks key"):
        submitted({"bucket": world.bucket}, lambda_context())


def test_a_legacy_judge_is_refused_before_any_job_is_created_and_recorded():
    with fake_aws(judge_by_prompt(QUALITY), lifecycles={HAIKU: LEGACY}) as world:
        event = start(world)
        with pytest.raises(SuiteError) as raised:
            submitted(event, lambda_context())
        assert world.bedrock.creates() == []
        assert world.keys("staging/") == []
        message = str(raised.value)
        assert "support-assistant.json: evaluatorModel:" in message
        assert f"{HAIKU!r} is LEGACY" in message
        assert "supported evaluator models" in message and "model-lifecycle" in message

        failure = record_failure.handler({**event, "error": caught(raised.value)}, lambda_context())
        record = world.read_json(failure["failureKey"])
        assert record["errorType"] == "SuiteError"
        assert "is LEGACY" in record["message"]


def test_an_end_of_life_live_model_is_refused_naming_its_field():
    with fake_aws(
        judge_by_prompt(QUALITY), lifecycles={"amazon.nova-lite-v1:0": NOT_FOUND}
    ) as world:
        rows = [{"prompt": prompt} for prompt in QUALITY]
        event = start(world, key="datasets/live-nova/smoke.jsonl", rows=rows)
        with pytest.raises(
            SuiteError, match=r"live-nova\.json: inference\.modelIdentifier"
        ) as raised:
            submitted(event, lambda_context())
        assert "'amazon.nova-lite-v1:0' is not offered" in str(raised.value)
        assert world.bedrock.creates() == []


def test_an_awkward_key_with_bom_crlf_and_blank_lines_is_staged_normalised(world):
    body = crlf_with_bom_and_blank_lines(dataset())
    event = start(world, key=AWKWARD_KEY, rows=body)
    state = submitted(event, lambda_context())

    staged_key = state["stagedKey"]
    assert staged_key == f"staging/support-assistant/{state['jobName']}/run-1.jsonl"
    expected = b"".join(json.dumps(row).encode() + b"\n" for row in dataset())
    assert world.read_bytes(staged_key) == expected
    (request,) = world.bedrock.creates()
    (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
    assert config["dataset"]["datasetLocation"]["s3Uri"] == f"s3://{world.bucket}/{staged_key}"
    # The upload itself is never changed.
    assert world.read_bytes(AWKWARD_KEY, event["versionId"]) == body
    assert world.keys("datasets/") == [AWKWARD_KEY]


def test_problems_after_blank_lines_keep_the_uploaded_line_numbers(world):
    rows = dataset()
    rows[1]["modelResponses"][0]["modelIdentifier"] = "wrong-app"
    with pytest.raises(DatasetError) as raised:
        submitted(start(world, rows=crlf_with_bom_and_blank_lines(rows)), lambda_context())
    # Record 2 sits on line 3 of the upload: a blank line follows each record.
    assert "smoke.jsonl:3: modelResponses[0].modelIdentifier" in str(raised.value)
    assert world.keys("staging/") == []


def test_a_retried_submit_keeps_the_staged_copy_it_wrote(world):
    event = start(world)
    first = submitted(event, lambda_context())
    staged = world.s3.head_object(Bucket=world.bucket, Key=first["stagedKey"])
    second = submitted(event, lambda_context())
    again = world.s3.head_object(Bucket=world.bucket, Key=second["stagedKey"])
    assert second["stagedKey"] == first["stagedKey"]
    assert again["VersionId"] == staged["VersionId"]  # not written a second time


def test_re_uploading_the_key_while_the_job_runs_does_not_change_what_is_judged(world):
    state = submitted(start(world), lambda_context())
    staged_before = world.read_bytes(state["stagedKey"])
    replacement = [{**row, "prompt": f"new {row['prompt']}"} for row in dataset()]
    world.upload(state["key"], replacement)  # a new version of the same key, mid-run

    while (state := poll.handler(state, lambda_context()))["status"] == "InProgress":
        pass
    summary = world.read_summary(parse.handler(state, lambda_context())["summaryKey"])
    assert world.read_bytes(state["stagedKey"]) == staged_before
    assert {low["prompt"] for low in summary["lowScores"]} == {"p4"}  # the validated prompts
    assert (summary["promptsSubmitted"], summary["resultsReceived"]) == (4, 4)


def test_the_run_limit_is_the_suites_when_shorter(world, monkeypatch, tmp_path):
    suite = json.loads((DEFAULT_SUITES_DIR / "support-assistant.json").read_text())
    (tmp_path / "support-assistant.json").write_text(json.dumps({**suite, "maxRunHours": 2}))
    monkeypatch.setenv(RUN_LIMIT_ENV, str(12 * 3600))
    assert submitted(start(world), lambda_context())["runLimitSeconds"] == 12 * 3600
    monkeypatch.setenv(SUITES_DIR_ENV, str(tmp_path))
    assert submitted(start(world), lambda_context())["runLimitSeconds"] == 2 * 3600


def test_a_model_comparison_is_planned_as_one_job_per_model():
    with comparison_world() as world:
        state = submit.handler(start(world, COMPARISON_KEY, COMPARISON_ROWS), lambda_context())
        run = state["jobName"]
        items = state["shards"]
        assert [item["jobName"] for item in items] == [f"{run}-m1", f"{run}-m2", f"{run}-m3"]
        assert [(i["modelIndex"], i["modelCount"]) for i in items] == [(0, 3), (1, 3), (2, 3)]
        assert {item["shardKey"] for item in items} == {state["stagedKey"]}  # one staged copy
        assert world.bedrock.creates() == []  # each job waits for its job slot


def test_a_sharded_comparison_runs_every_shard_for_every_model(monkeypatch):
    monkeypatch.setenv(MAX_SHARDS_ENV, "6")
    rows = [{**COMPARISON_ROWS[0], "prompt": f"q{i}"} for i in range(1500)]
    with comparison_world() as world:
        state = submit.handler(start(world, COMPARISON_KEY, rows), lambda_context())
    names = [item["jobName"].removeprefix(state["jobName"]) for item in state["shards"]]
    assert names == ["-m1-s1", "-m1-s2", "-m2-s1", "-m2-s2", "-m3-s1", "-m3-s2"]
    assert len({item["shardKey"] for item in state["shards"]}) == 2  # models share the shards


def test_a_comparison_over_the_runs_job_cap_is_refused_with_the_fix():
    rows = [{**COMPARISON_ROWS[0], "prompt": f"q{i}"} for i in range(1500)]
    with comparison_world() as world:
        with pytest.raises(DatasetError) as refused:
            submit.handler(start(world, COMPARISON_KEY, rows), lambda_context())
        assert world.keys("staging/") == []  # refused before anything is staged
    (problem,) = refused.value.problems
    assert "2 evaluation jobs of at most 1000 for each of 3 models: 6 jobs" in problem.message
    assert "at most 5 (maxShardsPerRun)" in problem.message
    assert problem.fix.startswith("split it into files of at most 1000 lines, compare fewer")


def test_a_human_run_is_given_the_human_run_limit_from_its_start(world, monkeypatch):
    """failure.json and the stop step read the limit submit writes: a review team's days,
    not the automated jobs' hours."""
    monkeypatch.setenv(RUN_LIMIT_ENV, str(12 * 3600))
    monkeypatch.setenv(HUMAN_RUN_LIMIT_ENV, str(5 * 24 * 3600))
    state = submitted(start(world, HUMAN_KEY, human_rows()), lambda_context())
    assert state["runLimitSeconds"] == 5 * 24 * 3600
