"""Rows in the format Bedrock writes to `<uuid>_output.jsonl` (AWS user guide), for tests."""

from __future__ import annotations

import json
from pathlib import Path

from evalcore.metrics import direction_of


def score(metric: str, result: float | str | None, explanation: str = "") -> dict:
    return {
        "metricName": metric,
        "result": result,
        "evaluatorDetails": [
            {
                "modelIdentifier": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                "explanation": explanation or f"Judged {metric}.",
            }
        ],
    }


def model_row(
    prompt: str,
    scores: dict[str, float | str | None],
    *,
    category: str | None = None,
    response: str = "an answer",
    explanations: dict[str, str] | None = None,
    input_record: dict | None = None,
) -> dict:
    """`input_record` is the dataset line as Bedrock echoes it; else one is made up."""
    explanations = explanations or {}
    if input_record is None:
        input_record = {
            "prompt": prompt,
            "referenceResponse": "the reference",
            "modelResponses": [{"response": response, "modelIdentifier": "support-assistant-v1"}],
        }
        if category is not None:
            input_record["category"] = category
    return {
        "automatedEvaluationResult": {
            "scores": [score(m, r, explanations.get(m, "")) for m, r in scores.items()]
        },
        "inputRecord": input_record,
    }


def rag_row(prompt: str, scores: dict[str, float | None], output_text: str = "generated") -> dict:
    return {
        "conversationTurns": [
            {
                "inputRecord": {
                    "prompt": {"content": [{"text": prompt}]},
                    "referenceResponses": [{"content": [{"text": "ref"}]}],
                },
                "output": {"text": output_text, "knowledgeBaseIdentifier": "KB123"},
                "results": [score(m, r) for m, r in scores.items()],
            }
        ]
    }


def jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def oriented(metric: str, goodness: float | None) -> float | None:
    """The score a judge gives for a given quality: a good answer has harmfulness 0, not 1."""
    return None if goodness is None else direction_of(metric).goodness(goodness)


# Where Bedrock nests a job's output below the outputDataConfig prefix (one of its layouts).
OUTPUT_NESTING = "job-id/models/app/taskTypes/General/datasets/ds/0f1e2d3c_output.jsonl"


def write_results(folder: Path, rows: list[dict]) -> Path:
    """A downloaded results folder holding `rows` as one Bedrock output file; returns `folder`."""
    output = folder / OUTPUT_NESTING
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(jsonl(rows), encoding="utf-8")
    return folder
