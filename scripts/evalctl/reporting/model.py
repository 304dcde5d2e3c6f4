"""What a report shows, built from a Summary and what else is known about the run.

The Summary is the report's single input for the run itself; a named baseline, earlier runs
(for the trend) and per-record comparisons (for swings and intervals) are optional additions.
Renderers take a Report and return a string; nothing here reads files or calls AWS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evalcore.paired import PairedChange
from evalcore.report import compare_with_baseline
from evalcore.suite import Suite
from evalcore.summary import Baseline, Comparison, LowScore, Summary
from evalctl.reporting.hints import Hint, refinement_hints

DEFAULT_LOWEST = 10


@dataclass(frozen=True)
class TrendPoint:
    """One run on the trend: its label (job name or date) and its per-metric means."""

    label: str
    generated_at: str
    means: Mapping[str, float | None]

    @classmethod
    def of(cls, summary: Summary) -> TrendPoint:
        label = summary.job.name if summary.job else summary.generated_at[:16].replace("T", " ")
        return cls(label, summary.generated_at, summary.means())


@dataclass(frozen=True)
class Report:
    title: str
    summary: Summary
    comparison: Comparison | None
    paired: tuple[PairedChange, ...]
    trend: tuple[TrendPoint, ...]
    hints: tuple[Hint, ...]
    lowest: tuple[LowScore, ...]

    def trend_of(self, metric: str) -> list[tuple[str, float | None]]:
        return [(point.label, point.means.get(metric)) for point in self.trend]


def build_report(
    summary: Summary,
    *,
    baseline: Baseline | None = None,
    suite: Suite | None = None,
    history: Sequence[Summary] = (),
    paired: Sequence[PairedChange] = (),
    lowest: int = DEFAULT_LOWEST,
) -> Report:
    """A named baseline replaces the comparison the summary carries (its previous run).

    The trend is the history, oldest first, then this run; a history entry with this run's
    own timestamp and job is the same run and is not drawn twice.
    """
    comparison = (
        compare_with_baseline(summary.means(), baseline, suite)
        if baseline is not None
        else summary.comparison
    )
    current = TrendPoint.of(summary)
    earlier = [
        TrendPoint.of(s)
        for s in sorted(history, key=lambda s: s.generated_at)
        if (s.generated_at, s.job) != (summary.generated_at, summary.job)
        and s.generated_at <= summary.generated_at
    ]
    name = summary.suite or "evaluation"
    job = f" · {summary.job.name}" if summary.job else ""
    return Report(
        title=f"{name}{job}",
        summary=summary,
        comparison=comparison,
        paired=tuple(paired),
        trend=(*earlier, current),
        hints=refinement_hints(summary.metrics, paired),
        lowest=summary.low_scores[:lowest],
    )
