"""Reading JSON Lines written by people: each record with its line number, each bad line a Problem.

Datasets, scenario files and guardrail cases are all JSONL that users write by hand or export
from other tools, so they share one reader and one wording for a line that is not JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from evalcore.errors import Problem

ONE_OBJECT_PER_LINE = "write one JSON object per line"


def invalid_json(source: str, error: json.JSONDecodeError, line: int, fix: str) -> Problem:
    return Problem(
        source, "<json>", f"is not valid JSON ({error.msg} at column {error.colno})", fix, line
    )


def json_lines(
    lines: Iterable[str], source: str, problems: list[Problem]
) -> Iterator[tuple[int, Any]]:
    """(line number, decoded value) for every non-blank line; undecodable lines go to
    `problems` so one pass reports all of them."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield number, json.loads(text)
        except json.JSONDecodeError as error:
            problems.append(invalid_json(source, error, number, ONE_OBJECT_PER_LINE))
