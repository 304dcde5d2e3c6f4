"""Reading the rows a human evaluation job writes, as scores the aggregator understands.

Each output row (user guide: model-evaluation-report-s3.html; SageMaker's
clarify-foundation-model-evaluate-results-human.html documents the same JSON) holds
`humanEvaluationResult[]`, one entry per human loop, with `modelResponseIdMap` (response id ->
model) and `humanAnswers[]` whose `answerContent.evaluationResults.<method>[]` carry
`{metricName, modelResponseId?, result}`. The table there spells the methods in upper camel
case and the example in lower camel case, so they are matched case-insensitively.

Scores become:
- thumbs up/down: 1.0 or 0.0; Likert scales and ranks: the number the worker gave;
- comparison choice: the chosen model's identifier, a label counted per model;
- with two models, a per-response metric is named `<metric> [<model>]`, so the summary puts
  the models side by side; with one model it keeps its own name.
"""

from __future__ import annotations

from typing import Any

from evalcore.result_records import ResultRecord, Score, category_of, prompt_text

_NUMERIC_METHODS = {"individuallikertscale", "comparisonlikertscale", "comparisonrank"}
_THUMBS = "thumbsupdown"
_CHOICE = "comparisonchoice"


def _result(method: str, raw: object, models: dict[str, str]) -> float | str | None:
    if method == _THUMBS:
        if isinstance(raw, bool):
            return 1.0 if raw else 0.0
        if isinstance(raw, str) and raw.lower() in {"true", "false", "up", "down"}:
            return 1.0 if raw.lower() in {"true", "up"} else 0.0
    elif method in _NUMERIC_METHODS:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
    elif method == _CHOICE and isinstance(raw, str | int):
        return models.get(str(raw), str(raw))
    if raw is None:
        return None
    raise ValueError(f"{method}: result {raw!r} is not a value that rating method gives")


def _scores(entry: dict[str, Any]) -> list[Score]:
    models = {str(k): str(v) for k, v in (entry.get("modelResponseIdMap") or {}).items()}
    several = len(set(models.values())) > 1
    scores: list[Score] = []
    for answer in entry.get("humanAnswers") or []:
        content = (answer or {}).get("answerContent") or {}
        results = content.get("evaluationResults", {})
        if not isinstance(results, dict):
            raise ValueError("answerContent.evaluationResults is not an object")
        for method_name, items in results.items():
            method = method_name.lower()
            for item in items or []:
                metric = item.get("metricName")
                if not isinstance(metric, str):
                    raise ValueError("a human answer has no metricName")
                response_id = item.get("modelResponseId")
                if several and response_id is not None and method != _CHOICE:
                    metric = f"{metric} [{models.get(str(response_id), str(response_id))}]"
                scores.append(Score(metric, _result(method, item.get("result"), models)))
    return scores


def records_from_human_row(row: dict[str, Any], source: str, line: int) -> list[ResultRecord]:
    """One record per row: every worker's answer to every metric is a score."""
    entries = row.get("humanEvaluationResult")
    if not isinstance(entries, list):
        raise ValueError("humanEvaluationResult is not a list")
    input_record = row.get("inputRecord") or {}
    scores = [score for entry in entries for score in _scores(entry)]
    responses = row.get("modelResponses") or input_record.get("responses") or []
    first = responses[0] if responses and isinstance(responses[0], dict) else {}
    return [
        ResultRecord(
            source,
            line,
            prompt_text(input_record.get("prompt", "")),
            category_of(input_record.get("category")),
            tuple(scores),
            prompt_text(first.get("response") or first.get("text") or ""),
        )
    ]
