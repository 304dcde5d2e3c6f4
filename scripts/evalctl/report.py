"""`evalctl report`: a run's findings as Markdown and a self-contained HTML page.

The run is a local summary.json, a local results folder (aggregated like `evalctl summarize`),
or, with --job and --suite, the summary the pipeline wrote to the stack's bucket. The HTML
page has no script and fetches nothing: it opens offline, e.g. from an e-mail attachment.

Comparison: with the previous run the summary names, or with --baseline (a summary.json).
With per-record scores of both runs (a results folder and --baseline-results, or --job and
--baseline-job) it also shows the paired interval `evalctl gate` decides on and which metrics
swing between runs. Trend: --history summaries, else (from the bucket) the suite's earlier runs.

Writes <out>/report.md and <out>/report.html and prints their paths.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from evalcore.aggregate import ScoreAggregator
from evalcore.defaults import LOW_SCORE_THRESHOLD, REGRESSION_TOLERANCE
from evalcore.errors import InputError, Problem
from evalcore.paired import PairedChange, RecordScores, compare_runs
from evalcore.report import build_summary
from evalcore.suite import Suite, load_suite
from evalcore.summary import Baseline, ResultsSource, Summary
from evalctl.aws import ClientFactory
from evalctl.commands import add_command_parser
from evalctl.console import stderr
from evalctl.reporting.html_report import render_html
from evalctl.reporting.markdown_report import render_markdown
from evalctl.reporting.model import DEFAULT_LOWEST, build_report
from evalctl.runs import (
    BucketRun,
    add_run_arguments,
    aggregate_and_pair,
    bucket_name,
    bucket_summary_keys,
    iter_bucket_records,
    iter_local_records,
    local_outputs,
    read_bucket_summary,
    read_summary_file,
)

DEFAULT_OUT = Path("report")
# Earlier runs drawn on the trend when they are read from the bucket.
BUCKET_HISTORY_RUNS = 20


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "report", __doc__)
    parser.add_argument("source", type=Path, nargs="?", help="summary.json or results folder")
    parser.add_argument("--job", help="the run's job name, read from the bucket (with --suite)")
    add_run_arguments(parser)
    parser.add_argument("--baseline", type=Path, help="a named baseline's summary.json")
    parser.add_argument("--baseline-results", type=Path, help="the baseline's results folder")
    parser.add_argument("--baseline-job", help="the baseline's job name, read from the bucket")
    parser.add_argument("--history", type=Path, nargs="+", default=[], help="earlier summaries")
    parser.add_argument("--lowest", type=int, default=DEFAULT_LOWEST, help="records shown (10)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder (./report)")
    parser.set_defaults(run=run)


def _usage(message: str) -> int:
    print(f"evalctl report: error: {message}", file=sys.stderr)
    return 2


def summary_of_folder(
    folder: Path, suite: Suite | None, want_scores: bool
) -> tuple[Summary, RecordScores]:
    outputs = local_outputs(folder)
    aggregator = ScoreAggregator(
        low_score_threshold=suite.low_score_threshold if suite else LOW_SCORE_THRESHOLD
    )
    items = iter_local_records(outputs, str(folder))
    if want_scores:
        _, scores = aggregate_and_pair(items, aggregator)
    else:
        aggregator.add_all(items)
        scores = {}
    source = ResultsSource(tuple(str(p) for p in outputs), results_dir=str(folder))
    return build_summary(aggregator, suite=suite, source=source), scores


def _needs_suite(flag: str, value: str) -> InputError:
    return InputError([Problem(flag, value, "needs the run's suite", "add --suite <name>")])


def run(args: argparse.Namespace) -> int:
    client: ClientFactory = args.services.client
    if (args.source is None) == (args.job is None):
        return _usage("give the run as a summary.json or results folder, or as --job")
    baselines = [args.baseline, args.baseline_results, args.baseline_job]
    if sum(b is not None for b in baselines) > 1:
        return _usage("give one of --baseline, --baseline-results, --baseline-job")
    suite = load_suite(args.suite) if args.suite else None
    paired_wanted = args.baseline_results is not None or args.baseline_job is not None
    bucket = None
    if args.job is not None or args.baseline_job is not None:
        if suite is None:
            raise _needs_suite("--job", args.job or args.baseline_job)
        bucket = bucket_name(args, client)
    s3 = client("s3", args.region) if bucket else None

    current_scores: RecordScores = {}
    if args.job is not None:
        assert suite is not None and bucket is not None
        run_ref = BucketRun(bucket, suite.name, args.job)
        summary = read_bucket_summary(s3, bucket, run_ref.summary_key)
        if paired_wanted:
            _, current_scores = aggregate_and_pair(iter_bucket_records(s3, run_ref))
    elif args.source.is_dir():
        summary, current_scores = summary_of_folder(args.source, suite, paired_wanted)
    else:
        summary = read_summary_file(args.source)
        if paired_wanted:
            raise InputError(
                [
                    Problem(
                        str(args.source),
                        "<source>",
                        "a summary.json has no per-record scores to pair with the baseline's",
                        "pass the run's results folder instead, or use --baseline <summary.json>",
                    )
                ]
            )

    baseline: Baseline | None = None
    baseline_scores: RecordScores = {}
    if args.baseline is not None:
        baseline = Baseline.from_summary_json(
            read_summary_file(args.baseline).to_json(), str(args.baseline)
        )
    elif args.baseline_results is not None:
        baseline_summary, baseline_scores = summary_of_folder(args.baseline_results, suite, True)
        baseline = Baseline.from_summary_json(
            baseline_summary.to_json(), str(args.baseline_results)
        )
    elif args.baseline_job is not None:
        assert suite is not None and bucket is not None
        baseline_ref = BucketRun(bucket, suite.name, args.baseline_job)
        baseline = Baseline.from_summary_json(
            read_bucket_summary(s3, bucket, baseline_ref.summary_key).to_json(),
            baseline_ref.summary_key,
        )
        _, baseline_scores = aggregate_and_pair(iter_bucket_records(s3, baseline_ref))

    paired: Sequence[PairedChange] = ()
    if paired_wanted:
        paired = compare_runs(
            current_scores,
            baseline_scores,
            tolerance_for=suite.tolerance_for if suite else lambda _m: REGRESSION_TOLERANCE,
        )

    history = [read_summary_file(path) for path in args.history]
    if not history and bucket is not None and args.job is not None:
        assert suite is not None
        keys = bucket_summary_keys(s3, bucket, suite.name)
        history = [read_bucket_summary(s3, bucket, key) for key in keys[-BUCKET_HISTORY_RUNS:]]

    report = build_report(
        summary,
        baseline=baseline,
        suite=suite,
        history=history,
        paired=paired,
        lowest=args.lowest,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    markdown_path, html_path = args.out / "report.md", args.out / "report.html"
    markdown_path.write_text(render_markdown(report), encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    stderr.print(f"{report.title}: {summary.verdict.value}, {len(report.hints)} hint(s)")
    print(markdown_path)
    print(html_path)
    return 0
