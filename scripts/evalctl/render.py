"""Plain-text rendering of a summary for terminals and CI logs (the only place that rounds)."""

from __future__ import annotations

from evalcore.model_comparison import ModelComparison
from evalcore.summary import Summary


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _bounds(minimum: float | None, maximum: float | None) -> str:
    parts = []
    if minimum is not None:
        parts.append(f">= {minimum}")
    if maximum is not None:
        parts.append(f"<= {maximum}")
    return " and ".join(parts)


def _model_table(comparison: ModelComparison) -> list[str]:
    """The models as columns, one row per metric and per category and metric (* = best)."""
    models = comparison.models
    width = max(12, *(len(model) + 1 for model in models))
    lines = [
        "Models side by side (mean; * = best of the metric):",
        f"{'metric':<40}" + "".join(f"{model:>{width}}" for model in models),
    ]
    for metric, by_model in comparison.metrics.items():
        best = comparison.best_by_metric.get(metric)
        cells = "".join(
            f"{_fmt(by_model.get(model)) + ('*' if model == best else ''):>{width}}"
            for model in models
        )
        lines.append(f"{metric:<40}{cells}")
    for category, metrics in comparison.categories.items():
        for metric, by_model in metrics.items():
            cells = "".join(f"{_fmt(by_model.get(model)):>{width}}" for model in models)
            lines.append(f"{f'  {category}: {metric}':<40}{cells}")
    lines.append(f"Best model: {comparison.best_model or 'none (a tie)'}")
    return lines


def render_summary(summary: Summary, low_scores_shown: int = 5) -> str:
    lines = [
        f"Records: {summary.records}   malformed lines: {summary.malformed_lines}   "
        f"output files: {len(summary.source.output_files)}",
        "",
        f"{'metric':<34} {'mean':>7} {'scored':>7} {'N/A':>5} {'N/A rate':>9}",
    ]
    for metric, stats in summary.metrics.items():
        lines.append(
            f"{metric:<34} {_fmt(stats.mean):>7} {stats.scored:>7} "
            f"{stats.na_count:>5} {stats.na_rate:>9.1%}"
        )
    lines += ["", "By category (mean per metric):"]
    for category, metrics in summary.categories.items():
        means = ", ".join(
            f"{name.removeprefix('Builtin.')}={_fmt(stats.mean)}" for name, stats in metrics.items()
        )
        lines.append(f"  {category}: {means}")
    for breach in summary.threshold_breaches:
        lines.append(
            f"OUT OF BOUNDS: {breach.label} mean {_fmt(breach.mean)}, "
            f"required {_bounds(breach.minimum, breach.maximum)}"
        )
    if summary.comparison:
        lines.append("")
        lines.append(f"Compared with {summary.comparison.previous_job_name or 'previous run'}:")
        for metric, change in summary.comparison.metrics.items():
            flag = "  REGRESSION" if change.regressed else ""
            delta = "n/a" if change.delta is None else f"{change.delta:+.3f}"
            lines.append(f"  {metric}: {delta}{flag}")
    if summary.model_comparison:
        lines += ["", *_model_table(summary.model_comparison)]
    lows = summary.low_scores[:low_scores_shown]
    if lows:
        lines += ["", f"Worst scores (below {summary.low_score_threshold}), judge's reasoning:"]
        for low in lows:
            lines.append(f"  [{low.metric} {low.score:.2f}] {low.prompt[:80]}")
            lines.append(f"      {low.explanation[:200]}")
    lines += ["", summary.verdict.value.upper()]
    return "\n".join(lines)
