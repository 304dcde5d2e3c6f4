"""Handlers against moto S3 and the botocore-layer Bedrock fake: a small dataset, known scores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evalctl.simulation.aws import ROLE_ARN, World, fake_aws, lambda_context
from evalctl.simulation.bedrock_output import judge_by_prompt
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
