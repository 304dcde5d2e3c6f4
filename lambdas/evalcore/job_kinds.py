"""The kinds of Bedrock evaluation job, and what each one accepts.

Bedrock runs four kinds of evaluation job from one API (CreateEvaluationJob): programmatic
("automatic") model evaluation, model evaluation scored by a judge model, RAG evaluation of a
knowledge base or of pre-computed RAG responses, and human evaluation. Each accepts its own
metrics, task types and custom-metric template variables, and Bedrock refuses a mismatch only
after the job is queued, with a terse message. This module is that table, so a suite is checked
against it before anything is submitted. botocore's service model checks none of it.

Pages the table was taken from (Amazon Bedrock user guide, November 2026):
- programmatic metrics: model-evaluation-tasks.html (Accuracy, Robustness, Toxicity per task)
- judge metrics:        model-evaluation-type-judge-prompt.html
- RAG metrics:          knowledge-base-evaluation-metrics.html
- template variables:   model-evaluation-custom-metrics-prompt-formats.html and
                        kb-evaluation-custom-metrics-prompt-formats.html
- judge models:         evaluation-judge.html (an application inference profile cannot judge)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from evalcore import api_patterns
from evalcore.metrics import (
    JUDGE_MODEL_METRICS,
    PROGRAMMATIC_METRICS,
    RAG_RETRIEVE_AND_GENERATE_METRICS,
    RAG_RETRIEVE_METRICS,
)


class JobKind(StrEnum):
    """The kinds of evaluation job Bedrock runs; each has its own service-role page."""

    AUTOMATIC = "automatic"  # programmatic metrics (Accuracy, Robustness, Toxicity)
    JUDGE = "judge"  # model evaluation scored by an evaluator (judge) model
    KNOWLEDGE_BASE = "knowledge-base"  # RAG evaluation of a knowledge base
    HUMAN = "human"  # human workers through a SageMaker A2I flow definition


class RagMode(StrEnum):
    """What a RAG evaluation scores: the retrieved passages only, or the generated answer too."""

    RETRIEVE = "retrieve"
    RETRIEVE_AND_GENERATE = "retrieve-and-generate"


class ApplicationType(StrEnum):
    MODEL_EVALUATION = "ModelEvaluation"
    RAG_EVALUATION = "RagEvaluation"


class TemplateVariable(StrEnum):
    """What Bedrock substitutes into a custom metric's instructions."""

    PROMPT = "prompt"
    PREDICTION = "prediction"
    GROUND_TRUTH = "ground_truth"
    CONTEXT = "context"
    REFERENCE_CONTEXTS = "reference_contexts"

    @property
    def placeholder(self) -> str:
        return "{{" + self.value + "}}"


@dataclass(frozen=True)
class Scope:
    """What one kind of job (and, for RAG, one mode) accepts."""

    kind: JobKind
    rag_mode: RagMode | None
    builtin_metrics: frozenset[str]
    programmatic: bool  # the built-in task types only, else "General" and botocore's enum
    required_variables: frozenset[TemplateVariable]
    allowed_variables: frozenset[TemplateVariable]
    needs_evaluator: bool  # a judge model scores the built-in metrics

    @property
    def task_types(self) -> tuple[str, ...]:
        return programmatic_task_types() if self.programmatic else any_task_types()

    @property
    def label(self) -> str:
        return self.kind.value if self.rag_mode is None else f"{self.kind.value} ({self.rag_mode})"

    @property
    def takes_custom_metrics(self) -> bool:
        return bool(self.allowed_variables)


# botocore's EvaluationTaskType enum (Summarization, Classification, QuestionAndAnswer,
# Generation, Custom); "General" is what AWS's own judge and RAG samples send (the service
# accepts it, botocore never checks enums). Programmatic metrics are defined for the four
# built-in task types, not "Custom" (model-evaluation-tasks.html).
GENERAL_TASK_TYPE = "General"
CUSTOM_TASK_TYPE = "Custom"


