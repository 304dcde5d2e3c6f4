"""The run summary: aggregate statistics judged against the suite's floors and the last run.

One dictionary shape (`summary.json`) serves the bucket, the CLI's --json output and the CI
gate, so every consumer reads the same verdict.
"""

from __future__ import annotations

from datetime import UTC, datetime

from evalcore.aggregate import ScoreAggregator
from evalcore.suite import Suite

SCHEMA_VERSION = 1


def threshold_breaches(means: dict[str, float | None], floors: dict[str, float]) -> list[dict]:
    """Metrics whose mean is under the suite's floor; an all-N/A metric cannot pass a floor."""
    breaches = []
    for metric, floor in sorted(floors.items()):
        mean = means.get(metric)
        if mean is None or mean < floor:
            breaches.append({"metric": metric, "mean": mean, "floor": floor})
    return breaches


def compare_with_previous(
    means: dict[str, float | None], previous: dict | None, tolerance: float
) -> dict | None:
    """Per-metric change since the previous summary; a drop beyond tolerance is a regression."""
    if not previous:
        return None
    previous_metrics = previous.get("metrics", {})
    changes = {}
    for metric, current in sorted(means.items()):
        before = (previous_metrics.get(metric) or {}).get("mean")
        if before is None or current is None:
            changes[metric] = {
                "previous": before,
                "current": current,
                "delta": None,
                "regressed": False,
            }
            continue
        delta = round(current - before, 4)
        changes[metric] = {
            "previous": before,
            "current": round(current, 4),
            "delta": delta,
            "regressed": delta < -tolerance,
        }
    return {
        "previousJobName": previous.get("jobName"),
        "previousGeneratedAt": previous.get("generatedAt"),
        "tolerance": tolerance,
        "metrics": changes,
        "regressions": sorted(m for m, c in changes.items() if c["regressed"]),
    }


def build_summary(
    aggregator: ScoreAggregator,
    *,
    suite: Suite | None,
    job: dict,
    output_files: list[str],
    previous: dict | None = None,
    now: datetime | None = None,
) -> dict:
    """`job` carries identifying fields (jobName, jobArn, dataset) copied into the summary."""
    means = aggregator.metric_means()
    floors = suite.thresholds if suite else {}
    tolerance = suite.regression_tolerance if suite else 0.05
    breaches = threshold_breaches(means, floors)
    comparison = compare_with_previous(means, previous, tolerance)
    regressions = comparison["regressions"] if comparison else []
    summary = {
        "schemaVersion": SCHEMA_VERSION,
        "suite": suite.name if suite else None,
        **job,
        "generatedAt": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "outputFiles": output_files,
        **aggregator.to_dict(),
        "thresholdBreaches": breaches,
        "comparison": comparison,
        "passed": not breaches and not regressions and aggregator.records > 0,
    }
    return summary
