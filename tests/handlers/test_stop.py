"""A job whose run passed its limit is stopped, and says why."""

from evalcore.run_limit import RUN_LIMIT_ENV
from evalctl.simulation.aws import lambda_context
from handlers import poll, stop
from tests.handlers.conftest import start, submitted


def test_stopping_a_running_job_records_the_limit(world, monkeypatch):
    monkeypatch.setenv(RUN_LIMIT_ENV, "5400")
    state = submitted(start(world), lambda_context())
    stopped = stop.handler(state, lambda_context())
    assert stopped["status"] == "Stopping" and stopped["overdue"] is True
    assert stopped["failureMessages"] == ["stopped: the run passed its time limit of 1 h 30 min"]
    assert world.bedrock.jobs[state["jobArn"]].status == "Stopping"
    after = poll.handler(stopped, lambda_context())
    assert after["status"] == "Stopped"
    assert after["overdue"] is True  # stays overdue after the job ended
    assert after["failureMessages"] == stopped["failureMessages"]


def test_a_job_that_ended_meanwhile_is_not_an_error(world):
    state = submitted(start(world), lambda_context())
    stop.handler(state, lambda_context())
    again = stop.handler(state, lambda_context())  # Bedrock answers ConflictException
    assert again["status"] == "Stopping"
