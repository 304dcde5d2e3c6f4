"""Small S3 helpers that stream instead of loading whole objects."""

from __future__ import annotations

import json
from collections.abc import Iterator

from evalcore.dataset import split_lines
from handlers.runtime import s3_client


def iter_lines(bucket: str, key: str, version_id: str | None = None) -> Iterator[bytes]:
    """Yield an object's lines without holding the object; keeps line numbers exact.

    A line longer than any valid record is cut at the cap (and then refused by the validator)
    instead of being buffered whole, as botocore's own iter_lines would.
    """
    extra = {"VersionId": version_id} if version_id else {}
    body = s3_client().get_object(Bucket=bucket, Key=key, **extra)["Body"]
    yield from split_lines(body.iter_chunks())


def list_keys(bucket: str, prefix: str) -> Iterator[str]:
    paginator = s3_client().get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"]


def get_json(bucket: str, key: str) -> dict | None:
    """None when the object does not exist, e.g. the first run has no previous summary.

    Existence is checked by listing: the functions may list only their own prefixes, and
    without an unconditional s3:ListBucket S3 answers a GetObject on a missing key with
    403 AccessDenied instead of 404, which would hide a real permission problem.
    """
    listing = s3_client().list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
    if not any(item["Key"] == key for item in listing.get("Contents", [])):
        return None
    return json.loads(s3_client().get_object(Bucket=bucket, Key=key)["Body"].read())


def put_json(bucket: str, key: str, document: dict) -> None:
    s3_client().put_object(
        Bucket=bucket,
        Key=key,
        Body=json.dumps(document, indent=2, sort_keys=False).encode("utf-8"),
        ContentType="application/json",
    )
