"""Metric-refinement hints read from the data: which metrics are not telling the team much.

Three signs, each a reason to change the suite rather than the application:
- mostly not applicable: the judge finds the metric does not apply to most records;
- scores everything high: nearly every record lands in the top tenth of a higher-is-better
  metric's scale, so it cannot tell a good answer from a bad one on this dataset (a safety
  metric such as Harmfulness finding nothing is the goal on benign records, not a flaw of the
  metric: its test is adversarial records, e.g. `evalctl guardrails`);
- swings between runs: the same records get different verdicts from one run to the next
  (needs per-record scores of two runs: see evalcore.paired).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from evalcore.metrics import Direction, direction_of
from evalcore.paired import SWING_STEP, PairedChange
from evalcore.summary import MetricResult

# Above this share of N/A results a metric is mostly not measuring anything.
HIGH_NA_RATE = 0.6
# At or above this share of scored records in the top tenth, a metric does not discriminate.
CEILING_SHARE = 0.9
# At or above this share of shared records moving a rubric step, the judge is inconsistent.
SWING_SHARE = 0.2
# Fewer scored (or shared) records than this say too little for a hint.
MIN_RECORDS_FOR_HINT = 10


class HintKind(StrEnum):
    MOSTLY_NOT_APPLICABLE = "mostly-not-applicable"
    SCORES_EVERYTHING_HIGH = "scores-everything-high"
    SWINGS_BETWEEN_RUNS = "swings-between-runs"


@dataclass(frozen=True)
class Hint:
    metric: str
    kind: HintKind
    message: str


def on_unit_scale(stats: MetricResult) -> bool:
    """Bedrock's built-in metrics score 0-1; a custom metric's rating scale may use other
    values, and then the 0-1 histogram bins (which clamp) do not describe it."""
    return all(v is None or 0.0 <= v <= 1.0 for v in (stats.minimum, stats.maximum))


def top_tenth_share(stats: MetricResult) -> float | None:
    """Share of scored records in the top tenth of the scale; None for a summary written
    before histograms, or a metric scored outside 0-1."""
    if not stats.histogram or not stats.scored or not on_unit_scale(stats):
        return None
    return stats.histogram[-1] / stats.scored


def refinement_hints(
    metrics: Mapping[str, MetricResult], paired: Iterable[PairedChange] = ()
) -> tuple[Hint, ...]:
    hints = []
    for metric, stats in metrics.items():
        if stats.count and stats.na_rate > HIGH_NA_RATE:
            hints.append(
                Hint(
                    metric,
                    HintKind.MOSTLY_NOT_APPLICABLE,
                    f"N/A on {stats.na_rate:.0%} of records: the judge finds it does not apply "
                    "to most of these prompts (e.g. Faithfulness without a context). Drop it "
                    "from the suite, or add the context or reference it needs.",
                )
            )
        share = top_tenth_share(stats)
        if (
            direction_of(metric) is Direction.HIGHER_IS_BETTER
            and share is not None
            and stats.scored >= MIN_RECORDS_FOR_HINT
            and share >= CEILING_SHARE
        ):
            hints.append(
                Hint(
                    metric,
                    HintKind.SCORES_EVERYTHING_HIGH,
                    f"puts {share:.0%} of {stats.scored} scored records in the top tenth of "
                    "its scale: it does not separate good answers from bad ones here. Add "
                    "harder or adversarial records, or a custom metric with a stricter rubric.",
                )
            )
    for change in paired:
        if change.shared >= MIN_RECORDS_FOR_HINT and change.swing_share >= SWING_SHARE:
            hints.append(
                Hint(
                    change.metric,
                    HintKind.SWINGS_BETWEEN_RUNS,
                    f"moved by {SWING_STEP:g} or more on {change.swing_share:.0%} of the "
                    f"{change.shared} records both runs scored: the judge is inconsistent on "
                    "the same input. Tighten the metric's rubric, use a stronger judge, and "
                    "gate on the paired interval (evalctl gate), not on the mean.",
                )
            )
    return tuple(sorted(hints, key=lambda hint: (hint.metric, hint.kind)))
