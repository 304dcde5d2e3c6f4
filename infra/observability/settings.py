"""Deploy-time choices for monitoring, read from CDK context with defaults that suit most teams.

Context keys (cdk.json or `cdk deploy -c key=value`):
  alarmEmail                       e-mail address subscribed to the alarm topic (none by default)
  bedrockInvocationLogGroup        log group of Bedrock model invocation logging; when set, the
                                   stack adds Logs Insights queries over it
  bedrockLatencyP90Milliseconds    p90 InvocationLatency per model that raises an alarm (30000)
  bedrockServerErrorsPerPeriod     InvocationServerErrors per 5 minutes that raise an alarm (5)
  bedrockThrottlesPerPeriod        InvocationThrottles per 5 minutes that raise an alarm (20)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only its type: reading settings starts no jsii (the tests read them without CDK).
    from constructs import Construct

ALARM_EMAIL = "alarmEmail"
BEDROCK_INVOCATION_LOG_GROUP = "bedrockInvocationLogGroup"
BEDROCK_LATENCY_P90_MS = "bedrockLatencyP90Milliseconds"
BEDROCK_SERVER_ERRORS = "bedrockServerErrorsPerPeriod"
BEDROCK_THROTTLES = "bedrockThrottlesPerPeriod"

# A judge call scoring one record takes seconds; half a minute at p90 means Bedrock is
# struggling. A few server errors or throttles happen and are retried; a burst is news.
DEFAULT_LATENCY_P90_MS = 30_000
DEFAULT_SERVER_ERRORS = 5
DEFAULT_THROTTLES = 20


@dataclass(frozen=True)
class ObservabilitySettings:
    alarm_email: str | None = None
    bedrock_invocation_log_group: str | None = None
    bedrock_latency_p90_ms: int = DEFAULT_LATENCY_P90_MS
    bedrock_server_errors: int = DEFAULT_SERVER_ERRORS
    bedrock_throttles: int = DEFAULT_THROTTLES

    @classmethod
    def from_context(cls, scope: Construct) -> ObservabilitySettings:
        node = scope.node
        email = node.try_get_context(ALARM_EMAIL)
        log_group = node.try_get_context(BEDROCK_INVOCATION_LOG_GROUP)
        if email is not None and (not isinstance(email, str) or "@" not in email):
            raise ValueError(f"context {ALARM_EMAIL} must be an e-mail address, got {email!r}")
        return cls(
            alarm_email=email or None,
            bedrock_invocation_log_group=log_group or None,
            bedrock_latency_p90_ms=_positive(scope, BEDROCK_LATENCY_P90_MS, DEFAULT_LATENCY_P90_MS),
            bedrock_server_errors=_positive(scope, BEDROCK_SERVER_ERRORS, DEFAULT_SERVER_ERRORS),
            bedrock_throttles=_positive(scope, BEDROCK_THROTTLES, DEFAULT_THROTTLES),
        )


def _positive(scope: Construct, key: str, default: int) -> int:
    """A positive whole number; values passed with -c arrive as strings."""
    raw = scope.node.try_get_context(key)
    value = default if raw is None else raw
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"context {key} must be a whole number, got {value!r}") from None
    if number <= 0:
        raise ValueError(f"context {key} must be positive, got {number}")
    return number
