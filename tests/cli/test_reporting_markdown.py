from dataclasses import replace

from evalcore.summary import ThresholdBreach
from evalctl.reporting.markdown_report import cell, quote, render_markdown, sparkline
from evalctl.reporting.model import build_report
from tests.cli.reporting_summaries import summary


def test_table_cells_and_quotes_cannot_break_the_markdown_or_inject_html():
    assert cell("a | b\nc <i>") == "a \\| b c &lt;i&gt;"
    assert quote("line 1\n\n<b>line 3</b>") == "> line 1\n>\n> &lt;b&gt;line 3&lt;/b&gt;"


def test_sparklines_scale_to_the_largest_value_and_leave_gaps():
    assert sparkline([0, 1, 2, 4]) == "▁▂▄█"
    assert sparkline([None, 1.0]) == " █"


def test_a_run_with_no_mean_and_no_low_records_still_renders():
    markdown = render_markdown(build_report(summary([None, None])))
    assert "| Builtin.Correctness | higher-is-better | n/a | 0 | 2 | 100.0% |" in markdown
    assert "No record scored below the threshold." in markdown
    assert "(mostly-not-applicable)" in markdown


def test_the_lowest_records_show_prompt_response_and_reasoning():
    report = build_report(summary([0.1], response="It | <depends>"))
    markdown = render_markdown(report)
    assert "### 1. Builtin.Correctness = 0.100 · category billing" in markdown
    assert "> q0" in markdown and "> It | &lt;depends&gt;" in markdown
    assert "> Judged Builtin.Correctness." in markdown


def test_every_model_that_breached_a_metric_is_named_on_its_row():
    """A comparison checks each model's mean: two models under the floor are both named."""
    breaches = tuple(
        ThresholdBreach("Builtin.Correctness", mean, 0.7, None, model)
        for model, mean in (("us.amazon.nova-lite-v1:0", 0.6), ("us.amazon.nova-micro-v1:0", 0.65))
    )
    markdown = render_markdown(
        build_report(replace(summary([0.6, 0.65]), threshold_breaches=breaches))
    )
    assert (
        "**out of bounds (≥ 0.7) for us.amazon.nova-lite-v1:0, us.amazon.nova-micro-v1:0**"
        in markdown
    )
