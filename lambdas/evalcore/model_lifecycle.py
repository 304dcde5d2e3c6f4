"""Is every model a suite names still offered on Amazon Bedrock? Checked before a job is paid for.

Bedrock's model-lifecycle page gives three states: Active, Legacy (refuses new customers; may
refuse existing ones after inactivity) and End-of-Life (requests fail). GetFoundationModel
reports the first two in `modelDetails.modelLifecycle.status` (ACTIVE / LEGACY in botocore's
model) with an `endOfLifeTime`; an end-of-life or unknown model is not found at all. A system
inference profile (`us.anthropic...`) is resolved with GetInferenceProfile to the foundation
models it routes to, and each of those is checked.

This module is pure: it reads answers from a `ModelCatalog` the caller injects (the submit
handler and `evalctl plan --check-account` wrap their own boto3 client), so every rule is tested
on plain dictionaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from evalcore.errors import Problem
from evalcore.job_kinds import JobKind
from evalcore.model_ids import base_model_id, inference_profile_geography
from evalcore.suite import InferenceMode, Suite

LIFECYCLE_PAGE = "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html"
EVALUATOR_MODELS_PAGE = (
    "https://docs.aws.amazon.com/bedrock/latest/userguide/model-evaluation-type-judge-prompt.html"
)
EVALUATOR_FIELD = "evaluatorModel"
INFERENCE_MODEL_FIELD = "inference.modelIdentifier"
RAG_GENERATOR_FIELD = "rag.generatorModel"
# A judge Bedrock lists as an evaluator model, and the one the shipped suites use.
EXAMPLE_EVALUATOR = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def replacement_path(field: str, identifier: str) -> str:
    """Where a person finds a model to switch to; never suggests the model being refused."""
    if field == INFERENCE_MODEL_FIELD:
        return (
            "set inference.modelIdentifier to the ACTIVE successor the lifecycle page names "
            f"({LIFECYCLE_PAGE}); `aws bedrock list-foundation-models` shows each model's "
            "modelLifecycle.status in your Region"
        )
    same = base_model_id(identifier) == base_model_id(EXAMPLE_EVALUATOR)
    example = "" if same else f", e.g. {EXAMPLE_EVALUATOR}"
    return (
        f"set {field} to an ACTIVE model from Bedrock's supported evaluator models "
        f"({EVALUATOR_MODELS_PAGE}){example}; the lifecycle page ({LIFECYCLE_PAGE}) names "
        "each legacy model's successor"
    )


class Lifecycle(StrEnum):
    """A model's state as far as a new evaluation job is concerned."""

    ACTIVE = "ACTIVE"
    LEGACY = "LEGACY"
    END_OF_LIFE = "END_OF_LIFE"
    NOT_FOUND = "NOT_FOUND"


class ModelCatalog(Protocol):
    """Bedrock's answers; None where the service answers ResourceNotFound (or rejects the id)."""

    def foundation_model(self, model_id: str) -> Mapping[str, Any] | None:
        """The GetFoundationModel response."""
        ...

    def inference_profile(self, profile_id: str) -> Mapping[str, Any] | None:
        """The GetInferenceProfile response."""
        ...


@dataclass(frozen=True)
class ModelReference:
    """One model identifier a suite names, and the suite field it is named in."""

    field: str
    identifier: str


def suite_model_references(suite: Suite) -> tuple[ModelReference, ...]:
    """The judge (programmatic and human jobs have none), every live target of a comparison,
    and a knowledge-base suite's generator model."""
    references = []
    if suite.evaluator_model:
        references.append(ModelReference(EVALUATOR_FIELD, suite.evaluator_model))
    field = RAG_GENERATOR_FIELD if suite.kind is JobKind.KNOWLEDGE_BASE else INFERENCE_MODEL_FIELD
    for target in suite.target_models:
        if target.mode is InferenceMode.BEDROCK and target.model_identifier:
            references.append(ModelReference(field, target.model_identifier))
    return tuple(references)


def lifecycle_of(answer: Mapping[str, Any] | None, now: datetime) -> Lifecycle:
    """Classify one GetFoundationModel answer; a passed `endOfLifeTime` is end of life."""
    if answer is None:
        return Lifecycle.NOT_FOUND
    lifecycle = (answer.get("modelDetails") or {}).get("modelLifecycle") or {}
    end = lifecycle.get("endOfLifeTime")
    if isinstance(end, datetime) and end <= now:
        return Lifecycle.END_OF_LIFE
    status = lifecycle.get("status")
    if status == Lifecycle.LEGACY:
        return Lifecycle.LEGACY
    # No lifecycle at all is what Bedrock reports for models outside the lifecycle scheme.
    return Lifecycle.ACTIVE


