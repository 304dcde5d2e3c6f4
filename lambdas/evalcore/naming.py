"""Deterministic names for a run, derived from the dataset object that started it.

A Step Functions retry, or a second delivery of the same S3 event, must produce the same
job name and client token so Bedrock sees one job; a new upload (a new object version) must
produce a new one.
"""

from __future__ import annotations

import hashlib
import re

from evalcore import api_patterns
from evalcore.layout import dataset_stem

_DIGEST_CHARS = 10

# Bedrock's patterns have one home, api_patterns (read from botocore's service model); these
# names stay importable from here for callers that match against them. Looked up lazily so
# importing naming does not load the service model.
_PATTERN_ALIASES = {
    "JOB_NAME_PATTERN": api_patterns.job_name,
    "DATASET_NAME_PATTERN": api_patterns.dataset_name,
    "S3_URI_PATTERN": api_patterns.s3_uri,
}


def __getattr__(name: str) -> re.Pattern[str]:
    if name in _PATTERN_ALIASES:
        pattern = _PATTERN_ALIASES[name]().pattern
        assert pattern is not None
        return pattern
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_digest(bucket: str, key: str, version_id: str | None) -> str:
    """Identity of one uploaded dataset version; `null` is what S3 reports for unversioned."""
    identity = f"{bucket}/{key}@{version_id or 'null'}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")


def job_name(suite: str, bucket: str, key: str, version_id: str | None) -> str:
    """`<suite>-<dataset>-<digest>`, readable in the console and unique per dataset version.

    This is the run's name; the jobs of a run of several (shards, compared models) add a
    suffix to it (evalcore.shards.shard_job_name)."""
    digest = run_digest(bucket, key, version_id)[:_DIGEST_CHARS]
    stem = _slug(dataset_stem(key))
    readable = _slug(suite) if stem in ("", _slug(suite)) else _slug(f"{suite}-{stem}")
    rule = api_patterns.job_name()
    max_length = rule.max_length or 63
    readable = readable[: max_length - _DIGEST_CHARS - 1].strip("-")
    name = f"{readable}-{digest}" if readable else digest
    assert rule.violation(name) is None, name
    return name


def client_request_token(bucket: str, key: str, version_id: str | None) -> str:
    """Bedrock's idempotency token: retries of the same upload return the same job."""
    return run_digest(bucket, key, version_id)[:64]


def dataset_name(key: str) -> str:
    """The dataset label Bedrock shows and uses as an output folder name."""
    name = re.sub(r"[^0-9a-zA-Z\-_.]+", "-", dataset_stem(key)).strip("-.") or "dataset"
    name = name[: api_patterns.dataset_name().max_length or 63]
    assert api_patterns.dataset_name().violation(name) is None, name
    return name


def s3_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


def check_s3_uri(uri: str) -> str | None:
    """Why Bedrock would reject this S3 URI, or None when it is acceptable."""
    rule = api_patterns.s3_uri()
    if rule.max_length is not None and len(uri) > rule.max_length:
        return f"is longer than {rule.max_length} characters"
    if rule.violation(uri):
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
