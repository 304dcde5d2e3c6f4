"""`evalctl run`: evaluate a dataset on the deployed stack and wait for the verdict.

1. validates the dataset against the suite and shows the cost estimate (as `evalctl
   estimate`); above the budget (--budget, else the suite's budgetUsd) it stops unless --force
2. uploads it to the stack's bucket (found from the stack's outputs) as
   datasets/<suite>/<name>.jsonl; the upload itself starts the evaluation
3. finds the execution the upload started and follows it state by state
4. prints the summary (or the failure record's problems)

--repeat N uploads the same dataset N times: N versions, N runs of the same records, so
`evalctl report` and `evalctl gate` can tell the judge's own spread from a real change. A
manifest (JSON list with each run's job name and keys) is written for them, and each record's
spread (max - min of its score across the runs) is printed.

Exit codes: 0 every run passed its checks (or --no-wait started them), 1 a run failed its
checks or failed, or the input is invalid or over budget.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from botocore.exceptions import ClientError

from evalcore import layout, naming
from evalcore.cost import estimate_cost
from evalcore.errors import InputError, Problem
from evalcore.results import ResultRecord, find_output_keys, iter_result_records
from evalcore.run_state import DatasetRef
from evalcore.suite import Suite, load_suite
from evalcore.summary import Summary
from evalctl.commands import add_command_parser
from evalctl.console import stderr
from evalctl.estimate import dataset_stats, over_budget
from evalctl.execution import (
    Clock,
    ExecutionNotFound,
    FollowedExecution,
    find_started_execution,
    follow_execution,
)
from evalctl.render import render_summary
from evalctl.stack import DEFAULT_STACK_NAME, StackOutputs, stack_outputs

DEFAULT_MANIFEST = Path("run-manifest.json")
SUCCEEDED = "SUCCEEDED"
SPREAD_RECORDS_SHOWN = 10


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "run", __doc__)
    parser.add_argument("dataset", type=Path, help="dataset JSONL")
    parser.add_argument("--suite", required=True, help="suite name (one of lambdas/suites)")
    parser.add_argument("--name", help="dataset name in the bucket (default: the file's stem)")
    parser.add_argument("--stack-name", default=DEFAULT_STACK_NAME, help="default: %(default)s")
    parser.add_argument("--region", help="AWS Region (else the configured default)")
    parser.add_argument("--no-wait", action="store_true", help="print the execution and return")
    parser.add_argument("--repeat", type=_positive, default=1, help="runs of the same dataset")
    parser.add_argument("--manifest", type=Path, help=f"default with --repeat: {DEFAULT_MANIFEST}")
    parser.add_argument("--budget", type=float, help="USD for all runs; default: budgetUsd")
    parser.add_argument("--force", action="store_true", help="run even above the budget")
    parser.add_argument("--poll-seconds", type=float, default=10.0, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


@dataclass(frozen=True)
class Clients:
    """The three AWS clients `run` needs; tests hand in moto's."""

    cloudformation: Any
    s3: Any
    sfn: Any


@dataclass(frozen=True)
class StartedRun:
    """One upload and the execution it started: a manifest row."""

    suite: str
    dataset: DatasetRef
    execution_arn: str

    @property
    def job_name(self) -> str:
        d = self.dataset
        return naming.job_name(self.suite, d.bucket, d.key, d.version_id)

    @property
    def summary_key(self) -> str:
        return layout.report_prefix(self.suite, self.job_name) + layout.SUMMARY_FILE

    @property
    def failure_key(self) -> str:
        return layout.report_prefix(self.suite, self.job_name) + layout.FAILURE_FILE

    @property
    def results_prefix(self) -> str:
        return layout.results_prefix(self.suite, self.job_name)

    def to_json(self, status: str | None = None, verdict: str | None = None) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "bucket": self.dataset.bucket,
            "datasetKey": self.dataset.key,
            "versionId": self.dataset.version_id,
            "executionArn": self.execution_arn,
            "jobName": self.job_name,
            "summaryKey": self.summary_key,
            "failureKey": self.failure_key,
            "resultsPrefix": self.results_prefix,
            "status": status,
            "verdict": verdict,
        }


def dataset_key(suite: Suite, dataset: Path, name: str | None) -> str:
    stem = name or dataset.stem
    key = f"{layout.DATASETS_PREFIX}{suite.name}/{stem}{layout.DATASET_SUFFIX}"
    if naming.check_s3_uri(naming.s3_uri("bucket-name", key)) is not None:
        raise InputError(
            [
                Problem(
                    str(dataset),
                    "--name",
                    f"{stem!r} makes the key {key!r}, which Bedrock refuses in an S3 URI",
                    "use letters, digits and - ! _ * ' ( ) . only (pass --name)",
                )
            ]
        )
    return key