def _foundation_model_id(model_arn: str) -> str:
    """`arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-lite-v1:0` -> the model id."""
    return model_arn.rsplit("/", 1)[-1]


def _is_profile(identifier: str) -> bool:
    """A system profile (id or ARN) or an application profile ARN: both route to models."""
    return inference_profile_geography(identifier) is not None or "inference-profile/" in identifier


def _describe(lifecycle: Lifecycle, model_id: str, answer: Mapping[str, Any] | None) -> str:
    if lifecycle is Lifecycle.NOT_FOUND:
        return (
            f"{model_id!r} is not offered by Amazon Bedrock in this Region (GetFoundationModel "
            "found no such model): it may be past its end of life, misspelled, or not "
            "available here"
        )
    details = (answer or {}).get("modelDetails") or {}
    end = (details.get("modelLifecycle") or {}).get("endOfLifeTime")
    when = f" on {end:%Y-%m-%d}" if isinstance(end, datetime) else ""
    if lifecycle is Lifecycle.END_OF_LIFE:
        return f"{model_id!r} reached its end of life{when}: requests to it fail"
    return (
        f"{model_id!r} is LEGACY on Amazon Bedrock (end of life{when or ' announced'}): legacy "
        "models refuse new customers and may refuse accounts that stopped using them"
    )


def check_model(
    reference: ModelReference, catalog: ModelCatalog, source: str, now: datetime
) -> list[Problem]:
    """Problems for one identifier; a profile is checked through every model it routes to."""
    identifier = reference.identifier
    fix = replacement_path(reference.field, identifier)
    if _is_profile(identifier):
        profile = catalog.inference_profile(identifier)
        if profile is None:
            return [
                Problem(
                    source,
                    reference.field,
                    f"inference profile {identifier!r} does not exist in this Region "
                    "(GetInferenceProfile found none)",
                    fix,
                )
            ]
        model_ids = sorted(
            {_foundation_model_id(m["modelArn"]) for m in profile.get("models") or []}
        )
        via = f" (through inference profile {identifier!r})"
    else:
        model_ids, via = [identifier], ""
    problems = []
    for model_id in model_ids:
        answer = catalog.foundation_model(model_id)
        lifecycle = lifecycle_of(answer, now)
        if lifecycle is not Lifecycle.ACTIVE:
            problems.append(
                Problem(source, reference.field, _describe(lifecycle, model_id, answer) + via, fix)
            )
    return problems


def check_suite_models(suite: Suite, catalog: ModelCatalog, now: datetime) -> list[Problem]:
    """Every model the suite names must be ACTIVE; problems name the suite file and field."""
    return [
        problem
        for reference in suite_model_references(suite)
        for problem in check_model(reference, catalog, suite.source, now)
    ]


# What Bedrock answers for an identifier it does not offer: an end-of-life or misspelled model
# is not found; an identifier of the wrong shape fails validation. Anything else (access denied,
# throttling) is a real error and propagates.
NOT_FOUND_CODES = frozenset({"ResourceNotFoundException", "ValidationException"})


class ClientModelCatalog:
    """A `ModelCatalog` over a Bedrock client the caller made (boto3 or Stubber-wrapped).

    It lives beside the rules, without importing boto3, so the Lambda and the CLI share the one
    list of error codes that mean "no such model".
    """

    def __init__(self, bedrock_client: Any) -> None:
        self._client = bedrock_client

    def _answer(self, operation: str, **params: str) -> Mapping[str, Any] | None:
        try:
            answer: Mapping[str, Any] = getattr(self._client, operation)(**params)
        except Exception as error:
            code = getattr(error, "response", {}).get("Error", {}).get("Code")
            if code in NOT_FOUND_CODES:
                return None
            raise
        return answer

    def foundation_model(self, model_id: str) -> Mapping[str, Any] | None:
        return self._answer("get_foundation_model", modelIdentifier=model_id)

    def inference_profile(self, profile_id: str) -> Mapping[str, Any] | None:
        return self._answer("get_inference_profile", inferenceProfileIdentifier=profile_id)
