"""The state machine definition: states, transitions, retries, catches and timeouts."""

from __future__ import annotations

import json

import pytest

from evalcore.suite import load_all_suites, load_suite
from tests.infra.conftest import SETTINGS, render

LAMBDA_RETRY = {
    "ErrorEquals": [
        "Lambda.ClientExecutionTimeoutException",
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
    ],
    "IntervalSeconds": 2,
    "BackoffRate": 2,
    "MaxAttempts": 6,
    "JitterStrategy": "FULL",
}
THROTTLE_RETRY = {
    "ErrorEquals": ["BedrockThrottled"],
    "IntervalSeconds": 30,
    "BackoffRate": 2,
    "MaxAttempts": 6,
    "JitterStrategy": "FULL",
}
QUOTA_RETRY = {
    "ErrorEquals": ["BedrockQuotaExceeded"],
    "IntervalSeconds": 300,
    "BackoffRate": 1.5,
    "MaxAttempts": 8,
    "MaxDelaySeconds": 1800,
    "JitterStrategy": "FULL",
}
UNAVAILABLE_RETRY = {
    "ErrorEquals": ["BedrockUnavailable"],
    "IntervalSeconds": 10,
    "BackoffRate": 2,
    "MaxAttempts": 5,
    "JitterStrategy": "FULL",
}
TO_RECORD_FAILURE = [
    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailure"}
]
TO_RELEASE = [
    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "ReleaseJobSlotAfterError"}
]
TASK_FUNCTIONS = {
    "SubmitEvaluationJob": "submit",
    "AcquireJobSlot": "acquire_slot",
    "SubmitShardJob": "submit_job",
    "CheckEvaluationJob": "poll",
    "StopEvaluationJob": "stop_job",
    "ReleaseJobSlot": "release_slot",
    "ReleaseJobSlotAfterError": "release_slot",
    "CollectShards": "collect_shards",
    "ParseEvaluationResults": "parse",
    "RecordFailure": "record_failure",
}
# Each task's retries after LAMBDA_RETRY, and where its errors go.
TASK_RETRIES_AND_CATCH = {
    "SubmitEvaluationJob": ([THROTTLE_RETRY], TO_RECORD_FAILURE),
    "AcquireJobSlot": ([], TO_RELEASE),
    "SubmitShardJob": ([THROTTLE_RETRY, QUOTA_RETRY], TO_RELEASE),
    "CheckEvaluationJob": ([THROTTLE_RETRY, UNAVAILABLE_RETRY], TO_RELEASE),
    "StopEvaluationJob": ([THROTTLE_RETRY, UNAVAILABLE_RETRY], TO_RELEASE),
    "ReleaseJobSlot": ([], None),
    "ReleaseJobSlotAfterError": ([], None),
    "CollectShards": ([], TO_RECORD_FAILURE),
    "ParseEvaluationResults": ([], TO_RECORD_FAILURE),
    "RecordFailure": ([], None),
}


@pytest.fixture(scope="module")
def machine(synthesized) -> dict:
    (machine,) = synthesized.resources("AWS::StepFunctions::StateMachine").values()
    return machine["Properties"]


@pytest.fixture(scope="module")
def definition(machine) -> dict:
    """The DefinitionString Fn::Join with every token replaced by a ${...} placeholder."""
    return json.loads(render(machine["DefinitionString"]))


@pytest.fixture(scope="module")
def states(definition) -> dict:
    """The run's states and the shard loop's (inside the Map) in one table."""
    shard_loop = definition["States"]["RunShards"]["ItemProcessor"]
    return {**definition["States"], **shard_loop["States"]}


@pytest.fixture(scope="module")
def shard_loop(definition) -> dict:
    return definition["States"]["RunShards"]["ItemProcessor"]


def test_the_state_names_are_the_documented_interface(definition, shard_loop):
    assert definition["StartAt"] == "StampStart"
    assert set(definition["States"]) == {
        "StampStart",
        "SubmitEvaluationJob",
        "RunShards",
        "CollectShards",
        "IsRunCompleted",
        "ParseEvaluationResults",
        "RecordFailure",
        "EvaluationSucceeded",
        "EvaluationFailed",
    }
    assert shard_loop["StartAt"] == "AcquireJobSlot"
    assert set(shard_loop["States"]) == {
        "AcquireJobSlot",
        "HasJobSlot",
        "WaitForJobSlot",
        "NoJobSlotWithinLimit",
        "SubmitShardJob",
        "WaitForEvaluationJob",
        "CheckEvaluationJob",
        "IsEvaluationJobDone",
        "StopEvaluationJob",
        "ReleaseJobSlot",
        "ReleaseJobSlotAfterError",
    }


