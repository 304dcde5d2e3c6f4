"""One synthesized pipeline stack shared by every infra test, read from a cache: synthesis
takes seconds, so it happens once for all workers and runs until an input changes (see
tests/infra/assembly.py for what the cache holds and why it is never stale)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.assembly import SETTINGS, Synthesized, pipeline_assembly

__all__ = ["SETTINGS", "Synthesized", "as_list", "render"]


@pytest.fixture(scope="session")
def synthesized() -> Synthesized:
    return pipeline_assembly()


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def render(value: Any) -> Any:
    """CloudFormation intrinsics as readable text: Ref X -> ${X}, GetAtt X.Arn -> ${X.Arn}."""
    if isinstance(value, list):
        return [render(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return "${" + value["Ref"] + "}"
    if set(value) == {"Fn::GetAtt"}:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    if set(value) == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        return separator.join(str(render(part)) for part in parts)
    return {key: render(item) for key, item in value.items()}
