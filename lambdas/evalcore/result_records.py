"""The typed records read from evaluation output: one home, shared by every row reader.

`evalcore.results` reads model-evaluation and RAG rows, `evalcore.human_results` human rows;
both build these, so neither imports the other's parsing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Score(NamedTuple):
    """One judge's verdict on one metric: immutable and typed like the dataclasses here, but a
    NamedTuple because a full job builds 25,000 of them and a frozen dataclass's __init__
    (one object.__setattr__ per field) was a third of the parse time."""

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


def prompt_text(value: object) -> str:
    """The first text in the nested shapes RAG and human records use for prompts and outputs."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("text"), str):
            return value["text"]
        for key in ("content", "prompt"):
            if key in value:
                return prompt_text(value[key])
    if isinstance(value, list) and value:
        return prompt_text(value[0])
    return ""


def category_of(value: object) -> str | None:
    """Categories key the per-category tables: a number or object there would break sorting."""
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"category {value!r} is not a string")
