"""Suite configuration: what to evaluate, with which judge, and what counts as good enough.

Suites are JSON files in `lambdas/suites/` so the CDK app (which scopes IAM to the models they
name), the Lambdas (bundled with them) and evalctl all read the same definitions.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from evalcore import api_patterns
from evalcore.defaults import LOW_SCORE_THRESHOLD, MAX_CATEGORY_DIMENSIONS, REGRESSION_TOLERANCE
from evalcore.errors import Problem, SuiteError
from evalcore.json_values import json_type, key_label
from evalcore.layout import DATASET_SUFFIX, DATASETS_PREFIX, suite_name_from_dataset_key
from evalcore.metrics import JUDGE_MODEL_METRICS, Direction, direction_of

DEFAULT_SUITES_DIR = Path(__file__).resolve().parent.parent / "suites"
SUITES_DIR_ENV = "EVAL_SUITES_DIR"

MAX_METRICS = 25
# Stricter than Bedrock's job-name pattern: the suite name is only the readable start of one.
SUITE_NAME_PATTERN = re.compile(r"^[a-z0-9](-*[a-z0-9]){0,31}$")
# LLM-as-a-judge jobs use "General" in AWS's samples and the service accepts it, though
# botocore's enum for taskType does not list it; the rest come from that enum.
DEFAULT_TASK_TYPE = "General"
README_SUITES = "README section 'Suites'"

SUITE_KEYS = (
    "name",
    "description",
    "evaluatorModel",
    "inference",
    "taskType",
    "metrics",
    "thresholds",
    "lowScoreThreshold",
    "regressionTolerance",
    "regressionTolerances",
    "maxDaysBetweenRuns",
    "categoryDimensions",
    "maxCategoryDimensions",
    "budgetUsd",
    "maxRunHours",
)
INFERENCE_KEYS_BY_MODE: dict[str, tuple[str, ...]] = {
    "precomputed": ("mode", "sourceIdentifier"),
    "bedrock": ("mode", "modelIdentifier", "inferenceParams"),
}
THRESHOLD_KEYS = ("min", "max")
# Keys of job kinds this pipeline cannot submit yet. Silently dropping them would submit a job
# of another kind (a built-in-metric judge job), so each is refused with what it would need.
NOT_SUPPORTED_YET: dict[str, str] = {
    "customMetrics": "custom metrics",
    "customMetricConfig": "custom metrics",
    "applicationType": "job kinds other than model evaluation (RAG evaluation)",
    "ragConfigs": "RAG evaluation",
    "knowledgeBase": "RAG evaluation",
    "knowledgeBaseConfig": "RAG evaluation",
    "human": "human evaluation",
    "humanWorkflowConfig": "human evaluation",
    "models": "model comparison (several target models)",
}
PLANNED_IN = "issue 8 ('Every kind of Bedrock evaluation job, from one suite file')"


class InferenceMode(StrEnum):
    """Where the responses under evaluation come from."""

    PRECOMPUTED = "precomputed"  # the dataset carries the application's responses
    BEDROCK = "bedrock"  # Bedrock generates them with a model during the job


@dataclass(frozen=True)
class InferenceConfig:
    mode: InferenceMode
    source_identifier: str = ""
    model_identifier: str = ""
    inference_params: Mapping[str, Any] = field(default_factory=dict)


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
    # A run of this suite is stopped after this long (never longer than the stack's limit).
    max_run_hours: int | None = None
    source: str = "<suite>"

    @property
    def model_identifiers(self) -> frozenset[str]:
        """Every Bedrock model the evaluation job will invoke: the judge and any live target."""
        models = {self.evaluator_model}
        if self.inference.mode is InferenceMode.BEDROCK:
            models.add(self.inference.model_identifier)
        return frozenset(models)

    def tolerance_for(self, metric: str) -> float:
        return self.regression_tolerances.get(metric, self.regression_tolerance)

    def threshold_for(self, metric: str) -> Threshold | None:
        return next((t for t in self.thresholds if t.metric == metric), None)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for the closest choice, case-insensitively; '' when none is close."""
    by_folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return f" (did you mean {by_folded[close[0]]!r}?)" if close else ""


