"""Shared Lambda plumbing: Powertools objects, lazily created clients, configuration.

Clients are created on first use (not at import) so a cold start only pays for what the
handler touches, and tests can swap a client for one wrapped in a botocore Stubber.

X-Ray SDK tracing is a switch, off unless TRACING_ENV_VAR is "true": constructing
Powertools' Tracer imports and patches the X-Ray SDK even when tracing is disabled, which
costs about as much as importing boto3 itself on every cold start. The functions' active
tracing still records each invocation without the SDK; the SDK only adds subsegments per
AWS call, worth turning on while chasing a latency problem.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from aws_lambda_powertools import Logger
from botocore.config import Config
from botocore.exceptions import ClientError

from evalcore.polling import (
    HUMAN_MAX_WAIT_ENV,
    HUMAN_MAX_WAIT_SECONDS,
    MAX_WAIT_ENV,
    MAX_WAIT_SECONDS,
    MIN_WAIT_ENV,
    MIN_WAIT_SECONDS,
    PollingSchedule,
    PollingSchedules,
)
from evalcore.run_limit import (
    DEFAULT_HUMAN_RUN_LIMIT_SECONDS,
    DEFAULT_RUN_LIMIT_SECONDS,
    HUMAN_RUN_LIMIT_ENV,
    RUN_LIMIT_ENV,
    RunLimits,
)

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer


class Clock:
    """The handlers' "now" for the run's limit and the job slots' leases: the system's UTC
    clock, unless replaced for a while. The offline simulation replaces it with one running
    faster (evalctl.simulation.clock) so a run limit can pass without a test sleeping
    through it; nothing in a deployed function replaces it."""

    def __init__(self) -> None:
        self._source: Callable[[], datetime] | None = None

    def now(self) -> datetime:
        return self._source() if self._source is not None else datetime.now(UTC)

    @contextmanager
    def replaced(self, source: Callable[[], datetime]) -> Iterator[None]:
        previous, self._source = self._source, source
        try:
            yield
        finally:
            self._source = previous


CLOCK = Clock()

TRACING_ENV_VAR = "POWERTOOLS_TRACE_ENABLED"

_Function = TypeVar("_Function", bound=Callable[..., Any])


class TracingOff:
    """Stands in for Powertools' Tracer when tracing is off: same decorators, no X-Ray import."""

    def capture_lambda_handler(self, handler: _Function) -> _Function:
        return handler

    def capture_method(self, method: _Function) -> _Function:
        return method

    def put_annotation(self, key: str, value: object) -> None:
        """Annotations only exist on X-Ray segments; with tracing off there is none."""

    def put_metadata(self, key: str, value: object, namespace: str | None = None) -> None:
        """Metadata only exists on X-Ray segments; with tracing off there is none."""


def tracing_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get(TRACING_ENV_VAR, "").strip().lower() == "true"


def build_tracer(environ: Mapping[str, str] = os.environ) -> Tracer | TracingOff:
    """Powertools' Tracer (and the X-Ray SDK) only when the switch asks for it."""
    if not tracing_enabled(environ):
        return TracingOff()
    from aws_lambda_powertools import Tracer

    return Tracer()


logger = Logger()
tracer = build_tracer()

THROTTLING_CODES = frozenset({"ThrottlingException", "TooManyRequestsException"})
# The account's evaluation-job quota is full (jobs started outside the pipeline, or a limit
# set above the quota): a slot frees only when some job ends, minutes to hours away.
QUOTA_CODES = frozenset({"ServiceQuotaExceededException"})
# Bedrock's own transient failures (HTTP 500/503).
UNAVAILABLE_CODES = frozenset({"InternalServerException", "ServiceUnavailableException"})
# SDK-level retries (botocore's standard mode: exponential backoff with full jitter; it
# retries S3 SlowDown, throttling and 5xx) before an error reaches the state machine.
SDK_RETRIES = Config(retries={"mode": "standard", "max_attempts": 8})


class BedrockThrottled(Exception):
    """Request-rate throttling: retried by the state machine within seconds to minutes."""


class BedrockQuotaExceeded(Exception):
    """The evaluation-job quota is full: retried by the state machine after minutes, not
    seconds, because only a job ending frees room."""


class BedrockUnavailable(Exception):
    """Bedrock answered 500/503: retried by the state machine; a status check is harmless to
    repeat."""


class ConfigurationError(Exception):
    """The function was deployed without a setting it needs."""


@cache
def s3_client():
    return boto3.client("s3", config=SDK_RETRIES)


@cache
def bedrock_client():
    return boto3.client("bedrock", config=SDK_RETRIES)


@cache
def dynamodb_client():
    return boto3.client("dynamodb", config=SDK_RETRIES)


@cache
def stepfunctions_client():
    return boto3.client("stepfunctions", config=SDK_RETRIES)


def int_setting(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    """A whole-number setting the stack put in the environment, or its default."""
    return int(environ.get(name, default))


@cache
def sns_client():
    return boto3.client("sns")


def setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigurationError(f"environment variable {name} is not set on this function")
    return value


def call_bedrock(operation: Callable[..., dict], **kwargs: Any) -> dict:
    """Turn Bedrock's retryable errors into the error types the workflow retries, each with
    its own wait (infra.workflow); every other error fails the step with its reason."""
    try:
        return operation(**kwargs)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in THROTTLING_CODES:
            raise BedrockThrottled(f"{code}: {error}") from error
        if code in QUOTA_CODES:
            raise BedrockQuotaExceeded(f"{code}: {error}") from error
        if code in UNAVAILABLE_CODES:
            raise BedrockUnavailable(f"{code}: {error}") from error
        raise


def polling_schedule(environ: Mapping[str, str] = os.environ) -> PollingSchedule:
    """The deployed bounds of the wait between status checks of automated jobs, or the
    defaults."""
    return polling_schedules(environ).automated


def polling_schedules(environ: Mapping[str, str] = os.environ) -> PollingSchedules:
    """The deployed schedules for automated jobs and for jobs paced by people (one floor)."""
    floor = int_setting(MIN_WAIT_ENV, MIN_WAIT_SECONDS, environ)
    return PollingSchedules(
        automated=PollingSchedule(floor, int_setting(MAX_WAIT_ENV, MAX_WAIT_SECONDS, environ)),
        human=PollingSchedule(
            floor, int_setting(HUMAN_MAX_WAIT_ENV, HUMAN_MAX_WAIT_SECONDS, environ)
        ),
    )


def run_limits(environ: Mapping[str, str] = os.environ) -> RunLimits:
    """The stack's run limits for automated jobs and for jobs paced by people."""
    return RunLimits(
        automated_seconds=int_setting(RUN_LIMIT_ENV, DEFAULT_RUN_LIMIT_SECONDS, environ),
        human_seconds=int_setting(HUMAN_RUN_LIMIT_ENV, DEFAULT_HUMAN_RUN_LIMIT_SECONDS, environ),
    )
