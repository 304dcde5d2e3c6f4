"""The state machine definition: states, transitions, retries, catches and timeouts."""

from __future__ import annotations

import json

import pytest

from tests.infra.conftest import SETTINGS, render

LAMBDA_SERVICE_ERRORS = [
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
]
THROTTLE_RETRY = {
    "ErrorEquals": ["BedrockThrottled"],
    "IntervalSeconds": 30,
    "BackoffRate": 2,
    "MaxAttempts": 6,
}
CATCH_ALL = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailure"}]
TASK_FUNCTIONS = {
    "SubmitEvaluationJob": "submit",
    "CheckEvaluationJob": "poll",
    "ParseEvaluationResults": "parse",
    "RecordFailure": "record_failure",
}


@pytest.fixture(scope="module")
def machine(synthesized) -> dict:
    (machine,) = synthesized.resources("AWS::StepFunctions::StateMachine").values()
    return machine["Properties"]


@pytest.fixture(scope="module")
def definition(machine) -> dict:
    """The DefinitionString Fn::Join with every token replaced by a ${...} placeholder."""
    return json.loads(render(machine["DefinitionString"]))


def test_the_state_names_are_the_documented_interface(definition):
    assert definition["StartAt"] == "SubmitEvaluationJob"
    assert set(definition["States"]) == {
        "SubmitEvaluationJob",
        "WaitForEvaluationJob",
        "CheckEvaluationJob",
        "IsEvaluationJobDone",
        "ParseEvaluationResults",
        "RecordFailure",
        "EvaluationSucceeded",
        "EvaluationFailed",
    }


def test_the_transitions(definition):
    states = definition["States"]
    assert states["SubmitEvaluationJob"]["Next"] == "WaitForEvaluationJob"
    assert states["WaitForEvaluationJob"]["Next"] == "CheckEvaluationJob"
    assert states["CheckEvaluationJob"]["Next"] == "IsEvaluationJobDone"
    assert states["ParseEvaluationResults"]["Next"] == "EvaluationSucceeded"
    assert states["RecordFailure"]["Next"] == "EvaluationFailed"
    assert states["EvaluationSucceeded"] == {"Type": "Succeed"}
    assert states["EvaluationFailed"] == {
        "Type": "Fail",
        "Error": "EvaluationFailed",
        "Cause": "The evaluation did not complete; "
        "see failure.json under reports/ in the pipeline bucket",
    }


def test_the_choice_completes_fails_or_keeps_waiting(definition):
    choice = definition["States"]["IsEvaluationJobDone"]
    assert choice["Type"] == "Choice"
    assert choice["Default"] == "WaitForEvaluationJob"
    completed, failed = choice["Choices"]
    assert completed == {
        "Variable": "$.status",
        "StringEquals": "Completed",
        "Next": "ParseEvaluationResults",
    }
    assert failed["Next"] == "RecordFailure"
    assert failed["Or"] == [
        {"Variable": "$.status", "StringEquals": "Failed"},
        {"Variable": "$.status", "StringEquals": "Stopped"},
    ]


def test_the_wait_is_the_one_the_last_step_chose(definition):
    assert definition["States"]["WaitForEvaluationJob"] == {
        "Type": "Wait",
        "SecondsPath": "$.waitSeconds",
        "Next": "CheckEvaluationJob",
    }


def test_the_execution_times_out(definition):
    assert definition["TimeoutSeconds"] == SETTINGS.execution_timeout_hours * 3600


@pytest.mark.parametrize("state", sorted(TASK_FUNCTIONS))
def test_each_task_invokes_its_function_with_the_whole_state(synthesized, definition, state):
    task = definition["States"][state]
    function_id = synthesized.logical_id(
        getattr(synthesized.stack.functions, TASK_FUNCTIONS[state])
    )
    assert task["Type"] == "Task"
    assert task["Resource"] == "arn:${AWS::Partition}:states:::lambda:invoke"
    assert task["Parameters"] == {"FunctionName": "${" + function_id + ".Arn}", "Payload.$": "$"}
    assert task["OutputPath"] == "$.Payload"


@pytest.mark.parametrize(
    "state", ["SubmitEvaluationJob", "CheckEvaluationJob", "ParseEvaluationResults"]
)
def test_work_states_retry_throttling_and_send_every_error_to_record_failure(definition, state):
    task = definition["States"][state]
    service_retry, throttle_retry = task["Retry"]
    assert service_retry["ErrorEquals"] == LAMBDA_SERVICE_ERRORS
    assert throttle_retry == THROTTLE_RETRY
    assert task["Catch"] == CATCH_ALL


def test_record_failure_retries_lambda_service_errors_only(definition):
    task = definition["States"]["RecordFailure"]
    (retry,) = task["Retry"]
    assert retry["ErrorEquals"] == LAMBDA_SERVICE_ERRORS
    assert "Catch" not in task


def test_the_machine_is_standard_traced_and_logs_everything(synthesized, machine):
    assert machine["StateMachineType"] == "STANDARD"
    assert machine["TracingConfiguration"] == {"Enabled": True}
    logging = machine["LoggingConfiguration"]
    assert logging["Level"] == "ALL"
    assert logging["IncludeExecutionData"] is True
    (destination,) = logging["Destinations"]
    log_group_id = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    log_group = synthesized.json["Resources"][log_group_id]
    assert log_group["Properties"]["RetentionInDays"] == 30