def check_suite_is_deployed(suite: Suite) -> None:
    """The stack evaluates the suites shipped in lambdas/suites, found by the key's folder."""
    try:
        deployed = load_suite(suite.name)
    except InputError:
        deployed = None
    if deployed is None or replace(suite, source=deployed.source) != deployed:
        raise InputError(
            [
                Problem(
                    str(suite.source),
                    "name",
                    f"suite {suite.name!r} is not the one in lambdas/suites the stack deploys",
                    "add the suite file to lambdas/suites/ and deploy (cdk deploy) first",
                )
            ]
        )


def upload(s3: Any, bucket: str, key: str, body: bytes) -> DatasetRef:
    version = s3.put_object(Bucket=bucket, Key=key, Body=body).get("VersionId")
    return DatasetRef(bucket, key, version)


def start_runs(
    clients: Clients,
    outputs: StackOutputs,
    suite: Suite,
    key: str,
    body: bytes,
    repeat: int,
    clock: Clock | None = None,
) -> list[StartedRun]:
    started = []
    for _ in range(repeat):
        uploaded_at = datetime.now(UTC)
        dataset = upload(clients.s3, outputs.bucket_name, key, body)
        arn = find_started_execution(
            clients.sfn, outputs.state_machine_arn, dataset, uploaded_at, clock=clock
        )
        print(f"started {arn}", file=sys.stderr)
        started.append(StartedRun(suite.name, dataset, arn))
    return started


def _read_json(s3: Any, bucket: str, key: str) -> dict | None:
    try:
        return dict(json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
    except s3.exceptions.NoSuchKey:
        return None


@dataclass(frozen=True)
class Outcome:
    run: StartedRun
    status: str
    summary: Summary | None
    failure: dict | None

    @property
    def passed(self) -> bool:
        return self.summary is not None and self.summary.passed

    @property
    def verdict(self) -> str:
        return self.summary.verdict.value if self.summary else "failure"


def outcome_of(s3: Any, started: StartedRun, followed: FollowedExecution) -> Outcome:
    bucket = started.dataset.bucket
    if followed.status == SUCCEEDED:
        key = followed.output.get("summaryKey", started.summary_key)
        document = _read_json(s3, bucket, key)
        if document is not None:
            return Outcome(started, followed.status, Summary.from_json(document), None)
    return Outcome(started, followed.status, None, _read_json(s3, bucket, started.failure_key))


def render_failure_record(record: dict) -> str:
    """failure.json's problems, one per line."""
    lines = [f"{record.get('errorType')} ({record.get('kind')}): {record.get('message')}"]
    lines += [f"  - {message}" for message in record.get("messages", [])]
    return "\n".join(lines)


def render_failure(outcome: Outcome) -> str:
    run, bucket = outcome.run, outcome.run.dataset.bucket
    lines = [f"Run {run.job_name} ended {outcome.status} without a summary."]
    if outcome.failure is None:
        lines.append(
            f"No failure record at s3://{bucket}/{run.failure_key}; "
            f"see the execution {run.execution_arn}"
        )
    else:
        lines.append(render_failure_record(outcome.failure))
        lines.append(f"Failure record: s3://{bucket}/{run.failure_key}")
    return "\n".join(lines)


RecordKey = tuple[str, str]  # (category, prompt)


def run_scores(s3: Any, started: StartedRun) -> dict[RecordKey, dict[str, float]]:
    """Each record's numeric scores in one run, read from the job's output files."""
    bucket = started.dataset.bucket
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=started.results_prefix
    ):
        keys += [item["Key"] for item in page.get("Contents", [])]
    scores: dict[RecordKey, dict[str, float]] = {}
    for key in find_output_keys(keys, started.results_prefix):
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        for record in iter_result_records(body.splitlines(), source=key):
            if isinstance(record, ResultRecord):
                scores[(record.category or "", record.prompt)] = {
                    score.metric: float(score.result)
                    for score in record.scores
                    if isinstance(score.result, int | float)
                }
    return scores


