"""Streaming aggregation of judged records into per-metric and per-category statistics.

`null` means the judge found the metric not applicable: it is counted in the N/A rate and
left out of every average, never treated as a zero. Only running totals and a bounded list of
the worst records are kept, so memory does not grow with the size of the output.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from evalcore.results import MalformedLine, ResultRecord

UNCATEGORIZED = "(none)"
MAX_LOW_SCORES = 100
MAX_MALFORMED_KEPT = 50
_TEXT_LIMIT = 500


@dataclass(slots=True)
class MetricStats:
    count: int = 0
    na_count: int = 0
    total: float = 0.0
    minimum: float | None = None
    maximum: float | None = None
    labels: Counter = field(default_factory=Counter)

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

    @property
    def scored(self) -> int:
        return self.count - self.na_count - sum(self.labels.values())

    @property
    def mean(self) -> float | None:
        return self.total / self.scored if self.scored else None

    def to_dict(self) -> dict:
        data = {
            "mean": None if self.mean is None else round(self.mean, 4),
            "count": self.count,
            "scored": self.scored,
            "naCount": self.na_count,
            "naRate": round(self.na_count / self.count, 4) if self.count else 0.0,
            "min": self.minimum,
            "max": self.maximum,
        }
        if self.labels:
            data["labels"] = dict(sorted(self.labels.items()))
        return data


@dataclass(frozen=True)
class LowScore:
    metric: str
    score: float
    prompt: str
    response: str
    explanation: str
    category: str | None
    source: str
    line: int

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "score": self.score,
            "category": self.category,
            "prompt": self.prompt,
            "response": self.response,
            "explanation": self.explanation,
            "source": self.source,
            "line": self.line,
        }


def _clip(text: str) -> str:
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


class ScoreAggregator:
    """Feed it records (or malformed lines) in any order; ask for a summary at the end."""

    def __init__(self, low_score_threshold: float = 0.5, max_low_scores: int = MAX_LOW_SCORES):
        self.low_score_threshold = low_score_threshold
        self.max_low_scores = max_low_scores
        self.records = 0
        self.metrics: dict[str, MetricStats] = defaultdict(MetricStats)
        self.categories: dict[str, dict[str, MetricStats]] = defaultdict(
            lambda: defaultdict(MetricStats)
        )
        self.malformed: list[MalformedLine] = []
        self.malformed_count = 0
        self.low_score_count = 0
        # Max-heap by score via negation keeps the lowest scores; the counter breaks ties.
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
        for score in item.scores:
            metric, result = score.metric, score.result
            metrics[metric].add(result)
            category_metrics[metric].add(result)
            if type(result) is float and result < threshold:
                self._keep_low(item, metric, result, score.explanation)

    def add_all(self, items: Iterable[ResultRecord | MalformedLine]) -> ScoreAggregator:
        for item in items:
            self.add(item)
        return self

    def _keep_low(self, record: ResultRecord, metric: str, score: float, explanation: str) -> None:
        self.low_score_count += 1
        if len(self._low) >= self.max_low_scores and -score <= self._low[0][0]:
            return  # no better than the best kept: it would lose the comparison below anyway
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
        item = (-score, -next(self._order), entry)
        if len(self._low) < self.max_low_scores:
            heapq.heappush(self._low, item)
        elif item > self._low[0]:
            heapq.heapreplace(self._low, item)

    @property
    def low_scores(self) -> list[LowScore]:
        return [entry for _, _, entry in sorted(self._low, key=lambda i: (-i[0], -i[1]))]

    def metric_means(self) -> dict[str, float | None]:
        return {name: stats.mean for name, stats in sorted(self.metrics.items())}

    def to_dict(self) -> dict:
        return {
            "records": self.records,
            "malformedLines": self.malformed_count,
            "malformed": [
                {"source": m.source, "line": m.line, "reason": m.reason} for m in self.malformed
            ],
            "metrics": {name: s.to_dict() for name, s in sorted(self.metrics.items())},
            "categories": {
                category: {name: s.to_dict() for name, s in sorted(metrics.items())}
                for category, metrics in sorted(self.categories.items())
            },
            "lowScoreThreshold": self.low_score_threshold,
            "lowScoreCount": self.low_score_count,
            "lowScores": [low.to_dict() for low in self.low_scores],
        }
