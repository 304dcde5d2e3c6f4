"""Paired comparison of two runs on the records both share: is a drop more than judge noise?

Comparing two runs' means flags a "regression" whenever the judge's own spread moves a mean
past the tolerance, and a CI gate built on that flaps. Here each record is compared with
itself: the per-record changes of the records both runs scored form one sample, and a
percentile bootstrap over it (fixed seed, so a gate gives the same answer twice) gives a
confidence interval for the mean change. A metric regresses only when the mean change is worse
than its tolerance (it matters) AND the interval lies entirely on the worse side of zero (it is
not noise).

Records are keyed by (category, prompt): the dataset's identity for a record, since Bedrock's
output carries no record id. A key seen more than once in a run (a repeated run, a duplicated
prompt) contributes the mean of its scores, which also averages out some judge noise. N/A and
categorical results take no part. Pure: no I/O, no AWS.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from evalcore.defaults import UNCATEGORIZED
from evalcore.metrics import Direction, direction_of
from evalcore.results import MalformedLine, ResultRecord

RecordKey = tuple[str, str]
# metric -> record key -> the record's (mean) numeric score
RecordScores = Mapping[str, Mapping[RecordKey, float]]

DEFAULT_CONFIDENCE = 0.95
DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 0
# One step of Bedrock's 5-point judge scales once normalised to 0-1: a record whose score moves
# this far between runs got a different verdict, not a rounding difference.
SWING_STEP = 0.25


def record_key(record: ResultRecord) -> RecordKey:
    return (record.category or UNCATEGORIZED, record.prompt)


def per_record_scores(
    items: Iterable[ResultRecord | MalformedLine],
) -> dict[str, dict[RecordKey, float]]:
    """Numeric scores per metric and record key, repeats of a key averaged."""
    totals: dict[str, dict[RecordKey, list[float]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        if isinstance(item, MalformedLine):
            continue
        key = record_key(item)
        for score in item.scores:
            if isinstance(score.result, float):
                totals[score.metric][key].append(score.result)
    return {
        metric: {key: math.fsum(values) / len(values) for key, values in by_key.items()}
        for metric, by_key in sorted(totals.items())
    }


def bootstrap_interval(
    values: Sequence[float],
    confidence: float = DEFAULT_CONFIDENCE,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of `values` (resampled with replacement)."""
    if not values:
        raise ValueError("a bootstrap interval needs at least one value")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence {confidence} is not between 0 and 1")
    if resamples < 1:
        raise ValueError(f"resamples {resamples} is not positive")
    size = len(values)
    choices = random.Random(seed).choices
    means = sorted(math.fsum(choices(values, k=size)) / size for _ in range(resamples))
    tail = (1 - confidence) / 2
    return means[round(tail * (resamples - 1))], means[round((1 - tail) * (resamples - 1))]


@dataclass(frozen=True)
class PairedChange:
    """One metric's change between a baseline run and the current one, on shared records.

    `mean_worsening` and its interval are oriented by the metric's direction: positive is
    worse, whichever way the metric points.
    """

    metric: str
    direction: Direction
    shared: int
    only_current: int
    only_baseline: int
    baseline_mean: float | None
    current_mean: float | None
    mean_worsening: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    tolerance: float
    swing_share: float

    @property
    def regressed(self) -> bool:
        if self.mean_worsening is None or self.ci_low is None:
            return False
        return self.mean_worsening > self.tolerance and self.ci_low > 0

    @property
    def within_noise(self) -> bool:
        """Worse beyond tolerance on average, but the interval reaches zero."""
        return (
            self.mean_worsening is not None
            and self.mean_worsening > self.tolerance
            and not self.regressed
        )


def compare_metric(
    metric: str,
    current: Mapping[RecordKey, float],
    baseline: Mapping[RecordKey, float],
    *,
    tolerance: float,
    confidence: float = DEFAULT_CONFIDENCE,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> PairedChange:
    direction = direction_of(metric)
    shared = sorted(current.keys() & baseline.keys())
    changes = [current[key] - baseline[key] for key in shared]
    worsening = [direction.worsening(change) for change in changes]
    interval = (
        bootstrap_interval(worsening, confidence, resamples, seed) if worsening else (None, None)
    )
    return PairedChange(
        metric=metric,
        direction=direction,
        shared=len(shared),
        only_current=len(current.keys() - baseline.keys()),
        only_baseline=len(baseline.keys() - current.keys()),
        baseline_mean=_mean([baseline[key] for key in shared]),
        current_mean=_mean([current[key] for key in shared]),
        mean_worsening=_mean(worsening),
        ci_low=interval[0],
        ci_high=interval[1],
        confidence=confidence,
        tolerance=tolerance,
        swing_share=(
            sum(abs(c) >= SWING_STEP - 1e-9 for c in changes) / len(changes) if changes else 0.0
        ),
    )


def compare_runs(
    current: RecordScores,
    baseline: RecordScores,
    *,
    tolerance_for: Callable[[str], float],
    confidence: float = DEFAULT_CONFIDENCE,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> tuple[PairedChange, ...]:
    """Every metric both runs scored, in name order; each bootstraps from the same seed, so a
    metric's result does not depend on which others were compared."""
    return tuple(
        compare_metric(
            metric,
            current[metric],
            baseline[metric],
            tolerance=tolerance_for(metric),
            confidence=confidence,
            resamples=resamples,
            seed=seed,
        )
        for metric in sorted(current.keys() & baseline.keys())
    )


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None
