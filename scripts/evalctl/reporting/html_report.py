"""The report as one self-contained HTML page: it must open offline from an e-mail attachment.

No script at all, one inline stylesheet, system fonts, charts as inline SVG (svg.py). A
Content-Security-Policy in the page forbids every fetch (default-src 'none'), so even a
prompt that smuggled markup past the escaping could not make the page call out. Every text from
the data is escaped with html.escape. Numbers are printed by reporting.numbers and also carried
exactly in data-value attributes, so a test (or a script scraping the page) reads the summary's
own values.
"""

from __future__ import annotations

from html import escape

from evalcore.metrics import direction_of
from evalcore.paired import PairedChange
from evalctl.reporting import numbers, svg
from evalctl.reporting.hints import on_unit_scale
from evalctl.reporting.model import Report

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; margin: 0; color: #263238; background: #fafafa; }
header { background: #263238; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 6px; font-size: 22px; }
header p { margin: 0; opacity: .85; font-size: 14px; }
main { padding: 8px 28px 40px; max-width: 1200px; }
section { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 12px 18px;
          margin: 16px 0; }
h2 { font-size: 17px; margin: 4px 0 10px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid #eceff1; padding: 5px 10px; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600;
           font-size: 13px; margin-left: 8px; }
.passed { background: #2e7d32; } .failed { background: #c62828; }
.bad { color: #c62828; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; }
figure { margin: 0; } figcaption { font-size: 12px; color: #546e7a; margin-bottom: 2px; }
.hint { margin: 6px 0; } .hint code { background: #eceff1; padding: 1px 4px; }
.record { border-top: 1px solid #eceff1; padding: 8px 0; }
.record h3 { font-size: 14px; margin: 4px 0; }
.text { white-space: pre-wrap; word-break: break-word; background: #f5f5f5; padding: 6px 8px;
        border-radius: 4px; font-size: 13px; margin: 2px 0 8px; }
.label { font-size: 12px; color: #546e7a; }
.muted { color: #78909c; }
"""


def _metric_table(report: Report) -> str:
    summary = report.summary
    rows = []
    for metric, stats in summary.metrics.items():
        status = numbers.out_of_bounds(summary.threshold_breaches, metric)
        status = f'<span class="bad">{escape(status)}</span>' if status else ""
        mean_value = "" if stats.mean is None else repr(stats.mean)
        rows.append(
            f'<tr data-metric="{escape(metric)}"><td>{escape(metric)}</td>'
            f"<td>{direction_of(metric).value}</td>"
            f'<td class="num mean" data-value="{mean_value}">{numbers.score(stats.mean)}</td>'
            f'<td class="num scored">{stats.scored}</td>'
            f'<td class="num na">{stats.na_count}</td>'
            f'<td class="num na-rate" data-value="{stats.na_rate!r}">'
            f"{numbers.rate(stats.na_rate)}</td>"
            f'<td class="num">{numbers.score(stats.minimum)}</td>'
            f'<td class="num">{numbers.score(stats.maximum)}</td>'
            f'<td class="num">{stats.low_count}</td><td>{status}</td></tr>'
        )
    return (
        '<section id="metrics"><h2>Metrics</h2><table><thead><tr><th>metric</th>'
        '<th>direction</th><th class="num">mean</th><th class="num">scored</th>'
        '<th class="num">N/A</th><th class="num">N/A rate</th><th class="num">min</th>'
        '<th class="num">max</th><th class="num">low</th><th>bounds</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _figure(caption: str, chart: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{chart}</figure>"


def _distributions(report: Report) -> str:
    figures = [
        _figure(metric, svg.histogram(metric, stats.histogram, direction_of(metric)))
        for metric, stats in report.summary.metrics.items()
        if stats.histogram and on_unit_scale(stats)
    ]
    body = (
        f'<div class="charts">{"".join(figures)}</div>'
        if figures
        else '<p class="muted">This summary predates score histograms: regenerate it with '
        "evalctl summarize, or report from the results folder.</p>"
    )
    return f'<section id="distributions"><h2>Score distributions</h2>{body}</section>'


def _categories(report: Report) -> str:
    summary = report.summary
    metrics = list(summary.metrics)
    head = "".join(f'<th class="num">{escape(m)}</th>' for m in metrics)
    rows = []
    for category, table in summary.categories.items():
        cells = []
        for metric in metrics:
            stats = table.get(metric)
            mean = None if stats is None else stats.mean
            value = "" if mean is None else repr(mean)
            cells.append(
                f'<td class="num" data-metric="{escape(metric)}" data-value="{value}">'
                f"{numbers.score(mean)}</td>"
            )
        rows.append(
            f'<tr data-category="{escape(category)}"><td>{escape(category)}</td>'
            f"{''.join(cells)}</tr>"
        )
    charts = [
        _figure(
            metric,
            svg.category_bars(
                metric,
                {
                    category: table[metric].mean
                    for category, table in summary.categories.items()
                    if metric in table
                },
                direction_of(metric),
            ),
        )
        for metric in metrics
    ]
    return (
        '<section id="categories"><h2>By category (mean per metric)</h2>'
        f"<table><thead><tr><th>category</th>{head}</tr></thead><tbody>{''.join(rows)}"
        f'</tbody></table><div class="charts">{"".join(charts)}</div></section>'
    )


def _comparison(report: Report) -> str:
    parts = ['<section id="comparison"><h2>Comparison</h2>']
    comparison = report.comparison
    if comparison is None and not report.paired:
        parts.append('<p class="muted">No previous run or baseline to compare with.</p>')
    if comparison is not None:
        name = comparison.previous_job_name or comparison.previous_summary_key or "baseline"
        rows = "".join(
            f'<tr data-metric="{escape(metric)}"><td>{escape(metric)}</td>'
            f'<td class="num">{numbers.score(change.previous)}</td>'
            f'<td class="num">{numbers.score(change.current)}</td>'
            f'<td class="num delta">{numbers.signed(change.delta)}</td>'
            f'<td class="num">{change.tolerance:g}</td>'
            f"<td>{'<span class=bad>regressed</span>' if change.regressed else 'no'}</td></tr>"
            for metric, change in comparison.metrics.items()
        )
        parts.append(
            f"<p>Against <b>{escape(name)}</b>: each run's mean, compared plainly "
            "(what the pipeline's summary records).</p><table><thead><tr>"
            '<th>metric</th><th class="num">previous</th><th class="num">current</th>'
            '<th class="num">change</th><th class="num">tolerance</th><th>regressed</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    if report.paired:
        rows = "".join(
            f'<tr data-metric="{escape(c.metric)}"><td>{escape(c.metric)}</td>'
            f'<td class="num">{c.shared}</td>'
            f'<td class="num">{numbers.signed(c.mean_worsening)}</td>'
            f'<td class="num">[{numbers.signed(c.ci_low)}, {numbers.signed(c.ci_high)}]</td>'
            f'<td class="num">{numbers.rate(c.swing_share)}</td>'
            f"<td>{_paired_verdict(c)}</td></tr>"
            for c in report.paired
        )
        confidence = report.paired[0].confidence
        parts.append(
            "<p>Paired on the records both runs scored, as <code>evalctl gate</code> decides: "
            f"mean worsening (positive is worse) with its {confidence:.0%} bootstrap interval, "
            "and the share of records whose score moved by a rubric step or more.</p>"
            "<table><thead><tr><th>metric</th>"
            '<th class="num">shared</th><th class="num">worsening</th>'
            '<th class="num">interval</th><th class="num">swings</th><th>verdict</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)


def _paired_verdict(change: PairedChange) -> str:
    if change.regressed:
        return '<span class="bad">regression</span>'
    if change.within_noise:
        return "worse, but within judge noise"
    return "no regression"


def _trend(report: Report) -> str:
    charts = [
        _figure(metric, svg.trend(metric, report.trend_of(metric)))
        for metric in report.summary.metrics
    ]
    note = (
        '<p class="muted">One run so far: pass --history or report from the bucket.</p>'
        if len(report.trend) == 1
        else ""
    )
    return (
        f'<section id="trend"><h2>Trend over {len(report.trend)} run(s)</h2>{note}'
        f'<div class="charts">{"".join(charts)}</div></section>'
    )


def _hints(report: Report) -> str:
    items = "".join(
        f'<p class="hint" data-metric="{escape(hint.metric)}" data-kind="{hint.kind.value}">'
        f"<b>{escape(hint.metric)}</b> "
        f"<code>{hint.kind.value}</code> {escape(hint.message)}</p>"
        for hint in report.hints
    )
    body = items or (
        '<p class="muted">None: no metric is mostly N/A, stuck at the top of its scale, or '
        "swinging between runs.</p>"
    )
    swing_note = (
        ""
        if report.paired
        else '<p class="muted">Swings between runs need per-record scores of two runs '
        "(--baseline-results or --baseline-job).</p>"
    )
    return f'<section id="hints"><h2>Metric refinement hints</h2>{body}{swing_note}</section>'


def _lowest(report: Report) -> str:
    summary = report.summary
    records = "".join(
        f'<div class="record" data-metric="{escape(low.metric)}" data-score="{low.score!r}">'
        f"<h3>{index}. {escape(low.metric)} = {numbers.score(low.score)}"
        f' <span class="muted">· category {escape(low.category or "(none)")}</span></h3>'
        f'<div class="label source">{escape(low.source)}:{low.line}</div>'
        f'<div class="label">Prompt</div><div class="text prompt">{escape(low.prompt)}</div>'
        f'<div class="label">Response</div><div class="text response">{escape(low.response)}'
        '</div><div class="label">Judge\'s reasoning</div>'
        f'<div class="text explanation">{escape(low.explanation)}</div></div>'
        for index, low in enumerate(report.lowest, start=1)
    )
    body = records or '<p class="muted">No record scored below the threshold.</p>'
    return (
        f'<section id="lowest"><h2>Lowest records (score below '
        f"{summary.low_score_threshold:g}; {summary.low_score_count} in all)</h2>{body}</section>"
    )


def render_html(report: Report) -> str:
    summary = report.summary
    verdict = summary.verdict.value
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Evaluation report: {escape(report.title)}</title><style>{STYLE}</style></head>"
        f"<body><header><h1>Evaluation report: {escape(report.title)}"
        f'<span class="verdict {verdict}" id="verdict">{verdict.upper()}</span></h1>'
        f'<p><span id="records">{summary.records}</span> records · '
        f"{summary.malformed_lines} malformed lines · generated {escape(summary.generated_at)}"
        f"</p></header><main>{_metric_table(report)}{_distributions(report)}"
        f"{_categories(report)}{_comparison(report)}{_trend(report)}{_hints(report)}"
        f"{_lowest(report)}</main></body></html>\n"
    )
