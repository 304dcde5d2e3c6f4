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
# A run splits a larger dataset into jobs of at most MAX_PROMPTS_PER_JOB (evalcore.shards);
# the stack's maxShardsPerRun bounds how many, so the submit step passes the product.
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
    """Returns the response length so the caller can count it; 0 when invalid."""
    expected = suite.inference.source_identifier
    if not isinstance(value, list) or len(value) != 1:
        problems.append(
            Problem(
                source,
                "modelResponses",
                "must be a list with exactly one entry",
                f'use [{{"response": "...", "modelIdentifier": "{expected}"}}]',
                line,
            )
        )
        return 0
    entry = value[0]
    if not isinstance(entry, dict):
        problems.append(
            Problem(source, "modelResponses[0]", "must be an object", "see README", line)
        )
        return 0
    response = entry.get("response")
    if not isinstance(response, str) or not response.strip():
        problems.append(
            Problem(
                source,
                "modelResponses[0].response",
                "is missing or empty",
                "add the application's answer to this prompt",
                line,
            )
        )
        response = ""
    identifier = entry.get("modelIdentifier")
    if identifier != expected:
        problems.append(
            Problem(
                source,
                "modelResponses[0].modelIdentifier",
                f"is {identifier!r} but the suite's inference sourceIdentifier is {expected!r}",
                f'set it to "{expected}" (or change the suite)',
                line,
            )
        )
    return len(response)


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
    if suite.inference.mode is InferenceMode.PRECOMPUTED:
        stats.response_chars += _check_model_responses(responses, suite, source, line, problems)
    elif suite.inference.mode is InferenceMode.BEDROCK and responses is not None:
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
    lines: Iterable[str | bytes],
    suite: Suite,
    source: str = "<dataset>",
    max_records: int = MAX_PROMPTS_PER_JOB,
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