def _check_keys(
    data: Mapping[str, Any],
    allowed: tuple[str, ...],
    where: str,
    source: str,
    problems: list[Problem],
    elsewhere: Mapping[str, str] | None = None,
) -> None:
    """An unknown key is an error, never dropped: a typo would otherwise change the job."""
    for key in data:
        if key in allowed:
            continue
        field_name = f"{where}.{key_label(key)}" if where else key_label(key)
        if not where and key in NOT_SUPPORTED_YET:
            problems.append(
                Problem(
                    source,
                    field_name,
                    f"is not supported yet: this pipeline submits LLM-as-a-judge model-evaluation "
                    f"jobs with built-in metrics only; {NOT_SUPPORTED_YET[key]} is planned in "
                    f"{PLANNED_IN}",
                    f"remove {key!r} (the {README_SUITES} lists every key a suite takes)",
                )
            )
        elif elsewhere and key in elsewhere:
            problems.append(Problem(source, field_name, elsewhere[key], f"remove {key!r}"))
        else:
            hint = did_you_mean(key, allowed)
            problems.append(
                Problem(
                    source,
                    field_name,
                    f"is not a key this object takes{hint}",
                    f"use only {', '.join(allowed)} (see the {README_SUITES})",
                )
            )


def _check_api_value(
    value: str,
    rule: api_patterns.StringRule,
    field_name: str,
    fix: str,
    source: str,
    problems: list[Problem],
) -> bool:
    """Bedrock's own pattern and length for the value, before anything is submitted."""
    reason = rule.violation(value)
    if reason is not None:
        problems.append(Problem(source, field_name, f"{value!r} {reason}", fix))
    return reason is None


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
        hint = did_you_mean(str(raw.get("mode")), [m.value for m in InferenceMode])
        problems.append(
            Problem(
                source,
                "inference.mode",
                f"{raw.get('mode')!r} is not a known inference mode{hint}",
                f"use {InferenceMode.PRECOMPUTED.value!r} (bring your own responses) or "
                f"{InferenceMode.BEDROCK.value!r} (Bedrock generates them)",
            )
        )
        return None
    allowed = INFERENCE_KEYS_BY_MODE[mode.value]
    other_modes = {
        key: f"only applies when mode is {other!r}, and mode is {mode.value!r}"
        for other, keys in INFERENCE_KEYS_BY_MODE.items()
        for key in keys
        if key not in allowed
    }
    problem_count = len(problems)
    _check_keys(raw, allowed, "inference", source, problems, elsewhere=other_modes)
    if mode is InferenceMode.PRECOMPUTED:
        source_id = raw.get("sourceIdentifier")
        fix = (
            "use 1-256 characters of letters, digits, '.', '_' or '-', starting with a letter "
            "or digit; every dataset record's modelResponses[0].modelIdentifier must equal it"
        )
        if not isinstance(source_id, str):
            problems.append(
                Problem(
                    source,
                    "inference.sourceIdentifier",
                    "is missing"
                    if source_id is None
                    else f"must be a string, got {json_type(source_id)}",
                    fix,
                )
            )
            return None
        rule = api_patterns.inference_source_identifier()
        if (
            not _check_api_value(
                source_id, rule, "inference.sourceIdentifier", fix, source, problems
            )
            or len(problems) > problem_count
        ):
            return None
        return InferenceConfig(mode=mode, source_identifier=source_id)
    model_id = raw.get("modelIdentifier")
    params = raw.get("inferenceParams", {})
    model_fix = "name the Bedrock model or inference profile that answers the prompts"
    if not isinstance(model_id, str) or not model_id:
        problems.append(
            Problem(
                source,
                "inference.modelIdentifier",
                "is missing"
                if model_id in (None, "")
                else f"must be a string, got {json_type(model_id)}",
                model_fix,
            )
        )
        return None
    _check_api_value(
        model_id,
        api_patterns.model_identifier(),
        "inference.modelIdentifier",
        model_fix + ", e.g. 'us.amazon.nova-lite-v1:0'",
        source,
        problems,
    )
    # Measured as sent: job_request serialises the params compactly into a JSON string.
    params_rule = api_patterns.inference_params()
    limit = params_rule.max_length or 1023
    if not isinstance(params, dict) or len(json.dumps(params, separators=(",", ":"))) > limit:
        problems.append(
            Problem(
                source,
                "inference.inferenceParams",
                f"must be an object of at most {limit} characters as JSON",
                'for example {"inferenceConfig": {"maxTokens": 512, "temperature": 0}}',
            )
        )
        return None
    if len(problems) > problem_count:
        return None
    return InferenceConfig(mode=mode, model_identifier=model_id, inference_params=params)


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
        if not isinstance(name, str):
            problems.append(
                Problem(
                    source,
                    f"metrics[{index}]",
                    f"must be a string, got {json_type(name)}",
                    'e.g. "Builtin.Correctness"',
                )
            )
        elif name not in JUDGE_MODEL_METRICS:
            problems.append(
                Problem(
                    source,
                    f"metrics[{index}]",
                    f"{name!r} is not a built-in LLM-as-a-judge metric"
                    + did_you_mean(name, JUDGE_MODEL_METRICS),
                    "use one of " + ", ".join(sorted(JUDGE_MODEL_METRICS)),
                )
            )
    if not all(isinstance(name, str) for name in raw):
        return ()
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
                    "names a metric the suite does not evaluate" + did_you_mean(metric, metrics),
                    "add it to metrics or remove the threshold",
                )
            )
        if not isinstance(bound, dict):
            bound = (
                {"max": bound}
                if direction_of(metric) is Direction.LOWER_IS_BETTER
                else {"min": bound}
            )
        if not bound:
            problems.append(Problem(source, where, "has no bound", 'use "min" and/or "max"'))
            continue
        before = len(problems)
        _check_keys(bound, THRESHOLD_KEYS, where, source, problems)
        if len(problems) > before:
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
                    "names a metric the suite does not evaluate" + did_you_mean(metric, metrics),
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


