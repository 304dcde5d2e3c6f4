"""`evalctl plan`: validate a dataset locally and show the exact job request it would start.

Runs before upload so a bad line or a wrong modelIdentifier costs seconds, not a queued job.
A model comparison starts one job per model: its requests are printed as a JSON list.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from evalcore.cost import estimate_cost
from evalcore.dataset_kinds import validate_for_suite
from evalcore.errors import DatasetError, Problem
from evalcore.job_request import build_create_job_requests
from evalcore.layout import DATASETS_PREFIX
from evalcore.run_state import DatasetRef
from evalcore.suite import load_suite
from evalctl.commands import add_command_parser

# Values only a deployed stack (or the upload itself) knows. The request is built with stand-ins
# that satisfy Bedrock's patterns, so it is checked exactly as it will be, and every value that
# depends on a stand-in is then shown as a placeholder rather than as a name no run would get.
_STAND_IN_BUCKET = "evalctl-stand-in-bucket"
_STAND_IN_VERSION = "evalctl-stand-in-version"
BUCKET_PLACEHOLDER = "<BucketName>"
ROLE_PLACEHOLDER = "<EvaluationServiceRoleArn>"
VERSION_PLACEHOLDER = "<VersionId>"
JOB_NAME_PLACEHOLDER = "<JobName>"
TOKEN_PLACEHOLDER = "<ClientRequestToken>"


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "plan", __doc__)
    parser.add_argument("dataset", type=Path, help="local JSONL dataset")
    parser.add_argument("--suite", required=True, help="suite name or path to a suite .json")
    parser.add_argument("--bucket", help="the stack's BucketName output (else a placeholder)")
    parser.add_argument("--role-arn", help="the stack's EvaluationServiceRoleArn output")
    parser.add_argument("--version-id", help="S3 version id of the upload (names the job)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    suite = load_suite(args.suite)
    if not args.dataset.is_file():
        raise DatasetError(
            [Problem(str(args.dataset), "<file>", "does not exist", "check the path")]
        )
    with args.dataset.open("rb") as lines:
        stats = validate_for_suite(lines, suite, source=str(args.dataset))
    for warning in stats.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    stats.raise_for_problems()

    key = f"{DATASETS_PREFIX}{suite.name}/{args.dataset.name}"
    requests = build_create_job_requests(
        suite,
        DatasetRef(args.bucket or _STAND_IN_BUCKET, key, args.version_id or _STAND_IN_VERSION),
        role_arn=args.role_arn or ROLE_PLACEHOLDER,
    )
    shown = [_with_placeholders(request, args) for request in requests]
    text = json.dumps(shown[0] if len(shown) == 1 else shown, indent=2)
    estimate = estimate_cost(suite, stats)
    total = estimate.total_usd
    print(
        f"{args.dataset}: {stats.records} prompts valid for suite {suite.name!r} "
        f"({suite.scope.label} job, {len(suite.metrics)} metrics"
        f"{f', judge {suite.evaluator_model}' if suite.evaluator_model else ''}"
        f"{f', {len(requests)} jobs (one per model)' if len(requests) > 1 else ''}); "
        f"estimated cost {'unknown' if total is None else f'${total:.2f}'}",
        file=sys.stderr,
    )
    for note in estimate.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"upload to: s3://{args.bucket or BUCKET_PLACEHOLDER}/{key}", file=sys.stderr)
    print(text)
    return 0


def _with_placeholders(request: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Replace every value derived from a stand-in; the job name and token derive from both.

    The job name keeps no readable part when hidden: several jobs of a comparison are told
    apart by their inferenceConfig."""
    text = json.dumps(request)
    if not (args.bucket and args.version_id):
        text = text.replace(request["jobName"], JOB_NAME_PLACEHOLDER)
        text = text.replace(request["clientRequestToken"], TOKEN_PLACEHOLDER)
    text = text.replace(_STAND_IN_BUCKET, BUCKET_PLACEHOLDER)
    text = text.replace(_STAND_IN_VERSION, VERSION_PLACEHOLDER)
    replaced: dict[str, Any] = json.loads(text)
    return replaced
