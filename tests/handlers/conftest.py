"""Handlers against moto S3 and the botocore-layer Bedrock fake: a small dataset, known scores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from evalcore.job_slots import LEDGER_TABLE_ENV
from evalctl.simulation.aws import LEDGER_TABLE, ROLE_ARN, World, fake_aws, lambda_context
from evalctl.simulation.bedrock_output import oriented
from handlers import poll, submit

KEY = "datasets/support-assistant/smoke.jsonl"
# The quality the judge finds in each answer (oriented per metric by the scorer); p3 is N/A.
QUALITY: dict[str, float | None] = {"p1": 1.0, "p2": 0.5, "p3": None, "p4": 0.25}
CATEGORIES = {"p1": "billing", "p2": "billing", "p3": "account", "p4": "account"}


def judge(quality: dict[str, float | None]):
    def scorer(record: dict, metric: str) -> float | None:
        return oriented(metric, quality[record["prompt"]])

    return scorer


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


@pytest.fixture(autouse=True)
def role(monkeypatch):
    monkeypatch.setenv("EVALUATION_ROLE_ARN", ROLE_ARN)
    monkeypatch.setenv(LEDGER_TABLE_ENV, LEDGER_TABLE)


@pytest.fixture
def world() -> Iterator[World]:
    with fake_aws(judge(QUALITY), polls_until_done=1) as world:
        yield world


def start(world: World, key: str = KEY, rows: list[dict] | None = None) -> dict[str, Any]:
    version = world.upload(key, rows if rows is not None else dataset())
    return {"bucket": world.bucket, "key": key, "versionId": version}


def run_to_completion(world: World, event: dict[str, Any]) -> dict[str, Any]:
    state = submit.handler(event, lambda_context())
    while (state := poll.handler(state, lambda_context()))["status"] == "InProgress":
        pass
    return state
