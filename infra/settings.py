"""Deploy-time settings: their defaults live here, values come from CDK context.

`cdk deploy -c pollMaxWaitSeconds=300` (or the `context` block of cdk.json) overrides a
default; app.py, the stack and the tests all take a `PipelineSettings`, so a default is
written once. Settings that bound each other are checked together when the settings are
made (`check`), and against the shipped suites (`check_suites`), so a bad combination fails
`cdk synth` with the fix, not a run in production.

Human evaluation jobs wait days for reviewers: they have their own run limit and poll cap
(`humanRunLimitSeconds`, `humanPollMaxWaitSeconds`), and the state machine's timeout is
derived from the longest run any shipped suite may have (`execution_timeout_hours_for`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Protocol

from evalcore.job_kinds import JobKind
from evalcore.job_slots import MAX_CONCURRENT_JOBS, SLOT_WAIT_SECONDS, takes_job_slot
from evalcore.polling import (
    HUMAN_MAX_WAIT_SECONDS,
    MAX_WAIT_SECONDS,
    MIN_WAIT_SECONDS,
    PollingSchedule,
    PollingSchedules,
)
from evalcore.run_limit import (
    CLEANUP_ALLOWANCE_SECONDS,
    DEFAULT_HUMAN_RUN_LIMIT_SECONDS,
    DEFAULT_RUN_LIMIT_SECONDS,
    RunLimits,
    paced_by_people,
)
from evalcore.shards import MAX_SHARDS_PER_RUN
from evalcore.suite import Suite
from infra.history_budget import HISTORY_BUDGET_EVENTS, worst_case_history_events

if TYPE_CHECKING:
    # Imported where a Duration is made: the simulation and the tests read these settings
    # without synthesizing, and importing aws_cdk starts its node process (about 0.4 s).
    import aws_cdk as cdk

# Step Functions Standard workflows run for at most one year (service-quotas.html).
MAX_EXECUTION_HOURS = 365 * 24


class ContextSource(Protocol):
    def try_get_context(self, key: str) -> Any: ...


@dataclass(frozen=True)
class PipelineSettings:
    # The wait between status checks grows with the job's age between these bounds
    # (lambdas/evalcore/polling.py).
    poll_min_wait_seconds: int = MIN_WAIT_SECONDS
    poll_max_wait_seconds: int = MAX_WAIT_SECONDS
    # A run past this (counted from its start, queueing included) stops its jobs and fails.
    run_limit_seconds: int = DEFAULT_RUN_LIMIT_SECONDS
    # Time kept after the run limit to stop the jobs and record the failure.
    cleanup_allowance_seconds: int = CLEANUP_ALLOWANCE_SECONDS
    # Human jobs (reviewers take days): their run limit, and the cap of their poll wait.
    human_run_limit_seconds: int = DEFAULT_HUMAN_RUN_LIMIT_SECONDS
    human_poll_max_wait_seconds: int = HUMAN_MAX_WAIT_SECONDS
    # At least this; raised at synth to outlast the longest run any shipped suite may have
    # plus the clean-up after it, so it never strikes first (execution_timeout_hours_for).
    execution_timeout_hours: int = 24
    results_retention_days: int = 365
    # Jobs in progress at once across all runs: keep under Bedrock's concurrent-job quota.
    max_concurrent_jobs: int = MAX_CONCURRENT_JOBS
    # How long a run that found every job slot taken waits before asking again.
    slot_wait_seconds: int = SLOT_WAIT_SECONDS
    # Jobs (of at most 1,000 prompts each) one run may split its dataset into.
    max_shards_per_run: int = MAX_SHARDS_PER_RUN

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """The state machine's timeout must never strike before the run limit's clean-up, and
        the longest allowed run must stay far below Step Functions' history limit."""
        needed = self.run_limit_seconds + self.cleanup_allowance_seconds
        if self.execution_timeout_hours * 3600 < needed:
            raise ValueError(
                f"executionTimeoutHours={self.execution_timeout_hours} would end executions "
                f"before their jobs are stopped: runLimitSeconds={self.run_limit_seconds} plus "
                f"cleanupAllowanceSeconds={self.cleanup_allowance_seconds} needs at least "
                f"{-(-needed // 3600)} hours; raise executionTimeoutHours or lower runLimitSeconds"
            )
        events = worst_case_history_events(
            run_limit_seconds=self.run_limit_seconds,
            cleanup_seconds=self.cleanup_allowance_seconds,
            polling=self.polling,
            slot_wait_seconds=self.slot_wait_seconds,
            shards=self.max_shards_per_run,
        )
        if events > HISTORY_BUDGET_EVENTS:
            raise ValueError(
                f"the longest allowed run could write {events} history events, over the "
                f"budget of {HISTORY_BUDGET_EVENTS} (half of Step Functions' 25,000-event "
                "limit per execution): raise pollMinWaitSeconds, pollMaxWaitSeconds or "
                "slotWaitSeconds, or lower runLimitSeconds or maxShardsPerRun"
            )

    def check_suites(self, suites: Iterable[Suite]) -> None:
        """A suite may shorten its kind's run limit (`maxRunHours`), never lengthen it, and the
        longest run of every suite, at its own limit and poll cap, must fit the history
        budget; the state machine's timeout must be able to outlast it (under a year)."""
        suites = list(suites)
        for suite in suites:
            stack_limit = self.run_limits.stack_limit_for(suite.kind)
            if suite.max_run_hours and suite.max_run_hours * 3600 > stack_limit:
                setting = self._limit_setting(suite.kind)
                raise ValueError(
                    f"{suite.source}: maxRunHours={suite.max_run_hours} is longer than the "
                    f"stack's {setting}={stack_limit}: lower maxRunHours, or raise {setting}"
                )
            events = self.history_events_for(suite)
            if events > HISTORY_BUDGET_EVENTS:
                raise ValueError(
                    f"{suite.source}: its longest run ({self.run_limit_for(suite)} s) could write "
                    f"{events} history events, over the budget of {HISTORY_BUDGET_EVENTS} (half "
                    "of Step Functions' 25,000-event limit per execution): give the suite a "
                    f"shorter maxRunHours, lower {self._limit_setting(suite.kind)} or "
                    f"maxShardsPerRun, or raise {self._cap_setting(suite.kind)}"
                )
        self.execution_timeout_hours_for(suites)

    def run_limit_for(self, suite: Suite) -> int:
        return self.run_limits.for_suite(suite.kind, suite.max_run_hours)

    def history_events_for(self, suite: Suite) -> int:
        """The most history events a run of this suite can write (infra.history_budget)."""
        return worst_case_history_events(
            run_limit_seconds=self.run_limit_for(suite),
            cleanup_seconds=self.cleanup_allowance_seconds,
            polling=self.polling_schedules.for_kind(suite.kind),
            slot_wait_seconds=self.slot_wait_seconds if takes_job_slot(suite.kind) else None,
            shards=self.max_shards_per_run,
        )

    def execution_timeout_hours_for(self, suites: Iterable[Suite]) -> int:
        """executionTimeoutHours, raised to outlast the longest run any suite may have plus its
        clean-up (whole hours); refused when that passes Step Functions' one-year limit."""
        longest = max((self.run_limit_for(suite) for suite in suites), default=0)
        needed = -(-(longest + self.cleanup_allowance_seconds) // 3600)
        hours = max(self.execution_timeout_hours, needed)
        if hours > MAX_EXECUTION_HOURS:
            raise ValueError(
                f"the longest run a suite may have ({longest} s) plus cleanupAllowanceSeconds "
                f"needs a {hours}-hour execution timeout, over Step Functions' limit of one year "
                f"({MAX_EXECUTION_HOURS} hours): lower humanRunLimitSeconds or runLimitSeconds"
            )
        return hours

    def execution_timeout_for(self, suites: Iterable[Suite]) -> cdk.Duration:
        """The state machine's timeout (`execution_timeout_hours_for`) as a CDK Duration."""
        import aws_cdk as cdk

        return cdk.Duration.hours(self.execution_timeout_hours_for(suites))

    @staticmethod
    def _limit_setting(kind: JobKind) -> str:
        return "humanRunLimitSeconds" if paced_by_people(kind) else "runLimitSeconds"

    @staticmethod
    def _cap_setting(kind: JobKind) -> str:
        return "humanPollMaxWaitSeconds" if paced_by_people(kind) else "pollMaxWaitSeconds"

    @property
    def polling(self) -> PollingSchedule:
        return self.polling_schedules.automated

    @property
    def polling_schedules(self) -> PollingSchedules:
        return PollingSchedules(
            automated=PollingSchedule(self.poll_min_wait_seconds, self.poll_max_wait_seconds),
            human=PollingSchedule(self.poll_min_wait_seconds, self.human_poll_max_wait_seconds),
        )

    @property
    def run_limits(self) -> RunLimits:
        return RunLimits(self.run_limit_seconds, self.human_run_limit_seconds)

    @property
    def results_retention(self) -> cdk.Duration:
        import aws_cdk as cdk

        return cdk.Duration.days(self.results_retention_days)

    @classmethod
    def context_keys(cls) -> dict[str, str]:
        """Field name -> context key (`poll_interval_seconds` -> `pollIntervalSeconds`)."""
        return {f.name: _camel(f.name) for f in fields(cls)}

    @classmethod
    def from_context(cls, node: ContextSource) -> PipelineSettings:
        """Positive whole numbers; values passed with `-c` arrive as strings."""
        values: dict[str, int] = {}
        for name, key in cls.context_keys().items():
            raw = node.try_get_context(key)
            if raw is None:
                continue
            try:
                number = int(raw)
            except (TypeError, ValueError):
                raise ValueError(f"context {key} must be a whole number, got {raw!r}") from None
            if number <= 0:
                raise ValueError(f"context {key} must be positive, got {number}")
            values[name] = number
        return cls(**values)


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)
