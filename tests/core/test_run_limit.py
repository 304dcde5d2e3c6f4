from datetime import UTC, datetime

from evalcore.job_kinds import JobKind
from evalcore.run_limit import (
    DEFAULT_HUMAN_RUN_LIMIT_SECONDS,
    DEFAULT_RUN_LIMIT_SECONDS,
    RunLimits,
    deadline,
    describe_limit,
    is_overdue,
    run_limit_for,
)

START = "2026-11-27T09:00:00.123Z"  # as Step Functions writes $$.Execution.StartTime


def test_a_run_is_overdue_from_its_start_plus_the_limit():
    assert deadline(START, 3600) == datetime(2026, 11, 27, 10, 0, 0, 123000, tzinfo=UTC)
    assert not is_overdue(START, datetime(2026, 11, 27, 9, 59, tzinfo=UTC), 3600)
    assert is_overdue(START, datetime(2026, 11, 27, 10, 1, tzinfo=UTC), 3600)


def test_a_run_without_a_recorded_start_is_never_overdue():
    assert not is_overdue(None, datetime(2099, 1, 1, tzinfo=UTC), 1)


def test_limits_read_as_people_write_them():
    assert describe_limit(12 * 3600) == "12 h"
    assert describe_limit(5400) == "1 h 30 min"
    assert describe_limit(3) == "3 s"


def test_a_suite_may_shorten_the_stacks_limit_never_lengthen_it():
    assert run_limit_for(12 * 3600, None) == 12 * 3600
    assert run_limit_for(12 * 3600, 2) == 2 * 3600
    assert run_limit_for(12 * 3600, 48) == 12 * 3600


def test_a_human_suite_gets_the_stacks_human_limit_of_days():
    limits = RunLimits()
    assert limits.for_suite(JobKind.HUMAN, None) == DEFAULT_HUMAN_RUN_LIMIT_SECONDS == 7 * 86400
    assert limits.for_suite(JobKind.JUDGE, None) == DEFAULT_RUN_LIMIT_SECONDS
    assert limits.for_suite(JobKind.KNOWLEDGE_BASE, None) == DEFAULT_RUN_LIMIT_SECONDS


def test_a_human_suite_may_shorten_its_limit_but_not_past_the_stacks_human_limit():
    limits = RunLimits(automated_seconds=3600, human_seconds=3 * 86400)
    assert limits.for_suite(JobKind.HUMAN, 48) == 48 * 3600
    assert limits.for_suite(JobKind.HUMAN, 1000) == 3 * 86400
    assert limits.for_suite(JobKind.AUTOMATIC, 48) == 3600
    assert describe_limit(limits.for_suite(JobKind.HUMAN, None)) == "72 h"
