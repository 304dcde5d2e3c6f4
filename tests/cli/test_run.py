"""`evalctl run` against the synthesized stack deployed in moto.

The run's S3 and Step Functions clients are moto's; the pipeline's upload hook starts the
execution as S3 -> EventBridge would; CloudFormation is a Stubber (moto's needs extras this
environment lacks). The clients are handed to `run.execute`; nothing is monkeypatched.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from evalcore.summary import Summary
from evalctl.commands import build_parser
from evalctl.execution import Clock, entered_states
from evalctl.render import render_summary
from evalctl.run import Clients, execute, record_spreads
from evalctl.simulate import EXAMPLE_DATASET
from evalctl.simulation.aws import fake_aws
from evalctl.simulation.bedrock_output import oriented
from evalctl.simulation.judge import simulated_score
from evalctl.simulation.pipeline import (
    MOTO_CONFIG,
    Pipeline,
    deployed_pipeline,
    sleep_until_an_execution_ends,
    step_functions,
)
from evalctl.stack import DEFAULT_STACK_NAME
from tests.clock import WAIT_SCALE

KEY = "datasets/support-assistant/support-assistant.jsonl"


@pytest.fixture(scope="module")
def template(simulation_template) -> dict:
    return simulation_template


def stack_description(pipeline: Pipeline) -> dict:
    outputs = {
        "BucketName": pipeline.world.bucket,
        "StateMachineArn": pipeline.machine_arn,
        "EvaluationServiceRoleArn": "arn:aws:iam::123456789012:role/eval",
    }
    return {
        "Stacks": [
            {
                "StackName": DEFAULT_STACK_NAME,
                "CreationTime": "2026-11-01T00:00:00Z",
                "StackStatus": "CREATE_COMPLETE",
                "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
            }
        ]
    }


@contextmanager
def deployed(
    template: dict, scorer=simulated_score, upload_hook: bool = True
) -> Iterator[tuple[Pipeline, Clients]]:
    with (
        fake_aws(scorer, mock_config=MOTO_CONFIG) as world,
        deployed_pipeline(template, world, wait_scale=WAIT_SCALE) as pipeline,
    ):
        cloudformation = boto3.client("cloudformation", region_name="us-east-1")
        s3 = boto3.client("s3")
        if upload_hook:
            pipeline.attach_upload_hook(s3)
        with Stubber(cloudformation) as stub:
            stub.add_response(
                "describe_stacks", stack_description(pipeline), {"StackName": DEFAULT_STACK_NAME}
            )
            yield pipeline, Clients(cloudformation, s3, boto3.client("stepfunctions"))


# evalctl run's follow, its polls a fifth of a second apart, woken when an execution ends.
FOLLOW_CLOCK = Clock(sleep=sleep_until_an_execution_ends)


def run(clients: Clients, *argv: str, clock: Clock = FOLLOW_CLOCK) -> tuple[int, str]:
    arguments = ["run", *argv, "--poll-seconds", "0.2"]
    out = io.StringIO()
    args = build_parser(arguments).parse_args(arguments)
    return execute(args, clients, out, clock), out.getvalue()


def test_a_follower_between_polls_wakes_when_an_execution_ends(template):
    with deployed(template) as (pipeline, _):
        ended = step_functions().EXECUTION_ENDED
        woke = threading.Event()
        follower = threading.Thread(
            target=lambda: (sleep_until_an_execution_ends(600), woke.set()), daemon=True
        )
        follower.start()
        while not ended._waiters:  # the follower is asleep before the execution starts
            time.sleep(0.001)
        execution = pipeline.run(pipeline.upload(KEY, EXAMPLE_DATASET.read_bytes()))
        assert execution["status"] == "SUCCEEDED"
        assert woke.wait(timeout=60)  # not 600 s later


def test_run_follows_the_execution_to_its_summary(template, capsys):
    with deployed(template) as (pipeline, clients):
        code, output = run(clients, str(EXAMPLE_DATASET), "--suite", "support-assistant")
        (summary_key,) = [k for k in pipeline.world.keys("reports/") if k.endswith("/summary.json")]
        summary = Summary.from_json(pipeline.world.read_summary(summary_key))
        (execution,) = pipeline.sfn.list_executions(stateMachineArn=pipeline.machine_arn)[
            "executions"
        ]
        history = pipeline.sfn.get_execution_history(executionArn=execution["executionArn"])
        uploaded = pipeline.world.s3.get_object(Bucket=pipeline.world.bucket, Key=KEY)
    assert code == 0 and summary.passed
    assert uploaded["Body"].read() == EXAMPLE_DATASET.read_bytes()
    assert render_summary(summary) in output
    assert f"summary: s3://{pipeline.world.bucket}/{summary_key}" in output
    progress = capsys.readouterr().err
    assert "estimate: 12 records x 5 metrics x 1 run(s)" in progress
    states = entered_states(history["events"])
    assert states[:2] == ["StampStart", "SubmitEvaluationJob"]
    assert states[-1] == "EvaluationSucceeded"
    assert [line for line in progress.splitlines() if line.startswith("run: ")] == [
        f"run: {state}" for state in states
    ]


def test_repeat_runs_the_same_records_and_reports_each_records_spread(template, tmp_path):
    seen: Counter = Counter()

    def drifting_judge(record: dict, metric: str) -> float | None:
        """The first run finds every answer perfect, the second half as good: a spread of 0.5
        each. Oriented per metric (a perfect answer has harmfulness 0), so the better run is
        better on every metric and passes whichever run is parsed first (the later one is
        compared with the earlier as its history)."""
        seen[(record["prompt"], metric)] += 1
        return oriented(metric, 1.0 if seen[(record["prompt"], metric)] == 1 else 0.5)

    manifest = tmp_path / "runs.json"
    with deployed(template, drifting_judge) as (pipeline, clients):
        code, output = run(
            clients,
            str(EXAMPLE_DATASET),
            "--suite",
            "support-assistant",
            "--repeat",
            "2",
            "--manifest",
            str(manifest),
        )
        rows = json.loads(manifest.read_text())
        stored = {k for k in pipeline.world.keys("reports/") if k.endswith("/summary.json")}
        versions = pipeline.world.s3.list_object_versions(Bucket=pipeline.world.bucket, Prefix=KEY)[
            "Versions"
        ]
    assert code == 1  # the second run's 0.5 means break the suite's floors
    assert len(rows) == 2 and len(versions) == 2
    assert {row["summaryKey"] for row in rows} == stored
    assert {row["versionId"] for row in rows} == {v["VersionId"] for v in versions}
    # The two executions run at once: whichever job the judge scores first gets the 1.0s.
    assert sorted(row["verdict"] for row in rows) == ["failed", "passed"]
    assert all(row["status"] == "SUCCEEDED" for row in rows)
    assert "=== run 1/2" in output and "=== run 2/2" in output
    assert "Judge spread per record over 2 runs of the same dataset (max - min):" in output
    assert "Correctness=0.50" in output and "... and 2 more records" in output


def test_record_spreads_are_max_minus_min_per_metric():
    runs = [
        {("a", "p1"): {"M": 1.0, "N": 0.5}, ("a", "p2"): {"M": 0.25}},
        {("a", "p1"): {"M": 0.5, "N": 0.5}},
        {("a", "p1"): {"M": 0.75}},
    ]
    assert record_spreads(runs) == {("a", "p1"): {"M": 0.5, "N": 0.0}, ("a", "p2"): {}}


def test_no_wait_returns_the_execution_at_once(template):
    with deployed(template) as (pipeline, clients):
        code, output = run(
            clients, str(EXAMPLE_DATASET), "--suite", "support-assistant", "--no-wait"
        )
        (execution,) = pipeline.sfn.list_executions(stateMachineArn=pipeline.machine_arn)[
            "executions"
        ]
        pipeline.wait(execution["executionArn"])  # let moto's worker finish inside the mock
    assert code == 0
    assert output.strip() == execution["executionArn"]


def test_above_the_budget_nothing_is_uploaded_unless_forced(template, capsys, tmp_path: Path):
    with deployed(template) as (pipeline, clients):
        code, _ = run(
            clients, str(EXAMPLE_DATASET), "--suite", "support-assistant", "--budget", "0.0001"
        )
        assert code == 1
        assert pipeline.world.keys("datasets/") == []
        assert "above the budget of $0.00" in capsys.readouterr().err


def test_an_upload_that_starts_no_execution_exits_1_with_a_fix(template, capsys):
    # Time passes a minute per look, so the two-minute search ends at once.
    ticks = iter(range(0, 10**6, 60))
    clock = Clock(sleep=lambda seconds: None, monotonic=lambda: float(next(ticks)))
    with deployed(template, upload_hook=False) as (pipeline, clients):
        code, output = run(
            clients, str(EXAMPLE_DATASET), "--suite", "support-assistant", clock=clock
        )
        assert pipeline.world.keys("datasets/") == [KEY]
    assert code == 1 and output == ""
    error = capsys.readouterr().err
    assert f"no execution of {pipeline.machine_arn} started for s3://" in error
    assert "fix: check that the stack's upload rule is enabled" in error
