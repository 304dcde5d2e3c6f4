"""`evalctl jobs` and the stack lookup, against Stubber-wrapped CloudFormation and Bedrock
clients (moto's CloudFormation needs extras this environment does not install)."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from evalcore.job_request import build_create_job_request
from evalcore.run_state import DatasetRef
from evalcore.suite import load_suite
from evalctl.stack import DEFAULT_STACK_NAME, StackOutputs, stack_outputs

ACCOUNT = "123456789012"
BUCKET = "pipeline-bucket"
STACK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/BedrockEvalPipeline-EvalRole"
OTHER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/other-team-eval"
OUTPUTS = [
    {"OutputKey": "BucketName", "OutputValue": BUCKET},
    {
        "OutputKey": "StateMachineArn",
        "OutputValue": f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:Eval",
    },
    {"OutputKey": "EvaluationServiceRoleArn", "OutputValue": STACK_ROLE},
]
SUMMARY_FIELDS = ("jobArn", "jobName", "status", "creationTime")
GET_FIELDS = (
    boto3.client("bedrock", region_name="us-east-1")
    .meta.service_model.operation_model("GetEvaluationJob")
    .output_shape.members
)


def _job(suite: str, key: str, role: str, status: str, number: int) -> dict:
    """A GetEvaluationJob answer for a job started the way the submit Lambda starts one."""
    request = build_create_job_request(
        load_suite(suite), DatasetRef(BUCKET, key, f"v{number}"), role_arn=role
    )
    job = {k: v for k, v in request.items() if k in GET_FIELDS}
    return job | {
        "jobArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:evaluation-job/{number:012d}",
        "status": status,
        "jobType": "Automated",
        "creationTime": datetime(2026, 11, number, 9, 0, tzinfo=UTC),
    }


def _summary(job: dict) -> dict:
    return {k: job[k] for k in SUMMARY_FIELDS} | {
        "jobType": "Automated",
        "evaluationTaskTypes": ["General"],
    }


OURS_RUNNING = _job(
    "support-assistant", "datasets/support-assistant/week-47.jsonl", STACK_ROLE, "InProgress", 3
)
OURS_DONE = _job("live-nova", "datasets/live-nova/smoke.jsonl", STACK_ROLE, "Completed", 2)
SAME_SUITE_OTHER_STACK = _job(
    "support-assistant", "datasets/support-assistant/x.jsonl", OTHER_ROLE, "InProgress", 1
)
UNRELATED = {
    **OURS_DONE,
    "jobName": "hand-made-eval",
    "jobArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:evaluation-job/000000000009",
}


@pytest.fixture
def stubs(stubbed_aws):
    clients = {
        "cloudformation": boto3.client("cloudformation", region_name="us-east-1"),
        "bedrock": boto3.client("bedrock", region_name="us-east-1"),
    }
    stubbers = {name: Stubber(client) for name, client in clients.items()}
    stubbed_aws.clients.update(clients)
    for stub in stubbers.values():
        stub.activate()
    yield stubbers
    for stub in stubbers.values():
        stub.assert_no_pending_responses()
        stub.deactivate()


def _stack(stub: Stubber, outputs: list[dict] = OUTPUTS, name: str = DEFAULT_STACK_NAME) -> None:
    stub.add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": name,
                    "CreationTime": datetime(2026, 11, 1, tzinfo=UTC),
                    "StackStatus": "CREATE_COMPLETE",
                    "Outputs": outputs,
                }
            ]
        },
        {"StackName": name},
    )


def _get(stub: Stubber, job: dict) -> None:
    stub.add_response("get_evaluation_job", job, {"jobIdentifier": job["jobArn"]})


def test_stack_outputs_are_read_from_describe_stacks(stubs, stubbed_aws):
    _stack(stubs["cloudformation"], name="MyPipeline")
    outputs = stack_outputs(stubbed_aws.client("cloudformation"), "MyPipeline")
    assert outputs == StackOutputs("MyPipeline", BUCKET, OUTPUTS[1]["OutputValue"], STACK_ROLE)


def test_a_missing_stack_or_output_is_explained(stubs, capsys, evalctl):
    stubs["cloudformation"].add_client_error(
        "describe_stacks", "ValidationError", "Stack with id Nope does not exist", 400
    )
    assert evalctl(["jobs", "list", "--stack-name", "Nope"]) == 1
    assert "stack Nope: <stack>: does not exist in this account and Region" in (
        capsys.readouterr().err
    )
    _stack(stubs["cloudformation"], OUTPUTS[:2])
    assert evalctl(["jobs", "list"]) == 1
    assert "Outputs: lacks EvaluationServiceRoleArn" in capsys.readouterr().err


def test_list_shows_only_jobs_started_with_the_stack_role(stubs, capsys, evalctl):
    _stack(stubs["cloudformation"])
    bedrock = stubs["bedrock"]
    jobs = [OURS_RUNNING, OURS_DONE, SAME_SUITE_OTHER_STACK, UNRELATED]
    bedrock.add_response(
        "list_evaluation_jobs",
        {"jobSummaries": [_summary(job) for job in jobs]},
        {"sortBy": "CreationTime", "sortOrder": "Descending"},
    )
    for job in (OURS_RUNNING, OURS_DONE, SAME_SUITE_OTHER_STACK):  # not the unrelated name
        _get(bedrock, job)
    assert evalctl(["jobs", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{OURS_RUNNING['jobName']}\tInProgress\t{OURS_RUNNING['jobArn']}",
        f"{OURS_DONE['jobName']}\tCompleted\t{OURS_DONE['jobArn']}",
    ]
    assert OURS_RUNNING["jobName"].startswith("support-assistant-week-47-")


def test_show_by_name_resolves_the_arn(stubs, capsys, evalctl):
    _stack(stubs["cloudformation"])
    bedrock = stubs["bedrock"]
    name = OURS_DONE["jobName"]
    bedrock.add_response(
        "list_evaluation_jobs", {"jobSummaries": [_summary(OURS_DONE)]}, {"nameContains": name}
    )
    _get(bedrock, OURS_DONE)
    assert evalctl(["jobs", "show", name]) == 0
    out = capsys.readouterr().out
    assert f"arn:       {OURS_DONE['jobArn']}" in out
    assert "stack's:   yes" in out
    assert "metrics:   Builtin.Correctness, Builtin.Relevance, Builtin.Coherence" in out
    assert "responses: us.amazon.nova-lite-v1:0" in out


def test_stop_stops_a_running_job_of_this_stack(stubs, capsys, evalctl):
    _stack(stubs["cloudformation"])
    _get(stubs["bedrock"], OURS_RUNNING)
    stubs["bedrock"].add_response(
        "stop_evaluation_job", {}, {"jobIdentifier": OURS_RUNNING["jobArn"]}
    )
    assert evalctl(["jobs", "stop", OURS_RUNNING["jobArn"]]) == 0
    assert f"stopping {OURS_RUNNING['jobName']}" in capsys.readouterr().out


def test_stop_refuses_another_stacks_job_and_a_finished_one(stubs, capsys, evalctl):
    for job in (SAME_SUITE_OTHER_STACK, OURS_DONE):
        _stack(stubs["cloudformation"])
        _get(stubs["bedrock"], job)
    assert evalctl(["jobs", "stop", SAME_SUITE_OTHER_STACK["jobArn"]]) == 1
    assert f"roleArn: is {OTHER_ROLE}, not the role of stack BedrockEvalPipeline" in (
        capsys.readouterr().err
    )
    assert evalctl(["jobs", "stop", OURS_DONE["jobArn"]]) == 1
    assert "is Completed; only running jobs stop" in capsys.readouterr().err


def test_an_unknown_job_name_is_explained(stubs, capsys, evalctl):
    _stack(stubs["cloudformation"])
    stubs["bedrock"].add_response(
        "list_evaluation_jobs",
        {},
        {"nameContains": "nope"},  # no jobSummaries when empty
    )
    assert evalctl(["jobs", "show", "nope"]) == 1
    assert "job nope: <name>: no evaluation job has this name" in capsys.readouterr().err
