import re
from dataclasses import replace

from evalcore.summary import ThresholdBreach
from evalctl.reporting.html_report import CONTENT_SECURITY_POLICY, render_html
from evalctl.reporting.model import build_report
from tests.cli.reporting_summaries import summary


def test_the_page_is_self_contained_and_forbids_every_fetch():
    page = render_html(build_report(summary([0.1, 0.9])))
    assert f'content="{CONTENT_SECURITY_POLICY}"' in page
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_text_from_the_data_is_escaped():
    page = render_html(build_report(summary([0.1], response='</div><img src=x onerror="y">')))
    assert "<img" not in page
    assert "&lt;/div&gt;&lt;img src=x onerror=&quot;y&quot;&gt;" in page


def test_a_summary_without_histograms_says_how_to_get_them():
    old = summary([0.5])
    metrics = {name: replace(stats, histogram=()) for name, stats in old.metrics.items()}
    page = render_html(build_report(replace(old, metrics=metrics)))
    assert "predates score histograms" in page and 'class="chart histogram"' not in page


def test_exact_means_are_carried_beside_the_rounded_ones():
    page = render_html(build_report(summary([0.1234567, 0.5])))
    mean = (0.1234567 + 0.5) / 2
    assert f'<td class="num mean" data-value="{mean!r}">{mean:.3f}</td>' in page


def test_every_model_that_breached_a_metric_is_named_on_its_row():
    breaches = tuple(
        ThresholdBreach("Builtin.Correctness", 0.6, 0.7, None, model)
        for model in ("model-a", "model-b")
    )
    page = render_html(build_report(replace(summary([0.6]), threshold_breaches=breaches)))
    assert '<span class="bad">out of bounds (≥ 0.7) for model-a, model-b</span>' in page
