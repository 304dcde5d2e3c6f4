"""Finding and following the Step Functions execution an upload started.

An upload starts its execution through EventBridge, so the uploader learns nothing about it
from S3's answer. `find_started_execution` is the one place that maps an uploaded dataset
version to its execution (the execution input names bucket, key and versionId); if executions
get deterministic names one day, only this function changes. `follow_execution` reads the
execution history as it grows and reports every state entered, for `evalctl run` and
`evalctl simulate` alike.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from evalcore.run_state import DatasetRef

RUNNING = "RUNNING"
# EventBridge usually starts the execution within seconds of the upload.
FIND_TIMEOUT_SECONDS = 120.0
# Executions that started this long before the upload (clock skew) are still considered.
START_SLACK = timedelta(minutes=5)


class ExecutionNotFound(Exception):
    """No execution for the upload appeared in time: the rule did not match, or is disabled."""


@dataclass
class Clock:
    """Time, injectable: tests follow executions without waiting for real seconds."""

    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic


def _input_names(execution: dict, dataset: DatasetRef) -> bool:
    try:
        document = json.loads(execution.get("input") or "{}")
    except json.JSONDecodeError:
        return False
    return bool(
        document.get("bucket") == dataset.bucket
        and document.get("key") == dataset.key
        and document.get("versionId") == dataset.version_id
    )


def find_started_execution(
    sfn: Any,
    state_machine_arn: str,
    dataset: DatasetRef,
    uploaded_at: datetime,
    *,
    timeout: float = FIND_TIMEOUT_SECONDS,
    interval: float = 2.0,
    clock: Clock | None = None,
) -> str:
    """The ARN of the execution whose input is this dataset version."""
    clock = clock or Clock()
    deadline = clock.monotonic() + timeout
    checked: set[str] = set()
    while True:
        for page in sfn.get_paginator("list_executions").paginate(
            stateMachineArn=state_machine_arn
        ):
            for summary in page.get("executions", []):
                arn = summary["executionArn"]
                if arn in checked or summary["startDate"] < uploaded_at - START_SLACK:
                    continue
                checked.add(arn)
                if _input_names(sfn.describe_execution(executionArn=arn), dataset):
                    return str(arn)
        if clock.monotonic() >= deadline:
            raise ExecutionNotFound(
                f"no execution of {state_machine_arn} started for s3://{dataset.bucket}/"
                f"{dataset.key} (version {dataset.version_id}) within {timeout:.0f} s"
            )
        clock.sleep(interval)


def entered_states(events: list[dict]) -> list[str]:
    """The names of the states entered, in order, from GetExecutionHistory's events."""
    return [
        event["stateEnteredEventDetails"]["name"]
        for event in events
        if event.get("type", "").endswith("StateEntered") and "stateEnteredEventDetails" in event
    ]


def _history(sfn: Any, arn: str) -> list[dict]:
    events: list[dict] = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn):
        events.extend(page.get("events", []))
    return events


@dataclass
class FollowedExecution:
    description: dict
    states: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.description["status"])

    @property
    def output(self) -> dict:
        return dict(json.loads(self.description.get("output") or "{}"))


def follow_execution(
    sfn: Any,
    arn: str,
    on_state: Callable[[str], None],
    *,
    interval: float = 5.0,
    timeout: float | None = None,
    clock: Clock | None = None,
) -> FollowedExecution:
    """Wait for the execution to end, calling `on_state` once per state entered."""
    clock = clock or Clock()
    deadline = None if timeout is None else clock.monotonic() + timeout
    reported = 0
    while True:
        description = sfn.describe_execution(executionArn=arn)
        states = entered_states(_history(sfn, arn))
        for name in states[reported:]:
            on_state(name)
        reported = len(states)
        if description["status"] != RUNNING:
            return FollowedExecution(dict(description), states)
        if deadline is not None and clock.monotonic() >= deadline:
            raise TimeoutError(f"execution {arn} still running after {timeout:.0f} s")
        clock.sleep(interval)
