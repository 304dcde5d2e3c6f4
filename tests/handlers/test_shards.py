"""Shards: a large dataset becomes several jobs; their outcomes decide the run."""

import json

import pytest

from evalcore.errors import DatasetError
from evalcore.shards import MAX_SHARDS_ENV
from evalctl.simulation.aws import fake_aws, lambda_context
from evalctl.simulation.bedrock_rules import service_violations
from handlers import shards, submit
from tests.handlers.conftest import (
    COMPARISON_KEY,
    COMPARISON_ROWS,
    MODEL_QUALITY,
    comparison_world,
    run_jobs,
    start,
)


def rows(count: int) -> list[dict]:
    return [
        {
            "prompt": f"p{i}",
            "referenceResponse": "ref",
            "modelResponses": [{"response": "a", "modelIdentifier": "support-assistant-v1"}],
        }
        for i in range(count)
    ]


def test_a_dataset_over_the_per_job_limit_is_split_into_staged_shards(world):
    state = submit.handler(start(world, rows=rows(2500)), lambda_context())
    run = state["jobName"]
    assert [s["jobName"] for s in state["shards"]] == [f"{run}-s1", f"{run}-s2", f"{run}-s3"]
    keys = [s["shardKey"] for s in state["shards"]]
    assert keys == [f"staging/support-assistant/{run}/shards/shard-00{i}.jsonl" for i in (1, 2, 3)]
    prompts = [
        [json.loads(line)["prompt"] for line in world.read_bytes(key).decode().splitlines()]
        for key in keys
    ]
    assert [len(p) for p in prompts] == [834, 833, 833]
    every = [prompt for shard in prompts for prompt in shard]
    assert every == [f"p{i}" for i in range(2500)]  # in order, each once
    assert world.bedrock.creates() == []  # jobs wait for their job slots


def test_one_shard_reads_the_staged_copy_itself(world):
    state = submit.handler(start(world), lambda_context())
    (shard,) = state["shards"]
    assert shard["shardKey"] == state["stagedKey"]
    assert (shard["shardIndex"], shard["shardCount"], shard["jobName"]) == (
        0,
        1,
        state["jobName"],
    )


def test_more_prompts_than_a_run_may_hold_are_refused_with_the_fix(world, monkeypatch):
    monkeypatch.setenv(MAX_SHARDS_ENV, "2")
    with pytest.raises(DatasetError, match="at most 2000 per run"):
        submit.handler(start(world, rows=rows(2001)), lambda_context())


@pytest.fixture
def big_world():
    """A judge that scores any prompt (the shared world's judge knows four by name)."""
    with fake_aws(lambda record, metric: 0.75, polls_until_done=0) as world:
        yield world


def test_each_shard_job_reads_its_shard_and_writes_below_the_runs_output(big_world):
    world = big_world
    state = submit.handler(start(world, rows=rows(1500)), lambda_context())
    outcomes = run_jobs(state)
    for request, outcome in zip(world.bedrock.creates(), outcomes, strict=True):
        (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
        assert config["dataset"]["datasetLocation"]["s3Uri"].endswith(outcome["shardKey"])
        assert outcome["outputS3Uri"].startswith(state["outputS3Uri"])
    collected = shards.collect({**state, "shardOutcomes": outcomes}, lambda_context())
    assert collected["status"] == "Completed"
    assert collected["jobName"] == state["jobName"] and collected["jobArn"] is None
    assert "shards" not in collected


def test_one_failed_shard_fails_the_run_naming_every_failed_shard(big_world):
    world = big_world
    state = submit.handler(start(world, rows=rows(1500)), lambda_context())
    outcomes = run_jobs(state)
    outcomes[1] = {**outcomes[1], "status": "Failed", "failureMessages": ["judge unavailable"]}
    collected = shards.collect({**state, "shardOutcomes": outcomes}, lambda_context())
    assert collected["status"] == "Failed"
    assert collected["failureMessages"] == [
        f"shard 2/2 ({outcomes[1]['jobName']}): judge unavailable"
    ]
    assert len(collected["shardOutcomes"]) == 2  # record_failure lists every shard


def test_each_compared_models_job_asks_bedrock_for_that_model():
    with comparison_world() as world:
        state = submit.handler(start(world, COMPARISON_KEY, COMPARISON_ROWS), lambda_context())
        outcomes = run_jobs(state)
        # Every request went through botocore's validation of CreateEvaluationJob (the
        # stand-in is a Stubber) and the rules botocore leaves to the service.
        requests = world.bedrock.creates()
    run = state["jobName"]
    assert [r["jobName"] for r in requests] == [f"{run}-m1", f"{run}-m2", f"{run}-m3"]
    models = [
        r["inferenceConfig"]["models"][0]["bedrockModel"]["modelIdentifier"] for r in requests
    ]
    assert models == list(MODEL_QUALITY)
    for request, outcome in zip(requests, outcomes, strict=True):
        assert service_violations(world.bedrock.client, request) == []
        (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
        assert config["dataset"]["datasetLocation"]["s3Uri"].endswith(state["stagedKey"])
        assert outcome["outputS3Uri"] == f"{state['outputS3Uri']}{request['jobName']}/"
        assert outcome["status"] == "Completed"
    assert len({r["clientRequestToken"] for r in requests}) == 3


def test_a_failed_models_job_fails_the_run_naming_the_model():
    with comparison_world() as world:
        state = submit.handler(start(world, COMPARISON_KEY, COMPARISON_ROWS), lambda_context())
        outcomes = run_jobs(state)
    outcomes[1] = {**outcomes[1], "status": "Failed", "failureMessages": ["model access denied"]}
    collected = shards.collect({**state, "shardOutcomes": outcomes}, lambda_context())
    assert collected["status"] == "Failed"
    assert collected["failureMessages"] == [
        f"model us.amazon.nova-pro-v1:0 (2/3) ({outcomes[1]['jobName']}): model access denied"
    ]
