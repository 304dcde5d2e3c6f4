"""Shared Lambda plumbing: Powertools objects, lazily created clients, configuration.

Clients are created on first use (not at import) so a cold start only pays for what the
handler touches, and tests can swap a client for one wrapped in a botocore Stubber.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Tracer
from botocore.exceptions import ClientError

logger = Logger()
tracer = Tracer()

THROTTLING_CODES = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "ServiceQuotaExceededException"}
)


class BedrockThrottled(Exception):
    """Retried by the state machine with backoff; the name is matched in its Retry rule."""


class ConfigurationError(Exception):
    """The function was deployed without a setting it needs."""


@cache
def s3_client():
    return boto3.client("s3")


@cache
def bedrock_client():
    return boto3.client("bedrock")


@cache
def sns_client():
    return boto3.client("sns")


def setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigurationError(f"environment variable {name} is not set on this function")
    return value


def call_bedrock(operation: Callable[..., dict], **kwargs: Any) -> dict:
    """Turn Bedrock throttling into the one error type the workflow retries."""
    try:
        return operation(**kwargs)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in THROTTLING_CODES:
            raise BedrockThrottled(f"{code}: {error}") from error
        raise
