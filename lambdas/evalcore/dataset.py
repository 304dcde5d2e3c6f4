"""Validation of model-evaluation datasets (JSONL), streamed line by line.

Bedrock rejects a bad dataset only after the job has queued, with one terse message; this
module reports every problem up front with the line and field, and gathers the counts the
cost estimate needs without keeping the records in memory.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from evalcore.defaults import UNCATEGORIZED
from evalcore.errors import DatasetError, Problem
from evalcore.job_kinds import JobKind
from evalcore.json_values import json_type, key_label
from evalcore.suite import InferenceMode, Suite, did_you_mean

MAX_PROMPTS_PER_JOB = 1000
# A run splits a larger dataset into jobs of at most MAX_PROMPTS_PER_JOB (evalcore.shards);
# the stack's maxShardsPerRun bounds how many, so the submit step passes the product.
KNOWN_FIELDS = frozenset({"prompt", "referenceResponse", "category", "modelResponses"})

# Caps far beyond any valid dataset, so a wrong or hostile upload is refused after reading a
# bounded amount: no judge model's context window (at most a few hundred thousand tokens) holds
# a record of more than MAX_LINE_BYTES, and no valid dataset exceeds MAX_PROMPTS_PER_JOB of them.
MAX_LINE_BYTES = 2 * 1024 * 1024
MAX_DATASET_BYTES = MAX_PROMPTS_PER_JOB * MAX_LINE_BYTES
# Reading stops here: enough to say how far over the limit a file is, not to read a log file.
MAX_RECORDS_READ = 10 * MAX_PROMPTS_PER_JOB

# Records of other dataset (or file) kinds, recognised by a key a prompt record never has.
OTHER_KINDS: tuple[tuple[str, str], ...] = (
    ("conversationTurns", "a RAG dataset (conversationTurns)"),
    ("automatedEvaluationResult", "a Bedrock evaluation output row (automatedEvaluationResult)"),
    ("humanEvaluationResult", "a Bedrock human-evaluation output row (humanEvaluationResult)"),
    ("modelInput", "a Bedrock batch-inference record (modelInput)"),
    ("messages", "a chat-format record (messages)"),
)
PROMPT_RECORD = '{"prompt": ...}'

# A programmatic job scores against the ground truth: model-evaluation-prompt-datasets-custom.html
# makes referenceResponse "required to indicate the ground truth response against which your
# model is evaluated" for "all prompts in question and answer tasks" and "all accuracy, and
# robustness evaluations". Judge jobs are not covered by that sentence, so it stays optional there.
REFERENCE_METRICS = frozenset({"Builtin.Accuracy", "Builtin.Robustness"})
REFERENCE_TASK_TYPE = "QuestionAndAnswer"


def reference_required_by(suite: Suite) -> str | None:
    """Why every record of this suite's dataset needs a referenceResponse, or None."""
    if suite.kind is not JobKind.AUTOMATIC:
        return None
    metrics = sorted(REFERENCE_METRICS & set(suite.metrics))
    if metrics:
        return f"the suite's {' and '.join(metrics)} compare with the reference answer"
    if suite.task_type == REFERENCE_TASK_TYPE:
        return f"{REFERENCE_TASK_TYPE} tasks compare with the reference answer"
    return None


@dataclass
class DatasetStats:
    """What a valid dataset holds; character counts feed the token estimate."""

    source: str
    records: int = 0
    prompt_chars: int = 0
    response_chars: int = 0
    with_reference: int = 0
    categories: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        if self.problems:
            raise DatasetError(self.problems)


def _check_model_responses(
    value: object, suite: Suite, source: str, line: int, problems: list[Problem]
) -> int:
    """Returns the responses' length so the caller can count it; 0 when invalid.

    One entry per pre-computed target: one for a judge job, up to two for a human comparison.
    """
    expected = _precomputed_sources(suite)
    if not isinstance(value, list) or len(value) != len(expected):
        count = "exactly one entry" if len(expected) == 1 else f"{len(expected)} entries"
        problems.append(
            Problem(
                source,
                "modelResponses",
                f"must be a list with {count}",
                f'use [{{"response": "...", "modelIdentifier": "{expected[0]}"}}]',
                line,
            )
        )
        return 0
    total = 0
    for index, entry in enumerate(value):
        where = f"modelResponses[{index}]"
        if not isinstance(entry, dict):
            problems.append(Problem(source, where, "must be an object", "see README", line))
            continue
        response = entry.get("response")
        if not isinstance(response, str) or not response.strip():
            problems.append(
                Problem(
                    source,
                    f"{where}.response",
                    "is missing or empty"
                    if response is None or isinstance(response, str)
                    else f"must be a string, got {json_type(response)}",
                    "add the application's answer to this prompt",
                    line,
                )
            )
            response = ""
        total += len(response)
        identifier = entry.get("modelIdentifier")
        wanted = expected[index] if len(expected) == 1 else identifier
        if identifier != wanted or identifier not in expected:
            names = " or ".join(repr(e) for e in expected)
            problems.append(
                Problem(
                    source,
                    f"{where}.modelIdentifier",
                    f"is {identifier!r} but the suite's inference sourceIdentifier is {names}",
                    f'set it to "{expected[0]}" (or change the suite)'
                    if len(expected) == 1
                    else f"use each of {names} once",
                    line,
                )
            )
    identifiers = [e.get("modelIdentifier") for e in value if isinstance(e, dict)]
    if len(expected) > 1 and len(set(identifiers)) != len(identifiers):
        problems.append(
            Problem(source, "modelResponses", "names a source twice", "one entry each", line)
        )
    return total


