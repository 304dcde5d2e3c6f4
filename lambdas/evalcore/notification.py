"""The one message every run ends with, success or failure: what happened and where to look.

Built here, without AWS calls, so the message is tested as data; parse and record_failure
publish it to the stack's SNS topic. The text is written for people (e-mail subscribers);
the message attributes (suite, outcome) let other subscribers filter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from evalcore.failure import FailureRecord
from evalcore.metrics import direction_of
from evalcore.run_metrics import RunOutcome
from evalcore.run_state import DatasetRef, RunState
from evalcore.summary import LowScore, Summary

SUBJECT_LIMIT = 100  # SNS rejects longer subjects
REASONING_LIMIT = 300
PROMPT_LIMIT = 160
WORST_RECORDS = 3
MESSAGES_SHOWN = 10
SUBJECT_PREFIX = "[bedrock-eval]"
# The environment variable that gives parse and record_failure the topic to publish to.
TOPIC_ARN_VARIABLE = "NOTIFICATION_TOPIC_ARN"

HEADLINES = {
    RunOutcome.PASSED: "passed",
    RunOutcome.FAILED_CHECKS: "FAILED its checks",
    RunOutcome.REJECTED: "was REJECTED: the upload needs fixing",
    RunOutcome.JOB_FAILED: "FAILED: the Bedrock job did not complete",
    RunOutcome.TIMED_OUT: "TIMED OUT",
    RunOutcome.ABORTED: "was ABORTED",
    RunOutcome.ERROR: "FAILED in the pipeline",
}

MESSAGE_TITLES = {
    RunOutcome.JOB_FAILED: "Bedrock failure messages",
    RunOutcome.REJECTED: "Problems",
}


@dataclass(frozen=True)
class RunNotification:
    subject: str
    message: str
    attributes: Mapping[str, str] = field(default_factory=dict)


def truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _subject(suite: str, outcome: RunOutcome) -> str:
    # SNS subjects must be ASCII without line breaks.
    text = f"{SUBJECT_PREFIX} {suite}: {outcome.value}"
    return text.encode("ascii", "replace").decode()[:SUBJECT_LIMIT]


def _dataset_line(dataset: DatasetRef | None) -> str:
    if dataset is None:
        return "Dataset: (unknown)"
    version = f" (version {dataset.version_id})" if dataset.version_id else ""
    return f"Dataset: {dataset.uri}{version}"


def _number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def worst_records(low_scores: Iterable[LowScore], count: int = WORST_RECORDS) -> list[LowScore]:
    """The lowest by goodness, so a harmfulness of 0.9 ranks as bad as a correctness of 0.1."""
    return sorted(low_scores, key=lambda low: direction_of(low.metric).goodness(low.score))[:count]


def success_message(
    summary: Summary, state: RunState, outcome: RunOutcome, bucket: str
) -> RunNotification:
    suite = summary.suite or state.suite or "(unknown suite)"
    lines = [
        f"Evaluation of suite {suite} {HEADLINES[outcome]}.",
        "",
        f"Suite: {suite}",
        _dataset_line(summary.dataset or state.dataset),
        f"Job: {state.job_name or '(unknown)'}" + (f" ({state.job_arn})" if state.job_arn else ""),
        f"Outcome: {outcome.value}",
        f"Records: {summary.records}",
        "",
    ]
    if summary.model_comparison is not None:  # a model comparison: name the winner first
        best = summary.model_comparison.best_model or "none (a tie)"
        lines[-1:] = [f"Best model: {best} (of {', '.join(summary.model_comparison.models)})", ""]
    changes = summary.comparison.metrics if summary.comparison is not None else {}
    baseline = summary.comparison.previous_job_name if summary.comparison is not None else None
    lines.append("Metrics (mean, change vs " + (baseline or "no previous run") + "):")
    for metric, result in summary.metrics.items():
        change = changes.get(metric)
        delta = change.delta if change is not None else None
        regressed = " REGRESSED" if change is not None and change.regressed else ""
        na = f", N/A {result.na_rate:.0%}" if result.na_count else ""
        lines.append(
            f"  {metric}: {_number(result.mean)} ({_number(delta, signed=True)}){regressed}{na}"
        )
    lines.append("")
    if summary.threshold_breaches:
        lines.append("Thresholds breached:")
        for breach in summary.threshold_breaches:
            bounds = []
            if breach.minimum is not None:
                bounds.append(f"floor {breach.minimum}")
            if breach.maximum is not None:
                bounds.append(f"ceiling {breach.maximum}")
            lines.append(f"  {breach.label}: mean {_number(breach.mean)} vs {', '.join(bounds)}")
    else:
        lines.append("Thresholds breached: none")
    worst = worst_records(summary.low_scores)
    if worst:
        lines += ["", f"Worst records ({len(worst)} of {summary.low_score_count} low scores):"]
        for number, low in enumerate(worst, start=1):
            where = f"{low.source}:{low.line}"
            category = f" [{low.category}]" if low.category else ""
            lines.append(f"  {number}. {low.metric} = {low.score:.2f}{category} ({where})")
            lines.append(f"     Prompt: {truncate(low.prompt, PROMPT_LIMIT)}")
            lines.append(f"     Judge: {truncate(low.explanation, REASONING_LIMIT)}")
    lines += ["", "Full report:"]
    if summary.summary_key:
        lines.append(f"  s3://{bucket}/{summary.summary_key}")
    return RunNotification(
        subject=_subject(suite, outcome),
        message="\n".join(lines) + "\n",
        attributes={"suite": suite, "outcome": outcome.value},
    )


def failure_message(
    record: FailureRecord, outcome: RunOutcome, failure_key: str, bucket: str
) -> RunNotification:
    lines = [
        f"Evaluation of suite {record.suite} {HEADLINES[outcome]}.",
        "",
        f"Suite: {record.suite}",
        _dataset_line(record.dataset),
        f"Job: {record.job_name or '(none started)'}"
        + (f" ({record.job_arn})" if record.job_arn else ""),
        f"Outcome: {outcome.value}",
        f"Error: {record.error_type}",
        "",
    ]
    if record.messages:
        lines.append(f"{MESSAGE_TITLES.get(outcome, 'Details')}:")
        lines += [
            f"  - {truncate(m.strip().removeprefix('- '), 500)}"
            for m in record.messages[:MESSAGES_SHOWN]
        ]
        if len(record.messages) > MESSAGES_SHOWN:
            lines.append(f"  ... and {len(record.messages) - MESSAGES_SHOWN} more in failure.json")
    else:
        lines.append(f"Reason: {truncate(record.message, 1000)}")
    if outcome in (RunOutcome.TIMED_OUT, RunOutcome.ABORTED) and record.job_name:
        lines += ["", "The Bedrock job may still be running: check it in the Bedrock console."]
    lines += ["", "Failure record:", f"  s3://{bucket}/{failure_key}"]
    return RunNotification(
        subject=_subject(record.suite, outcome),
        message="\n".join(lines) + "\n",
        attributes={"suite": record.suite, "outcome": outcome.value},
    )
