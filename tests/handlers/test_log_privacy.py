"""Prompts, responses and judge explanations never reach the logs at INFO.

The deployed functions log at INFO (infra/functions.py sets POWERTOOLS_LOG_LEVEL), and log
groups are readable by more people than the datasets are. This runs a whole evaluation
(submit, poll, parse) against moto and the Bedrock fake at INFO with every text field marked,
captures everything the handlers log, and looks for the marks.
"""

from __future__ import annotations

import io
import logging

import pytest

from evalctl.simulation.aws import ROLE_ARN, fake_aws, lambda_context
from handlers import parse, poll
from handlers.runtime import logger
from tests.handlers.conftest import submitted

KEY = "datasets/support-assistant/private.jsonl"
PROMPT = "PRIVATE-PROMPT-{}"
RESPONSE = "PRIVATE-RESPONSE-{}"
REFERENCE = "PRIVATE-REFERENCE-{}"
NOTE = "PRIVATE-NOTE-{}"
# The fake's judge explains each score as "<metric> reasoning for: <prompt>".
EXPLANATION = "reasoning for:"
MARKS = ("PRIVATE-", EXPLANATION)


def rows(count: int = 4) -> list[dict]:
    return [
        {
            "prompt": PROMPT.format(i),
            "referenceResponse": REFERENCE.format(i),
            "category": "billing",
            "modelResponses": [
                {"response": RESPONSE.format(i), "modelIdentifier": "support-assistant-v1"}
            ],
            # Not a field Bedrock reads: submit warns about it by name.
            "notes": NOTE.format(i),
        }
        for i in range(count)
    ]


@pytest.fixture
def captured_logs(monkeypatch):
    """Everything the handlers' logger emits at INFO and above, formatted as deployed."""
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "INFO")
    monkeypatch.setenv("EVALUATION_ROLE_ARN", ROLE_ARN)
    underlying = logging.getLogger(logger.service)
    previous_level = underlying.level
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    underlying.addHandler(handler)
    logger.setLevel("INFO")
    try:
        yield stream
    finally:
        underlying.removeHandler(handler)
        underlying.setLevel(previous_level)


def test_a_whole_run_at_info_logs_no_prompt_response_or_explanation(captured_logs, capsys):
    with fake_aws(lambda record, metric: 0.75, polls_until_done=1) as world:
        version = world.upload(KEY, rows())
        state = submitted(
            {"bucket": world.bucket, "key": KEY, "versionId": version}, lambda_context()
        )
        while (state := poll.handler(state, lambda_context()))["status"] == "InProgress":
            pass
        state = parse.handler(state, lambda_context())
        summary = world.read_json(state["summaryKey"])

    logged = captured_logs.getvalue() + capsys.readouterr().out
    # The run really happened and really logged at INFO, so silence is not mistaken for privacy.
    assert summary["records"] == 4
    assert "Submitted evaluation job" in logged
    assert "Evaluation job status" in logged
    assert "Wrote summary" in logged
    assert "notes" in logged  # submit's unknown-field warning names the field, not its value
    leaked = [line for line in logged.splitlines() if any(mark in line for mark in MARKS)]
    assert leaked == []


def test_the_marks_would_be_caught_if_a_handler_logged_a_record(captured_logs):
    """The capture sees what the handlers' logger writes, extras included."""
    logger.info("Scored record", extra={"record": rows(1)[0]})
    assert PROMPT.format(0) in captured_logs.getvalue()
    assert RESPONSE.format(0) in captured_logs.getvalue()
