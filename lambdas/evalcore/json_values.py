"""Names for decoded JSON values as the person who wrote the file sees them."""

from __future__ import annotations

import json

_NAMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"),  # before int: bool is an int in Python, never in JSON
    (str, "string"),
    ((int, float), "number"),
    (list, "array"),
    (dict, "object"),
)


def json_type(value: object) -> str:
    """`must be a string, got number` reads better than Python's `int`."""
    if value is None:
        return "null"
    return next((name for kind, name in _NAMES if isinstance(value, kind)), type(value).__name__)


def key_label(key: str) -> str:
    """A JSON key as a field name in a message: quoted when it would otherwise be invisible."""
    return key if key.strip() and key.isprintable() else json.dumps(key)
