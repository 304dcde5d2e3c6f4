"""The checks of a suite that depend on its kind of job, run before anything is submitted.

Each is a rule Bedrock enforces only once the job runs (or never explains): the metrics a kind
offers, custom metrics listed in both places, the judge a kind needs and the identifiers it
refuses as judge, the task types a kind takes, the number of target models. Every problem
names the field and the fix; `evalcore.suite` calls `parse_kind_sections` with its own parser
for one `inference` object, so that parser keeps a single home.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalcore import api_patterns
from evalcore.custom_metrics import CustomMetric, check_for, library, load_metric
from evalcore.errors import Problem, SuiteError
from evalcore.inference import InferenceConfig, InferenceMode
from evalcore.job_kinds import (
    GENERAL_TASK_TYPE,
    MAX_CUSTOM_METRICS,
    MAX_HUMAN_MODELS,
    MAX_METRIC_NAMES,
    JobKind,
    RagMode,
    Scope,
    judge_refusal,
    kinds_offering,
    scope_of,
)
from evalcore.json_values import json_type
from evalcore.metrics import BUILTIN_METRICS, BUILTIN_PREFIX
from evalcore.suite_kinds import (
    HumanConfig,
    RagConfig,
    RagSource,
    parse_human,
    parse_kms_key,
    parse_rag,
)

InferenceParser = Callable[[Any, str, list[Problem]], InferenceConfig | None]
# More targets than this is a fleet, not a comparison: each is a job of its own.
MAX_COMPARED_MODELS = 10


@dataclass(frozen=True)
class KindSections:
    metrics: tuple[str, ...]
    evaluator: str
    targets: tuple[InferenceConfig, ...]
    task_type: str
    rag: RagConfig | None
    custom_metrics: tuple[CustomMetric, ...]
    human: HumanConfig | None
    kms_key: str | None


def _only_for(data: dict, key: str, kind: JobKind, owner: JobKind, source: str, problems) -> None:
    if key in data and kind is not owner:
        problems.append(
            Problem(
                source,
                key,
                f"is only read by {owner.value} suites, and this one is a {kind.value} suite",
                f'set "kind": "{owner.value}", or remove {key}',
            )
        )


def _rag_targets(rag: RagConfig | None) -> tuple[InferenceConfig, ...]:
    """A RAG suite's responses come from its pre-computed source or its knowledge base."""
    if rag is None:
        return ()
    if rag.source is RagSource.PRECOMPUTED:
        return (
            InferenceConfig(InferenceMode.PRECOMPUTED, source_identifier=rag.source_identifier),
        )
    return (InferenceConfig(InferenceMode.BEDROCK, model_identifier=rag.generator_model),)


def _targets(
    data: dict, kind: JobKind, parse: InferenceParser, source: str, problems: list[Problem]
) -> tuple[InferenceConfig, ...]:
    raw = data.get("inference")
    items = raw if isinstance(raw, list) else [raw]
    limit = MAX_HUMAN_MODELS if kind is JobKind.HUMAN else MAX_COMPARED_MODELS
    if not 1 <= len(items) <= limit:
        problems.append(
            Problem(
                source,
                "inference",
                f"lists {len(items)} targets; a {kind.value} suite takes 1-{limit}",
                "name one target, or a list of targets to compare",
            )
        )
        return ()
    targets = tuple(t for item in items if (t := parse(item, source, problems)) is not None)
    labels = [t.model_identifier or t.source_identifier for t in targets]
    if len(set(labels)) != len(labels):
        problems.append(
            Problem(source, "inference", "names the same target twice", "remove the duplicate")
        )
    if kind is not JobKind.HUMAN and len(targets) > 1:
        precomputed = [t.source_identifier for t in targets if t.mode is InferenceMode.PRECOMPUTED]
        if precomputed:
            problems.append(
                Problem(
                    source,
                    "inference",
                    f"compares pre-computed sources {precomputed}: a comparison runs one job per "
                    "model on the same dataset, whose records carry one source's responses",
                    "compare Bedrock models (mode 'bedrock'), or make one suite per source",
                )
            )
    return targets


