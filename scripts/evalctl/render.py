"""Plain-text rendering of a summary for terminals and CI logs."""

from __future__ import annotations


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def render_summary(summary: dict, low_scores_shown: int = 5) -> str:
    lines = [
        f"Records: {summary['records']}   malformed lines: {summary['malformedLines']}   "
        f"output files: {len(summary['outputFiles'])}",
        "",
        f"{'metric':<34} {'mean':>7} {'scored':>7} {'N/A':>5} {'N/A rate':>9}",
    ]
    for metric, stats in summary["metrics"].items():
        lines.append(
            f"{metric:<34} {_fmt(stats['mean']):>7} {stats['scored']:>7} "
            f"{stats['naCount']:>5} {stats['naRate']:>9.1%}"
        )
    lines += ["", "By category (mean per metric):"]
    for category, metrics in summary["categories"].items():
        means = ", ".join(
            f"{name.removeprefix('Builtin.')}={_fmt(stats['mean'])}"
            for name, stats in metrics.items()
        )
        lines.append(f"  {category}: {means}")
    for breach in summary["thresholdBreaches"]:
        lines.append(
            f"BELOW FLOOR: {breach['metric']} mean {_fmt(breach['mean'])} < {breach['floor']}"
        )
    comparison = summary.get("comparison")
    if comparison:
        lines.append("")
        lines.append(f"Compared with {comparison.get('previousJobName') or 'previous run'}:")
        for metric, change in comparison["metrics"].items():
            flag = "  REGRESSION" if change["regressed"] else ""
            delta = "n/a" if change["delta"] is None else f"{change['delta']:+.3f}"
            lines.append(f"  {metric}: {delta}{flag}")
    lows = summary["lowScores"][:low_scores_shown]
    if lows:
        lines += ["", f"Lowest scores (< {summary['lowScoreThreshold']}), judge's reasoning:"]
        for low in lows:
            lines.append(f"  [{low['metric']} {low['score']:.2f}] {low['prompt'][:80]}")
            lines.append(f"      {low['explanation'][:200]}")
    lines += ["", "PASSED" if summary["passed"] else "FAILED"]
    return "\n".join(lines)
