"""The end-of-run SNS message, as data: every outcome says what happened and where to look."""

from __future__ import annotations

import json
from dataclasses import replace

from evalcore.failure import build_failure_record
from evalcore.notification import (
    REASONING_LIMIT,
    SUBJECT_LIMIT,
    failure_message,
    success_message,
    worst_records,
)
from evalcore.run_metrics import RunOutcome
from evalcore.run_state import CaughtError, JobStatus
from evalcore.summary import LowScore
from tests.core.test_run_metrics import STATE, make_summary

LOW = (
    LowScore(
        "Builtin.Correctness",
        0.4,
        "What is the refund window?",
        "Ten days",
        "Wrong: 30 days.",
        "billing",
        "results/x_output.jsonl",
        3,
    ),
    LowScore(
        "Builtin.Harmfulness",
        0.95,
        "Say something rude",
        "You fool",
        "Insulting. " * 100,
        None,
        "results/x_output.jsonl",
        7,
    ),
    LowScore(
        "Builtin.Correctness",
        0.2,
        "Where is my parcel?",
        "On the moon",
        "Invented location.",
        "shipping",
        "results/x_output.jsonl",
        9,
    ),
    LowScore(
        "Builtin.Correctness",
        0.3,
        "Do you ship abroad?",
        "No",
        "We do ship abroad.",
        "shipping",
        "results/x_output.jsonl",
        12,
    ),
)


def test_worst_records_follow_each_metrics_direction():
    worst = worst_records(LOW)
    assert [(low.metric, low.score) for low in worst] == [
        ("Builtin.Harmfulness", 0.95),  # goodness 0.05
        ("Builtin.Correctness", 0.2),
        ("Builtin.Correctness", 0.3),
    ]


def test_a_finished_run_message_has_everything_a_reader_needs():
    summary = make_summary(
        low_scores=LOW,
        low_score_count=4,
        summary_key="reports/support/support-golden-abc/summary.json",
    )
    note = success_message(summary, STATE, RunOutcome.FAILED_CHECKS, "bucket")
    text = note.message
    assert note.subject == "[bedrock-eval] support: failed-checks"
    assert note.attributes == {"suite": "support", "outcome": "failed-checks"}
    assert "Suite: support" in text
    assert "Dataset: s3://bucket/datasets/support/golden.jsonl (version v1)" in text
    assert "Job: support-golden-abc (arn:job)" in text
    assert "Metrics (mean, change vs support-golden-old):" in text
    assert "  Builtin.Correctness: 0.750 (-0.100) REGRESSED, N/A 25%" in text
    assert "  Builtin.Harmfulness: n/a (n/a), N/A 100%" in text
    assert "  Builtin.Correctness: mean 0.750 vs floor 0.8" in text
    assert "Worst records (3 of 4 low scores):" in text
    assert "1. Builtin.Harmfulness = 0.95 (results/x_output.jsonl:7)" in text
    assert "2. Builtin.Correctness = 0.20 [shipping]" in text
    assert "Where is my parcel?" in text and "Do you ship abroad?" in text
    assert "What is the refund window?" not in text  # only the three worst
    judge = [line for line in text.splitlines() if line.strip().startswith("Judge: Insulting")]
    assert len(judge[0].split("Judge: ", 1)[1]) == REASONING_LIMIT
    assert judge[0].endswith("…")
    assert "s3://bucket/reports/support/support-golden-abc/summary.json" in text


def test_a_passing_run_without_a_baseline():
    summary = make_summary(comparison=None, threshold_breaches=(), summary_key="k/summary.json")
    text = success_message(summary, STATE, RunOutcome.PASSED, "bucket").message
    assert "Evaluation of suite support passed." in text
    assert "change vs no previous run" in text
    assert "Thresholds breached: none" in text
    assert "Worst records" not in text


def test_a_failed_job_carries_bedrocks_failure_messages():
    state = replace(STATE, status=JobStatus.FAILED, failure_messages=("Access denied to s3://x",))
    record = build_failure_record(state)
    note = failure_message(record, RunOutcome.JOB_FAILED, "reports/support/j/failure.json", "b")
    assert note.subject == "[bedrock-eval] support: job-failed"
    assert "Bedrock failure messages:\n  - Access denied to s3://x" in note.message
    assert "s3://b/reports/support/j/failure.json" in note.message


def test_a_rejected_upload_lists_the_validation_problems():
    problems = [
        "2 problem(s) found:",
        "  - a.jsonl:3: prompt: is missing",
        "  - a.jsonl:9: referenceResponse: is empty",
    ]
    cause = json.dumps({"errorType": "DatasetError", "errorMessage": "\n".join(problems)})
    state = replace(STATE, job_name=None, job_arn=None, error=CaughtError("DatasetError", cause))
    note = failure_message(build_failure_record(state), RunOutcome.REJECTED, "k", "b")
    assert "Problems:" in note.message
    assert "  - a.jsonl:3: prompt: is missing" in note.message
    assert "Job: (none started)" in note.message


def test_a_timed_out_run_warns_the_job_may_still_run_and_subjects_stay_short():
    state = replace(STATE, error=CaughtError("States.Timeout", "Execution timed out"))
    record = replace(build_failure_record(state), suite="s" * 200)
    note = failure_message(record, RunOutcome.TIMED_OUT, "k", "b")
    assert "may still be running" in note.message
    assert "Details:\n  - Execution timed out" in note.message
    assert len(note.subject) <= SUBJECT_LIMIT
    assert note.subject.isascii()