def _precomputed_sources(suite: Suite) -> list[str]:
    return [
        target.source_identifier
        for target in suite.target_models
        if target.mode is InferenceMode.PRECOMPUTED
    ]


def _check_record(
    record: object, suite: Suite, stats: DatasetStats, line: int, problems: list[Problem]
) -> None:
    source = stats.source
    if not isinstance(record, dict):
        problems.append(
            Problem(source, "<record>", "must be a JSON object", '{"prompt": "..."}', line)
        )
        return
    if "prompt" not in record:
        other = next(((key, kind) for key, kind in OTHER_KINDS if key in record), None)
        if other is not None:
            rag = other[0] == "conversationTurns"
            problems.append(
                Problem(
                    source,
                    "<record>",
                    f"this is {other[1]}; model-evaluation suites take {PROMPT_RECORD}",
                    f"upload a model-evaluation dataset ({PROMPT_RECORD} per line) for this suite"
                    + (
                        '; RAG datasets belong to a suite with "kind": "knowledge-base"'
                        if rag
                        else ""
                    ),
                    line,
                )
            )
            return
    prompt = record.get("prompt")
    if not isinstance(prompt, str):
        problems.append(
            Problem(
                source,
                "prompt",
                "is missing"
                if "prompt" not in record
                else f"must be a string, got {json_type(prompt)}",
                "every record needs a prompt string",
                line,
            )
        )
    elif not prompt.strip():
        problems.append(
            Problem(source, "prompt", "is empty", "every record needs a prompt string", line)
        )
    else:
        stats.prompt_chars += len(prompt)
    reference = record.get("referenceResponse")
    if reference is None or (isinstance(reference, str) and not reference.strip()):
        reason = reference_required_by(suite)
        if reason is not None:
            problems.append(
                Problem(
                    source,
                    "referenceResponse",
                    f"is {'missing' if reference is None else 'empty'}, but {reason}",
                    "add the expected answer as referenceResponse",
                    line,
                )
            )
    if reference is not None:
        if not isinstance(reference, str):
            problems.append(
                Problem(
                    source,
                    "referenceResponse",
                    f"must be a string, got {json_type(reference)}",
                    "quote the text",
                    line,
                )
            )
        else:
            stats.with_reference += 1
    category = record.get("category")
    if category is not None and not isinstance(category, str):
        problems.append(
            Problem(
                source,
                "category",
                f"must be a string, got {json_type(category)}",
                'e.g. "billing"',
                line,
            )
        )
    else:
        stats.categories[category or UNCATEGORIZED] += 1
    responses = record.get("modelResponses")
    if _precomputed_sources(suite):
        stats.response_chars += _check_model_responses(responses, suite, source, line, problems)
    elif responses is not None:
        problems.append(
            Problem(
                source,
                "modelResponses",
                "is present but the suite asks Bedrock to generate responses",
                "remove modelResponses, or switch the suite to pre-computed inference",
                line,
            )
        )
    for unknown in sorted(set(record) - KNOWN_FIELDS):
        stats.warnings.append(
            Problem(
                source,
                key_label(unknown),
                "is not a field Bedrock reads; it will be ignored"
                + did_you_mean(unknown, KNOWN_FIELDS),
                "remove it or check its spelling",
                line,
            )
        )


