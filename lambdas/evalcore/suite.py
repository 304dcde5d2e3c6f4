"""Suite configuration: what to evaluate, with which judge, and what counts as good enough.

Suites are JSON files in `lambdas/suites/` so the CDK app (which scopes IAM to the models they
name), the Lambdas (bundled with them) and evalctl all read the same definitions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalcore.errors import Problem, SuiteError

DEFAULT_SUITES_DIR = Path(__file__).resolve().parent.parent / "suites"

INFERENCE_PRECOMPUTED = "precomputed"
INFERENCE_BEDROCK = "bedrock"

JUDGE_MODEL_METRICS = frozenset(
    f"Builtin.{name}"
    for name in (
        "Correctness",
        "Completeness",
        "Faithfulness",
        "Helpfulness",
        "Coherence",
        "Relevance",
        "FollowingInstructions",
        "ProfessionalStyleAndTone",
        "Harmfulness",
        "Stereotyping",
        "Refusal",
    )
)
MAX_METRICS = 25
SUITE_NAME_PATTERN = re.compile(r"^[a-z0-9](-*[a-z0-9]){0,31}$")
SOURCE_ID_PATTERN = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9._-]){0,255}$")


@dataclass(frozen=True)
class InferenceConfig:
    """Where the responses under evaluation come from."""

    mode: str
    source_identifier: str = ""
    model_identifier: str = ""
    inference_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    evaluator_model: str
    inference: InferenceConfig
    metrics: tuple[str, ...]
    task_type: str = "General"
    thresholds: dict[str, float] = field(default_factory=dict)
    low_score_threshold: float = 0.5
    regression_tolerance: float = 0.05
    source: str = "<suite>"

    @property
    def model_identifiers(self) -> frozenset[str]:
        """Every Bedrock model the evaluation job will invoke: the judge and any live target."""
        models = {self.evaluator_model}
        if self.inference.mode == INFERENCE_BEDROCK:
            models.add(self.inference.model_identifier)
        return frozenset(models)


def _require(data: dict, key: str, kind: type, source: str, problems: list[Problem], fix: str):
    value = data.get(key)
    if value is None:
        problems.append(Problem(source, key, "is missing", fix))
        return None
    if not isinstance(value, kind):
        problems.append(
            Problem(source, key, f"must be a {kind.__name__}, got {type(value).__name__}", fix)
        )
        return None
    return value


def _parse_inference(raw: Any, source: str, problems: list[Problem]) -> InferenceConfig | None:
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                source,
                "inference",
                "must be an object",
                'use {"mode": "precomputed", "sourceIdentifier": "my-app-v1"} or '
                '{"mode": "bedrock", "modelIdentifier": "<model id>"}',
            )
        )
        return None
    mode = raw.get("mode")
    if mode == INFERENCE_PRECOMPUTED:
        source_id = raw.get("sourceIdentifier")
        if not isinstance(source_id, str) or not SOURCE_ID_PATTERN.match(source_id):
            problems.append(
                Problem(
                    source,
                    "inference.sourceIdentifier",
                    f"{source_id!r} is not a valid pre-computed inference source identifier",
                    "use 1-256 characters of letters, digits, '.', '_' or '-', "
                    "starting with a letter or digit",
                )
            )
            return None
        return InferenceConfig(mode=mode, source_identifier=source_id)
    if mode == INFERENCE_BEDROCK:
        model_id = raw.get("modelIdentifier")
        params = raw.get("inferenceParams", {})
        if not isinstance(model_id, str) or not model_id:
            problems.append(
                Problem(
                    source,
                    "inference.modelIdentifier",
                    "is missing",
                    "name the Bedrock model or inference profile that answers the prompts",
                )
            )
            return None
        if not isinstance(params, dict) or len(json.dumps(params)) > 1023:
            problems.append(
                Problem(
                    source,
                    "inference.inferenceParams",
                    "must be an object of at most 1023 characters as JSON",
                    'for example {"inferenceConfig": {"maxTokens": 512, "temperature": 0}}',
                )
            )
            return None
        return InferenceConfig(mode=mode, model_identifier=model_id, inference_params=params)
    problems.append(
        Problem(
            source,
            "inference.mode",
            f"{mode!r} is not a known inference mode",
            f"use {INFERENCE_PRECOMPUTED!r} (bring your own responses) or "
            f"{INFERENCE_BEDROCK!r} (Bedrock generates them)",
        )
    )
    return None


def _parse_metrics(raw: Any, source: str, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(
            Problem(source, "metrics", "must be a non-empty list", 'e.g. ["Builtin.Correctness"]')
        )
        return ()
    if len(raw) > MAX_METRICS:
        problems.append(
            Problem(source, "metrics", f"has {len(raw)} entries", f"keep at most {MAX_METRICS}")
        )
    for index, name in enumerate(raw):
        if name not in JUDGE_MODEL_METRICS:
            problems.append(
                Problem(
                    source,
                    f"metrics[{index}]",
                    f"{name!r} is not a built-in LLM-as-a-judge metric",
                    "use one of " + ", ".join(sorted(JUDGE_MODEL_METRICS)),
                )
            )
    if len(set(raw)) != len(raw):
        problems.append(Problem(source, "metrics", "lists a metric twice", "remove duplicates"))
    return tuple(raw)


def _parse_score(
    data: dict, key: str, default: float, source: str, problems: list[Problem]
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        problems.append(
            Problem(source, key, f"{value!r} is not a number between 0 and 1", "scores are 0-1")
        )
        return default
    return float(value)


def parse_suite(data: Any, source: str = "<suite>") -> Suite:
    """Build a Suite from decoded JSON, reporting every problem at once."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise SuiteError([Problem(source, "<root>", "must be a JSON object", "see README")])
    name = _require(data, "name", str, source, problems, "give the suite a lowercase name")
    if name is not None and not SUITE_NAME_PATTERN.match(name):
        problems.append(
            Problem(
                source,
                "name",
                f"{name!r} is not a valid suite name",
                "use up to 32 lowercase letters, digits and hyphens (it becomes part of job names)",
            )
        )
    evaluator = _require(
        data,
        "evaluatorModel",
        str,
        source,
        problems,
        "name the judge: a foundation-model id or a system inference profile",
    )
    inference = _parse_inference(data.get("inference"), source, problems)
    metrics = _parse_metrics(data.get("metrics"), source, problems)
    thresholds_raw = data.get("thresholds", {})
    thresholds: dict[str, float] = {}
    if not isinstance(thresholds_raw, dict):
        problems.append(Problem(source, "thresholds", "must be an object", '{"Builtin.X": 0.7}'))
    else:
        for metric in thresholds_raw:
            if metric not in metrics:
                problems.append(
                    Problem(
                        source,
                        f"thresholds.{metric}",
                        "names a metric the suite does not evaluate",
                        "add it to metrics or remove the threshold",
                    )
                )
            thresholds[metric] = _parse_score(thresholds_raw, metric, 0.0, source, problems)
    low = _parse_score(data, "lowScoreThreshold", 0.5, source, problems)
    tolerance = _parse_score(data, "regressionTolerance", 0.05, source, problems)
    task_type = data.get("taskType", "General")
    if problems:
        raise SuiteError(problems)
    return Suite(
        name=name,
        description=str(data.get("description", "")),
        evaluator_model=evaluator,
        inference=inference,
        metrics=metrics,
        task_type=task_type,
        thresholds=thresholds,
        low_score_threshold=low,
        regression_tolerance=tolerance,
        source=source,
    )


