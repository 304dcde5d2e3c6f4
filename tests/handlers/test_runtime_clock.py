"""The handlers' clock: the system's UTC time unless replaced, and replaced only for a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from evalctl.simulation.aws import fake_aws, lambda_context
from evalctl.simulation.bedrock_output import judge_by_prompt
from handlers import poll
from handlers.runtime import CLOCK, Clock, run_limits
from tests.handlers.conftest import QUALITY, start, submitted

LATER = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_the_clock_reads_the_system_utc_time_by_default():
    before = datetime.now(UTC)
    now = Clock().now()
    assert before <= now <= datetime.now(UTC)
    assert now.utcoffset() == timedelta(0)


def test_a_replaced_clock_reads_its_source_and_is_restored_even_after_an_error():
    clock = Clock()
    with clock.replaced(lambda: LATER):
        assert clock.now() == LATER
        with clock.replaced(lambda: LATER + timedelta(hours=1)):
            assert clock.now() == LATER + timedelta(hours=1)
        assert clock.now() == LATER
    with pytest.raises(RuntimeError), clock.replaced(lambda: LATER):
        raise RuntimeError("the handler failed")
    assert clock.now() < LATER


def test_the_status_check_measures_the_runs_limit_on_the_handlers_clock():
    with fake_aws(judge_by_prompt(QUALITY), polls_until_done=5) as world:
        state = submitted(start(world), lambda_context())
        begun = {**state, "startedAt": datetime.now(UTC).isoformat()}
        assert poll.handler(begun, lambda_context())["overdue"] is False
        past_the_limit = timedelta(seconds=run_limits().automated_seconds + 60)
        with CLOCK.replaced(lambda: datetime.now(UTC) + past_the_limit):
            checked = poll.handler(begun, lambda_context())
        assert (checked["status"], checked["overdue"]) == ("InProgress", True)
