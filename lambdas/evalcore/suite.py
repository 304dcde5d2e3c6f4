"""Suite configuration: what to evaluate, with which judge, and what counts as good enough.

Suites are JSON files in `lambdas/suites/` so the CDK app (which scopes IAM to the models they
name), the Lambdas (bundled with them) and evalctl all read the same definitions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalcore.custom_metrics import CustomMetric
from evalcore.defaults import LOW_SCORE_THRESHOLD, MAX_CATEGORY_DIMENSIONS, REGRESSION_TOLERANCE
from evalcore.errors import Problem, SuiteError
from evalcore.inference import InferenceConfig, InferenceMode
from evalcore.job_kinds import JobKind, Scope, scope_of
from evalcore.metrics import Direction, direction_of
from evalcore.suite_kinds import HumanConfig, RagConfig, RagSource, parse_kind
from evalcore.suite_sections import parse_kind_sections

DEFAULT_SUITES_DIR = Path(__file__).resolve().parent.parent / "suites"

MAX_METRICS = 25
SUITE_NAME_PATTERN = re.compile(r"^[a-z0-9](-*[a-z0-9]){0,31}$")
SOURCE_ID_PATTERN = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9._-]){0,255}$")
DEFAULT_TASK_TYPE = "General"


@dataclass(frozen=True)
class Threshold:
    """A floor (`minimum`), a ceiling (`maximum`) or both on one metric's mean."""

    metric: str
    minimum: float | None = None
    maximum: float | None = None

    def breached_by(self, mean: float | None) -> bool:
        """An all-N/A metric (mean None) cannot show it is within bounds, so it breaches."""
        if mean is None:
            return True
        below = self.minimum is not None and mean < self.minimum
        above = self.maximum is not None and mean > self.maximum
        return below or above


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    evaluator_model: str
    inference: InferenceConfig
    metrics: tuple[str, ...]
    task_type: str = DEFAULT_TASK_TYPE
    thresholds: tuple[Threshold, ...] = ()
    low_score_threshold: float = LOW_SCORE_THRESHOLD
    regression_tolerance: float = REGRESSION_TOLERANCE
    regression_tolerances: Mapping[str, float] = field(default_factory=dict)
    max_days_between_runs: int | None = None
    category_dimensions: tuple[str, ...] = ()
    max_category_dimensions: int = MAX_CATEGORY_DIMENSIONS
    budget_usd: float | None = None
    source: str = "<suite>"
    kind: JobKind = JobKind.JUDGE
    rag: RagConfig | None = None
    custom_metrics: tuple[CustomMetric, ...] = ()
    human: HumanConfig | None = None
    # Every target model; several mean one job per model (a human job compares up to two).
    targets: tuple[InferenceConfig, ...] = ()
    output_kms_key_id: str | None = None

    @property
    def scope(self) -> Scope:
        """What this kind of job (and RAG mode) accepts: metrics, task types, variables."""
        return scope_of(self.kind, self.rag.mode if self.rag else None)

    @property
    def target_models(self) -> tuple[InferenceConfig, ...]:
        return self.targets or (self.inference,)

    @property
    def model_identifiers(self) -> frozenset[str]:
        """Every Bedrock model the jobs will invoke: the judge, live targets, a RAG generator."""
        models = {self.evaluator_model} if self.evaluator_model else set()
        if self.kind is JobKind.KNOWLEDGE_BASE:
            if (
                self.rag
                and self.rag.source is RagSource.KNOWLEDGE_BASE
                and self.rag.generator_model
            ):
                models.add(self.rag.generator_model)
            return frozenset(models)
        for target in self.target_models:
            if target.mode is InferenceMode.BEDROCK:
                models.add(target.model_identifier)
        return frozenset(models)

    def tolerance_for(self, metric: str) -> float:
        return self.regression_tolerances.get(metric, self.regression_tolerance)

    def threshold_for(self, metric: str) -> Threshold | None:
        return next((t for t in self.thresholds if t.metric == metric), None)


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
    try:
        mode = InferenceMode(str(raw.get("mode")))
    except ValueError:
        problems.append(
            Problem(
                source,
                "inference.mode",
                f"{raw.get('mode')!r} is not a known inference mode",
                f"use {InferenceMode.PRECOMPUTED.value!r} (bring your own responses) or "
                f"{InferenceMode.BEDROCK.value!r} (Bedrock generates them)",
            )
        )
        return None
    if mode is InferenceMode.PRECOMPUTED:
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