def record_spreads(
    runs: Sequence[dict[RecordKey, dict[str, float]]],
) -> dict[RecordKey, dict[str, float]]:
    """max - min of each record's score per metric over the runs that scored it twice or more."""
    values: dict[RecordKey, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for scores in runs:
        for record, metrics in scores.items():
            for metric, value in metrics.items():
                values[record][metric].append(value)
    return {
        record: {m: round(max(v) - min(v), 6) for m, v in metrics.items() if len(v) > 1}
        for record, metrics in values.items()
    }


def render_spreads(spreads: dict[RecordKey, dict[str, float]], runs: int) -> str:
    lines = [f"Judge spread per record over {runs} runs of the same dataset (max - min):"]
    ranked = sorted(spreads.items(), key=lambda item: -max(item[1].values(), default=0.0))
    for (category, prompt), metrics in ranked[:SPREAD_RECORDS_SHOWN]:
        shown = ", ".join(f"{m.removeprefix('Builtin.')}={v:.2f}" for m, v in metrics.items())
        lines.append(f"  [{category or '-'}] {prompt[:60]}: {shown}")
    if len(ranked) > SPREAD_RECORDS_SHOWN:
        lines.append(f"  ... and {len(ranked) - SPREAD_RECORDS_SHOWN} more records")
    return "\n".join(lines)


def _estimate(suite: Suite, dataset: Path, repeat: int, budget: float | None, force: bool) -> bool:
    """Print the estimate; False when it is over budget and not forced."""
    stats = dataset_stats(dataset, suite)
    single = estimate_cost(suite, stats).total_usd
    total = None if single is None else round(single * repeat, 4)
    shown = "unknown" if total is None else f"${total:,.4f}"
    print(
        f"estimate: {stats.records} records x {len(suite.metrics)} metrics x {repeat} run(s), "
        f"judge {suite.evaluator_model}: {shown}",
        file=sys.stderr,
    )
    budget = budget if budget is not None else suite.budget_usd
    reason = None if budget is None else over_budget(total, budget)
    if reason is None:
        return True
    if force:
        print(f"warning: the estimate {reason}; going on (--force)", file=sys.stderr)
        return True
    print(
        f"evalctl run: the estimate {reason} (fix: shrink the dataset, lower --repeat, raise "
        "--budget / the suite's budgetUsd, or pass --force)",
        file=sys.stderr,
    )
    return False


def follow_all(
    clients: Clients, started: Sequence[StartedRun], interval: float, clock: Clock | None = None
) -> list[Outcome]:
    outcomes = []
    for index, one in enumerate(started, start=1):
        label = f"run {index}/{len(started)}" if len(started) > 1 else "run"
        with stderr.status(f"{label}: waiting for {one.job_name}") as status:

            def entered(state: str, status: Any = status, label: str = label) -> None:
                stderr.print(f"{label}: {state}")
                status.update(f"{label}: {state}")

            followed = follow_execution(
                clients.sfn, one.execution_arn, entered, interval=interval, clock=clock
            )
        outcomes.append(outcome_of(clients.s3, one, followed))
    return outcomes


def write_manifest(path: Path, outcomes: Sequence[tuple[StartedRun, Outcome | None]]) -> None:
    rows = [
        run.to_json(outcome.status if outcome else None, outcome.verdict if outcome else None)
        for run, outcome in outcomes
    ]
    path.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"manifest: {path}", file=sys.stderr)


def execute(
    args: argparse.Namespace,
    clients: Clients,
    out: TextIO = sys.stdout,
    clock: Clock | None = None,
) -> int:
    """`run` with its AWS clients handed in."""
    suite = load_suite(args.suite)
    check_suite_is_deployed(suite)
    key = dataset_key(suite, args.dataset, args.name)
    if not _estimate(suite, args.dataset, args.repeat, args.budget, args.force):
        return 1
    outputs = stack_outputs(clients.cloudformation, args.stack_name)
    body = args.dataset.read_bytes()
    try:
        started = start_runs(clients, outputs, suite, key, body, args.repeat, clock)
    except ExecutionNotFound as error:
        print(
            f"evalctl run: {error} (fix: check that the stack's upload rule is enabled and "
            f"that --stack-name {args.stack_name} is the stack that owns the bucket)",
            file=sys.stderr,
        )
        return 1
    manifest = args.manifest or (DEFAULT_MANIFEST if args.repeat > 1 else None)
    if args.no_wait:
        for one in started:
            print(one.execution_arn, file=out)
        if manifest:
            write_manifest(manifest, [(one, None) for one in started])
        return 0
    outcomes = follow_all(clients, started, args.poll_seconds, clock)
    for index, outcome in enumerate(outcomes, start=1):
        if len(outcomes) > 1:
            print(f"=== run {index}/{len(outcomes)}: {outcome.run.job_name}", file=out)
        if outcome.summary is not None:
            print(render_summary(outcome.summary), file=out)
            print(f"summary: s3://{outputs.bucket_name}/{outcome.run.summary_key}", file=out)
        else:
            print(render_failure(outcome), file=out)
    if manifest:
        write_manifest(manifest, [(outcome.run, outcome) for outcome in outcomes])
    if len(outcomes) > 1 and all(outcome.summary for outcome in outcomes):
        try:
            spreads = record_spreads([run_scores(clients.s3, o.run) for o in outcomes])
        except ClientError as error:  # e.g. a CI role that may not read results/
            print(f"no per-record spread: the results are not readable ({error})", file=out)
        else:
            print(render_spreads(spreads, len(outcomes)), file=out)
    return 0 if all(outcome.passed for outcome in outcomes) else 1


def run(args: argparse.Namespace) -> int:
    client = args.services.client
    clients = Clients(
        client("cloudformation", args.region),
        client("s3", args.region),
        client("stepfunctions", args.region),
    )
    return execute(args, clients)
