"""Where the responses under evaluation come from: a target model, or the dataset itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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
    # For an application inference profile: the model (or system profile) it routes to.
    profile_model: str = ""
