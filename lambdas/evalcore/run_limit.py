"""How long a run may take before its Bedrock jobs are stopped.

The limit counts from the execution's start, so time spent queueing for a job slot counts
too: whatever happens, the run ends (stopping its jobs, recording the failure) before the
state machine's own timeout, which would leave the jobs running and billing. The stack
passes the limit to the functions (RUN_LIMIT_ENV); infra.settings checks at synth time that
the state machine's timeout leaves room for the clean-up after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

RUN_LIMIT_ENV = "RUN_LIMIT_SECONDS"
DEFAULT_RUN_LIMIT_SECONDS = 12 * 3600
# Stopping the jobs, releasing their slots and writing failure.json: a few Lambda calls,
# each retried for at most a few minutes.
CLEANUP_ALLOWANCE_SECONDS = 30 * 60


def parse_instant(text: str) -> datetime:
    """Step Functions' `$$.Execution.StartTime` (`2026-11-27T09:00:00.123Z`) or any ISO time."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def deadline(started_at: str, limit_seconds: int) -> datetime:
    return parse_instant(started_at) + timedelta(seconds=limit_seconds)


def is_overdue(started_at: str | None, now: datetime, limit_seconds: int) -> bool:
    """A run with no recorded start (an execution started by hand) is never overdue."""
    return started_at is not None and now >= deadline(started_at, limit_seconds)


def describe_limit(limit_seconds: int) -> str:
    hours, rest = divmod(limit_seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{seconds} s" if seconds or not any(parts) else "")
    return " ".join(part for part in parts if part)


def run_limit_for(stack_limit_seconds: int, suite_max_run_hours: int | None) -> int:
    """A suite's own `maxRunHours` when it is shorter; never longer than the stack's limit,
    which the state machine's timeout was sized for (the stack refuses longer at synth)."""
    if suite_max_run_hours is None:
        return stack_limit_seconds
    return min(stack_limit_seconds, suite_max_run_hours * 3600)
