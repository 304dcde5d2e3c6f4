"""Streaming aggregation of judged records into per-metric and per-category statistics.

`null` means the judge found the metric not applicable: it is counted in the N/A rate and
left out of every average, never treated as a zero. Only running totals and a bounded list of
the worst records are kept, so memory does not grow with the size of the output. "Worst"
follows each metric's direction: a harmfulness of 0.9 is as bad as a correctness of 0.1.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from evalcore.defaults import LOW_SCORE_THRESHOLD, UNCATEGORIZED
from evalcore.metrics import LOWER_IS_BETTER_METRICS
from evalcore.results import MalformedLine, ResultRecord
from evalcore.summary import HISTOGRAM_BINS, LowScore, MetricResult

MAX_LOW_SCORES = 100
MAX_MALFORMED_KEPT = 50
_TEXT_LIMIT = 500
_BINS = HISTOGRAM_BINS


@dataclass(slots=True)
class MetricStats:
    count: int = 0
    na_count: int = 0
    total: float = 0.0
    minimum: float | None = None
    maximum: float | None = None
    low_count: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    # Run-level statistics only (see ScoreAggregator.add): None for a category's.
    histogram: list[int] | None = None

    def add(self, result: float | str | None) -> None:
        """Runs twice per judged score (metric and category): kept to plain comparisons."""
        self.count += 1
        if result is None:
            self.na_count += 1
        elif isinstance(result, str):
            self.labels[result] += 1
        else:
            self.total += result
            if self.minimum is None or result < self.minimum:
                self.minimum = result
            if self.maximum is None or result > self.maximum:
                self.maximum = result

    def merge(self, other: MetricStats) -> None:
        """Fold another shard's statistics in: counts and totals add, extremes combine."""
        self.count += other.count
        self.na_count += other.na_count
        self.total += other.total
        if other.minimum is not None and (self.minimum is None or other.minimum < self.minimum):
            self.minimum = other.minimum
        if other.maximum is not None and (self.maximum is None or other.maximum > self.maximum):
            self.maximum = other.maximum
        self.low_count += other.low_count
        self.labels.update(other.labels)
        if other.histogram is not None:
            if self.histogram is None:
                self.histogram = [0] * len(other.histogram)
            for index, count in enumerate(other.histogram):
                self.histogram[index] += count

    @property
    def scored(self) -> int:
        return self.count - self.na_count - sum(self.labels.values())

    @property
    def mean(self) -> float | None:
        return self.total / self.scored if self.scored else None

    def result(self) -> MetricResult:
        return MetricResult(
            mean=self.mean,
            count=self.count,
            scored=self.scored,
            na_count=self.na_count,
            minimum=self.minimum,
            maximum=self.maximum,
            low_count=self.low_count,
            labels=dict(sorted(self.labels.items())),
            histogram=() if self.histogram is None else tuple(self.histogram),
        )


def _run_level_stats() -> MetricStats:
    return MetricStats(histogram=[0] * _BINS)


def _clip(text: str) -> str:
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


