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
from typing import Any

import msgspec
import orjson

from evalcore.human_results import records_from_human_row
from evalcore.layout import OUTPUT_SUFFIX
from evalcore.result_records import MalformedLine, ResultRecord, Score, category_of, prompt_text


class _Evaluation(msgspec.Struct, gc=False):
    scores: tuple[Score, ...]


class _Response(msgspec.Struct, gc=False):
    response: str = ""


class _InputRecord(msgspec.Struct, gc=False):
    prompt: str = ""
    category: str | None = None
    modelResponses: tuple[_Response, ...] = ()


class _ModelEvaluationRow(msgspec.Struct, gc=False):
    """The common row, typed: a line of any other shape (RAG, human, odd types) fails to
    decode into it and takes the general path below, which reads every shape."""

    automatedEvaluationResult: _Evaluation
    inputRecord: _InputRecord = msgspec.field(default_factory=_InputRecord)
    modelResponses: tuple[_Response, ...] = ()


_decode_model_row = msgspec.json.Decoder(_ModelEvaluationRow).decode


__all__ = [
    "MalformedLine",
    "ResultRecord",
    "Score",
    "find_output_keys",
    "is_job_metadata",
    "is_job_output",
    "iter_result_records",
    "prompt_text",
]

PERMISSION_CHECK_SENTINEL = "amazon-bedrock-evaluations-permission-check"
CUSTOM_METRICS_FOLDER = "custom_metrics"


def is_job_metadata(key: str) -> bool:
    """Bedrock's own files beside the results: metric definitions, the permission check."""
    parts = key.split("/")
    return CUSTOM_METRICS_FOLDER in parts[:-1] or PERMISSION_CHECK_SENTINEL in parts


def is_job_output(key: str) -> bool:
    return key.endswith(OUTPUT_SUFFIX) and not is_job_metadata(key)


RESULT_KEYS = ("automatedEvaluationResult", "conversationTurns", "humanEvaluationResult")
# Folders Bedrock nests under `<job-name>/<job-id>/`: the two parts before one name the job.
_LAYOUT_FOLDERS = ("models", "inference_configs", "datasets")


def looks_like_results(first_line: str | bytes) -> bool:
    """Whether a JSONL file's first record is an evaluation result row of any kind (users
    download and commit outputs under other names than `<uuid>_output.jsonl`)."""
    try:
        row = _decode(first_line)
    except orjson.JSONDecodeError:
        return False
    if not isinstance(row, dict):
        return False
    turns = row.get("conversationTurns")
    if isinstance(turns, list):  # a RAG *dataset* has turns too, but no results in them
        return any(isinstance(t, dict) and "results" in t for t in turns)
    return any(key in row for key in RESULT_KEYS)


def output_job(key: str) -> str:
    """Which job wrote an output, from Bedrock's layout (`<job-name>/<job-id>/models/...`,
    `.../inference_configs/...`, `.../datasets/...`); the file's folder when the layout is
    not there (a file renamed or moved by hand)."""
    parts = key.split("/")
    for index, part in enumerate(parts[:-1]):
        if part in _LAYOUT_FOLDERS and index >= 2:
            return "/".join(parts[index - 2 : index])
    return "/".join(parts[:-1]) or "."


def output_model(key: str) -> str | None:
    """The model folder Bedrock names in an automated job's layout, if any."""
    parts = key.split("/")
    if "models" in parts[:-2]:
        return parts[parts.index("models") + 1]
    return None


def find_output_keys(keys: Iterable[str], output_prefix: str) -> list[str]:
    """The job's `_output.jsonl` files among a listing of everything under its output prefix.

    The prefix is the one given to Bedrock as outputDataConfig, which is unique per run, so
    every output below it belongs to this job whatever Bedrock nests underneath.
    """
    prefix = output_prefix if output_prefix.endswith("/") else output_prefix + "/"
    return sorted(k for k in keys if k.startswith(prefix) and is_job_output(k))


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
        append(Score.explained(metric, result, explanation))
    return tuple(scores)


def _response(row: dict, input_record: dict) -> str:
    """The response the judge scored: Bedrock's own (top-level `modelResponses`, documented in
    model-evaluation-report-s3.html) when it generated them, else the pre-computed one the
    dataset carried inside `inputRecord`."""
    responses = row.get("modelResponses") or input_record.get("modelResponses") or [{}]
    first = responses[0]  # a LookupError (an object, not a list) is an unexpected shape
    return prompt_text(first.get("response", ""))


def _records_from_row(row: dict, source: str, line: int) -> list[ResultRecord]:
    if "automatedEvaluationResult" in row:
        evaluation = row["automatedEvaluationResult"]
        input_record = row.get("inputRecord") or {}
        return [
            ResultRecord(
                source,
                line,
                prompt_text(input_record.get("prompt", "")),
                category_of(input_record.get("category")),
                _scores(evaluation.get("scores")),
                _response(row, input_record),
            )
        ]
    if "humanEvaluationResult" in row:
        return records_from_human_row(row, source, line)
    if "conversationTurns" in row:
        records = []
        for turn in row["conversationTurns"]:
            input_record = turn.get("inputRecord") or {}
            output = turn.get("output") or {}
            records.append(
                ResultRecord(
                    source=source,
                    line=line,
                    prompt=prompt_text(input_record.get("prompt", "")),
                    category=category_of(row.get("category") or input_record.get("category")),
                    scores=_scores(turn.get("results")),
                    response=prompt_text(output),
                )
            )
        return records
    raise ValueError(
        "none of automatedEvaluationResult, conversationTurns, humanEvaluationResult is present"
    )


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


def _typed_model_record(raw: str | bytes, source: str, line: int) -> ResultRecord | None:
    """The common row decoded by msgspec straight into typed structs, or None when the line
    has another shape (RAG, human, odd types) or is not UTF-8: the dict reader then takes it."""
    try:
        row = _decode_model_row(raw)
    except (msgspec.DecodeError, TypeError, UnicodeDecodeError):
        return None
    record = row.inputRecord
    responses = row.modelResponses or record.modelResponses
    return ResultRecord(
        source,
        line,
        record.prompt,
        record.category,
        row.automatedEvaluationResult.scores,
        responses[0].response if responses else "",
    )


def iter_result_records(
    lines: Iterable[str | bytes], source: str
) -> Iterator[ResultRecord | MalformedLine]:
    """Yield judged records; a bad line becomes a MalformedLine instead of stopping the run."""
    for number, raw in enumerate(lines, start=1):
        record = _typed_model_record(raw, source, number)
        if record is not None:
            yield record
            continue
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
