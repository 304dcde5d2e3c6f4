"""`evalctl plan`: validate a dataset locally and show the exact job request it would start.

Runs before upload so a bad line or a wrong modelIdentifier costs seconds, not a queued job.
The dataset is normalised exactly as the pipeline stages it (byte-order mark, CRLF, blank
lines). With --check-account it also asks Bedrock, with your credentials, whether every model
the suite names is still ACTIVE, as the pipeline does before it starts a job; without it,
plan makes no AWS call.
A model comparison starts one job per model (`<run>-m1`, `<run>-m2`, ... as the pipeline names
them): its requests are printed as a JSON list.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evalcore import naming
from evalcore.cost import estimate_cost
from evalcore.dataset_kinds import validate_for_suite
from evalcore.errors import DatasetError, Problem, SuiteError
from evalcore.job_request import build_create_job_requests
from evalcore.layout import DATASETS_PREFIX
from evalcore.model_lifecycle import ClientModelCatalog, check_suite_models
from evalcore.run_state import DatasetRef
from evalcore.staging import DatasetNormaliser
from evalcore.suite import Suite, load_suite
from evalctl.aws import Services
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
    parser.add_argument(
        "--check-account",
        action="store_true",
        help="ask Bedrock (your credentials) whether the suite's models are still ACTIVE",
    )
    parser.add_argument("--region", help="the Region to check models in (else your default)")
    parser.set_defaults(run=run)


def check_account(suite: Suite, region: str | None, services: Services) -> None:
    """The pipeline's pre-submit lifecycle check, run with the user's credentials."""
    catalog = ClientModelCatalog(services.client("bedrock", region))
    problems = check_suite_models(suite, catalog, datetime.now(UTC))
    if problems:
        raise SuiteError(problems)
    print(f"models of suite {suite.name!r} are ACTIVE on Amazon Bedrock", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    suite = load_suite(args.suite)
    if not args.dataset.is_file():
        raise DatasetError(
            [Problem(str(args.dataset), "<file>", "does not exist", "check the path")]
        )
    with args.dataset.open("rb") as lines:
        normaliser = DatasetNormaliser(lines)
        try:
            stats = validate_for_suite(normaliser, suite, source=str(args.dataset))
        except DatasetError as error:
            raise DatasetError(
                [normaliser.in_upload_numbering(p) for p in error.problems]
            ) from None
    for warning in stats.warnings:
        print(f"warning: {normaliser.in_upload_numbering(warning)}", file=sys.stderr)
    if stats.problems:
        raise DatasetError([normaliser.in_upload_numbering(p) for p in stats.problems])
    if args.check_account:
        check_account(suite, args.region, args.services)

    key = f"{DATASETS_PREFIX}{suite.name}/{args.dataset.name}"
    dataset = DatasetRef(args.bucket or _STAND_IN_BUCKET, key, args.version_id or _STAND_IN_VERSION)
    requests = build_create_job_requests(suite, dataset, role_arn=args.role_arn or ROLE_PLACEHOLDER)
    # Every job's name, output and staged copy derive from the run's own job name.
    run_name = naming.job_name(suite.name, dataset.bucket, dataset.key, dataset.version_id)
    shown = [_with_placeholders(request, args, run_name) for request in requests]
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


def _with_placeholders(
    request: dict[str, Any], args: argparse.Namespace, run_name: str
) -> dict[str, Any]:
    """Replace every value derived from a stand-in; the job name and token derive from both.

    The run's name is hidden, not the suffix a comparison's job adds to it (`<JobName>-m2`),
    so each printed job is named as the pipeline will name it."""
    text = json.dumps(request)
    if not (args.bucket and args.version_id):
        text = text.replace(run_name, JOB_NAME_PLACEHOLDER)
        text = text.replace(request["clientRequestToken"], TOKEN_PLACEHOLDER)
    text = text.replace(_STAND_IN_BUCKET, BUCKET_PLACEHOLDER)
    text = text.replace(_STAND_IN_VERSION, VERSION_PLACEHOLDER)
    replaced: dict[str, Any] = json.loads(text)
    return replaced
