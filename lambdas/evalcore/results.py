"""Finding and reading the per-record output Bedrock writes for an evaluation job.

Bedrock nests outputs several folders deep and sources disagree on the layout
(`<job>/<job-id>/models/<model>/taskTypes/<type>/datasets/<name>/<uuid>_output.jsonl`,
`<job>/<job>/<random>/...`, RAG's `.../inference_configs/0/datasets/...`), so outputs are
found by listing and filtering, never by assembling a path. Records are streamed because a
job's output can be tens of megabytes, and decoded with orjson (shipped in the Lambda layer)
because decoding is most of the parse step's time: see scripts/benchmark.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

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


class Score(NamedTuple):
    """One judge's verdict on one metric: immutable and typed like the dataclasses here, but a
    NamedTuple because a full job builds 25,000 of them and a frozen dataclass's __init__
    (one object.__setattr__ per field) was a third of the parse time."""

    metric: str
    result: float | str | None
    explanation: str = ""


_new_score = tuple.__new__  # Score's own __new__ is a Python function; this skips it


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


def _category(value: object) -> str | None:
    """Categories key the per-category tables: a number or object there would break sorting."""
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"category {value!r} is not a string")


def _explanation(details: Any) -> str:
    """The judges' reasoning, joined (a non-list of details fails as a malformed line)."""
    if not details:
        return ""
    return " ".join(d.get("explanation", "") for d in details if isinstance(d, dict)).strip()


def _scores(raw_scores: object) -> tuple[Score, ...]:
    """Scores of one record, in the judge's order; this loop runs 25,000 times for a full job."""
    if not isinstance(raw_scores, list):
        raise ValueError("scores is not a list")
    scores: list[Score] = []
    append = scores.append
    for raw in raw_scores:
        if not isinstance(raw, dict):
            raise ValueError("a score has no metricName")
        metric = raw.get("metricName")
        if not isinstance(metric, str):
            raise ValueError("a score has no metricName")
        result = raw.get("result")
        result_type = type(result)
        if result_type is int:
            result = float(result)  # type: ignore[arg-type]
        elif not (result is None or result_type is float or result_type is str):
            raise ValueError(f"{metric}: result {result!r} is not a number or label")
        details = raw.get("evaluatorDetails")
        # Inlined common case of _explanation (one judge): a call per score costs 10 %.
        if details.__class__ is list and len(details) == 1 and details[0].__class__ is dict:
            explanation = details[0].get("explanation", "")
            explanation = (
                explanation.strip() if explanation.__class__ is str else _explanation(details)
            )
        else:
            explanation = _explanation(details)
        append(_new_score(Score, (metric, result, explanation)))
    return tuple(scores)


def _records_from_row(row: dict, source: str, line: int) -> list[ResultRecord]:
    if "automatedEvaluationResult" in row:
        evaluation = row["automatedEvaluationResult"]
        input_record = row.get("inputRecord") or {}
        responses = input_record.get("modelResponses") or [{}]
        return [
            ResultRecord(
                source,
                line,
                _text(input_record.get("prompt", "")),
                _category(input_record.get("category")),
                _scores(evaluation.get("scores")),
                _text(responses[0].get("response", "")) if responses else "",
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
                    category=_category(row.get("category") or input_record.get("category")),
                    scores=_scores(turn.get("results")),
                    response=_text(output),
                )
            )
        return records
    raise ValueError("neither automatedEvaluationResult nor conversationTurns is present")


def _decode(raw: str | bytes) -> object:
    """orjson first (3-4x the stdlib's speed); a line that is not UTF-8 is decoded with
    replacement characters and retried, so one bad byte in a judge's text costs one line's
    accuracy, not the line."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        if isinstance(raw, bytes):
            text = raw.decode("utf-8", errors="replace")
            if text.encode("utf-8") != raw:
                return orjson.loads(text)
        raise


def iter_result_records(
    lines: Iterable[str | bytes], source: str
) -> Iterator[ResultRecord | MalformedLine]:
    """Yield judged records; a bad line becomes a MalformedLine instead of stopping the run."""
    for number, raw in enumerate(lines, start=1):
        try:
            row = _decode(raw)
        except orjson.JSONDecodeError as error:
            if not raw.strip():
                continue
            yield MalformedLine(source=source, line=number, reason=error.msg)
            continue
        try:
            if not isinstance(row, dict):
                raise ValueError("line is not a JSON object")
            yield from _records_from_row(row, source, number)
        except (ValueError, TypeError, AttributeError) as error:
            yield MalformedLine(source=source, line=number, reason=str(error))
        except LookupError as error:  # e.g. modelResponses is an object, not a list
            yield MalformedLine(source=source, line=number, reason=f"unexpected shape: {error!r}")
        except RecursionError:  # orjson accepts 1024 levels; _text recurses once per level
            yield MalformedLine(source=source, line=number, reason="nested too deeply")
