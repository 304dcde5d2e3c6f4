"""Summaries for the report renderers' unit tests, built the way the pipeline builds them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from evalcore.aggregate import ScoreAggregator
from evalcore.report import build_summary
from evalcore.results import iter_result_records
from evalcore.summary import JobRef, ResultsSource, Summary
from evalctl.simulation.bedrock_output import jsonl, model_row


def summary(scores: list[float | None], day: int = 1, job: str | None = None, **row) -> Summary:
    rows = [
        model_row(f"q{i}", {"Builtin.Correctness": s}, category="billing", **row)
        for i, s in enumerate(scores)
    ]
    aggregator = ScoreAggregator().add_all(iter_result_records(jsonl(rows).splitlines(), "f"))
    built = build_summary(
        aggregator,
        suite=None,
        source=ResultsSource(("f",)),
        now=datetime(2026, 11, day, tzinfo=UTC),
    )
    return replace(built, job=JobRef(job)) if job else built