def split_lines(chunks: Iterable[bytes], max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """Lines from a byte stream, holding at most `max_line_bytes + 1` bytes of any line.

    A longer line is yielded as its first `max_line_bytes + 1` bytes (enough for
    validate_dataset to refuse it) and the rest is skipped unread into memory, unlike a plain
    line iterator, which buffers a line whole however long it is. A trailing CR is removed.
    """
    pending = bytearray()
    overflowed = False
    for chunk in chunks:
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            stop = len(chunk) if end == -1 else end
            if not overflowed:
                pending += chunk[start : min(stop, start + max_line_bytes + 1 - len(pending))]
                overflowed = len(pending) > max_line_bytes
            if end == -1:
                break
            yield bytes(pending).removesuffix(b"\r") if not overflowed else bytes(pending)
            pending.clear()
            overflowed = False
            start = end + 1
    if pending:
        yield bytes(pending).removesuffix(b"\r") if not overflowed else bytes(pending)


def _decode(raw: str | bytes, source: str, line: int, problems: list[Problem]) -> str | None:
    """Strict UTF-8: a replaced byte would send Bedrock text nobody wrote."""
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(
            Problem(
                source,
                "<encoding>",
                f"is not valid UTF-8: byte {error.start} of the line (0x{raw[error.start]:02x}, "
                f"counting from 0) {error.reason}",
                "save the file as UTF-8 (most editors: 'Save with encoding' > UTF-8)",
                line,
            )
        )
        return None


def _line_bytes(raw: str | bytes) -> int:
    if isinstance(raw, bytes):
        return len(raw)
    # A str is at most 4 bytes a character: encode only when that bound could reach a cap.
    return len(raw) if len(raw) * 4 <= MAX_LINE_BYTES else len(raw.encode("utf-8", "replace"))


RecordCheck = Callable[[object, DatasetStats, int, list[Problem]], None]


def validate_dataset(
    lines: Iterable[str | bytes],
    suite: Suite,
    source: str = "<dataset>",
    max_records: int = MAX_PROMPTS_PER_JOB,
) -> DatasetStats:
    """Check every line of a model-evaluation dataset against the suite; never raises for bad
    data."""

    def check(record: object, stats: DatasetStats, line: int, problems: list[Problem]) -> None:
        _check_record(record, suite, stats, line, problems)

    return validate_records(lines, check, source, max_records)


def validate_records(
    lines: Iterable[str | bytes],
    check_record: RecordCheck,
    source: str = "<dataset>",
    max_records: int = MAX_PROMPTS_PER_JOB,
) -> DatasetStats:
    """The reading every kind of dataset shares (strict UTF-8, line and file caps, blank and
    broken lines); `check_record` judges each decoded record.

    Reading stops, leaving the rest of `lines` unconsumed, once the file is past
    MAX_DATASET_BYTES or MAX_RECORDS_READ records: such a file cannot be valid.
    """
    stats = DatasetStats(source=source)
    problems = stats.problems
    pending_blank: list[int] = []
    total_bytes = 0
    # The caps grow with the records a run may hold (several jobs' worth when sharded).
    runs_of_jobs = max(1, -(-max_records // MAX_PROMPTS_PER_JOB))
    max_bytes = MAX_DATASET_BYTES * runs_of_jobs
    max_read = MAX_RECORDS_READ * runs_of_jobs
    for number, raw in enumerate(lines, start=1):
        size = _line_bytes(raw)
        total_bytes += size
        if total_bytes > max_bytes or stats.records >= max_read:
            problems.append(
                Problem(
                    source,
                    "<file>",
                    f"is far larger than any valid dataset (over {max_bytes:,} bytes or "
                    f"{max_read:,} records); reading stopped at line {number}",
                    f"split it into files of at most {max_records} records",
                )
            )
            return stats
        if size > MAX_LINE_BYTES:
            problems.append(
                Problem(
                    source,
                    "<line>",
                    f"is longer than {MAX_LINE_BYTES:,} bytes, more than any judge model reads",
                    "shorten the record, or check that this is a JSON Lines file",
                    number,
                )
            )
            stats.records += 1
            continue
        text = _decode(raw, source, number, problems)
        if text is None:
            stats.records += 1
            continue
        if not text.strip():
            pending_blank.append(number)
            continue
        for blank in pending_blank:
            problems.append(
                Problem(source, "<line>", "is blank", "remove empty lines between records", blank)
            )
        pending_blank.clear()
        try:
            record = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            reason = (
                f"{error.msg} at column {error.colno}"
                if isinstance(error, json.JSONDecodeError)
                else "nested too deeply"
            )
            problems.append(
                Problem(
                    source,
                    "<json>",
                    f"is not valid JSON ({reason})",
                    "write one JSON object per line",
                    number,
                )
            )
            stats.records += 1
            continue
        stats.records += 1
        check_record(record, stats, number, problems)
    if stats.records == 0:
        problems.append(
            Problem(source, "<file>", "holds no records", "add one JSON object per line")
        )
    elif stats.records > max_records:
        per_run = (
            f"{max_records} per run ({MAX_PROMPTS_PER_JOB} per evaluation job, "
            f"{max_records // MAX_PROMPTS_PER_JOB} jobs)"
            if max_records > MAX_PROMPTS_PER_JOB
            else f"{MAX_PROMPTS_PER_JOB} per evaluation job"
        )
        problems.append(
            Problem(
                source,
                "<file>",
                f"holds {stats.records} prompts; the pipeline accepts at most {per_run}",
                f"split it into files of at most {max_records} lines",
            )
        )
    return stats