# Read from botocore's model on first use, not at import: loading the model costs a quarter of
# a second that commands and Lambdas which never check a task type should not pay.
@functools.cache
def programmatic_task_types() -> tuple[str, ...]:
    return tuple(t for t in api_patterns.task_type().enum if t != CUSTOM_TASK_TYPE)


@functools.cache
def any_task_types() -> tuple[str, ...]:
    """Judge, RAG and human jobs take "General" (first: the default) and botocore's enum."""
    return (GENERAL_TASK_TYPE, *api_patterns.task_type().enum)


_P, _PR, _GT, _C, _RC = (
    TemplateVariable.PROMPT,
    TemplateVariable.PREDICTION,
    TemplateVariable.GROUND_TRUTH,
    TemplateVariable.CONTEXT,
    TemplateVariable.REFERENCE_CONTEXTS,
)

SCOPES: tuple[Scope, ...] = (
    Scope(
        JobKind.AUTOMATIC, None, PROGRAMMATIC_METRICS, True,
        frozenset(), frozenset(), needs_evaluator=False,
    ),
    Scope(
        JobKind.JUDGE, None, JUDGE_MODEL_METRICS, False,
        frozenset({_PR}), frozenset({_P, _PR, _GT}), needs_evaluator=True,
    ),
    Scope(
        JobKind.KNOWLEDGE_BASE, RagMode.RETRIEVE, RAG_RETRIEVE_METRICS, False,
        frozenset({_C}), frozenset({_P, _GT, _C, _RC}), needs_evaluator=True,
    ),
    Scope(
        JobKind.KNOWLEDGE_BASE, RagMode.RETRIEVE_AND_GENERATE, RAG_RETRIEVE_AND_GENERATE_METRICS,
        False, frozenset({_PR}), frozenset({_P, _PR, _GT, _C, _RC}),
        needs_evaluator=True,
    ),
    Scope(
        JobKind.HUMAN, None, frozenset(), False,
        frozenset(), frozenset(), needs_evaluator=False,
    ),
)  # fmt: skip

MAX_CUSTOM_METRICS = 10
MAX_METRIC_NAMES = 25
MAX_HUMAN_MODELS = 2


def scope_of(kind: JobKind, rag_mode: RagMode | None = None) -> Scope:
    """The row for a kind; RAG needs its mode, the others have none."""
    for scope in SCOPES:
        if scope.kind is kind and scope.rag_mode is (
            rag_mode if kind is JobKind.KNOWLEDGE_BASE else None
        ):
            return scope
    raise ValueError(f"no scope for {kind} with RAG mode {rag_mode}")


def application_type(kind: JobKind) -> ApplicationType:
    return (
        ApplicationType.RAG_EVALUATION
        if kind is JobKind.KNOWLEDGE_BASE
        else ApplicationType.MODEL_EVALUATION
    )


def kinds_offering(metric: str) -> tuple[str, ...]:
    """The job kinds (with RAG mode) whose built-in metrics include `metric`, for messages."""
    return tuple(scope.label for scope in SCOPES if metric in scope.builtin_metrics)


APPLICATION_PROFILE_MARKER = ":application-inference-profile/"


def judge_refusal(model_id: str) -> str | None:
    """Why Bedrock refuses this identifier as the evaluator (judge), or None.

    The judge may be a foundation model or a system (cross-region) inference profile; an
    application inference profile is accepted as a target but not as a judge, and neither is a
    provisioned or imported model.
    """
    if APPLICATION_PROFILE_MARKER in model_id:
        return (
            "is an application inference profile, which Bedrock accepts as a target, not as a judge"
        )
    for marker in (":provisioned-model/", ":imported-model/", ":custom-model/"):
        if marker in model_id:
            return f"is a {marker.strip(':/')}, which Bedrock does not accept as a judge"
    return None