def _metric_names(raw: Any, source: str, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(
            Problem(source, "metrics", "must be a non-empty list", 'e.g. ["Builtin.Correctness"]')
        )
        return ()
    if len(raw) > MAX_METRIC_NAMES:
        problems.append(
            Problem(
                source, "metrics", f"has {len(raw)} entries", f"keep at most {MAX_METRIC_NAMES}"
            )
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
    if not all(isinstance(name, str) for name in raw):
        return ()
    if len(set(raw)) != len(raw):
        problems.append(Problem(source, "metrics", "lists a metric twice", "remove duplicates"))
    return tuple(raw)


def _custom_metrics(
    raw: Any, scope: Scope | None, source: str, problems: list[Problem], metrics_dir: Path | None
) -> tuple[CustomMetric, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        problems.append(
            Problem(
                source,
                "customMetrics",
                "must be a list of metric names from the metric library",
                'e.g. ["response_brevity"] (files in lambdas/metrics/)',
            )
        )
        return ()
    if len(raw) > MAX_CUSTOM_METRICS:
        problems.append(
            Problem(
                source,
                "customMetrics",
                f"has {len(raw)} metrics; Bedrock takes at most {MAX_CUSTOM_METRICS} a job",
                "split them across suites",
            )
        )
    loaded = []
    for name in raw:
        try:
            metric = load_metric(name, metrics_dir)
        except SuiteError as error:
            problems.extend(error.problems)
            continue
        if scope is not None:
            check_for(metric, scope, source, problems)
        loaded.append(metric)
    return tuple(loaded)


def _check_metrics(
    metrics: tuple[str, ...],
    custom: tuple[CustomMetric, ...],
    scope: Scope,
    source: str,
    problems: list[Problem],
    metrics_dir: Path | None,
) -> None:
    """Built-ins offered by this kind; custom metrics listed both in customMetrics and metrics."""
    custom_names = {metric.name for metric in custom}
    for index, name in enumerate(metrics):
        where = f"metrics[{index}]"
        if name in custom_names:
            continue
        if name in BUILTIN_METRICS or name.startswith(BUILTIN_PREFIX):
            if name not in scope.builtin_metrics:
                offered = kinds_offering(name)
                close = difflib.get_close_matches(name, sorted(scope.builtin_metrics), n=1)
                problems.append(
                    Problem(
                        source,
                        where,
                        f"{name!r} is not a built-in metric of {scope.label} jobs"
                        + (f" (it belongs to {', '.join(offered)} jobs)" if offered else ""),
                        (f"did you mean {close[0]!r}? " if close else "")
                        + "use one of "
                        + ", ".join(sorted(scope.builtin_metrics)),
                    )
                )
            continue
        known = library(metrics_dir)
        close = difflib.get_close_matches(
            name, [m.removeprefix(BUILTIN_PREFIX) for m in scope.builtin_metrics], n=1
        )
        hint = f" (did you mean {BUILTIN_PREFIX + close[0]!r}?)" if close else ""
        problems.append(
            Problem(
                source,
                where,
                f"{name!r} is not a built-in metric, nor one of the suite's customMetrics{hint}",
                f"add {name!r} to customMetrics (library: {', '.join(known)})"
                if name in known
                else "add its definition to lambdas/metrics/ and list it in customMetrics",
            )
        )
    for metric in custom:
        if metric.name not in metrics:
            problems.append(
                Problem(
                    source,
                    f"customMetrics.{metric.name}",
                    "is defined but not listed in metrics, so Bedrock would not score it",
                    f"add {metric.name!r} to metrics",
                )
            )


def _evaluator(
    data: dict,
    scope: Scope,
    custom: tuple[CustomMetric, ...],
    source: str,
    problems: list[Problem],
) -> str:
    evaluator = data.get("evaluatorModel", "")
    needed = scope.needs_evaluator or bool(custom)
    if not isinstance(evaluator, str):
        problems.append(Problem(source, "evaluatorModel", "must be a string", "a model id"))
        return ""
    if needed and not evaluator:
        why = f"{scope.label} jobs are" if scope.needs_evaluator else "custom metrics are"
        problems.append(
            Problem(
                source,
                "evaluatorModel",
                f"is missing: {why} scored by a judge model",
                "name the judge: a foundation-model id or a system inference profile",
            )
        )
    elif evaluator and not needed:
        problems.append(
            Problem(
                source,
                "evaluatorModel",
                f"is set but {scope.label} jobs use no judge model",
                "remove evaluatorModel",
            )
        )
    elif evaluator:
        fix = (
            "use a foundation-model id (e.g. anthropic.claude-haiku-4-5-20251001-v1:0) or a "
            "system inference profile (e.g. us.anthropic.claude-haiku-4-5-20251001-v1:0)"
        )
        reason = judge_refusal(evaluator) or api_patterns.evaluator_model_identifier().violation(
            evaluator
        )
        if reason:
            problems.append(Problem(source, "evaluatorModel", f"{evaluator!r} {reason}", fix))
    return evaluator


def _task_type(data: dict, scope: Scope, source: str, problems: list[Problem]) -> str:
    """General (judge and RAG jobs' default), or one of botocore's enum the kind takes."""
    default = GENERAL_TASK_TYPE if scope.task_types[0] == GENERAL_TASK_TYPE else None
    if scope.kind is JobKind.HUMAN:
        default = None  # workers see the task type: name it
    task_type = data.get("taskType", default)
    fix = "use one of " + ", ".join(scope.task_types)
    if task_type is None:
        problems.append(
            Problem(source, "taskType", f"is missing: {scope.label} jobs need one", fix)
        )
        return ""
    if not isinstance(task_type, str):
        problems.append(
            Problem(source, "taskType", f"must be a string, got {json_type(task_type)}", fix)
        )
        return ""
    if task_type not in scope.task_types:
        by_folded = {t.casefold(): t for t in scope.task_types}
        close = difflib.get_close_matches(task_type.casefold(), list(by_folded), n=1)
        hint = f" (did you mean {by_folded[close[0]]!r}?)" if close else ""
        problems.append(
            Problem(
                source,
                "taskType",
                f"{task_type!r} is not a task type of {scope.label} jobs{hint}",
                fix,
            )
        )
    return task_type


def parse_kind_sections(
    data: dict,
    kind: JobKind,
    source: str,
    problems: list[Problem],
    parse_inference: InferenceParser,
    metrics_dir: Path | None = None,
) -> KindSections:
    """Everything of a suite whose rules depend on its kind, with every problem reported."""
    _only_for(data, "rag", kind, JobKind.KNOWLEDGE_BASE, source, problems)
    _only_for(data, "human", kind, JobKind.HUMAN, source, problems)
    rag = parse_rag(data.get("rag"), source, problems) if kind is JobKind.KNOWLEDGE_BASE else None
    human = parse_human(data.get("human"), source, problems) if kind is JobKind.HUMAN else None
    if kind is JobKind.KNOWLEDGE_BASE:
        # An unparseable rag section was reported; check the rest as retrieve-and-generate.
        scope = scope_of(kind, rag.mode if rag else RagMode.RETRIEVE_AND_GENERATE)
        if "inference" in data:
            problems.append(
                Problem(
                    source,
                    "inference",
                    "is not read by knowledge-base suites: responses come from rag",
                    "move the generator model to rag.generatorModel, or remove inference",
                )
            )
        targets = _rag_targets(rag)
    else:
        scope = scope_of(kind)
        targets = _targets(data, kind, parse_inference, source, problems)
    custom = _custom_metrics(data.get("customMetrics"), scope, source, problems, metrics_dir)
    if kind is JobKind.HUMAN:
        if "metrics" in data:
            problems.append(
                Problem(
                    source,
                    "metrics",
                    "is not read by human suites",
                    "list the workers' metrics in human.metrics",
                )
            )
        metrics = tuple(metric.name for metric in human.metrics) if human else ()
        if human and len(targets) < 2:
            for metric in human.metrics:
                if metric.rating_method.compares_two_models:
                    problems.append(
                        Problem(
                            source,
                            f"human.metrics.{metric.name}",
                            f"uses {metric.rating_method.value}, which compares two models, but "
                            "the suite names one",
                            "add a second target to inference, or use ThumbsUpDown or "
                            "IndividualLikertScale",
                        )
                    )
    else:
        metrics = _metric_names(data.get("metrics"), source, problems)
        _check_metrics(metrics, custom, scope, source, problems, metrics_dir)
    return KindSections(
        metrics=metrics,
        evaluator=_evaluator(data, scope, custom, source, problems),
        targets=targets,
        task_type=_task_type(data, scope, source, problems),
        rag=rag,
        custom_metrics=custom,
        human=human,
        kms_key=parse_kms_key(data.get("outputKmsKeyId"), source, problems),
    )
