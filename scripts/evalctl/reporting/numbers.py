"""How the report prints numbers, the same in every format: three decimals, rates in percent.

The data stays exact (summary.json); rounding happens only here, on the way to the page.
"""

from __future__ import annotations

from evalcore.suite import Threshold


def score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.3f}"


def rate(value: float) -> str:
    return f"{value:.1%}"


def bounds(threshold: Threshold | None) -> str:
    if threshold is None:
        return ""
    parts = []
    if threshold.minimum is not None:
        parts.append(f"≥ {threshold.minimum:g}")
    if threshold.maximum is not None:
        parts.append(f"≤ {threshold.maximum:g}")
    return " and ".join(parts)
