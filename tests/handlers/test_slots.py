"""Job slots: taken before a job is created, given back after it ends, freed if leaked."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from evalcore import naming
from evalcore.job_slots import MAX_JOBS_ENV, SLOT_WAIT_ENV
from evalcore.run_limit import DEFAULT_HUMAN_RUN_LIMIT_SECONDS, RUN_LIMIT_ENV
from evalctl.simulation.aws import lambda_context
from handlers import shards, slots, submit
from handlers.ledger import Ledger
from tests.handlers.conftest import HUMAN_KEY, KEY, human_rows, start, submitted


@pytest.fixture(autouse=True)
def limits(monkeypatch):
    monkeypatch.setenv(MAX_JOBS_ENV, "1")
    monkeypatch.setenv(SLOT_WAIT_ENV, "45")
    monkeypatch.setenv(RUN_LIMIT_ENV, "3600")


def shard_state(world, job_name: str, started: datetime | None = None) -> dict:
    state = start(world)
    state.update(jobName=job_name, suite="support-assistant")
    if started is not None:
        state["startedAt"] = started.isoformat().replace("+00:00", "Z")
    return state


def test_a_run_takes_a_free_slot_and_the_next_waits_its_turn(world):
    first = slots.acquire(shard_state(world, "job-a"), lambda_context())
    assert first["slotAcquired"] is True
    second = slots.acquire(shard_state(world, "job-b"), lambda_context())
    assert (second["slotAcquired"], second["overdue"], second["waitSeconds"]) == (False, False, 45)
    slots.release(first, lambda_context())
    assert slots.acquire(shard_state(world, "job-b"), lambda_context())["slotAcquired"] is True


def test_waiting_for_a_slot_past_the_run_limit_gives_up_with_the_reason(world):
    slots.acquire(shard_state(world, "job-a"), lambda_context())
    late = shard_state(world, "job-b", started=datetime.now(UTC) - timedelta(hours=2))
    state = slots.acquire(late, lambda_context())
    assert (state["slotAcquired"], state["overdue"]) == (False, True)
    assert "limit" in state["failureMessages"][0]


def test_release_without_a_slot_changes_nothing(world):
    held = slots.acquire(shard_state(world, "job-a"), lambda_context())
    waiting = slots.acquire(shard_state(world, "job-b"), lambda_context())
    assert slots.release(waiting, lambda_context())["slotAcquired"] is False
    assert set(Ledger(world.ledger_table).holders()) == {held["jobName"]}


def test_an_aborted_executions_slots_are_freed_and_its_jobs_stopped(world):
    execution_input = start(world)
    run = naming.job_name("support-assistant", world.bucket, KEY, execution_input["versionId"])
    arn = world.bedrock.client.create_evaluation_job(**_minimal_request(run, world.bucket))[
        "jobArn"
    ]
    Ledger(world.ledger_table).acquire(run, 1, datetime.now(UTC))
    event = {
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "detail": {
            "status": "TIMED_OUT",
            "executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:x",
            "input": json.dumps(execution_input),
        },
    }
    assert slots.release_leaked(event, lambda_context()) == {"released": [run]}
    assert Ledger(world.ledger_table).holders() == {}
    assert world.bedrock.jobs[arn].status == "Stopping"


def _minimal_request(name: str, bucket: str) -> dict:
    return {
        "jobName": name,
        "roleArn": "arn:aws:iam::123456789012:role/r",
        "evaluationConfig": {
            "automated": {
                "datasetMetricConfigs": [
                    {
                        "taskType": "General",
                        "dataset": {
                            "name": "d",
                            "datasetLocation": {"s3Uri": f"s3://{bucket}/staging/d.jsonl"},
                        },
                        "metricNames": ["Builtin.Correctness"],
                    }
                ],
                "evaluatorModelConfig": {
                    "bedrockEvaluatorModels": [
                        {"modelIdentifier": "anthropic.claude-haiku-4-5-20251001-v1:0"}
                    ]
                },
            }
        },
        "inferenceConfig": {
            "models": [{"bedrockModel": {"modelIdentifier": "amazon.nova-lite-v1:0"}}]
        },
        "outputDataConfig": {"s3Uri": f"s3://{bucket}/results/x/"},
    }


def test_after_an_error_the_running_job_is_stopped_before_its_slot_is_freed(world):
    state = submitted(start(world))
    failed = {**state, "error": {"Error": "ResultsNotFound", "Cause": "{}"}}
    released = slots.release(failed, lambda_context())
    assert released["slotAcquired"] is False
    assert world.bedrock.jobs[state["jobArn"]].status == "Stopping"
    assert Ledger(world.ledger_table).holders() == {}


def test_a_human_job_starts_though_every_slot_is_taken_and_holds_none(world):
    held = slots.acquire(shard_state(world, "job-a"), lambda_context())
    assert held["slotAcquired"] is True  # MAX_CONCURRENT_JOBS is 1: the semaphore is full
    human = submit.handler(start(world, HUMAN_KEY, human_rows()), lambda_context())
    (shard,) = human["shards"]
    started = slots.acquire(shard, lambda_context())
    assert (started["slotAcquired"], started["overdue"]) == (True, False)
    assert started["runLimitSeconds"] == DEFAULT_HUMAN_RUN_LIMIT_SECONDS
    assert set(Ledger(world.ledger_table).holders()) == {held["jobName"]}
    released = slots.release(shards.submit_job(started, lambda_context()), lambda_context())
    assert released["slotAcquired"] is False
    assert set(Ledger(world.ledger_table).holders()) == {held["jobName"]}  # not job-a's


def test_an_aborted_human_run_has_its_job_stopped_though_it_held_no_slot(world):
    execution_input = start(world, HUMAN_KEY, human_rows())
    (shard,) = submit.handler(execution_input, lambda_context())["shards"]
    running = shards.submit_job(slots.acquire(shard, lambda_context()), lambda_context())
    event = {
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "detail": {
            "status": "ABORTED",
            "executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:x",
            "input": json.dumps(execution_input),
        },
    }
    assert slots.release_leaked(event, lambda_context()) == {"released": []}
    assert world.bedrock.jobs[running["jobArn"]].status == "Stopping"
