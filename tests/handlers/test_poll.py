import pytest

from evalcore.run_state import RunStateError
from handlers import poll, submit
from tests.fakes.aws import lambda_context
from tests.handlers.conftest import run_to_completion, start


def test_poll_reports_progress_then_the_outcome_with_the_jobs_times(world):
    state = submit.handler(start(world), lambda_context())
    first = poll.handler(state, lambda_context())
    assert first["status"] == "InProgress"
    assert first["jobCreatedAt"] and first["jobEndedAt"] is None
    done = run_to_completion(world, start(world))
    assert done["status"] == "Completed"
    assert done["jobEndedAt"] is not None


def test_poll_without_a_job_arn_names_the_field(world):
    with pytest.raises(RunStateError, match="lacks jobArn"):
        poll.handler(start(world), lambda_context())