def task_types() -> tuple[str, ...]:
    """What taskType may be: "General" (judge jobs) and botocore's enum."""
    return (DEFAULT_TASK_TYPE, *api_patterns.task_type().enum)


def _parse_task_type(value: Any, source: str, problems: list[Problem]) -> str:
    allowed = task_types()
    fix = f"use {DEFAULT_TASK_TYPE!r} for LLM-as-a-judge jobs (or one of {', '.join(allowed[1:])})"
    if not isinstance(value, str):
        problems.append(
            Problem(source, "taskType", f"must be a string, got {json_type(value)}", fix)
        )
        return DEFAULT_TASK_TYPE
    if value not in allowed:
        problems.append(
            Problem(
                source,
                "taskType",
                f"{value!r} is not a task type Bedrock accepts{did_you_mean(value, allowed)}",
                fix,
            )
        )
    return value


def parse_suite(data: Any, source: str = "<suite>") -> Suite:
    """Build a Suite from decoded JSON, reporting every problem at once."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise SuiteError(
            [Problem(source, "<root>", "must be a JSON object", f"see the {README_SUITES}")]
        )
    _check_keys(data, SUITE_KEYS, "", source, problems)
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
    if evaluator is not None and not _check_api_value(
        evaluator,
        api_patterns.evaluator_model_identifier(),
        "evaluatorModel",
        "name the judge: a foundation-model id (e.g. 'anthropic.claude-3-5-sonnet-20240620-v1:0') "
        "or a system inference profile (e.g. 'us.amazon.nova-pro-v1:0')",
        source,
        problems,
    ):
        evaluator = None
    inference = _parse_inference(data.get("inference"), source, problems)
    metrics = _parse_metrics(data.get("metrics"), source, problems)
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
    max_run_hours = _parse_positive_int(data, "maxRunHours", None, source, problems)
    task_type = _parse_task_type(data.get("taskType", DEFAULT_TASK_TYPE), source, problems)
    description = data.get("description", "")
    if not isinstance(description, str):
        problems.append(
            Problem(
                source,
                "description",
                f"must be a string, got {json_type(description)}",
                "quote the text",
            )
        )
    if problems or name is None or evaluator is None or inference is None:
        raise SuiteError(problems)
    return Suite(
        name=name,
        description=description,
        evaluator_model=evaluator,
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
        max_run_hours=max_run_hours,
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


def suite_names(suites_dir: Path | None = None) -> list[str]:
    """The suites a dataset may be uploaded for."""
    directory = suites_dir or suites_directory()
    return sorted(path.stem for path in directory.glob("*.json"))


def _no_such_suite_fix(name: str, directory: Path) -> str:
    listed = ", ".join(suite_names(directory)) or "none"
    if not SUITE_NAME_PATTERN.match(name):
        return f"use one of the suites: {listed}"
    return f"use one of the suites: {listed}; or add {name}.json to {directory.name}/ and redeploy"


def load_suite(name_or_path: str, suites_dir: Path | None = None) -> Suite:
    """Accept a suite name (looked up in the suites folder) or a path to a suite file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".json" or candidate.is_file():
        return load_suite_file(candidate)
    directory = suites_dir or suites_directory()
    path = directory / f"{name_or_path}.json"
    if not path.is_file():
        raise SuiteError(
            [
                Problem(
                    str(path),
                    "<file>",
                    f"no suite named {name_or_path!r}"
                    + did_you_mean(name_or_path, suite_names(directory)),
                    _no_such_suite_fix(name_or_path, directory),
                )
            ]
        )
    return load_suite_file(path)


