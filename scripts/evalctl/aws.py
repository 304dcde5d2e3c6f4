"""The one place evalctl makes boto3 clients, so tests can hand it Stubber-wrapped ones."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config


def client(
    service: str, region: str | None = None, *, own_retries: bool = False, pool: int = 10
) -> Any:
    """A boto3 client; `own_retries` turns botocore's retries off for callers that back off
    themselves (evalctl.retry), so a throttled call is not retried twice over."""
    retries: dict[str, Any] = {"mode": "standard"}
    if own_retries:
        retries["max_attempts"] = 1
    return boto3.client(
        service, region_name=region, config=Config(retries=retries, max_pool_connections=pool)
    )
