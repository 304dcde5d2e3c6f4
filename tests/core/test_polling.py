from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from evalcore.job_kinds import JobKind
from evalcore.polling import (
    HUMAN_MAX_WAIT_SECONDS,
    MAX_WAIT_SECONDS,
    MIN_WAIT_SECONDS,
    PollingSchedules,
    next_wait_seconds,
    plan_polls,
    wait_seconds_for_age,
)

MINUTE = 60
HOUR = 60 * MINUTE


def test_wait_starts_at_the_floor_grows_with_age_and_stops_at_the_cap():
    assert wait_seconds_for_age(0) == MIN_WAIT_SECONDS
    assert wait_seconds_for_age(10 * MINUTE) == 150
    assert wait_seconds_for_age(6 * HOUR) == MAX_WAIT_SECONDS
    assert wait_seconds_for_age(-5) == MIN_WAIT_SECONDS  # clock skew: never below the floor


def test_next_wait_uses_the_jobs_creation_time():
    created = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert next_wait_seconds(created, created + timedelta(minutes=20)) == 300


def test_a_fifteen_minute_job_costs_at_most_14_polls_and_a_six_hour_job_at_most_60():
    assert plan_polls(15 * MINUTE).polls <= 14
    assert plan_polls(6 * HOUR).polls <= 60
    # the old fixed minute, for scale
    assert plan_polls(6 * HOUR, fixed_wait_seconds=60).polls == 360


def test_polls_are_three_state_transitions_each():
    plan = plan_polls(5 * MINUTE)
    assert plan.state_transitions == 3 * plan.polls


@given(st.floats(min_value=1, max_value=24 * HOUR, allow_nan=False))
def test_every_job_is_noticed_within_a_minute_or_a_quarter_of_its_age(duration):
    plan = plan_polls(duration)
    assert 0 <= plan.detection_delay(duration) <= max(60, 0.25 * duration)


@given(st.floats(min_value=0, max_value=48 * HOUR, allow_nan=False))
def test_waits_are_whole_seconds_within_the_bounds(age):
    wait = wait_seconds_for_age(age)
    assert isinstance(wait, int)
    assert MIN_WAIT_SECONDS <= wait <= MAX_WAIT_SECONDS


@given(
    st.floats(min_value=0, max_value=48 * HOUR, allow_nan=False),
    st.floats(min_value=0, max_value=48 * HOUR, allow_nan=False),
)
def test_an_older_job_never_waits_less(age, extra):
    assert wait_seconds_for_age(age + extra) >= wait_seconds_for_age(age)


@given(st.floats(min_value=1, max_value=24 * HOUR, allow_nan=False))
def test_polls_end_at_the_first_poll_after_the_job_finished(duration):
    ages = plan_polls(duration).poll_ages
    assert ages[-1] >= duration
    assert all(age < duration for age in ages[:-1])


DAY = 24 * HOUR


def test_a_human_job_waits_up_to_an_hour_an_automated_one_up_to_ten_minutes():
    schedules = PollingSchedules()
    assert schedules.for_kind(JobKind.HUMAN).wait_for_age(2 * DAY) == HUMAN_MAX_WAIT_SECONDS
    assert schedules.for_kind(JobKind.JUDGE).wait_for_age(2 * DAY) == MAX_WAIT_SECONDS
    # The floor is shared: a human job Bedrock refuses at once is noticed as quickly.
    assert schedules.for_kind(JobKind.HUMAN).wait_for_age(0) == MIN_WAIT_SECONDS


def test_human_jobs_of_one_three_and_seven_days_cost_a_bounded_number_of_polls():
    human = PollingSchedules().human
    polls = {days: plan_polls(days * DAY, schedule=human).polls for days in (1, 3, 7)}
    assert polls == {1: 46, 3: 94, 7: 190}
    # At the automated cap the same jobs would cost 158, 446 and 1,022.
    automated = {days: plan_polls(days * DAY).polls for days in (1, 3, 7)}
    assert automated == {1: 158, 3: 446, 7: 1022}


@given(st.floats(min_value=4 * HOUR, max_value=14 * DAY, allow_nan=False))
def test_a_long_human_job_is_noticed_within_an_hour_of_its_end(duration):
    plan = plan_polls(duration, schedule=PollingSchedules().human)
    assert 0 <= plan.detection_delay(duration) <= HUMAN_MAX_WAIT_SECONDS
