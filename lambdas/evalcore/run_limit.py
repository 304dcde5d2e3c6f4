"""How long a run may take before its Bedrock jobs are stopped.

The limit counts from the execution's start, so time spent queueing for a job slot counts
too: whatever happens, the run ends (stopping its jobs, recording the failure) before the
state machine's own timeout, which would leave the jobs running and billing. The stack
passes the limit to the functions (RUN_LIMIT_ENV); infra.settings checks at synth time that
the state machine's timeout leaves room for the clean-up after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from evalcore.job_kinds import JobKind

RUN_LIMIT_ENV = "RUN_LIMIT_SECONDS"
DEFAULT_RUN_LIMIT_SECONDS = 12 * 3600
# Human evaluation jobs wait for people: Bedrock hands each prompt to the work team through a
# SageMaker A2I flow definition, whose tasks stay available for up to 10 days
# (HumanLoopConfig.TaskAvailabilityLifetimeInSeconds, at most 864,000 s), each worker then
# having TaskTimeLimitInSeconds (default 1 h) to finish one. A week covers a review team's
# usual turnaround; a suite whose flow definition keeps tasks longer raises
# humanRunLimitSeconds (infra.settings), which the history budget then checks.
HUMAN_RUN_LIMIT_ENV = "HUMAN_RUN_LIMIT_SECONDS"
DEFAULT_HUMAN_RUN_LIMIT_SECONDS = 7 * 24 * 3600
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


def paced_by_people(kind: JobKind) -> bool:
    """Jobs whose end waits on people (days), not on models (minutes to hours): they get their
    own run limit, their own poll cap (evalcore.polling) and no job slot (evalcore.job_slots)."""
    return kind is JobKind.HUMAN


@dataclass(frozen=True)
class RunLimits:
    """The stack's limit for each pace of job; a suite's `maxRunHours` may only shorten its
    own (the state machine's timeout and the history budget are sized for these)."""

    automated_seconds: int = DEFAULT_RUN_LIMIT_SECONDS
    human_seconds: int = DEFAULT_HUMAN_RUN_LIMIT_SECONDS

    def stack_limit_for(self, kind: JobKind) -> int:
        return self.human_seconds if paced_by_people(kind) else self.automated_seconds

    def for_suite(self, kind: JobKind, max_run_hours: int | None) -> int:
        """The limit a run of a suite of this kind (and `maxRunHours`) is given."""
        return run_limit_for(self.stack_limit_for(kind), max_run_hours)
