"""Where `report` and `gate` read a finished run: a local folder or the pipeline's bucket.

A run's judged records are its `*_output.jsonl` files (a downloaded results folder, or the
bucket's `results/<suite>/<job>/`), and its summary is `reports/<suite>/<job>/summary.json`.
Keys come from evalcore.layout, so the CLI and the Lambdas never disagree about a prefix.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalcore.aggregate import ScoreAggregator
from evalcore.errors import InputError, Problem
from evalcore.layout import REPORTS_PREFIX, SUMMARY_FILE, report_prefix, results_prefix
from evalcore.results import (
    MalformedLine,
    ResultRecord,
    find_output_keys,
    is_job_metadata,
    iter_result_records,
    looks_like_results,
)
from evalcore.summary import Summary

if TYPE_CHECKING:  # boto3, rich and the paired statistics load only on the paths that use them
    from evalcore.paired import RecordScores
    from evalctl.aws import ClientFactory

Item = ResultRecord | MalformedLine


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the pipeline's bucket is, for commands that read runs from it."""
    from evalctl.stack import DEFAULT_STACK_NAME  # here: summarize reads no bucket

    parser.add_argument("--suite", help="suite name or file: thresholds, tolerances, bucket path")
    parser.add_argument("--stack-name", default=DEFAULT_STACK_NAME, help="default: %(default)s")
    parser.add_argument("--bucket", help="the pipeline bucket (default: the stack's BucketName)")
    parser.add_argument("--region", help="AWS Region (else the configured default)")


def bucket_name(args: argparse.Namespace, client: ClientFactory) -> str:
    if args.bucket:
        return str(args.bucket)
    from evalctl.stack import stack_outputs

    return stack_outputs(client("cloudformation", args.region), args.stack_name).bucket_name


@dataclass(frozen=True)
class BucketRun:
    """One pipeline run, named the way the pipeline files it."""

    bucket: str
    suite: str
    job: str

    @property
    def summary_key(self) -> str:
        return report_prefix(self.suite, self.job) + SUMMARY_FILE


SNIFFED_LINES = 5


def _holds_results(path: Path) -> bool:
    """Whether one of the first records is a result row (one broken line does not hide a file)."""
    with path.open("rb") as lines:
        records = (line for line in lines if line.strip())
        return any(
            looks_like_results(line) for _, line in zip(range(SNIFFED_LINES), records, strict=False)
        )


def find_local_outputs(results: Path) -> list[Path]:
    """Every JSONL file under `results` (or `results` itself) whose rows are evaluation results,
    whatever its name: users download and commit outputs as `results.jsonl` or `run-3.jsonl`,
    not only as Bedrock's `<uuid>_output.jsonl`. Datasets and Bedrock's metadata are skipped."""
    if results.is_file():
        candidates = [results]
    else:
        candidates = sorted(
            path
            for path in results.rglob("*.jsonl")
            if path.is_file() and not is_job_metadata(path.relative_to(results).as_posix())
        )
    return [path for path in candidates if _holds_results(path)]


def local_outputs(results: Path) -> list[Path]:
    """The result files of a file or folder; an error a person can act on when there are none."""
    if not results.exists():
        raise InputError([Problem(str(results), "<path>", "does not exist", "check the path")])
    outputs = find_local_outputs(results)
    if not outputs:
        raise InputError(
            [
                Problem(
                    str(results),
                    "<path>",
                    "holds no evaluation results (no JSONL whose rows have "
                    "automatedEvaluationResult, conversationTurns with results, or "
                    "humanEvaluationResult)",
                    "download the job's output prefix, e.g. aws s3 sync s3://<bucket>/results/...",
                )
            ]
        )
    return outputs


def iter_local_records(outputs: list[Path], label: str) -> Iterator[Item]:
    from evalctl.console import progress_bar

    with progress_bar() as progress:
        task = progress.add_task(f"reading {label}", total=len(outputs))
        for path in outputs:
            with path.open("rb") as lines:
                yield from iter_result_records(lines, source=str(path))
            progress.advance(task)


def bucket_output_keys(s3: Any, run: BucketRun) -> list[str]:
    prefix = results_prefix(run.suite, run.job)
    keys = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=run.bucket, Prefix=prefix)
        for item in page.get("Contents", [])  # absent when empty
    ]
    outputs = find_output_keys(keys, prefix)
    if not outputs:
        raise InputError(
            [
                Problem(
                    f"s3://{run.bucket}/{prefix}",
                    "<prefix>",
                    "holds no *_output.jsonl files",
                    "check --suite and --job (evalctl jobs list), or wait for the job to finish",
                )
            ]
        )
    return outputs


def iter_bucket_records(s3: Any, run: BucketRun) -> Iterator[Item]:
    keys = bucket_output_keys(s3, run)
    from evalctl.console import progress_bar

    with progress_bar() as progress:
        task = progress.add_task(f"reading {run.job}", total=len(keys))
        for key in keys:
            body = s3.get_object(Bucket=run.bucket, Key=key)["Body"]
            yield from iter_result_records(body.iter_lines(), source=f"s3://{run.bucket}/{key}")
            progress.advance(task)


def parse_summary(document: Any, where: str) -> Summary:
    try:
        return Summary.from_json(document)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(
            [
                Problem(
                    where,
                    "<summary>",
                    f"is not a summary.json this evalctl reads ({error!r})",
                    "pass the summary.json the pipeline wrote, or re-create it with "
                    "evalctl summarize --json",
                )
            ]
        ) from None


def read_summary_file(path: Path) -> Summary:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(
            [Problem(str(path), "<file>", f"is not readable JSON ({error})", "check the path")]
        ) from None
    return parse_summary(document, str(path))


def read_bucket_summary(s3: Any, bucket: str, key: str) -> Summary:
    import botocore.exceptions

    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
            raise
        raise InputError(
            [
                Problem(
                    f"s3://{bucket}/{key}",
                    "<object>",
                    "does not exist",
                    "check --suite and --job (evalctl jobs list); a failed run has failure.json "
                    "instead of summary.json",
                )
            ]
        ) from None
    return parse_summary(json.loads(body), f"s3://{bucket}/{key}")


def bucket_summary_keys(s3: Any, bucket: str, suite: str) -> list[str]:
    """Every run's immutable summary under reports/<suite>/ (not latest-summary.json),
    oldest written first."""
    prefix = f"{REPORTS_PREFIX}{suite}/"
    items = [
        item
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])  # absent when empty
        if item["Key"].endswith("/" + SUMMARY_FILE) and item["Key"].count("/") == 3
    ]
    return [item["Key"] for item in sorted(items, key=lambda i: (i["LastModified"], i["Key"]))]


def _feeding(aggregator: ScoreAggregator, items: Iterable[Item]) -> Iterator[Item]:
    for item in items:
        aggregator.add(item)
        yield item


def aggregate_and_pair(
    items: Iterable[Item], aggregator: ScoreAggregator | None = None
) -> tuple[ScoreAggregator, RecordScores]:
    """One pass over a run's records feeds both its statistics and its per-record scores."""
    from evalcore.paired import per_record_scores  # here: summarize reads runs without pairing

    aggregator = aggregator or ScoreAggregator()
    scores = per_record_scores(_feeding(aggregator, items))
    return aggregator, scores