def test_the_run_stamps_its_start_then_validates_runs_every_shard_and_collects(states):
    assert states["StampStart"] == {
        "Type": "Pass",
        "Comment": "The run limit counts from the execution's start",
        "Parameters": {
            "bucket.$": "$.bucket",
            "key.$": "$.key",
            "versionId.$": "$.versionId",
            "startedAt.$": "$$.Execution.StartTime",
        },
        "Next": "SubmitEvaluationJob",
    }
    assert states["SubmitEvaluationJob"]["Next"] == "RunShards"
    run_shards = states["RunShards"]
    assert (run_shards["ItemsPath"], run_shards["ResultPath"]) == ("$.shards", "$.shardOutcomes")
    # Every shard at once: the job semaphore, not the Map, limits jobs in progress.
    assert run_shards.get("MaxConcurrency", 0) == 0
    assert run_shards["Catch"] == TO_RECORD_FAILURE
    assert run_shards["Next"] == "CollectShards"
    assert states["CollectShards"]["Next"] == "IsRunCompleted"
    assert states["IsRunCompleted"] == {
        "Type": "Choice",
        "Choices": [
            {"Variable": "$.status", "StringEquals": "Completed", "Next": "ParseEvaluationResults"}
        ],
        "Default": "RecordFailure",
    }
    assert states["ParseEvaluationResults"]["Next"] == "EvaluationSucceeded"
    assert states["RecordFailure"]["Next"] == "EvaluationFailed"
    assert states["EvaluationSucceeded"] == {"Type": "Succeed"}
    assert states["EvaluationFailed"] == {
        "Type": "Fail",
        "Error": "EvaluationFailed",
        "Cause": "The evaluation did not complete; "
        "see failure.json under reports/ in the pipeline bucket",
    }


def test_a_shard_waits_its_turn_for_a_job_slot_until_its_limit(states):
    assert states["AcquireJobSlot"]["Next"] == "HasJobSlot"
    assert states["HasJobSlot"] == {
        "Type": "Choice",
        "Choices": [
            {"Variable": "$.slotAcquired", "BooleanEquals": True, "Next": "SubmitShardJob"},
            {"Variable": "$.overdue", "BooleanEquals": True, "Next": "NoJobSlotWithinLimit"},
        ],
        "Default": "WaitForJobSlot",
    }
    assert states["WaitForJobSlot"] == {
        "Type": "Wait",
        "SecondsPath": "$.waitSeconds",
        "Next": "AcquireJobSlot",
    }
    assert states["NoJobSlotWithinLimit"] == {"Type": "Pass", "End": True}


def test_a_job_is_checked_until_it_ends_and_stopped_once_overdue(states):
    assert states["SubmitShardJob"]["Next"] == "WaitForEvaluationJob"
    assert states["WaitForEvaluationJob"] == {
        "Type": "Wait",
        "SecondsPath": "$.waitSeconds",
        "Next": "CheckEvaluationJob",
    }
    assert states["CheckEvaluationJob"]["Next"] == "IsEvaluationJobDone"
    choice = states["IsEvaluationJobDone"]
    ended, overdue = choice["Choices"]
    assert ended["Next"] == "ReleaseJobSlot"
    assert ended["Or"] == [
        {"Variable": "$.status", "StringEquals": status}
        for status in ("Completed", "Failed", "Stopped")
    ]
    assert overdue == {
        "And": [
            {"Variable": "$.overdue", "BooleanEquals": True},
            {"Not": {"Variable": "$.status", "StringEquals": "Stopping"}},
        ],
        "Next": "StopEvaluationJob",
    }
    assert choice["Default"] == "WaitForEvaluationJob"
    assert states["StopEvaluationJob"]["Next"] == "WaitForEvaluationJob"
    assert states["ReleaseJobSlot"]["End"] is True
    assert states["ReleaseJobSlotAfterError"]["End"] is True


def test_the_execution_timeout_outlasts_the_longest_run_a_shipped_suite_may_have(definition):
    human = load_suite("human-compare")  # reviewers: the longest limit of the shipped suites
    longest = max(SETTINGS.run_limit_for(suite) for suite in load_all_suites())
    assert longest == SETTINGS.run_limit_for(human) == SETTINGS.human_run_limit_seconds
    cleanup = SETTINGS.cleanup_allowance_seconds
    assert definition["TimeoutSeconds"] == -(-(longest + cleanup) // 3600) * 3600 == 169 * 3600
    assert definition["TimeoutSeconds"] > SETTINGS.execution_timeout_hours * 3600


@pytest.mark.parametrize("state", sorted(TASK_FUNCTIONS))
def test_each_task_invokes_its_function_with_the_whole_state(synthesized, states, state):
    task = states[state]
    function_id = synthesized.logical_id(synthesized.parts.functions[TASK_FUNCTIONS[state]].path)
    assert task["Type"] == "Task"
    assert task["Resource"] == "arn:${AWS::Partition}:states:::lambda:invoke"
    assert task["Parameters"] == {"FunctionName": "${" + function_id + ".Arn}", "Payload.$": "$"}
    assert task["OutputPath"] == "$.Payload"


@pytest.mark.parametrize("state", sorted(TASK_RETRIES_AND_CATCH))
def test_each_task_retries_only_transient_errors_each_with_its_wait(states, state):
    retries, catch = TASK_RETRIES_AND_CATCH[state]
    task = states[state]
    assert task["Retry"] == [LAMBDA_RETRY, *retries]
    assert task.get("Catch") == catch


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