class ScoreAggregator:
    """Feed it records (or malformed lines) in any order; ask for the tables at the end."""

    def __init__(
        self, low_score_threshold: float = LOW_SCORE_THRESHOLD, max_low_scores: int = MAX_LOW_SCORES
    ):
        self.low_score_threshold = low_score_threshold
        self.max_low_scores = max_low_scores
        self.records = 0
        self.metrics: dict[str, MetricStats] = defaultdict(_run_level_stats)
        self.categories: dict[str, dict[str, MetricStats]] = defaultdict(
            lambda: defaultdict(MetricStats)
        )
        self.malformed: list[MalformedLine] = []
        self.malformed_count = 0
        self.low_score_count = 0
        # A min-heap of (goodness, order) negated keeps the worst records; order breaks ties.
        self._low: list[tuple[float, int, LowScore]] = []
        self._order = itertools.count()

    def add(self, item: ResultRecord | MalformedLine) -> None:
        if isinstance(item, MalformedLine):
            self.malformed_count += 1
            if len(self.malformed) < MAX_MALFORMED_KEPT:
                self.malformed.append(item)
            return
        self.records += 1
        metrics = self.metrics
        category_metrics = self.categories[item.category or UNCATEGORIZED]
        threshold = self.low_score_threshold
        lower_is_better = LOWER_IS_BETTER_METRICS
        for score in item.scores:
            metric, result = score.metric, score.result
            stats = metrics[metric]
            stats.add(result)
            category_stats = category_metrics[metric]
            category_stats.add(result)
            if type(result) is float:
                # summary.histogram_bin inlined (hot loop; test_aggregate checks they agree), at
                # run level only: per category it would cost time and summary size for no chart.
                histogram = stats.histogram
                if histogram is not None:
                    index = int(result * _BINS + 1e-9)
                    histogram[index if 0 <= index < _BINS else (0 if index < 0 else _BINS - 1)] += 1
                # Direction.goodness inlined: this loop runs 25 000 times for a full job.
                goodness = 1.0 - result if metric in lower_is_better else result
                if goodness < threshold:
                    stats.low_count += 1
                    category_stats.low_count += 1
                    self._keep_low(item, metric, result, goodness, score.explanation)

    def add_all(self, items: Iterable[ResultRecord | MalformedLine]) -> ScoreAggregator:
        for item in items:
            self.add(item)
        return self

    def _keep_low(
        self, record: ResultRecord, metric: str, score: float, goodness: float, explanation: str
    ) -> None:
        self.low_score_count += 1
        item_key = (-goodness, -next(self._order))
        if len(self._low) >= self.max_low_scores and item_key <= self._low[0][:2]:
            return  # no worse than the best kept: it would lose the comparison below anyway
        entry = LowScore(
            metric=metric,
            score=score,
            prompt=_clip(record.prompt),
            response=_clip(record.response),
            explanation=_clip(explanation),
            category=record.category,
            source=record.source,
            line=record.line,
        )
        item = (*item_key, entry)
        if len(self._low) < self.max_low_scores:
            heapq.heappush(self._low, item)
        else:
            heapq.heapreplace(self._low, item)

    def merge(self, other: ScoreAggregator) -> ScoreAggregator:
        """Fold in an aggregator that read the records after this one's (the next shard).

        The result is what one aggregator reading this one's records and then the other's
        would hold: means stay weighted by scored counts because totals and counts add, and
        the kept low scores are the worst of both, ties going to the record read first
        (the other's reading order is shifted past every low score this one has seen).
        """
        if other.low_score_threshold != self.low_score_threshold:
            raise ValueError("cannot merge aggregations made with different low-score thresholds")
        self.records += other.records
        for metric, stats in other.metrics.items():
            self.metrics[metric].merge(stats)
        for category, metrics in other.categories.items():
            for metric, stats in metrics.items():
                self.categories[category][metric].merge(stats)
        room = MAX_MALFORMED_KEPT - len(self.malformed)
        self.malformed.extend(other.malformed[: max(room, 0)])
        self.malformed_count += other.malformed_count
        shift = self.low_score_count
        for neg_goodness, neg_order, entry in other._low:
            item = (neg_goodness, neg_order - shift, entry)
            if len(self._low) < self.max_low_scores:
                heapq.heappush(self._low, item)
            elif item[:2] > self._low[0][:2]:
                heapq.heapreplace(self._low, item)
        self.low_score_count += other.low_score_count
        self._order = itertools.count(self.low_score_count)
        return self

    @property
    def low_scores(self) -> list[LowScore]:
        """Worst first; among equals, the one read first."""
        return [entry for _, _, entry in sorted(self._low, key=lambda i: (-i[0], -i[1]))]

    def metric_results(self) -> dict[str, MetricResult]:
        return {name: stats.result() for name, stats in sorted(self.metrics.items())}

    def category_results(self) -> dict[str, dict[str, MetricResult]]:
        return {
            category: {name: stats.result() for name, stats in sorted(metrics.items())}
            for category, metrics in sorted(self.categories.items())
        }
