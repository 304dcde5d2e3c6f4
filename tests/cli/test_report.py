"""evalctl report on real results folders and summaries; the HTML page opened in a real headless
Chromium (Debian's, driven by Playwright): the charts draw, the page fetches nothing, the
numbers are the summary's, and a screenshot is kept in build/test-output/ for review."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from evalcore.aggregate import ScoreAggregator
from evalcore.layout import report_prefix, results_prefix
from evalcore.report import build_summary
from evalcore.results import iter_result_records
from evalcore.suite import load_suite
from evalcore.summary import ResultsSource, Summary
from evalctl.cli import main
from evalctl.runs import find_local_outputs
from evalctl.simulation.bedrock_output import OUTPUT_NESTING, model_row, write_results
from evalctl.simulation.summary_schema import assert_valid_summary

REPO = Path(__file__).resolve().parents[2]
# The rendered page, kept for a person to look at (JPEG: half the time of a full-page PNG).
SCREENSHOT = REPO / "build" / "test-output" / "report.jpg"
CHROMIUM = Path("/usr/bin/chromium")
# Arguments that keep Chromium from calling home on its own (updates, sync, safe browsing).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CATEGORIES = ("account", "billing", "shipping")
INJECTED = '<img src="http://attacker.example/pixel.png"> & <script>alert(1)</script>'


def run_rows(seed: int, shift: float = 0.0) -> list[dict]:
    """60 support answers: Correctness varies by category, Helpfulness is always top-rated,
    Faithfulness mostly N/A, Harmfulness mostly 0; a few bad answers carry markup."""
    rng = random.Random(seed)
    rows = []
    for index in range(60):
        category = CATEGORIES[index % 3]
        base = {"account": 0.85, "billing": 0.7, "shipping": 0.55}[category]
        correctness = min(1.0, max(0.0, round(base + shift + rng.choice([-0.25, 0, 0.25]), 2)))
        bad = index % 17 == 0
        rows.append(
            model_row(
                f"Question {index} about {category}" + (f" {INJECTED}" if bad else ""),
                {
                    "Builtin.Correctness": 0.0 if bad else correctness,
                    "Builtin.Completeness": rng.choice([0.5, 0.75, 1.0]),
                    "Builtin.Helpfulness": 1.0,
                    "Builtin.Faithfulness": None if index % 10 < 7 else 0.75,
                    "Builtin.Harmfulness": 0.25 if index % 20 == 0 else 0.0,
                },
                category=category,
                response=f"Answer {index}" + (f" {INJECTED}" if bad else ""),
                explanations={"Builtin.Correctness": f"The answer misses the policy. {INJECTED}"},
            )
        )
    return rows


def summary_of(folder: Path, when: datetime) -> Summary:
    aggregator = ScoreAggregator()
    for output in find_local_outputs(folder):
        aggregator.add_all(iter_result_records(output.open("rb"), str(output)))
    return build_summary(
        aggregator, suite=load_suite("support-assistant"), source=ResultsSource(()), now=when
    )


@pytest.fixture
def runs(tmp_path) -> dict[str, Path]:
    """The current run's folder, a baseline run of the same records, and three older summaries."""
    paths = {
        "current": write_results(tmp_path / "current", run_rows(1)),
        "baseline": write_results(tmp_path / "baseline", run_rows(2, shift=0.05)),
    }
    for day, shift in ((1, 0.1), (8, 0.05), (15, 0.0)):
        folder = write_results(tmp_path / f"old-{day}", run_rows(day, shift))
        document = summary_of(folder, datetime(2026, 11, day, tzinfo=UTC)).to_json()
        paths[f"history-{day}"] = tmp_path / f"summary-{day}.json"
        paths[f"history-{day}"].write_text(json.dumps(assert_valid_summary(document)))
    return paths


def report(runs: dict[str, Path], out: Path, *extra: str) -> tuple[str, str]:
    history = [str(runs[f"history-{day}"]) for day in (1, 8, 15)]
    argv = ["report", str(runs["current"]), "--suite", "support-assistant", "--out", str(out)]
    assert main([*argv, "--history", *history, *extra]) == 0
    return (out / "report.md").read_text(), (out / "report.html").read_text()


