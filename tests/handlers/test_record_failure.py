import json

from evalctl.simulation.aws import lambda_context
from evalctl.simulation.emf import datapoints
from handlers import record_failure
from tests.handlers.conftest import start, submitted


def test_record_failure_writes_failure_json_for_bedrock_failures(world, capsys):
    state = {
        **submitted(start(world), lambda_context()),
        "status": "Failed",
        "failureMessages": ["The judge model is not available"],
    }
    result = record_failure.handler(state, lambda_context())
    record = world.read_json(result["failureKey"])
    assert result["failureKey"] == f"reports/support-assistant/{state['jobName']}/failure.json"
    assert record["messages"] == ["The judge model is not available"]
    assert record["jobArn"] == state["jobArn"]
    assert record["kind"] == "bedrock"

    assert datapoints(capsys.readouterr().out) == {
        ("RunsStarted", ()): 1,
        ("RunSucceeded", (("Suite", "support-assistant"),)): 0,
        ("RunsFailed", ()): 1,
    }
    (note,) = world.inbox.messages()
    assert note.subject == "[bedrock-eval] support-assistant: job-failed"
    assert "Bedrock failure messages:\n  - The judge model is not available" in note.message
    assert f"s3://{world.bucket}/{result['failureKey']}" in note.message


def test_record_failure_unpacks_a_caught_error(world):
    event = {
        **start(world),
        "error": {
            "Error": "SuiteError",
            "Cause": '{"errorType": "SuiteError", "errorMessage": "bad"}',
        },
    }
    result = record_failure.handler(event, lambda_context())
    record = world.read_json(result["failureKey"])
    assert (record["kind"], record["errorType"], record["message"]) == (
        "workflow",
        "SuiteError",
        "bad",
    )


def test_a_rejected_upload_of_an_unknown_suite_creates_no_suite_stream(world, capsys):
    event = {
        **start(world, key="datasets/nope/d.jsonl"),
        "error": {"Error": "SuiteError", "Cause": '{"errorMessage": "no suite named nope"}'},
    }
    record_failure.handler(event, lambda_context())
    assert datapoints(capsys.readouterr().out) == {}  # submit counted RunsRejected
    (note,) = world.inbox.messages()
    assert note.attributes == {"suite": "nope", "outcome": "rejected"}
    assert "Problems:\n  - no suite named nope" in note.message


def test_a_timed_out_execution_event_is_recorded_and_notified(world, capsys):
    upload = start(world)
    event = {
        "source": "aws.states",
        "detail-type": "Step Functions Execution Status Change",
        "detail": {"name": "run-9", "status": "TIMED_OUT", "input": json.dumps(upload)},
    }
    result = record_failure.handler(event, lambda_context())
    record = world.read_json(result["failureKey"])
    assert (record["errorType"], record["suite"]) == ("States.Timeout", "support-assistant")
    assert datapoints(capsys.readouterr().out) == {
        ("RunSucceeded", (("Suite", "support-assistant"),)): 0,
        ("RunsTimedOut", ()): 1,
    }
    (note,) = world.inbox.messages()
    assert note.subject == "[bedrock-eval] support-assistant: timed-out"
    assert "may still be running" in note.message
