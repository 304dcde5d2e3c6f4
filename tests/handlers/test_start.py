"""One execution per dataset version, however often the upload event arrives."""

import boto3
import pytest

from evalcore import naming
from evalctl.simulation.aws import lambda_context
from handlers import start as start_handler
from tests.handlers.conftest import start


@pytest.fixture
def machine(world, monkeypatch) -> str:
    arn = boto3.client("stepfunctions").create_state_machine(
        name="pipeline",
        definition='{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}',
        roleArn="arn:aws:iam::123456789012:role/states",
    )["stateMachineArn"]
    monkeypatch.setenv(naming.STATE_MACHINE_ENV, arn)
    return arn


def test_a_redelivered_event_starts_no_second_execution(world, machine):
    event = start(world)
    first = start_handler.handler(event, lambda_context())
    while_running = start_handler.handler(event, lambda_context())
    assert while_running["executionArn"] == first["executionArn"]
    boto3.client("stepfunctions").stop_execution(executionArn=first["executionArn"])
    after_it_ended = start_handler.handler(event, lambda_context())
    assert after_it_ended == {
        "executionName": first["executionName"],
        "executionArn": None,
        "alreadyRan": True,
    }
    executions = boto3.client("stepfunctions").list_executions(stateMachineArn=machine)
    assert [e["name"] for e in executions["executions"]] == [first["executionName"]]


def test_a_new_version_of_the_dataset_gets_its_own_execution(world, machine):
    first = start_handler.handler(start(world), lambda_context())
    second = start_handler.handler(start(world), lambda_context())  # uploaded again
    assert first["executionName"] != second["executionName"]
    assert not second["alreadyRan"]


def test_execution_names_follow_step_functions_rules():
    name = naming.execution_name("b", "datasets/s/" + "ä x" * 60 + ".jsonl", "v1")
    assert len(name) <= naming.EXECUTION_NAME_MAX
    assert all(c.isascii() and (c.isalnum() or c in "-_") for c in name)
    assert name == naming.execution_name("b", "datasets/s/" + "ä x" * 60 + ".jsonl", "v1")
    assert name != naming.execution_name("b", "datasets/s/" + "ä x" * 60 + ".jsonl", "v2")
