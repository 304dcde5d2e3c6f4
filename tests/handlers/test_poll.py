from datetime import UTC, datetime, timedelta

import pytest

from evalcore.polling import HUMAN_MAX_WAIT_ENV, HUMAN_MAX_WAIT_SECONDS, MAX_WAIT_SECONDS
from evalcore.run_limit import DEFAULT_HUMAN_RUN_LIMIT_SECONDS, HUMAN_RUN_LIMIT_ENV
from evalcore.run_state import RunStateError
from evalctl.simulation.aws import fake_aws, lambda_context
from evalctl.simulation.bedrock_output import judge_by_prompt
from handlers import poll
from tests.handlers.conftest import (
    HUMAN_KEY,
    QUALITY,
    human_rows,
    run_to_completion,
    start,
    submitted,
)


def test_poll_reports_progress_then_the_outcome_with_the_jobs_times(world):
    state = submitted(start(world), lambda_context())
    first = poll.handler(state, lambda_context())
    assert first["status"] == "InProgress"
    assert first["jobCreatedAt"] and first["jobEndedAt"] is None
    done = run_to_completion(world, start(world))
    assert done["status"] == "Completed"
    assert done["jobEndedAt"] is not None


def test_poll_without_a_job_arn_names_the_field(world):
    with pytest.raises(RunStateError, match="lacks jobArn"):
        poll.handler(start(world), lambda_context())


def test_the_wait_grows_with_the_jobs_age_within_the_deployed_bounds(world, monkeypatch):
    monkeypatch.setenv("POLL_MIN_WAIT_SECONDS", "7")
    monkeypatch.setenv("POLL_MAX_WAIT_SECONDS", "9")
    state = submitted(start(world), lambda_context())
    assert state["waitSeconds"] == 7
    job = next(iter(world.bedrock.jobs.values()))
    job.created -= timedelta(hours=1)  # a quarter of an hour's age is far above the cap
    assert poll.handler(state, lambda_context())["waitSeconds"] == 9


def test_a_check_after_the_runs_limit_marks_it_overdue():
    with fake_aws(judge_by_prompt(QUALITY), polls_until_done=5) as world:
        state = submitted(start(world), lambda_context())
        assert poll.handler(state, lambda_context())["overdue"] is False
        late = {**state, "startedAt": "2026-01-01T00:00:00.000Z", "runLimitSeconds": 3600}
        checked = poll.handler(late, lambda_context())
        assert (checked["status"], checked["overdue"]) == ("InProgress", True)


def test_a_human_jobs_wait_grows_to_an_hour_and_its_limit_is_days(world):
    state = submitted(start(world, HUMAN_KEY, human_rows()))
    automated = submitted(start(world))
    for job in world.bedrock.jobs.values():
        job.created -= timedelta(days=2)  # the reviewers have been at it for two days
    human = poll.handler(state, lambda_context())
    assert (human["status"], human["overdue"]) == ("InProgress", False)
    assert human["waitSeconds"] == HUMAN_MAX_WAIT_SECONDS == 3600
    assert human["runLimitSeconds"] == DEFAULT_HUMAN_RUN_LIMIT_SECONDS == 7 * 24 * 3600
    assert poll.handler(automated, lambda_context())["waitSeconds"] == MAX_WAIT_SECONDS == 600


def test_the_deployed_human_cap_and_limit_are_used(world, monkeypatch):
    monkeypatch.setenv(HUMAN_MAX_WAIT_ENV, "1800")
    monkeypatch.setenv(HUMAN_RUN_LIMIT_ENV, str(2 * 24 * 3600))
    state = submitted(start(world, HUMAN_KEY, human_rows()))
    (job,) = world.bedrock.jobs.values()
    job.created -= timedelta(days=1)
    late = {**state, "startedAt": (datetime.now(UTC) - timedelta(days=3)).isoformat()}
    checked = poll.handler(late, lambda_context())
    assert (checked["waitSeconds"], checked["runLimitSeconds"]) == (1800, 2 * 24 * 3600)
    assert checked["overdue"] is True  # three days into a two-day limit
