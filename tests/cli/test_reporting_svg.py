import re

from evalcore.metrics import Direction
from evalctl.reporting.svg import BAD, GOOD, category_bars, histogram, quality_colour, trend


def attribute_values(svg: str, element: str, attribute: str) -> list[str]:
    return re.findall(rf'<{element}\b[^>]*\b{attribute}="([^"]*)"', svg)


def test_a_histogram_has_one_bar_per_bin_with_its_count_and_height_in_proportion():
    svg = histogram("m", (0, 1, 0, 0, 0, 0, 0, 0, 2, 4), Direction.HIGHER_IS_BETTER)
    assert attribute_values(svg, "rect", "data-count") == ["0", "1"] + ["0"] * 6 + ["2", "4"]
    heights = [float(h) for h in attribute_values(svg, "rect", "height")]
    assert heights[9] == 2 * heights[8] == 4 * heights[1] > 0 and heights[0] == 0


def test_bars_are_coloured_by_how_good_their_scores_are_for_the_metric():
    higher = histogram("m", (1,) * 10, Direction.HIGHER_IS_BETTER)
    lower = histogram("m", (1,) * 10, Direction.LOWER_IS_BETTER)
    assert attribute_values(higher, "rect", "fill")[0] == BAD
    assert attribute_values(lower, "rect", "fill")[0] == GOOD
    assert quality_colour(None) not in (GOOD, BAD)


def test_names_from_the_data_are_escaped():
    name = '<b onclick="x">&'
    svg = category_bars(name, {name: 0.5}, Direction.HIGHER_IS_BETTER)
    assert "<b " not in svg and "&lt;b onclick=&quot;x&quot;&gt;&amp;" in svg


def test_category_bars_carry_exact_means_and_scale_to_the_axis():
    svg = category_bars("m", {"a": 0.25, "b": 1.0, "c": None}, Direction.HIGHER_IS_BETTER)
    assert attribute_values(svg, "rect", "data-value") == ["0.25", "1.0", ""]
    widths = [float(w) for w in attribute_values(svg, "rect", "width")]
    assert widths[1] == 4 * widths[0] and widths[2] == 0
    assert ">n/a<" in svg


def test_a_trend_breaks_its_line_where_a_run_has_no_mean():
    svg = trend("m", [("r1", 0.5), ("r2", 0.6), ("r3", None), ("r4", 0.7), ("r5", 0.8)])
    assert svg.count("<polyline") == 2
    assert attribute_values(svg, "circle", "data-value") == ["0.5", "0.6", "0.7", "0.8"]
    assert trend("m", [("only", 0.5)]).count("<circle") == 1
