"""Bedrock's own rules for the values a suite or dataset puts into CreateEvaluationJob.

botocore ships the service model (patterns, lengths, enums) but never checks it client-side,
so a bad model id or job name would be refused only after the run started. These rules are
read from that model, not copied by hand, so they follow whichever botocore is pinned.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

SERVICE = "bedrock"
OPERATION = "CreateEvaluationJob"
_READABLE_PATTERN = 120

# Where each value sits in the CreateEvaluationJob request; "[]" steps into a list's member.
_AUTOMATED = ("evaluationConfig", "automated")
_MODELS = ("inferenceConfig", "models", "[]")
PATHS: dict[str, tuple[str, ...]] = {
    "jobName": ("jobName",),
    "datasetName": (*_AUTOMATED, "datasetMetricConfigs", "[]", "dataset", "name"),
    "s3Uri": ("outputDataConfig", "s3Uri"),
    "taskType": (*_AUTOMATED, "datasetMetricConfigs", "[]", "taskType"),
    "evaluatorModelIdentifier": (
        *_AUTOMATED,
        "evaluatorModelConfig",
        "bedrockEvaluatorModels",
        "[]",
        "modelIdentifier",
    ),
    "modelIdentifier": (*_MODELS, "bedrockModel", "modelIdentifier"),
    "inferenceParams": (*_MODELS, "bedrockModel", "inferenceParams"),
    "inferenceSourceIdentifier": (
        *_MODELS,
        "precomputedInferenceSource",
        "inferenceSourceIdentifier",
    ),
}


@dataclass(frozen=True)
class StringRule:
    """One string field's constraints as the service model states them."""

    field: str
    shape: str
    model_pattern: str | None  # exactly as the service model states it
    pattern: re.Pattern[str] | None  # the same, anchored at both ends: .match() checks it all
    min_length: int | None
    max_length: int | None
    enum: tuple[str, ...] = ()

    def violation(self, value: str) -> str | None:
        """Why Bedrock would refuse `value`, or None. The whole value must match the pattern."""
        if self.min_length is not None and len(value) < self.min_length:
            return f"is shorter than {self.min_length} character(s)"
        if self.max_length is not None and len(value) > self.max_length:
            return f"is longer than {self.max_length} characters"
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return f"does not match Bedrock's pattern for {self.field}: {self.describe_pattern()}"
        return None

    def describe_pattern(self) -> str:
        """The pattern itself when it is short enough to read, else where to find it."""
        if self.model_pattern is not None and len(self.model_pattern) <= _READABLE_PATTERN:
            return self.model_pattern
        return f"shape {self.shape} in botocore's {SERVICE} service model"


@functools.cache
def _service_model() -> Any:
    # Imported here: loading botocore's session costs a quarter of a second, which commands
    # that never check a pattern (evalctl summarize, the poll Lambda) should not pay.
    import botocore.session

    return botocore.session.get_session().get_service_model(SERVICE)


def _shape_at(path: tuple[str, ...]) -> Any:
    shape = _service_model().operation_model(OPERATION).input_shape
    for step in path:
        shape = shape.member if step == "[]" else shape.members[step]
    return shape


@functools.cache
def rule(field: str) -> StringRule:
    """The rule for one of PATHS' fields, read from the service model once per process."""
    shape = _shape_at(PATHS[field])
    metadata = shape.metadata
    pattern = metadata.get("pattern")
    return StringRule(
        field=field,
        shape=shape.name,
        model_pattern=pattern,
        pattern=re.compile(rf"^(?:{pattern})\Z") if pattern else None,
        min_length=metadata.get("min"),
        max_length=metadata.get("max"),
        enum=tuple(getattr(shape, "enum", None) or ()),
    )


def job_name() -> StringRule:
    return rule("jobName")


def dataset_name() -> StringRule:
    return rule("datasetName")


def s3_uri() -> StringRule:
    return rule("s3Uri")


def task_type() -> StringRule:
    return rule("taskType")


def evaluator_model_identifier() -> StringRule:
    return rule("evaluatorModelIdentifier")


def model_identifier() -> StringRule:
    return rule("modelIdentifier")


def inference_params() -> StringRule:
    return rule("inferenceParams")


def inference_source_identifier() -> StringRule:
    return rule("inferenceSourceIdentifier")
