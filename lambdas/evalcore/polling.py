"""How long the workflow waits before asking Bedrock again whether a job has finished.

A fixed interval either polls a long job hundreds of times or notices a short one late. The
wait instead grows with the job's age: a quarter of the age, never under MIN_WAIT_SECONDS nor
over MAX_WAIT_SECONDS. A job that finishes at age A is then noticed within the wait chosen at
the poll before, which is at most max(MIN_WAIT_SECONDS, A / 4), so within max(60 s, 25 % of
its age); polls grow geometrically (x1.25) until the cap, so a 15-minute job costs 14 polls
and a 6-hour job about 50 instead of 360 at a fixed minute.

A human evaluation job waits days for its reviewers, so it has its own cap,
HUMAN_MAX_WAIT_SECONDS (an hour): a 3-day human job costs 94 polls instead of 446 at the
automated cap, and is still noticed within an hour of its last answer. Its floor
is the automated one, so a job Bedrock refuses at once is reported as quickly.

Pure: the poll handler passes the job's creationTime and the current time, and returns
`waitSeconds` for the state machine's Wait state (`SecondsPath`, a whole number of seconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from evalcore.job_kinds import JobKind
from evalcore.run_limit import paced_by_people

MIN_WAIT_SECONDS = 30
MAX_WAIT_SECONDS = 600
HUMAN_MAX_WAIT_SECONDS = 3600
AGE_FRACTION = 0.25
# The functions' environment carries the deployed bounds (set by the stack from its settings).
MIN_WAIT_ENV = "POLL_MIN_WAIT_SECONDS"
MAX_WAIT_ENV = "POLL_MAX_WAIT_SECONDS"
HUMAN_MAX_WAIT_ENV = "POLL_HUMAN_MAX_WAIT_SECONDS"
# Each poll cycle enters the Wait state, the poll Lambda task and the Choice state.
TRANSITIONS_PER_POLL = 3


@dataclass(frozen=True)
class PollingSchedule:
    """The bounds of the wait; the stack passes them to the functions (context values)."""

    min_wait_seconds: int = MIN_WAIT_SECONDS
    max_wait_seconds: int = MAX_WAIT_SECONDS

    def wait_for_age(self, age_seconds: float) -> int:
        """Whole seconds to wait before the next poll of a job this old (floored, never late)."""
        wait = AGE_FRACTION * max(age_seconds, 0.0)
        return int(min(self.max_wait_seconds, max(self.min_wait_seconds, wait)))


DEFAULT_SCHEDULE = PollingSchedule()


@dataclass(frozen=True)
class PollingSchedules:
    """The deployed schedule for each pace of job: automated jobs, and jobs paced by people."""

    automated: PollingSchedule = DEFAULT_SCHEDULE
    human: PollingSchedule = field(
        default_factory=lambda: PollingSchedule(MIN_WAIT_SECONDS, HUMAN_MAX_WAIT_SECONDS)
    )

    def for_kind(self, kind: JobKind) -> PollingSchedule:
        return self.human if paced_by_people(kind) else self.automated


def wait_seconds_for_age(age_seconds: float, schedule: PollingSchedule = DEFAULT_SCHEDULE) -> int:
    return schedule.wait_for_age(age_seconds)


def next_wait_seconds(
    created_at: datetime, now: datetime, schedule: PollingSchedule = DEFAULT_SCHEDULE
) -> int:
    """The wait for a job created at `created_at` (Bedrock's creationTime), asked at `now`."""
    return schedule.wait_for_age((now - created_at).total_seconds())


@dataclass(frozen=True)
class PollingPlan:
    """What polling costs for a job that runs `duration_seconds` from submission to done."""

    poll_ages: tuple[int, ...]

    @property
    def polls(self) -> int:
        return len(self.poll_ages)

    @property
    def state_transitions(self) -> int:
        return self.polls * TRANSITIONS_PER_POLL

    def detection_delay(self, duration_seconds: float) -> float:
        """Seconds between the job finishing and the poll that notices it."""
        return self.poll_ages[-1] - duration_seconds


def plan_polls(
    duration_seconds: float,
    fixed_wait_seconds: int | None = None,
    schedule: PollingSchedule = DEFAULT_SCHEDULE,
) -> PollingPlan:
    """Ages (seconds since submission) of every poll until the first one at or after the end.

    The workflow waits before its first poll, as the state machine does after Submit.
    `fixed_wait_seconds` models the old fixed schedule for comparison.
    """
    ages = []
    age = 0
    while True:
        age += fixed_wait_seconds if fixed_wait_seconds else schedule.wait_for_age(age)
        ages.append(age)
        if age >= duration_seconds:
            return PollingPlan(tuple(ages))
