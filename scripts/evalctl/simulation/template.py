"""Reading a synthesized CloudFormation template, shared by the infra and end-to-end tests."""

from __future__ import annotations

from typing import Any


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Every resource of one type, by logical id."""
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }
