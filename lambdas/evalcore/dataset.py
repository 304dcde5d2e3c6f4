"""Validation of model-evaluation datasets (JSONL), streamed line by line.

Bedrock rejects a bad dataset only after the job has queued, with one terse message; this
module reports every problem up front with the line and field, and gathers the counts the
cost estimate needs without keeping the records in memory.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from evalcore.defaults import UNCATEGORIZED
from evalcore.errors import DatasetError, Problem
from evalcore.suite import InferenceMode, Suite

MAX_PROMPTS_PER_JOB = 1000
KNOWN_FIELDS = frozenset({"prompt", "referenceResponse", "category", "modelResponses"})


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
                    "is missing or empty",
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
    prompt = record.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        problems.append(
            Problem(
                source, "prompt", "is missing or empty", "every record needs a prompt string", line
            )
        )
    else:
        stats.prompt_chars += len(prompt)
    reference = record.get("referenceResponse")
    if reference is not None:
        if not isinstance(reference, str):
            problems.append(
                Problem(source, "referenceResponse", "must be a string", "quote the text", line)
            )
        else:
            stats.with_reference += 1
    category = record.get("category")
    if category is not None and not isinstance(category, str):
        problems.append(Problem(source, "category", "must be a string", 'e.g. "billing"', line))
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
                unknown,
                "is not a field Bedrock reads; it will be ignored",
                "remove it or check its spelling",
                line,
            )
        )


def validate_dataset(
    lines: Iterable[str | bytes], suite: Suite, source: str = "<dataset>"
) -> DatasetStats:
    """Check every line of a dataset against the suite; never raises for bad data."""
    stats = DatasetStats(source=source)
    problems = stats.problems
    pending_blank: list[int] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
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
        except json.JSONDecodeError as error:
            problems.append(
                Problem(
                    source,
                    "<json>",
                    f"is not valid JSON ({error.msg} at column {error.colno})",
                    "write one JSON object per line",
                    number,
                )
            )
            stats.records += 1
            continue
        stats.records += 1
        _check_record(record, suite, stats, number, problems)
    if stats.records == 0:
        problems.append(
            Problem(source, "<file>", "holds no records", "add one JSON object per line")
        )
    elif stats.records > MAX_PROMPTS_PER_JOB:
        problems.append(
            Problem(
                source,
                "<file>",
                f"holds {stats.records} prompts; Bedrock accepts at most "
                f"{MAX_PROMPTS_PER_JOB} per evaluation job",
                f"split it into files of at most {MAX_PROMPTS_PER_JOB} lines",
            )
        )
    return stats
