"""Retries with exponential backoff and full jitter for throttled calls.

Bedrock's per-model request quotas are low; a collection of a few hundred scenarios at a
concurrency of four hits them. Full jitter (a random wait between 0 and the exponential cap)
keeps parallel workers from retrying in lockstep.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from botocore.exceptions import ClientError

T = TypeVar("T")

THROTTLING_ERROR_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "ServiceUnavailableException",
        "ModelNotReadyException",
        "RequestLimitExceeded",
    }
)


class Throttled(Exception):
    """A non-AWS runner (HTTP endpoint, Python callable) was told to slow down."""


def is_throttling(error: BaseException) -> bool:
    if isinstance(error, Throttled):
        return True
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") in THROTTLING_ERROR_CODES
    return False


@dataclass(frozen=True)
class Backoff:
    attempts: int = 6
    base_seconds: float = 1.0
    cap_seconds: float = 30.0

    def delay(self, retry: int, rng: Callable[[float, float], float] = random.uniform) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**retry)]."""
        return rng(0.0, min(self.cap_seconds, self.base_seconds * 2**retry))


def call_with_backoff(
    call: Callable[[], T],
    backoff: Backoff = Backoff(),
    sleep: Callable[[float], None] | None = None,
) -> T:
    """Call, retrying only throttling errors; the last one propagates."""
    for retry in range(backoff.attempts):
        try:
            return call()
        except Exception as error:
            if not is_throttling(error) or retry == backoff.attempts - 1:
                raise
            (sleep or time.sleep)(backoff.delay(retry))
    raise AssertionError("unreachable")
