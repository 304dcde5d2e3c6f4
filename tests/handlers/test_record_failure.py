from handlers import record_failure, submit
from tests.fakes.aws import lambda_context
from tests.handlers.conftest import start


def test_record_failure_writes_failure_json_for_bedrock_failures(world):
    state = {
        **submit.handler(start(world), lambda_context()),
        "status": "Failed",
        "failureMessages": ["The judge model is not available"],
    }
    result = record_failure.handler(state, lambda_context())
    record = world.read_json(result["failureKey"])
    assert result["failureKey"] == f"reports/support-assistant/{state['jobName']}/failure.json"
    assert record["messages"] == ["The judge model is not available"]
    assert record["jobArn"] == state["jobArn"]
    assert record["kind"] == "bedrock"


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
