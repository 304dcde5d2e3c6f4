import pytest

from evalcore.errors import DatasetError, SuiteError
from evalcore.run_state import RunStateError
from evalctl.simulation.aws import ROLE_ARN, fake_aws, lambda_context
from evalctl.simulation.emf import datapoints, emf_records
from handlers import submit
from handlers.runtime import BedrockThrottled
from tests.handlers.conftest import QUALITY, dataset, judge, start


def test_submit_validates_estimates_and_creates_the_job(world):
    state = submit.handler(start(world), lambda_context())
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
    first = submit.handler(event, lambda_context())
    second = submit.handler(event, lambda_context())
    assert first["jobArn"] == second["jobArn"]
    assert len(world.bedrock.jobs) == 1


def test_a_name_conflict_reuses_the_existing_job(world):
    event = start(world)
    first = submit.handler(event, lambda_context())
    next(iter(world.bedrock.jobs.values())).request["clientRequestToken"] = "someone-else"
    assert submit.handler(event, lambda_context())["jobArn"] == first["jobArn"]


def test_a_new_version_of_the_dataset_is_a_new_job(world):
    first = submit.handler(start(world), lambda_context())
    second = submit.handler(start(world), lambda_context())
    assert first["jobName"] != second["jobName"]


def test_throttling_becomes_the_retryable_error():
    with (
        fake_aws(judge(QUALITY), throttle_first_create=True) as world,
        pytest.raises(BedrockThrottled),
    ):
        submit.handler(start(world), lambda_context())


def test_an_invalid_dataset_is_refused_with_line_numbers(world):
    rows = dataset()
    rows[2]["modelResponses"][0]["modelIdentifier"] = "wrong-app"
    with pytest.raises(DatasetError) as raised:
        submit.handler(start(world, rows=rows), lambda_context())
    assert "smoke.jsonl:3: modelResponses[0].modelIdentifier" in str(raised.value)
    assert world.bedrock.calls == []


def test_submit_counts_started_and_rejected_runs(world, capsys):
    submit.handler(start(world), lambda_context())
    assert datapoints(capsys.readouterr().out) == {("RunsStarted", ()): 1}
    with pytest.raises(SuiteError):
        submit.handler(start(world, key="datasets/nope/d.jsonl"), lambda_context())
    with pytest.raises(RunStateError):
        submit.handler({"bucket": world.bucket}, lambda_context())
    out = capsys.readouterr().out
    assert [record.values for record in emf_records(out)] == [{"RunsRejected": 1}] * 2


def test_a_dataset_for_an_unknown_suite_is_refused(world):
    with pytest.raises(SuiteError, match="no suite named 'nope'"):
        submit.handler(start(world, key="datasets/nope/d.jsonl"), lambda_context())


def test_an_execution_input_without_a_key_names_the_field(world):
    with pytest.raises(RunStateError, match="lacks key"):
        submit.handler({"bucket": world.bucket}, lambda_context())
