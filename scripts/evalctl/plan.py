"""`evalctl plan`: validate a dataset locally and show the exact job request it would start.

Runs before upload so a bad line or a wrong modelIdentifier costs seconds, not a queued job.
"""

from __future__ import annotations

import argparse
import json
import sys

from evalcore.cost import estimate_cost
from evalcore.dataset import validate_dataset
from evalcore.errors import DatasetError, Problem
from evalcore.job_request import DatasetLocation, build_create_job_request
from evalcore.layout import DATASETS_PREFIX
from evalcore.suite import load_suite
from evalctl.commands import register_plan

# Stand-ins for values only a deployed stack knows; valid by Bedrock's patterns so the
# request is checked exactly as it will be, then shown as placeholders.
_STAND_IN_BUCKET = "evalctl-stand-in-bucket"
BUCKET_PLACEHOLDER = "<BucketName>"
ROLE_PLACEHOLDER = "<EvaluationServiceRoleArn>"


def register(commands: argparse._SubParsersAction) -> None:
    """The arguments live in evalctl.commands so `evalctl --help` need not import this module."""
    register_plan(commands)


def run(args: argparse.Namespace) -> int:
    suite = load_suite(args.suite)
    if not args.dataset.is_file():
        raise DatasetError(
            [Problem(str(args.dataset), "<file>", "does not exist", "check the path")]
        )
    with args.dataset.open("rb") as lines:
        stats = validate_dataset(lines, suite, source=str(args.dataset))
    for warning in stats.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    stats.raise_for_problems()

    key = f"{DATASETS_PREFIX}{suite.name}/{args.dataset.name}"
    bucket = args.bucket or _STAND_IN_BUCKET
    request = build_create_job_request(
        suite,
        DatasetLocation(bucket, key, args.version_id),
        role_arn=args.role_arn or ROLE_PLACEHOLDER,
    )
    text = json.dumps(request, indent=2)
    if not args.bucket:
        text = text.replace(_STAND_IN_BUCKET, BUCKET_PLACEHOLDER)
    estimate = estimate_cost(suite, stats)
    total = estimate.total_usd
    print(
        f"{args.dataset}: {stats.records} prompts valid for suite {suite.name!r} "
        f"({len(suite.metrics)} metrics, judge {suite.evaluator_model}); "
        f"estimated cost {'unknown' if total is None else f'${total:.2f}'}",
        file=sys.stderr,
    )
    for note in estimate.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"upload to: s3://{args.bucket or BUCKET_PLACEHOLDER}/{key}", file=sys.stderr)
    print(text)
    return 0
