"""Handlers against moto S3 and the botocore-layer Bedrock fake: a small dataset, known scores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from evalctl.simulation.aws import ROLE_ARN, World, fake_aws, lambda_context
from evalctl.simulation.bedrock_output import judge_by_prompt, oriented
from handlers import poll, shards, slots, submit

KEY = "datasets/support-assistant/smoke.jsonl"
# The shipped human example: reviewers compare a Bedrock model with the current assistant.
HUMAN_KEY = "datasets/human-compare/review.jsonl"
HUMAN_DATASET = Path(__file__).resolve().parents[2] / "examples/datasets/human-compare.jsonl"
# The quality the judge finds in each answer (oriented per metric by the scorer); p3 is N/A.
QUALITY: dict[str, float | None] = {"p1": 1.0, "p2": 0.5, "p3": None, "p4": 0.25}
CATEGORIES = {"p1": "billing", "p2": "billing", "p3": "account", "p4": "account"}


def dataset(source_id: str = "support-assistant-v1") -> list[dict]:
    return [
        {
            "prompt": prompt,
            "referenceResponse": "ref",
            "category": CATEGORIES[prompt],
            "modelResponses": [{"response": f"answer {prompt}", "modelIdentifier": source_id}],
        }
        for prompt in QUALITY
    ]


def human_rows() -> list[dict]:
    return [json.loads(line) for line in HUMAN_DATASET.read_text().splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def role(monkeypatch):
    monkeypatch.setenv("EVALUATION_ROLE_ARN", ROLE_ARN)


@pytest.fixture
def world() -> Iterator[World]:
    with fake_aws(judge_by_prompt(QUALITY), polls_until_done=1) as world:
        yield world


def start(world: World, key: str = KEY, rows: list[dict] | bytes | None = None) -> dict[str, Any]:
    version = world.upload(key, rows if rows is not None else dataset())
    return {"bucket": world.bucket, "key": key, "versionId": version}


def submitted(event: dict[str, Any], context: object = None) -> dict[str, Any]:
    """What the workflow does up to a running job for a dataset of one shard: submit (validate,
    stage, plan), take a job slot, create the shard's job. Returns the shard's state."""
    state = submit.handler(event, lambda_context())
    (shard,) = state["shards"]
    shard = slots.acquire(shard, lambda_context())
    assert shard["slotAcquired"], "the test's job slot is taken"
    return shards.submit_job(shard, lambda_context())


def run_to_completion(world: World, event: dict[str, Any]) -> dict[str, Any]:
    state = submitted(event)
    while (state := poll.handler(state, lambda_context()))["status"] == "InProgress":
        pass
    return state


def run_jobs(state: dict[str, Any]) -> list[dict[str, Any]]:
    """What the state machine's Map does with the items submit planned, one after another:
    take a job slot, create the item's job, poll it to its end, give the slot back."""
    outcomes = []
    for item in state["shards"]:
        item = shards.submit_job(slots.acquire(item, lambda_context()), lambda_context())
        while (item := poll.handler(item, lambda_context()))["status"] == "InProgress":
            pass
        outcomes.append(slots.release(item, lambda_context()))
    return outcomes


def collected(state: dict[str, Any]) -> dict[str, Any]:
    """The run's state after every item ran and `collect` gathered their outcomes."""
    return shards.collect({**state, "shardOutcomes": run_jobs(state)}, lambda_context())


COMPARISON_KEY = "datasets/model-comparison/week-48.jsonl"
# The quality of each compared model's answers (the suite's floor is Correctness >= 0.7).
MODEL_QUALITY = {
    "us.amazon.nova-lite-v1:0": 0.6,
    "us.amazon.nova-pro-v1:0": 0.9,
    "us.amazon.nova-micro-v1:0": 0.8,
}
COMPARISON_ROWS = [
    json.loads(line)
    for line in (Path(__file__).resolve().parents[2] / "examples" / "datasets")
    .joinpath("model-comparison.jsonl")
    .read_text()
    .splitlines()
]


def _model_judge(quality: float):
    return lambda record, metric: oriented(metric, quality)


@contextmanager
def comparison_world(**options: Any) -> Iterator[World]:
    """A world whose judge scores each compared model's answers at that model's quality."""
    judges = {model: _model_judge(quality) for model, quality in MODEL_QUALITY.items()}
    with fake_aws(
        judge_by_prompt(QUALITY), polls_until_done=0, model_scorers=judges, **options
    ) as w:
        yield w