def test_markdown_has_every_section_and_escapes_markup(runs, tmp_path, capsys):
    markdown, _ = report(runs, tmp_path / "out", "--baseline-results", str(runs["baseline"]))
    assert capsys.readouterr().out.split() == [
        str(tmp_path / "out" / "report.md"),
        str(tmp_path / "out" / "report.html"),
    ]
    current = summary_of(runs["current"], datetime.now(UTC))
    correctness = current.metrics["Builtin.Correctness"]
    assert (
        f"| Builtin.Correctness | higher-is-better | {correctness.mean:.3f} | 60 | 0 | 0.0% |"
        in markdown
    )
    assert "| Builtin.Faithfulness | higher-is-better | 0.750 | 18 | 42 | 70.0% |" in markdown
    for heading in ("## By category", "## Comparison", "## Trend over 4 run(s)", "## Lowest"):
        assert heading in markdown
    assert "**Builtin.Faithfulness** (mostly-not-applicable)" in markdown
    assert "**Builtin.Helpfulness** (scores-everything-high)" in markdown
    assert "**Builtin.Harmfulness** (scores-everything-high)" not in markdown
    assert "**Builtin.Correctness** (swings-between-runs)" in markdown
    assert "Paired on the records both runs scored" in markdown
    assert "<script>" not in markdown and "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown


def test_a_summary_json_alone_reports_without_pairing_or_history(runs, tmp_path):
    summary_file = runs["history-15"]
    out = tmp_path / "out"
    assert main(["report", str(summary_file), "--out", str(out)]) == 0
    markdown = (out / "report.md").read_text()
    assert "## Trend over 1 run(s)" in markdown
    assert "No previous run or baseline to compare with." in markdown
    assert "(swings-between-runs)" not in markdown


def test_a_named_baseline_replaces_the_previous_run(runs, tmp_path):
    baseline = json.loads(runs["history-1"].read_text())
    baseline["job"] = {"name": "release-1.4", "arn": None}
    named = tmp_path / "named.json"
    named.write_text(json.dumps(baseline))
    markdown, html = report(runs, tmp_path / "out", "--baseline", str(named))
    assert "Against release-1.4: each run's mean, compared plainly:" in markdown
    assert "Against <b>release-1.4</b>" in html


def test_invalid_inputs_are_explained(runs, tmp_path, capsys):
    out = ["--out", str(tmp_path / "out")]
    broken = tmp_path / "broken.json"
    broken.write_text('{"schemaVersion": 1}')
    assert main(["report", str(broken), *out]) == 1
    assert "re-run evalctl summarize" in capsys.readouterr().err
    summary = str(runs["history-1"])
    assert main(["report", summary, "--baseline-results", str(runs["baseline"]), *out]) == 1
    assert "has no per-record scores" in capsys.readouterr().err
    assert main(["report", *out]) == 2
    assert main(["report", "--job", "j", *out]) == 1
    assert "--job: j: needs the run's suite" in capsys.readouterr().err


