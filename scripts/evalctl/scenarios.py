"""Scenario files: what `evalctl collect` asks the application, one conversation per scenario.

A scenario is a JSON object; a file is a JSON array of them or JSONL (one per line):

    {"id": "reset-password", "category": "account", "context": "Plan: free",
     "turns": ["I forgot my password", "The e-mail never arrived"],
     "referenceResponse": "...", "toolResults": {"lookup_account": {"plan": "free"}}}

`prompt` may replace `turns` for a single-turn scenario. Each user turn is sent in order;
the application's answer to the last one is the response under evaluation, and the earlier
exchange is folded into the dataset prompt so the judge sees the whole conversation.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalcore.errors import InputError, Problem
from evalcore.jsonl import invalid_json, json_lines

SCENARIO_FIELDS = frozenset(
    {"id", "prompt", "turns", "context", "category", "referenceResponse", "toolResults"}
)
_THINKING = re.compile(r"<thinking>.*?(?:</thinking>|\Z)", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Scenario:
    """One conversation to hold with the application."""

    id: str
    turns: tuple[str, ...]
    context: str | None = None
    category: str | None = None
    reference_response: str | None = None
    tool_results: dict[str, Any] = field(default_factory=dict)
    source: str = "<scenarios>"
    line: int | None = None


def strip_thinking(text: str) -> str:
    """Drop `<thinking>...</thinking>` blocks (an unclosed one runs to the end): the judge
    should score the answer the user reads, not the model's scratchpad."""
    return _THINKING.sub("", text).strip()


def fold_prompt(context: str | None, turns: Sequence[str], answers: Sequence[str]) -> str:
    """The dataset prompt: the last user turn, preceded by the exchange that led to it.

    `answers` are the application's replies to all but the last turn. A single turn stays as
    written; a conversation becomes `User: ...\\nAssistant: ...\\nUser: ...`.
    """
    if len(answers) != len(turns) - 1:
        raise ValueError("need one answer for every turn but the last")
    if len(turns) == 1:
        body = turns[0]
    else:
        lines: list[str] = []
        for turn, answer in zip(turns, answers, strict=False):
            lines += [f"User: {turn}", f"Assistant: {answer}"]
        lines.append(f"User: {turns[-1]}")
        body = "\n".join(lines)
    return f"Context: {context}\n\n{body}" if context else body


def scenario_id(record: dict) -> str:
    """Stable across runs and file reorderings: the given `id`, else a digest of the content."""
    given = record.get("id")
    if isinstance(given, str) and given:
        return given
    content = {k: record.get(k) for k in sorted(SCENARIO_FIELDS - {"id"})}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()
    return f"sha256-{digest[:16]}"


def _optional_string(
    record: dict, key: str, source: str, line: int, problems: list[Problem]
) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    problems.append(
        Problem(
            source,
            key,
            f"must be a string, got {type(value).__name__}",
            "quote the text or remove the field",
            line,
        )
    )
    return None


def parse_scenario(record: Any, source: str, line: int, problems: list[Problem]) -> Scenario | None:
    if not isinstance(record, dict):
        problems.append(
            Problem(
                source,
                "<scenario>",
                "must be a JSON object",
                '{"prompt": "..."} or {"turns": ["...", "..."]}',
                line,
            )
        )
        return None
    before = len(problems)
    prompt, turns = record.get("prompt"), record.get("turns")
    if (prompt is None) == (turns is None):
        problems.append(
            Problem(
                source,
                "prompt/turns",
                "give exactly one of them",
                'single turn: "prompt": "..."; conversation: "turns": [...]',
                line,
            )
        )
    elif prompt is not None:
        turns = [prompt]
    if turns is not None and (
        not isinstance(turns, list)
        or not turns
        or not all(isinstance(t, str) and t.strip() for t in turns)
    ):
        problems.append(
            Problem(
                source,
                "turns" if prompt is None else "prompt",
                "must be a non-empty string (or list of them for turns)",
                "write each user message as a string",
                line,
            )
        )
    tool_results = record.get("toolResults", {})
    if not isinstance(tool_results, dict):
        problems.append(
            Problem(
                source,
                "toolResults",
                "must be an object",
                '{"tool_name": <result the tool returns>}',
                line,
            )
        )
    context = _optional_string(record, "context", source, line, problems)
    category = _optional_string(record, "category", source, line, problems)
    reference = _optional_string(record, "referenceResponse", source, line, problems)
    identifier = record.get("id")
    if identifier is not None and not (isinstance(identifier, str) and identifier):
        problems.append(
            Problem(
                source,
                "id",
                "must be a non-empty string",
                "name the scenario, or remove id to derive one",
                line,
            )
        )
    for unknown in sorted(set(record) - SCENARIO_FIELDS):
        problems.append(
            Problem(
                source,
                unknown,
                "is not a scenario field",
                "use " + ", ".join(sorted(SCENARIO_FIELDS)),
                line,
            )
        )
    if len(problems) > before:
        return None
    return Scenario(
        id=scenario_id(record),
        turns=tuple(turns or ()),
        context=context,
        category=category,
        reference_response=reference,
        tool_results=dict(tool_results),
        source=source,
        line=line,
    )


def _records(path: Path, problems: list[Problem]) -> list[tuple[int, Any]]:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(source, "<file>", "does not exist", "check the path"))
        return []
    if text.lstrip().startswith("["):
        try:
            array = json.loads(text)
        except json.JSONDecodeError as error:
            problems.append(invalid_json(source, error, error.lineno, "fix the JSON syntax"))
            return []
        return [(index + 1, item) for index, item in enumerate(array)]
    return list(json_lines(text.splitlines(), source, problems))


def load_scenarios(paths: Sequence[Path]) -> list[Scenario]:
    """Every scenario of every file, or an InputError listing every problem.

    In a JSON array file the reported "line" is the scenario's position in the array.
    """
    problems: list[Problem] = []
    scenarios: list[Scenario] = []
    seen: dict[str, Scenario] = {}
    for path in paths:
        for line, record in _records(path, problems):
            scenario = parse_scenario(record, str(path), line, problems)
            if scenario is None:
                continue
            if scenario.id in seen:
                first = seen[scenario.id]
                problems.append(
                    Problem(
                        str(path),
                        "id",
                        f"{scenario.id!r} is also used at {first.source}:{first.line}",
                        "give every scenario its own id",
                        line,
                    )
                )
                continue
            seen[scenario.id] = scenario
            scenarios.append(scenario)
    if not scenarios and not problems:
        problems.append(
            Problem(
                ", ".join(map(str, paths)),
                "<file>",
                "holds no scenarios",
                "add one scenario per line",
            )
        )
    if problems:
        raise InputError(problems)
    return scenarios
