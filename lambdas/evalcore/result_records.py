"""The typed records read from evaluation output: one home, shared by every row reader.

`evalcore.results` reads model-evaluation and RAG rows, `evalcore.human_results` human rows;
both build these, so neither imports the other's parsing.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec


class Judgement(msgspec.Struct, frozen=True, gc=False):
    """One evaluator's entry in a score's `evaluatorDetails` (other fields are not read)."""

    explanation: str = ""


class Score(
    msgspec.Struct,
    frozen=True,
    gc=False,
    rename={"metric": "metricName", "judgements": "evaluatorDetails"},
):
    """One judge's verdict on one metric, decoded by msgspec straight from Bedrock's JSON
    (`{"metricName", "result", "evaluatorDetails"}`): a full job holds 25,000 of them, and
    building them in C rather than Python is most of what keeps parsing cheap."""

    metric: str
    result: float | str | None = None
    judgements: tuple[Judgement, ...] = ()

    @classmethod
    def explained(cls, metric: str, result: float | str | None, explanation: str = "") -> Score:
        return cls(metric, result, (Judgement(explanation),) if explanation else ())

    @property
    def explanation(self) -> str:
        """The judges' reasoning, joined; computed when asked (for the low scores only)."""
        return " ".join(judgement.explanation for judgement in self.judgements).strip()


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
