"""Finding and reading the per-record output Bedrock writes for an evaluation job.

Bedrock nests outputs several folders deep and sources disagree on the layout
(`<job>/<job-id>/models/<model>/taskTypes/<type>/datasets/<name>/<uuid>_output.jsonl`,
`<job>/<job>/<random>/...`, RAG's `.../inference_configs/0/datasets/...`), so outputs are
found by listing and filtering, never by assembling a path. Records are streamed because a
job's output can be tens of megabytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from evalcore.layout import OUTPUT_SUFFIX

PERMISSION_CHECK_SENTINEL = "amazon-bedrock-evaluations-permission-check"
CUSTOM_METRICS_FOLDER = "custom_metrics"


def is_job_output(key: str) -> bool:
    parts = key.split("/")
    return (
        parts[-1].endswith(OUTPUT_SUFFIX)
        and CUSTOM_METRICS_FOLDER not in parts[:-1]
        and PERMISSION_CHECK_SENTINEL not in parts
    )


def find_output_keys(keys: Iterable[str], output_prefix: str) -> list[str]:
    """The job's `_output.jsonl` files among a listing of everything under its output prefix.

    The prefix is the one given to Bedrock as outputDataConfig, which is unique per run, so
    every output below it belongs to this job whatever Bedrock nests underneath.
    """
    prefix = output_prefix if output_prefix.endswith("/") else output_prefix + "/"
    return sorted(k for k in keys if k.startswith(prefix) and is_job_output(k))


@dataclass(frozen=True)
class Score:
    metric: str
    result: float | str | None
    explanation: str = ""


@dataclass(frozen=True)
class ResultRecord:
    """One judged prompt (or one RAG conversation turn)."""

    source: str
    line: int
    prompt: str
    category: str | None
    scores: tuple[Score, ...]
    response: str = ""


@dataclass(frozen=True)
class MalformedLine:
    source: str
    line: int
    reason: str


def _text(value: object) -> str:
    """The first text in the nested shapes RAG records use for prompts and outputs."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("text"), str):
            return value["text"]
        for key in ("content", "prompt"):
            if key in value:
                return _text(value[key])
    if isinstance(value, list) and value:
        return _text(value[0])
    return ""


def _scores(raw_scores: object) -> tuple[Score, ...]:
    if not isinstance(raw_scores, list):
        raise ValueError("scores is not a list")
    scores = []
    for raw in raw_scores:
        if not isinstance(raw, dict) or not isinstance(raw.get("metricName"), str):
            raise ValueError("a score has no metricName")
        result = raw.get("result")
        valid = result is None or isinstance(result, int | float | str)
        if isinstance(result, bool) or not valid:
            raise ValueError(f"{raw['metricName']}: result {result!r} is not a number or label")
        details = raw.get("evaluatorDetails") or []
        explanation = " ".join(
            d.get("explanation", "") for d in details if isinstance(d, dict)
        ).strip()
        scores.append(
            Score(
                metric=raw["metricName"],
                result=float(result) if isinstance(result, int | float) else result,
                explanation=explanation,
            )
        )
    return tuple(scores)


def _records_from_row(row: dict, source: str, line: int) -> list[ResultRecord]:
    if "automatedEvaluationResult" in row:
        input_record = row.get("inputRecord") or {}
        responses = input_record.get("modelResponses") or [{}]
        return [
            ResultRecord(
                source=source,
                line=line,
                prompt=_text(input_record.get("prompt", "")),
                category=input_record.get("category"),
                scores=_scores(row["automatedEvaluationResult"].get("scores")),
                response=_text(responses[0].get("response", "")) if responses else "",
            )
        ]
    if "conversationTurns" in row:
        records = []
        for turn in row["conversationTurns"]:
            input_record = turn.get("inputRecord") or {}
            output = turn.get("output") or {}
            records.append(
                ResultRecord(
                    source=source,
                    line=line,
                    prompt=_text(input_record.get("prompt", "")),
                    category=row.get("category") or input_record.get("category"),
                    scores=_scores(turn.get("results")),
                    response=_text(output),
                )
            )
        return records
    raise ValueError("neither automatedEvaluationResult nor conversationTurns is present")


def iter_result_records(
    lines: Iterable[str | bytes], source: str
) -> Iterator[ResultRecord | MalformedLine]:
    """Yield judged records; a bad line becomes a MalformedLine instead of stopping the run."""
    for number, raw in enumerate(lines, start=1):
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        if not text.strip():
            continue
        try:
            row = json.loads(text)
            if not isinstance(row, dict):
                raise ValueError("line is not a JSON object")
            yield from _records_from_row(row, source, number)
        except (ValueError, TypeError, AttributeError) as error:
            reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            yield MalformedLine(source=source, line=number, reason=reason)
