"""Rows in the format Bedrock writes to `<uuid>_output.jsonl` (AWS user guide), for tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
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


def live_model_row(prompt: str, scores: dict[str, float | str | None], response: str) -> dict:
    """A row of a job where Bedrock generated the responses: the documented example
    (model-evaluation-report-s3.html) puts them in a top-level `modelResponses` beside
    `inputRecord`, which holds only the dataset's own fields."""
    return {
        "automatedEvaluationResult": {"scores": [score(m, r) for m, r in scores.items()]},
        "inputRecord": {"prompt": prompt, "referenceResponse": "the reference"},
        "modelResponses": [
            {"response": response, "modelIdentifier": "arn:aws:bedrock:::foundation-model/m.x"}
        ],
    }


def human_row(
    prompt: str,
    answers: dict[str, list[dict]],
    models: dict[str, str],
    *,
    category: str | None = None,
) -> dict:
    """A human job's row (model-evaluation-report-s3.html, SageMaker's human results page):
    `answers` maps a rating method (lower camel case, as in the example) to its results."""
    return {
        "humanEvaluationResult": [
            {
                "flowDefinitionArn": "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/f",
                "humanAnswers": [
                    {
                        "acceptanceTime": "2026-11-20T10:00:00.000Z",
                        "answerContent": {"evaluationResults": answers},
                        "submissionTime": "2026-11-20T10:01:00.000Z",
                        "timeSpentInSeconds": 60.0,
                        "workerId": "worker-1",
                        "workerMetadata": {"identityData": {"identityProviderType": "Cognito"}},
                    }
                ],
                "humanLoopName": "a" * 40,
                "modelResponseIdMap": models,
            }
        ],
        "inputRecord": {
            "prompt": {"text": prompt},
            "category": category,
            "referenceResponse": {"text": "the reference"},
            "responses": [
                {"modelIdentifier": model, "text": f"{model} says hi"} for model in models.values()
            ],
        },
    }


# Where Bedrock nests a job's output below the outputDataConfig prefix (one of its layouts).
OUTPUT_NESTING = "job-id/models/app/taskTypes/General/datasets/ds/0f1e2d3c_output.jsonl"


def write_results(folder: Path, rows: list[dict]) -> Path:
    """A downloaded results folder holding `rows` as one Bedrock output file; returns `folder`."""
    output = folder / OUTPUT_NESTING
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(jsonl(rows), encoding="utf-8")
    return folder


def judge_by_prompt(quality: Mapping[str, float | None]) -> Callable[[dict, str], float | None]:
    """A judge that finds each prompt's answer of a fixed quality, scored per metric's direction
    (the `scorer` the Bedrock stand-in takes)."""

    def scorer(record: dict, metric: str) -> float | None:
        return oriented(metric, quality[record["prompt"]])

    return scorer