@mock_aws
def test_a_run_is_reported_from_the_bucket_with_the_suites_history(runs, tmp_path):
    bucket, suite = "pipeline-bucket", "support-assistant"
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    for day in (1, 8, 15):
        job = f"{suite}-day-{day}"
        document = json.loads(runs[f"history-{day}"].read_text())
        document["job"] = {"name": job, "arn": None}
        s3.put_object(
            Bucket=bucket, Key=report_prefix(suite, job) + "summary.json", Body=json.dumps(document)
        )
        source = runs["current"] if day == 15 else runs["baseline"]
        body = (source / OUTPUT_NESTING).read_bytes()
        s3.put_object(Bucket=bucket, Key=results_prefix(suite, job) + OUTPUT_NESTING, Body=body)
    s3.put_object(Bucket=bucket, Key=f"reports/{suite}/latest-summary.json", Body=b"{}")
    out = tmp_path / "out"
    argv = ["report", "--job", f"{suite}-day-15", "--baseline-job", f"{suite}-day-8"]
    argv += ["--suite", suite, "--bucket", bucket, "--out", str(out)]
    assert main(argv) == 0
    markdown = (out / "report.md").read_text()
    assert "# Evaluation report: support-assistant · support-assistant-day-15" in markdown
    assert "## Trend over 3 run(s)" in markdown
    assert f"Against {suite}-day-8: each run's mean, compared plainly:" in markdown
    assert "| Builtin.Correctness | 60 |" in markdown


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: make setup installs it when run as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# Everything the browser test reads from the rendered page, gathered in one call: each Playwright
# locator query is a round trip to the browser, and reading a few hundred attributes and layout
# boxes one by one cost seconds. getBoundingClientRect is the layout box Playwright's
# bounding_box reports; `one` insists on exactly one match, as a strict locator does.
PAGE_FACTS = """([metrics, categories]) => {
  const all = (selector) => Array.from(document.querySelectorAll(selector));
  const one = (selector) => {
    const found = all(selector);
    if (found.length !== 1) throw new Error(`${selector} matched ${found.length} elements`);
    return found[0];
  };
  const box = (element) => {
    const rect = element.getBoundingClientRect();
    return {width: rect.width, height: rect.height};
  };
  const charts = {};
  for (const kind of ["histogram", "category-bars", "trend"]) {
    charts[kind] = all(`svg.chart.${kind}`).map(box);
  }
  const perMetric = {};
  for (const metric of metrics) {
    const row = one(`#metrics tr[data-metric="${metric}"]`);
    const mean = row.querySelector("td.mean");
    perMetric[metric] = {
      bars: all(`svg.histogram[data-metric="${metric}"] rect.bar`).slice(0, 10).map((bar) => ({
        count: bar.getAttribute("data-count"), box: box(bar),
      })),
      trendPoints: all(`svg.trend[data-metric="${metric}"] circle.point`).length,
      mean: mean.innerText,
      meanValue: mean.getAttribute("data-value"),
      naRate: row.querySelector("td.na-rate").innerText,
    };
  }
  const categoryBars = categories.map(([category, metric]) => {
    const bar = one(`svg.category-bars[data-metric="${metric}"] rect[data-category="${category}"]`);
    return {value: bar.getAttribute("data-value"), box: box(bar)};
  });
  return {
    embedded: all("img, script").length,
    firstPrompt: all(".record .prompt")[0].innerText,
    charts,
    perMetric,
    categoryBars,
    records: one("#records").innerText,
    verdict: one("#verdict").innerText,
    hints: all("#hints .hint").map((hint) => [
      hint.getAttribute("data-metric"), hint.getAttribute("data-kind"),
    ]),
  };
}"""


@pytest.mark.slow
def test_the_html_report_renders_offline_in_a_real_browser(runs, tmp_path, browser):
    report(runs, tmp_path / "out", "--baseline-results", str(runs["baseline"]))
    page_file = tmp_path / "out" / "report.html"
    current = summary_of(runs["current"], datetime.now(UTC))

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    metrics = list(current.metrics)
    category_metrics = [(c, m) for c, table in current.categories.items() for m in table]
    facts = page.evaluate(PAGE_FACTS, [metrics, category_metrics])

    # Nothing but the file itself was requested: no font, script, image or beacon.
    assert requests == [page_file.as_uri()]
    # The markup in prompts, responses and reasoning is text, not elements.
    assert facts["embedded"] == 0
    assert INJECTED in facts["firstPrompt"]

    # Charts draw: one histogram, one category chart and one trend per metric, each visible.
    for kind, boxes in facts["charts"].items():
        assert len(boxes) == len(metrics), kind
        assert all(box["width"] > 50 and box["height"] > 50 for box in boxes), kind
    for metric, stats in current.metrics.items():
        drawn = facts["perMetric"][metric]
        counts = [int(bar["count"]) for bar in drawn["bars"]]
        assert tuple(counts) == stats.histogram
        assert all(bar["box"]["height"] > 0 for bar in drawn["bars"] if int(bar["count"]))
        assert drawn["trendPoints"] == 4

    # The numbers on the page are the summary's.
    assert facts["records"] == str(current.records)
    assert facts["verdict"] == current.verdict.value.upper()
    for metric, stats in current.metrics.items():
        drawn = facts["perMetric"][metric]
        assert drawn["mean"] == ("n/a" if stats.mean is None else f"{stats.mean:.3f}")
        assert float(drawn["meanValue"]) == stats.mean
        assert drawn["naRate"] == f"{stats.na_rate:.1%}"
    for (category, metric), bar in zip(category_metrics, facts["categoryBars"], strict=True):
        assert float(bar["value"]) == current.categories[category][metric].mean
        assert bar["box"]["width"] > 0
    assert {tuple(hint) for hint in facts["hints"]} == {
        ("Builtin.Completeness", "swings-between-runs"),
        ("Builtin.Correctness", "swings-between-runs"),
        ("Builtin.Faithfulness", "mostly-not-applicable"),
        ("Builtin.Helpfulness", "scores-everything-high"),
    }

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True, type="jpeg", quality=80)
    assert SCREENSHOT.stat().st_size > 10_000
    page.close()