def load_suite_file(path: Path) -> Suite:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(
            [Problem(str(path), "<file>", "does not exist", "check the path or suite name")]
        ) from None
    except json.JSONDecodeError as error:
        raise SuiteError(
            [
                Problem(
                    str(path),
                    "<json>",
                    f"is not valid JSON: {error.msg} at column {error.colno}",
                    "fix the JSON syntax",
                    line=error.lineno,
                )
            ]
        ) from None
    suite = parse_suite(data, source=str(path))
    if suite.name != path.stem:
        raise SuiteError(
            [
                Problem(
                    str(path),
                    "name",
                    f"{suite.name!r} differs from the file name {path.stem!r}",
                    "name the file <suite-name>.json",
                )
            ]
        )
    return suite


def load_suite(name_or_path: str, suites_dir: Path | None = None) -> Suite:
    """Accept a suite name (looked up in the suites folder) or a path to a suite file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".json" or candidate.exists():
        return load_suite_file(candidate)
    directory = suites_dir or DEFAULT_SUITES_DIR
    path = directory / f"{name_or_path}.json"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.json"))) or "none"
        raise SuiteError(
            [
                Problem(
                    str(path),
                    "<file>",
                    f"no suite named {name_or_path!r}",
                    f"use one of: {known}, or add {path.name} to {directory}",
                )
            ]
        )
    return load_suite_file(path)


def load_all_suites(suites_dir: Path | None = None) -> list[Suite]:
    directory = suites_dir or DEFAULT_SUITES_DIR
    return [load_suite_file(path) for path in sorted(directory.glob("*.json"))]
