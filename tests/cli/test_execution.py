"""Finding the execution an upload started and following it (evalctl.execution), in moto."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from evalcore.run_state import DatasetRef
from evalctl.execution import (
    Clock,
    ExecutionNotFound,
    entered_states,
    find_started_execution,
    follow_execution,
)
from evalctl.simulation.pipeline import MOTO_CONFIG

DEFINITION = {
    "StartAt": "Validate",
    "States": {
        "Validate": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


class FastClock(Clock):
    """Each look at the clock is a minute later; sleeping takes no time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps = 0
        super().__init__(sleep=self._sleep, monotonic=self._monotonic)

    def _sleep(self, seconds: float) -> None:
        self.sleeps += 1

    def _monotonic(self) -> float:
        self.now += 60
        return self.now


@pytest.fixture
def machine():
    with mock_aws(config=MOTO_CONFIG):
        sfn = boto3.client("stepfunctions")
        arn = sfn.create_state_machine(
            name="m",
            definition=json.dumps(DEFINITION),
            roleArn="arn:aws:iam::123456789012:role/states",
        )["stateMachineArn"]
        yield sfn, arn


def start(sfn, machine_arn: str, dataset: DatasetRef, name: str) -> str:
    return sfn.start_execution(
        stateMachineArn=machine_arn, name=name, input=json.dumps(dataset.to_json())
    )["executionArn"]


def test_the_execution_whose_input_names_the_version_is_found(machine):
    sfn, machine_arn = machine
    before = datetime.now(UTC)
    first = DatasetRef("bucket", "datasets/s/d.jsonl", "v1")
    second = DatasetRef("bucket", "datasets/s/d.jsonl", "v2")
    start(sfn, machine_arn, first, "one")
    wanted = start(sfn, machine_arn, second, "two")
    start(sfn, machine_arn, DatasetRef("bucket", "datasets/s/other.jsonl", "v2"), "three")
    assert find_started_execution(sfn, machine_arn, second, before) == wanted


def test_no_matching_execution_times_out_with_what_it_looked_for(machine):
    sfn, machine_arn = machine
    start(sfn, machine_arn, DatasetRef("bucket", "datasets/s/d.jsonl", "v1"), "one")
    clock = FastClock()
    missing = DatasetRef("bucket", "datasets/s/d.jsonl", "v9")
    with pytest.raises(ExecutionNotFound, match=r"datasets/s/d.jsonl \(version v9\)"):
        find_started_execution(
            sfn, machine_arn, missing, datetime.now(UTC), timeout=120, clock=clock
        )
    assert clock.sleeps == 1  # looked, waited once, looked again, gave up


def test_following_reports_each_state_once_and_returns_the_end(machine):
    sfn, machine_arn = machine
    arn = start(sfn, machine_arn, DatasetRef("b", "datasets/s/d.jsonl", "v1"), "one")
    seen: list[str] = []
    followed = follow_execution(sfn, arn, seen.append, interval=0.05)
    assert followed.status == "SUCCEEDED"
    assert seen == ["Validate", "Done"] == followed.states


def test_entered_states_reads_only_state_entered_events():
    events = [
        {"type": "ExecutionStarted"},
        {"type": "PassStateEntered", "stateEnteredEventDetails": {"name": "A"}},
        {"type": "PassStateExited", "stateExitedEventDetails": {"name": "A"}},
        {"type": "TaskStateEntered", "stateEnteredEventDetails": {"name": "B"}},
    ]
    assert entered_states(events) == ["A", "B"]
