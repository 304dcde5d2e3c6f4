"""Deterministic names for a run, derived from the dataset object that started it.

A Step Functions retry, or a second delivery of the same S3 event, must produce the same
job name and client token so Bedrock sees one job; a new upload (a new object version) must
produce a new one.
"""

from __future__ import annotations

import hashlib
import re

from evalcore.layout import dataset_stem

# Patterns from botocore's bedrock service model; botocore does not enforce them client-side,
# so the service would reject a bad value only at run time. tests/core check they still match.
JOB_NAME_PATTERN = re.compile(r"^[a-z0-9](-*[a-z0-9]){0,62}$")
DATASET_NAME_PATTERN = re.compile(r"^[0-9a-zA-Z\-_.]{1,63}$")
S3_URI_PATTERN = re.compile(
    r"^s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?$"
)
JOB_NAME_MAX = 63
_DIGEST_CHARS = 10


def run_digest(bucket: str, key: str, version_id: str | None) -> str:
    """Identity of one uploaded dataset version; `null` is what S3 reports for unversioned."""
    identity = f"{bucket}/{key}@{version_id or 'null'}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")


def job_name(suite: str, bucket: str, key: str, version_id: str | None) -> str:
    """`<suite>-<dataset>-<digest>`, readable in the console and unique per dataset version."""
    digest = run_digest(bucket, key, version_id)[:_DIGEST_CHARS]
    stem = _slug(dataset_stem(key))
    readable = _slug(suite) if stem in ("", _slug(suite)) else _slug(f"{suite}-{stem}")
    readable = readable[: JOB_NAME_MAX - _DIGEST_CHARS - 1].strip("-")
    name = f"{readable}-{digest}" if readable else digest
    assert JOB_NAME_PATTERN.match(name), name
    return name


def client_request_token(bucket: str, key: str, version_id: str | None) -> str:
    """Bedrock's idempotency token: retries of the same upload return the same job."""
    return run_digest(bucket, key, version_id)[:64]


def dataset_name(key: str) -> str:
    """The dataset label Bedrock shows and uses as an output folder name."""
    name = re.sub(r"[^0-9a-zA-Z\-_.]+", "-", dataset_stem(key)).strip("-.") or "dataset"
    return name[:63]


def s3_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


def check_s3_uri(uri: str) -> str | None:
    """Why Bedrock would reject this S3 URI, or None when it is acceptable."""
    if len(uri) > 1024:
        return "is longer than 1024 characters"
    if not S3_URI_PATTERN.match(uri):
        return (
            "contains characters Bedrock does not accept in S3 keys "
            "(only letters, digits and - ! _ * ' ( ) . are allowed between slashes)"
        )
    return None


def split_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/some/key` -> (`bucket`, `some/key`)."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


EXECUTION_NAME_MAX = 80
# The start function's environment names the state machine it starts.
STATE_MACHINE_ENV = "STATE_MACHINE_ARN"


def execution_name(bucket: str, key: str, version_id: str | None) -> str:
    """The Step Functions execution name of one uploaded dataset version.

    A Standard workflow refuses a second execution under a name used in the last 90 days
    (ExecutionAlreadyExists), so every delivery of the same S3 event starts at most one run.
    Names allow 80 characters of `[0-9A-Za-z_-]`: a readable prefix and the version's digest.
    """
    digest = run_digest(bucket, key, version_id)[:32]
    readable = re.sub(r"[^0-9A-Za-z_-]+", "-", dataset_stem(key)).strip("-")
    room = EXECUTION_NAME_MAX - len(digest) - 1
    return f"{readable[:room]}-{digest}" if readable else digest
