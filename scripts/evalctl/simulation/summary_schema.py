"""The published summary.json schema, applied to every summary a simulation or a test produces."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

# The published schema lives at the repository root; evalctl runs from a checkout.
SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schemas" / "summary.schema.json"


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid_summary(document: Any) -> dict[str, Any]:
    """Fail with every schema violation listed; returns the document for chaining."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "summary.json violates the schema:\n" + "\n".join(
        f"  {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors
    )
    return document
