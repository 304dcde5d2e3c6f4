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
from evalcore.results import MalformedLine, ResultRecord, Score
from evalcore.summary import HISTOGRAM_BINS, LowScore, MetricResult

MAX_LOW_SCORES = 100
MAX_MALFORMED_KEPT = 50
_TEXT_LIMIT = 500
_BINS = HISTOGRAM_BINS


@dataclass(slots=True)
class MetricStats:
    """Running totals of one metric in one category; a run's metric is their merge."""

    count: int = 0
    na_count: int = 0
    total: float = 0.0
    minimum: float | None = None
    maximum: float | None = None
    low_count: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    histogram: list[int] = field(default_factory=lambda: [0] * _BINS)

    def merge(self, other: MetricStats) -> None:
        """Fold another category's or shard's statistics in: counts and totals add, extremes
        combine, as if every result had been added here."""
        self.count += other.count
        self.na_count += other.na_count
        self.total += other.total
        if other.minimum is not None and (self.minimum is None or other.minimum < self.minimum):
            self.minimum = other.minimum
        if other.maximum is not None and (self.maximum is None or other.maximum > self.maximum):
            self.maximum = other.maximum
        self.low_count += other.low_count
        self.labels.update(other.labels)
        for index, count in enumerate(other.histogram):
            self.histogram[index] += count

    @property
    def scored(self) -> int:
        return self.count - self.na_count - sum(self.labels.values())

    @property
    def mean(self) -> float | None:
        return self.total / self.scored if self.scored else None

    def result(self, with_histogram: bool = True) -> MetricResult:
        return MetricResult(
            mean=self.mean,
            count=self.count,
            scored=self.scored,
            na_count=self.na_count,
            minimum=self.minimum,
            maximum=self.maximum,
            low_count=self.low_count,
            labels=dict(sorted(self.labels.items())),
            histogram=tuple(self.histogram) if with_histogram else (),
        )


def _clip(text: str) -> str:
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


class ScoreAggregator:
    """Feed it records (or malformed lines) in any order; ask for the tables at the end.

    Results are counted once, per category and metric; a metric's run-level statistics are
    the merge of its categories', made when asked for. Counting each result once (not at both
    levels) and inlining the update keep the parse step at or under the cost of decoding the
    JSON with the standard library (scripts/benchmark.py).
    """

    def __init__(
        self, low_score_threshold: float = LOW_SCORE_THRESHOLD, max_low_scores: int = MAX_LOW_SCORES
    ):
        self.low_score_threshold = low_score_threshold
        self.max_low_scores = max_low_scores
        self.records = 0
        self.categories: dict[str, dict[str, MetricStats]] = defaultdict(dict)
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
        table = self.categories[item.category or UNCATEGORIZED]
        threshold = self.low_score_threshold
        lower_is_better = LOWER_IS_BETTER_METRICS
        kept, capacity, lows = self._low, self.max_low_scores, 0
        for score in item.scores:
            metric, result = score.metric, score.result
            stats = table.get(metric)
            if stats is None:
                stats = table[metric] = MetricStats()
            # MetricStats.add inlined: this loop runs 25,000 times for a full job.
            stats.count += 1
            if result.__class__ is float:
                stats.total += result
                minimum, maximum = stats.minimum, stats.maximum
                if minimum is None or result < minimum:
                    stats.minimum = result
                if maximum is None or result > maximum:
                    stats.maximum = result
                index = int(result * _BINS + 1e-9)
                stats.histogram[
                    index if 0 <= index < _BINS else (0 if index < 0 else _BINS - 1)
                ] += 1
                # Direction.goodness inlined.
                goodness = 1.0 - result if metric in lower_is_better else result
                if goodness < threshold:
                    stats.low_count += 1
                    lows += 1
                    # Only a record worse than the best kept one can enter the full list; ties
                    # go to the one read first (see _keep_low).
                    if len(kept) < capacity or -goodness > kept[0][0]:
                        self._keep_low(item, score, goodness)
            elif result is None:
                stats.na_count += 1
            elif isinstance(result, str):
                stats.labels[result] += 1
        self.low_score_count += lows

    def add_all(self, items: Iterable[ResultRecord | MalformedLine]) -> ScoreAggregator:
        add = self.add
        for item in items:
            add(item)
        return self

    def _keep_low(self, record: ResultRecord, score: Score, goodness: float) -> None:
        item_key = (-goodness, -next(self._order))
        if len(self._low) >= self.max_low_scores and item_key <= self._low[0][:2]:
            return  # no worse than the best kept: it would lose the comparison below anyway
        entry = LowScore(
            metric=score.metric,
            score=score.result,  # type: ignore[arg-type]
            prompt=_clip(record.prompt),
            response=_clip(record.response),
            explanation=_clip(score.explanation),
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
        for category, metrics in other.categories.items():
            table = self.categories[category]
            for metric, stats in metrics.items():
                table.setdefault(metric, MetricStats()).merge(stats)
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

    @property
    def metrics(self) -> dict[str, MetricStats]:
        """Each metric's statistics over the whole run: the merge of its categories'."""
        merged: dict[str, MetricStats] = {}
        for table in self.categories.values():
            for name, stats in table.items():
                merged.setdefault(name, MetricStats()).merge(stats)
        return merged

    def metric_results(self) -> dict[str, MetricResult]:
        return {name: stats.result() for name, stats in sorted(self.metrics.items())}

    def category_results(self) -> dict[str, dict[str, MetricResult]]:
        """Per category without histograms: no chart draws them, and they would grow
        summary.json by a table per category."""
        return {
            category: {
                name: stats.result(with_histogram=False) for name, stats in sorted(metrics.items())
            }
            for category, metrics in sorted(self.categories.items())
        }
