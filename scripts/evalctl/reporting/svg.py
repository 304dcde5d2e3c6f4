"""Hand-written SVG charts for the HTML report: no script, no library, nothing fetched.

The report must open offline from an e-mail attachment, so every chart is static SVG markup
inlined in the page. Each chart is an <svg class="chart ..."> whose marks carry their number in
a data- attribute and a <title> tooltip, so a reader can hover and a test can check them.
Every text that came from data (metric and category names) is escaped here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from evalcore.metrics import Direction

GOOD = "#2e7d32"
FAIR = "#f9a825"
BAD = "#c62828"
MUTED = "#9e9e9e"
INK = "#37474f"


def quality_colour(goodness: float | None) -> str:
    """Red for bad, amber for fair, green for good, on the scale oriented to higher-is-better."""
    if goodness is None:
        return MUTED
    if goodness >= 0.75:
        return GOOD
    if goodness >= 0.5:
        return FAIR
    return BAD


def _svg(kind: str, width: int, height: int, label: str, body: list[str], **data: str) -> str:
    attributes = "".join(f' data-{key}="{escape(value)}"' for key, value in data.items())
    return (
        f'<svg class="chart {kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(label)}"{attributes}>' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{INK}">{escape(text)}</text>'
    )


def histogram(metric: str, counts: Sequence[int], direction: Direction) -> str:
    """Bars per tenth of the 0-1 scale, coloured by how good that tenth is for this metric."""
    width, height, left, bottom, top = 300, 130, 30, 22, 10
    plot_width, plot_height = width - left - 8, height - bottom - top
    tallest = max(counts, default=0) or 1
    bar_width = plot_width / max(len(counts), 1)
    body = [
        f'<line x1="{left}" y1="{top + plot_height}" x2="{left + plot_width}" '
        f'y2="{top + plot_height}" stroke="{INK}" stroke-width="1"/>',
        _text(left - 4, top + 8, str(tallest), "end", 10),
        _text(left - 4, top + plot_height, "0", "end", 10),
    ]
    for index, count in enumerate(counts):
        bar_height = plot_height * count / tallest
        x = left + index * bar_width
        low, high = index / len(counts), (index + 1) / len(counts)
        colour = quality_colour(direction.goodness((low + high) / 2))
        body.append(
            f'<rect class="bar" x="{x + 1:.1f}" y="{top + plot_height - bar_height:.1f}" '
            f'width="{bar_width - 2:.1f}" height="{bar_height:.1f}" fill="{colour}" '
            f'data-count="{count}"><title>{low:.1f}-{high:.1f}: {count} record(s)</title></rect>'
        )
    for tick in (0.0, 0.5, 1.0):
        body.append(_text(left + tick * plot_width, height - 6, f"{tick:g}", size=10))
    return _svg("histogram", width, height, f"{metric} score distribution", body, metric=metric)


def category_bars(metric: str, means: Mapping[str, float | None], direction: Direction) -> str:
    """One horizontal bar per category: the metric's mean there, on a fixed 0-1 axis."""
    label_width, bar_space, row, top = 150, 200, 22, 6
    width = label_width + bar_space + 50
    height = top + row * max(len(means), 1) + 18
    body = []
    for index, (category, mean) in enumerate(means.items()):
        y = top + index * row
        length = 0.0 if mean is None else bar_space * max(0.0, min(1.0, mean))
        shown = "n/a" if mean is None else f"{mean:.3f}"
        goodness = None if mean is None else direction.goodness(mean)
        body.append(_text(label_width - 6, y + 14, _clip(category, 22), "end"))
        body.append(
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{length:.1f}" '
            f'height="{row - 6}" '
            f'fill="{quality_colour(goodness)}" data-category="{escape(category)}" '
            f'data-value="{"" if mean is None else repr(mean)}">'
            f"<title>{escape(category)}: {shown}</title></rect>"
        )
        body.append(_text(label_width + length + 4, y + 14, shown, "start"))
    axis_y = top + row * max(len(means), 1) + 2
    body.append(
        f'<line x1="{label_width}" y1="{axis_y}" x2="{label_width + bar_space}" y2="{axis_y}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    for tick in (0.0, 0.5, 1.0):
        body.append(_text(label_width + tick * bar_space, axis_y + 13, f"{tick:g}", size=10))
    return _svg("category-bars", width, height, f"{metric} by category", body, metric=metric)


def trend(metric: str, points: Sequence[tuple[str, float | None]]) -> str:
    """The metric's mean per run, oldest left; a missing mean leaves a gap in the line."""
    width, height, left, right, top, bottom = 300, 130, 30, 12, 10, 22
    plot_width, plot_height = width - left - right, height - top - bottom
    step = plot_width / max(len(points) - 1, 1)

    def position(index: int, mean: float) -> tuple[float, float]:
        x = left + (index * step if len(points) > 1 else plot_width / 2)
        return x, top + plot_height * (1 - max(0.0, min(1.0, mean)))

    body = [
        f'<line x1="{left}" y1="{top + plot_height}" x2="{left + plot_width}" '
        f'y2="{top + plot_height}" stroke="{INK}" stroke-width="1"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_height}" '
        f'stroke="{INK}" stroke-width="1"/>',
        _text(left - 4, top + 8, "1", "end", 10),
        _text(left - 4, top + plot_height, "0", "end", 10),
    ]
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, (_, mean) in enumerate(points):
        if mean is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = position(index, mean)
        segment.append(f"{x:.1f},{y:.1f}")
    if segment:
        segments.append(segment)
    body += [
        f'<polyline class="line" points="{" ".join(s)}" fill="none" stroke="#1565c0" '
        'stroke-width="2"/>'
        for s in segments
        if len(s) > 1
    ]
    for index, (label, mean) in enumerate(points):
        if mean is None:
            continue
        x, y = position(index, mean)
        body.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1565c0" '
            f'data-value="{mean!r}"><title>{escape(label)}: {mean:.3f}</title></circle>'
        )
    if len(points) == 1:
        body.append(_text(left + plot_width / 2, height - 6, _clip(points[0][0], 16), size=10))
    elif points:
        body.append(_text(left, height - 6, _clip(points[0][0], 16), "start", 10))
        body.append(_text(left + plot_width, height - 6, _clip(points[-1][0], 16), "end", 10))
    return _svg("trend", width, height, f"{metric} over runs", body, metric=metric)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
