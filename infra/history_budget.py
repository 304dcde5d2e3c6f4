"""How many history events the longest allowed run can write, checked at synth time.

A Standard execution fails when its history reaches 25,000 events, and an inline Map
writes every shard's events into its parent execution's history. Each turn of a wait loop
(waiting for a job slot, or for a job to end) enters a Wait state, a Lambda task and a
Choice state; the longest run waits for a slot for up to its whole limit and polls for up to
its whole limit plus the clean-up allowance, so counting both in full bounds every run. A job
that takes no slot (a human job, evalcore.job_slots) has no slot loop; it polls for days, at
its own cap, and is counted with its suite's own limit (infra.settings.check_suites).
"""

from __future__ import annotations

from evalcore.polling import PollingSchedule, plan_polls

STEP_FUNCTIONS_HISTORY_LIMIT = 25_000
# "Far below" the limit: half of it.
HISTORY_BUDGET_EVENTS = STEP_FUNCTIONS_HISTORY_LIMIT // 2
WAIT_EVENTS = 2  # WaitStateEntered, WaitStateExited
TASK_EVENTS = 5  # TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded, TaskStateExited
CHOICE_EVENTS = 2  # ChoiceStateEntered, ChoiceStateExited
EVENTS_PER_LOOP_TURN = WAIT_EVENTS + TASK_EVENTS + CHOICE_EVENTS
# A shard's straight-line steps (first slot request, submit, stop, release, iteration start
# and end) and its retries: every retry adds TaskScheduled, TaskStarted and TaskFailed, and
# each task retries at most a few dozen times in all its Retry rules.
EVENTS_PER_SHARD_OUTSIDE_LOOPS = 40 + 3 * 40
# The run's straight-line steps outside the Map (start, submit, map, collect, parse or
# record failure, end) with their retries.
EVENTS_PER_RUN_OUTSIDE_MAP = 40 + 3 * 40


def worst_case_history_events(
    *,
    run_limit_seconds: int,
    cleanup_seconds: int,
    polling: PollingSchedule,
    slot_wait_seconds: int | None,
    shards: int,
) -> int:
    """`slot_wait_seconds` None: the job takes no slot, so there is no slot loop to count."""
    slot_turns = -(-run_limit_seconds // slot_wait_seconds) if slot_wait_seconds else 0
    poll_turns = plan_polls_with(polling, run_limit_seconds + cleanup_seconds)
    per_shard = (slot_turns + poll_turns) * EVENTS_PER_LOOP_TURN + EVENTS_PER_SHARD_OUTSIDE_LOOPS
    return shards * per_shard + EVENTS_PER_RUN_OUTSIDE_MAP


def plan_polls_with(polling: PollingSchedule, duration_seconds: int) -> int:
    """Status checks of a job that runs `duration_seconds` under the deployed wait bounds."""
    return plan_polls(duration_seconds, schedule=polling).polls
