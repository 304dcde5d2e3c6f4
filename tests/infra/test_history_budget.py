from evalcore.polling import PollingSchedule, plan_polls
from infra.history_budget import (
    EVENTS_PER_LOOP_TURN,
    EVENTS_PER_RUN_OUTSIDE_MAP,
    EVENTS_PER_SHARD_OUTSIDE_LOOPS,
    HISTORY_BUDGET_EVENTS,
    worst_case_history_events,
)
from infra.settings import PipelineSettings


def test_a_loop_turn_is_a_wait_a_lambda_task_and_a_choice():
    assert EVENTS_PER_LOOP_TURN == 2 + 5 + 2


def test_the_worst_case_counts_every_slot_request_and_poll_of_every_shard():
    polling = PollingSchedule(60, 60)
    events = worst_case_history_events(
        run_limit_seconds=3600,
        cleanup_seconds=1800,
        polling=polling,
        slot_wait_seconds=600,
        shards=2,
    )
    slot_turns = 6  # one request every 600 s for an hour
    polls = plan_polls(3600 + 1800, schedule=polling).polls  # the limit plus clean-up
    assert polls == 90
    per_shard = (slot_turns + polls) * EVENTS_PER_LOOP_TURN + EVENTS_PER_SHARD_OUTSIDE_LOOPS
    assert events == 2 * per_shard + EVENTS_PER_RUN_OUTSIDE_MAP


def test_the_default_settings_fit_the_budget():
    settings = PipelineSettings()
    assert (
        worst_case_history_events(
            run_limit_seconds=settings.run_limit_seconds,
            cleanup_seconds=settings.cleanup_allowance_seconds,
            polling=settings.polling,
            slot_wait_seconds=settings.slot_wait_seconds,
            shards=settings.max_shards_per_run,
        )
        <= HISTORY_BUDGET_EVENTS
    )


def test_a_job_that_takes_no_slot_is_counted_without_a_slot_loop():
    polling = PollingSchedule(60, 3600)
    events = worst_case_history_events(
        run_limit_seconds=3 * 86400,
        cleanup_seconds=1800,
        polling=polling,
        slot_wait_seconds=None,
        shards=1,
    )
    polls = plan_polls(3 * 86400 + 1800, schedule=polling).polls
    expected = polls * EVENTS_PER_LOOP_TURN + EVENTS_PER_SHARD_OUTSIDE_LOOPS
    assert events == expected + EVENTS_PER_RUN_OUTSIDE_MAP
