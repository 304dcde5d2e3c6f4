"""The report as Markdown, for a pull request comment, a CI job summary or a wiki page.

Text from the data (prompts, responses, the judge's reasoning, names) is HTML-escaped, since
every common Markdown renderer passes raw HTML through, and table cells lose their pipes and
line breaks. Charts become one-line Unicode sparklines.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from evalcore.metrics import direction_of
from evalctl.reporting import numbers
from evalctl.reporting.hints import on_unit_scale
from evalctl.reporting.model import Report

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None]) -> str:
    """One block per value, scaled to the largest (histograms) or to 0-1 (trends)."""
    present = [v for v in values if v is not None]
    top = max(present, default=0) or 1
    return "".join(
        " " if v is None else BLOCKS[min(len(BLOCKS) - 1, int(v / top * (len(BLOCKS) - 1)))]
        for v in values
    )


def cell(text: str) -> str:
    return escape(text, quote=False).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def quote(text: str) -> str:
    return "\n".join(
        f"> {line}" if line else ">" for line in escape(text, quote=False).splitlines() or [""]
    )


def render_markdown(report: Report) -> str:
    summary = report.summary
    lines = [
        f"# Evaluation report: {cell(report.title)}",
        "",
        f"**{summary.verdict.value.upper()}** · {summary.records} records · "
        f"{summary.malformed_lines} malformed lines · generated {summary.generated_at}",
        "",
        "## Metrics",
        "",
        "| metric | direction | mean | scored | N/A | N/A rate | min | max "
        "| distribution | bounds |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for metric, stats in summary.metrics.items():
        status = numbers.out_of_bounds(summary.threshold_breaches, metric)
        status = f"**{status}**" if status else ""
        lines.append(
            f"| {cell(metric)} | {direction_of(metric).value} | {numbers.score(stats.mean)} | "
            f"{stats.scored} | {stats.na_count} | {numbers.rate(stats.na_rate)} | "
            f"{numbers.score(stats.minimum)} | {numbers.score(stats.maximum)} | "
            f"`{sparkline([float(c) for c in stats.histogram]) if on_unit_scale(stats) else ''}` "
            f"| {status} |"
        )
    metrics = list(summary.metrics)
    lines += ["", "## By category (mean per metric)", ""]
    lines.append("| category | " + " | ".join(cell(m) for m in metrics) + " |")
    lines.append("|---|" + "---:|" * len(metrics))
    for category, table in summary.categories.items():
        means = [numbers.score(table[m].mean) if m in table else "" for m in metrics]
        lines.append(f"| {cell(category)} | " + " | ".join(means) + " |")
    lines += _comparison(report)
    lines += _trend(report, metrics)
    lines += ["", "## Metric refinement hints", ""]
    lines += [f"- **{cell(h.metric)}** ({h.kind.value}): {cell(h.message)}" for h in report.hints]
    if not report.hints:
        lines.append("None: no metric is mostly N/A, stuck at the top, or swinging between runs.")
    lines += ["", f"## Lowest records (score below {summary.low_score_threshold:g})", ""]
    for index, low in enumerate(report.lowest, start=1):
        lines += [
            f"### {index}. {cell(low.metric)} = {numbers.score(low.score)}"
            f" · category {cell(low.category or '(none)')}",
            "",
            f"`{low.source}:{low.line}`",
            "",
            "**Prompt**",
            "",
            quote(low.prompt),
            "",
            "**Response**",
            "",
            quote(low.response),
            "",
            "**Judge's reasoning**",
            "",
            quote(low.explanation),
            "",
        ]
    if not report.lowest:
        lines.append("No record scored below the threshold.")
    return "\n".join(lines).rstrip() + "\n"


def _comparison(report: Report) -> list[str]:
    comparison = report.comparison
    if comparison is None and not report.paired:
        return ["", "## Comparison", "", "No previous run or baseline to compare with."]
    lines = ["", "## Comparison", ""]
    if comparison is not None:
        name = comparison.previous_job_name or comparison.previous_summary_key or "baseline"
        lines += [
            f"Against {cell(name)}: each run's mean, compared plainly:",
            "",
            "| metric | previous | current | change | tolerance | regressed |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for metric, change in comparison.metrics.items():
            lines.append(
                f"| {cell(metric)} | {numbers.score(change.previous)} | "
                f"{numbers.score(change.current)} | {numbers.signed(change.delta)} | "
                f"{change.tolerance:g} | {'**yes**' if change.regressed else 'no'} |"
            )
    if report.paired:
        lines += [
            "",
            "Paired on the records both runs scored, as `evalctl gate` decides "
            "(bootstrap interval of the worsening):",
            "",
            "| metric | shared | worsening | interval | swings | verdict |",
            "|---|---:|---:|---|---:|---|",
        ]
        for paired in report.paired:
            verdict = (
                "**regression**"
                if paired.regressed
                else "worse, but within judge noise"
                if paired.within_noise
                else "no regression"
            )
            lines.append(
                f"| {cell(paired.metric)} | {paired.shared} | "
                f"{numbers.signed(paired.mean_worsening)} | "
                f"[{numbers.signed(paired.ci_low)}, {numbers.signed(paired.ci_high)}] | "
                f"{numbers.rate(paired.swing_share)} | {verdict} |"
            )
    return lines


def _trend(report: Report, metrics: list[str]) -> list[str]:
    lines = ["", f"## Trend over {len(report.trend)} run(s)", ""]
    lines += ["| metric | trend (oldest → this run) | first | this run |", "|---|---|---:|---:|"]
    for metric in metrics:
        values = [mean for _, mean in report.trend_of(metric)]
        scaled = [None if v is None else max(v, 0.0) for v in values]
        lines.append(
            f"| {cell(metric)} | `{sparkline([*scaled, 1.0])[:-1]}` | "
            f"{numbers.score(values[0])} | {numbers.score(values[-1])} |"
        )
    return lines
