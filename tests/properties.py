"""Shared Hypothesis settings and strategies for the property-based tests.

`derandomize=True` makes every run try the same examples, so CI is deterministic and fast;
set HYPOTHESIS_THOROUGH=1 for a randomised run with 15 times the examples when hunting bugs.
No example database is written: a failure is reproduced from the printed falsifying example.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

_THOROUGH = os.environ.get("HYPOTHESIS_THOROUGH") == "1"
EXAMPLES = 3000 if _THOROUGH else 200

property_settings = settings(
    max_examples=EXAMPLES,
    derandomize=not _THOROUGH,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def json_values(keys: st.SearchStrategy[str], max_leaves: int = 25) -> st.SearchStrategy[object]:
    """Any decoded JSON, including NaN/Infinity and integers too large for a float."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(10**400), max_value=10**400)
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=20)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(keys | st.text(max_size=8), children, max_size=5)
        ),
        max_leaves=max_leaves,
    )


def as_line(value: object) -> str:
    """Python's json writes NaN and Infinity, which its own decoder (like Bedrock's) accepts."""
    return json.dumps(value)


def byte_lines() -> st.SearchStrategy[list[bytes]]:
    """Lines of arbitrary bytes, some of them near-JSON so decoding gets past the first byte."""
    near_json = st.sampled_from(
        [b"{", b"}", b"[", b'"prompt": ', b'"', b"\xff", b"\xe9", b"\xef\xbb\xbf", b"1e999", b","]
    )
    fragment = st.binary(max_size=30) | near_json
    return st.lists(st.lists(fragment, max_size=8).map(b"".join), max_size=12)
