"""`evalctl simulate`: try a suite and dataset before deploying anything.

The stack is synthesized in-process and its state machine runs locally: moto plays S3, Step
Functions, Lambda, SNS and SQS, the real handlers run for each Lambda step, and a stand-in
judge (evalctl.simulation.judge: word overlap with the reference plus a fixed per-metric
nudge, deterministic) plays Bedrock. Every score it gives is SIMULATED and labelled so on
every output. Printed: the summary, the metrics the run would publish, the message it would
send, and which of the stack's alarms the run would move.

Without arguments it simulates the shipped example (examples/datasets/support-assistant.jsonl
with the support-assistant suite). Needs the `sim` extra (moto); no AWS account, no network.

Exit codes: 0 the simulated run completed (whatever its verdict), 1 the dataset or suite is
invalid or the simulated run did not complete.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from unittest.mock import patch

from evalcore.suite import Suite, load_suite
from evalcore.summary import Summary
from evalctl.commands import add_command_parser
from evalctl.estimate import dataset_stats
from evalctl.run import check_suite_is_deployed, dataset_key, render_failure_record, upload
from evalctl.stack import DEFAULT_STACK_NAME

if TYPE_CHECKING:
    from evalctl.execution import FollowedExecution
    from evalctl.simulation.alarms import AlarmOutcome
    from evalctl.simulation.emf import EmfRecord
    from evalctl.simulation.inbox import Received
    from infra.settings import PipelineSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DATASET = REPO_ROOT / "examples" / "datasets" / "support-assistant.jsonl"
EXAMPLE_SUITE = "support-assistant"
# Every poll waits one second, so a simulated run takes seconds.
POLL_WAIT_SECONDS = 1
LABEL = "SIMULATED"
# The Lambdas' runtime settings the handlers read; the region is moto's.
SIMULATION_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_SERVICE_NAME": "bedrock-eval-pipeline",
}


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "simulate", __doc__)
    parser.add_argument(
        "dataset", type=Path, nargs="?", default=EXAMPLE_DATASET, help="default: the example"
    )
    parser.add_argument("--suite", default=EXAMPLE_SUITE, help="default: %(default)s")
    parser.add_argument("--name", help="dataset name in the bucket (default: the file's stem)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for the run (120)")
    parser.set_defaults(run=run)


def simulation_settings(wait_seconds: int = POLL_WAIT_SECONDS) -> PipelineSettings:
    """Every wait of a simulated run is `wait_seconds` (moto's Wait states really sleep), a run
    may take two minutes, and the history budget is checked for those numbers."""
    from infra.settings import PipelineSettings

    return PipelineSettings(
        poll_min_wait_seconds=wait_seconds,
        poll_max_wait_seconds=wait_seconds,
        slot_wait_seconds=wait_seconds,
        run_limit_seconds=120,
        cleanup_allowance_seconds=60,
        execution_timeout_hours=1,
        max_shards_per_run=3,
    )


@cache
def synthesized_template(poll_wait_seconds: int = POLL_WAIT_SECONDS) -> str:
    """The stack's CloudFormation template as JSON text; synthesized once per process.

    Asset bundling is skipped (the handlers run in-process, no layer is needed) and nothing is
    written outside a temporary folder (evalctl.simulation.template, which the tests share).
    """
    from evalctl.simulation.template import synthesize_template

    return synthesize_template(simulation_settings(poll_wait_seconds), DEFAULT_STACK_NAME)


@dataclass(frozen=True)
class SimulatedRun:
    execution: FollowedExecution
    summary: Summary | None
    failure: dict | None
    metrics: list[EmfRecord]
    messages: list[Received]
    alarms: list[AlarmOutcome]


def simulate_run(
    template: dict,
    key: str,
    body: bytes,
    on_state: Callable[[str], None],
    timeout: float = 120.0,
    wait_scale: float = 1.0,
) -> SimulatedRun:
    """Upload the dataset into the template deployed in moto and run it to its end; the
    state machine's waits last `wait_scale` of their seconds (tests fake the clock)."""
    import boto3

    from evalctl.execution import Clock, find_started_execution, follow_execution
    from evalctl.simulation.alarms import evaluate_template_alarms, metric_values
    from evalctl.simulation.emf import emf_records
    from evalctl.simulation.judge import simulated_explanation, simulated_score

    printed = io.StringIO()  # what the Lambdas print: their EMF metrics among it
    with patch.dict(os.environ, SIMULATION_ENVIRONMENT), redirect_stdout(printed):
        # Imported here: the handlers' Powertools logger, created on first import, takes
        # the level above and writes where stdout points now, not over the printed result.
        from evalctl.simulation.aws import fake_aws
        from evalctl.simulation.pipeline import (
            MOTO_CONFIG,
            deployed_pipeline,
            sleep_until_an_execution_ends,
        )

        with (
            fake_aws(
                simulated_score, mock_config=MOTO_CONFIG, explainer=simulated_explanation
            ) as world,
            deployed_pipeline(template, world, wait_scale=wait_scale) as pipeline,
        ):
            s3 = boto3.client("s3")
            pipeline.attach_upload_hook(s3)
            uploaded_at = datetime.now(UTC)
            dataset = upload(s3, world.bucket, key, body)
            arn = find_started_execution(
                pipeline.sfn, pipeline.machine_arn, dataset, uploaded_at, timeout=10, interval=0.2
            )
            execution = follow_execution(
                pipeline.sfn,
                arn,
                on_state,
                interval=0.2,
                timeout=timeout,
                clock=Clock(sleep=sleep_until_an_execution_ends),
            )
            summary_key = execution.output.get("summaryKey")
            summary = Summary.from_json(world.read_summary(summary_key)) if summary_key else None
            failures = [k for k in world.keys("reports/") if k.endswith("/failure.json")]
            failure = world.read_json(failures[0]) if failures else None
            messages = world.inbox.messages()
    metrics = emf_records(printed.getvalue())
    alarms = evaluate_template_alarms(template, metric_values(metrics))
    return SimulatedRun(execution, summary, failure, metrics, messages, alarms)


def render_metrics(records: list[EmfRecord]) -> str:
    lines = [f"Metrics the run would publish ({LABEL}: from the stand-in judge's scores):"]
    for record in records:
        where = ", ".join(f"{k}={v}" for k, v in sorted(record.dimensions.items())) or "-"
        for name, value in record.values.items():
            lines.append(f"  {record.namespace} {name:<20} {value:>10g}  [{where}]  {LABEL}")
    return "\n".join(lines)


def render_messages(messages: list[Received]) -> str:
    lines = [f"The message it would send ({LABEL}):"]
    for message in messages:
        lines.append(f"  Subject: [{LABEL}] {message.subject}")
        lines.append(f"  Attributes: {json.dumps(message.attributes, sort_keys=True)}")
        lines += [f"  | {line}" for line in message.message.splitlines()]
    if not messages:
        lines.append("  (none)")
    return "\n".join(lines)


def render_alarms(outcomes: list[AlarmOutcome]) -> str:
    from evalctl.simulation.alarms import AlarmState

    moved = [o for o in outcomes if o.from_run and o.state is not AlarmState.NOT_EVALUATED]
    kept = [o for o in outcomes if not o.from_run and o.state is not AlarmState.NOT_EVALUATED]
    skipped = [o for o in outcomes if o.state is AlarmState.NOT_EVALUATED]
    lines = [f"Alarms this run would set ({LABEL}; a fresh deployment, no earlier data):"]
    for outcome in sorted(moved, key=lambda o: (o.state is not AlarmState.ALARM, o.name)):
        lines.append(f"  {outcome.state.value:<5} {outcome.name}: {outcome.reason}")
    lines.append(f"  {len(kept)} other alarms read metrics this run does not publish")
    if not moved:
        lines.append("  (none of the stack's alarms reads what this run publishes)")
    if skipped:
        names = ", ".join(o.name for o in skipped)
        lines.append(f"  not evaluated here (metric math or another rule): {names}")
    return "\n".join(lines)


def render(result: SimulatedRun) -> str:
    banner = (
        f"=== {LABEL} RUN: scores come from a stand-in judge (word overlap with the reference), "
        "not from Bedrock ==="
    )
    parts = [
        banner,
        f"Execution: {result.execution.status}; states: " + " -> ".join(result.execution.states),
    ]
    if result.summary is not None:
        parts.append(f"Summary ({LABEL}):\n" + render_summary_labelled(result.summary))
    elif result.failure is not None:
        parts.append(f"Failure ({LABEL} run):\n" + render_failure_record(result.failure))
    parts += [
        render_metrics(result.metrics),
        render_messages(result.messages),
        render_alarms(result.alarms),
        banner,
    ]
    return "\n\n".join(parts)


def render_summary_labelled(summary: Summary) -> str:
    """evalctl's summary, its verdict line marked as the stand-in judge's."""
    from evalctl.render import render_summary

    return f"{render_summary(summary)} ({LABEL}: the stand-in judge's scores, not Bedrock's)"


def _validate(suite: Suite, dataset: Path) -> None:
    check_suite_is_deployed(suite)
    dataset_stats(dataset, suite)


def execute(
    args: argparse.Namespace,
    out: TextIO = sys.stdout,
    *,
    template: dict[str, Any] | None = None,
    wait_scale: float = 1.0,
) -> int:
    """`template` and `wait_scale` are for tests: a template synthesized once for the whole
    test session, and the faked clock of tests/clock.py."""
    from evalctl.console import stderr

    suite = load_suite(args.suite)
    _validate(suite, args.dataset)
    key = dataset_key(suite, args.dataset, args.name)
    if template is None:
        with stderr.status("synthesizing the stack (about 10-20 s)"):
            template = json.loads(synthesized_template())
        stderr.print("synthesized the stack")
    with stderr.status(f"{LABEL} run: starting") as status:

        def entered(state: str) -> None:
            stderr.print(f"{LABEL} run: {state}")
            status.update(f"{LABEL} run: {state}")

        result = simulate_run(
            template, key, args.dataset.read_bytes(), entered, args.timeout, wait_scale
        )
    print(render(result), file=out)
    return 0 if result.summary is not None else 1


def run(args: argparse.Namespace) -> int:
    return execute(args)