def suite_for_dataset_key(key: str, suites_dir: Path | None = None) -> Suite:
    """The suite an uploaded dataset names by its folder, looked up by name only.

    The folder is never read as a path (a key such as `datasets/../x.jsonl` or one naming a
    directory of the Lambda bundle must not load anything), and a folder that names no suite
    says which suites exist, because that message is what the uploader reads.
    """
    directory = suites_dir or suites_directory()
    layout = f"{DATASETS_PREFIX}<suite>/<name>{DATASET_SUFFIX}"
    try:
        name = suite_name_from_dataset_key(key)
    except ValueError as error:
        known = ", ".join(suite_names(directory)) or "none"
        raise SuiteError(
            [Problem(key, "<key>", str(error), f"upload it as {layout}; suites: {known}")]
        ) from None
    path = directory / f"{name}.json"
    if not SUITE_NAME_PATTERN.match(name) or not path.is_file():
        raise SuiteError(
            [
                Problem(
                    key,
                    "<key>",
                    f"no suite named {name!r}{did_you_mean(name, suite_names(directory))} "
                    f"(the folder after {DATASETS_PREFIX} names the suite)",
                    _no_such_suite_fix(name, directory),
                )
            ]
        )
    return load_suite_file(path)


def suites_directory(environ: Mapping[str, str] = os.environ) -> Path:
    """The suites folder: the one shipped beside the code, unless SUITES_DIR_ENV names another
    (a simulation or an end-to-end test running the real handlers on its own suites)."""
    return Path(environ.get(SUITES_DIR_ENV) or DEFAULT_SUITES_DIR)


def load_all_suites(suites_dir: Path | None = None) -> list[Suite]:
    directory = suites_dir or suites_directory()
    return [load_suite_file(path) for path in sorted(directory.glob("*.json"))]
