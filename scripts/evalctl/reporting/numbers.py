"""How the report prints numbers, the same in every format: three decimals, rates in percent.

The data stays exact (summary.json); rounding happens only here, on the way to the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from evalcore.suite import Threshold
from evalcore.summary import ThresholdBreach


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


def out_of_bounds(breaches: Sequence[ThresholdBreach], metric: str) -> str:
    """ "out of bounds (≥ 0.7)" for a metric that breached, naming the models when a model
    comparison breached it for several (one row per metric, so no breach hides another)."""
    mine = [breach for breach in breaches if breach.metric == metric]
    if not mine:
        return ""
    first = mine[0]
    text = f"out of bounds ({bounds(Threshold(metric, first.minimum, first.maximum))})"
    models = [breach.model for breach in mine if breach.model is not None]
    return f"{text} for {', '.join(models)}" if models else text
