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
from pathlib import Path
from typing import Any

from evalcore import api_patterns
from evalcore.custom_metrics import CustomMetric
from evalcore.defaults import LOW_SCORE_THRESHOLD, MAX_CATEGORY_DIMENSIONS, REGRESSION_TOLERANCE
from evalcore.errors import Problem, SuiteError
from evalcore.inference import InferenceConfig, InferenceMode
from evalcore.job_kinds import APPLICATION_PROFILE_MARKER, JobKind, Scope, scope_of
from evalcore.json_values import json_type, key_label
from evalcore.layout import DATASET_SUFFIX, DATASETS_PREFIX, suite_name_from_dataset_key
from evalcore.metrics import Direction, direction_of
from evalcore.suite_kinds import HumanConfig, RagConfig, RagSource, parse_kind
from evalcore.suite_sections import parse_kind_sections

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
    "kind",
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
    "rag",
    "customMetrics",
    "human",
    "outputKmsKeyId",
    "maxRunHours",
)
INFERENCE_KEYS_BY_MODE: dict[str, tuple[str, ...]] = {
    "precomputed": ("mode", "sourceIdentifier"),
    "bedrock": ("mode", "modelIdentifier", "inferenceParams", "profileModel"),
}
THRESHOLD_KEYS = ("min", "max")
# CreateEvaluationJob's own names, which people copy from the API reference or an article into
# a suite: each is refused with the suite key that says the same thing.
API_KEYS: dict[str, str] = {
    "customMetricConfig": 'list library metrics in "customMetrics" and in "metrics"',
    "applicationType": 'set "kind": "knowledge-base" for a RAG evaluation',
    "ragConfigs": 'set "kind": "knowledge-base" and describe the source in "rag"',
    "knowledgeBase": 'set "kind": "knowledge-base" and describe the source in "rag"',
    "knowledgeBaseConfig": 'set "kind": "knowledge-base" and describe the source in "rag"',
    "humanWorkflowConfig": 'set "kind": "human" and describe the review in "human"',
    "models": 'list the target models in "inference" (one job per model)',
    "customerEncryptionKeyId": 'name the key in "outputKmsKeyId"',
}


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
                if target.profile_model:
                    models.add(target.profile_model)
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
        if not where and key in API_KEYS:
            problems.append(
                Problem(
                    source,
                    field_name,
                    "is CreateEvaluationJob's field, not a suite key",
                    f"{API_KEYS[key]} (the {README_SUITES} lists every key a suite takes)",
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
    profile_model = _parse_profile_model(raw, model_id, source, problems)
    if len(problems) > problem_count:
        return None
    return InferenceConfig(
        mode=mode,
        model_identifier=model_id,
        inference_params=params,
        profile_model=profile_model,
    )


def _parse_profile_model(raw: dict, model_id: str, source: str, problems: list[Problem]) -> str:
    """An application inference profile's ARN does not say which model it routes to, and IAM
    must allow that model too: the suite names it (the model or system profile the application
    profile was created from)."""
    profile_model = raw.get("profileModel", "")
    is_application_profile = APPLICATION_PROFILE_MARKER in model_id
    if not is_application_profile:
        if profile_model:
            problems.append(
                Problem(
                    source,
                    "inference.profileModel",
                    "only applies when modelIdentifier is an application inference profile",
                    "remove profileModel",
                )
            )
        return ""
    fix = (
        "name the model or system inference profile the application profile copies "
        "(aws bedrock get-inference-profile shows it), e.g. 'us.amazon.nova-lite-v1:0'"
    )
    if not isinstance(profile_model, str) or not profile_model:
        problems.append(
            Problem(
                source,
                "inference.profileModel",
                "is missing: the service role must be allowed the model an application "
                "inference profile routes to, and its ARN does not name it",
                fix,
            )
        )
        return ""
    _check_api_value(
        profile_model,
        api_patterns.model_identifier(),
        "inference.profileModel",
        fix,
        source,
        problems,
    )
    return profile_model


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
    max_run_hours = _parse_positive_int(data, "maxRunHours", None, source, problems)
    task_type = sections.task_type
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
    if problems or name is None or inference is None:
        raise SuiteError(problems)
    return Suite(
        name=name,
        description=description,
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
        max_run_hours=max_run_hours,
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