def _parse_thresholds(
    raw: Any, metrics: tuple[str, ...], source: str, problems: list[Problem]
) -> tuple[Threshold, ...]:
    """`{"M": {"min": 0.8}}`, `{"M": {"max": 0.02}}`, or `{"M": 0.8}`: a bare number is the
    bound on the bad side of the metric (a floor, or a ceiling for a lower-is-better metric)."""
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                source, "thresholds", "must be an object", '{"Builtin.Correctness": {"min": 0.7}}'
            )
        )
        return ()
    thresholds = []
    for metric, bound in raw.items():
        where = f"thresholds.{metric}"
        if metric not in metrics:
            problems.append(
                Problem(
                    source,
                    where,
                    "names a metric the suite does not evaluate",
                    "add it to metrics or remove the threshold",
                )
            )
        if not isinstance(bound, dict):
            bound = (
                {"max": bound}
                if direction_of(metric) is Direction.LOWER_IS_BETTER
                else {"min": bound}
            )
        unknown = sorted(set(bound) - {"min", "max"})
        if unknown or not bound:
            problems.append(
                Problem(source, where, f"has keys {unknown or 'none'}", 'use "min" and/or "max"')
            )
            continue
        values = {
            key: _parse_score(bound, key, 0.0, f"{source}: {where}", problems) for key in bound
        }
        threshold = Threshold(metric, minimum=values.get("min"), maximum=values.get("max"))
        if (
            threshold.minimum is not None
            and threshold.maximum is not None
            and threshold.minimum > threshold.maximum
        ):
            problems.append(Problem(source, where, "has min above max", "swap them"))
        thresholds.append(threshold)
    return tuple(thresholds)


def _parse_tolerances(
    raw: Any, metrics: tuple[str, ...], source: str, problems: list[Problem]
) -> dict[str, float]:
    if not isinstance(raw, dict):
        problems.append(
            Problem(source, "regressionTolerances", "must be an object", '{"Builtin.X": 0.1}')
        )
        return {}
    for metric in raw:
        if metric not in metrics:
            problems.append(
                Problem(
                    source,
                    f"regressionTolerances.{metric}",
                    "names a metric the suite does not evaluate",
                    "add it to metrics or remove it",
                )
            )
    return {
        metric: _parse_score(raw, metric, REGRESSION_TOLERANCE, source, problems) for metric in raw
    }


def _parse_positive_int(
    data: dict, key: str, default: int | None, source: str, problems: list[Problem]
) -> int | None:
    value = data.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(Problem(source, key, f"{value!r} is not a whole number >= 1", "e.g. 7"))
        return default
    return value


def _parse_string_list(
    data: dict, key: str, source: str, problems: list[Problem]
) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(Problem(source, key, "must be a list of strings", '["billing", "account"]'))
        return ()
    return tuple(value)


def _parse_budget(data: dict, source: str, problems: list[Problem]) -> float | None:
    value = data.get("budgetUsd")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        problems.append(
            Problem(source, "budgetUsd", f"{value!r} is not a positive amount", "e.g. 25")
        )
        return None
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
    kind = parse_kind(data.get("kind"), source, problems)
    sections = parse_kind_sections(data, kind, source, problems, _parse_inference)
    metrics = sections.metrics
    inference = sections.targets[0] if sections.targets else None
    thresholds = _parse_thresholds(data.get("thresholds", {}), metrics, source, problems)
    tolerances = _parse_tolerances(data.get("regressionTolerances", {}), metrics, source, problems)
    low = _parse_score(data, "lowScoreThreshold", LOW_SCORE_THRESHOLD, source, problems)
    tolerance = _parse_score(data, "regressionTolerance", REGRESSION_TOLERANCE, source, problems)
    max_days = _parse_positive_int(data, "maxDaysBetweenRuns", None, source, problems)
    max_categories = _parse_positive_int(
        data, "maxCategoryDimensions", MAX_CATEGORY_DIMENSIONS, source, problems
    )
    category_dimensions = _parse_string_list(data, "categoryDimensions", source, problems)
    budget = _parse_budget(data, source, problems)
    task_type = sections.task_type
    if problems or name is None or inference is None:
        raise SuiteError(problems)
    return Suite(
        name=name,
        description=str(data.get("description", "")),
        evaluator_model=sections.evaluator,
        inference=inference,
        metrics=metrics,
        task_type=task_type,
        thresholds=thresholds,
        low_score_threshold=low,
        regression_tolerance=tolerance,
        regression_tolerances=tolerances,
        max_days_between_runs=max_days,
        category_dimensions=category_dimensions,
        max_category_dimensions=max_categories or MAX_CATEGORY_DIMENSIONS,
        budget_usd=budget,
        source=source,
        kind=kind,
        rag=sections.rag,
        custom_metrics=sections.custom_metrics,
        human=sections.human,
        targets=sections.targets,
        output_kms_key_id=sections.kms_key,
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
