"""`evalctl summarize`: aggregate a downloaded results folder the same way the parse Lambda does.

Handy for a job run outside the pipeline (`aws s3 sync s3://bucket/results/... ./out`) and
for checking a run's numbers without AWS.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evalcore.aggregate import ScoreAggregator
from evalcore.defaults import LOW_SCORE_THRESHOLD
from evalcore.errors import InputError, Problem
from evalcore.report import build_summary
from evalcore.results import iter_result_records
from evalcore.suite import load_suite
from evalcore.summary import Baseline, ResultsSource
from evalctl.commands import add_command_parser
from evalctl.render import render_summary
from evalctl.runs import local_outputs


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "summarize", __doc__)
    parser.add_argument("results_dir", type=Path, help="folder holding *_output.jsonl files")
    parser.add_argument("--suite", help="suite name or file: adds floors and low-score threshold")
    parser.add_argument("--previous", type=Path, help="an earlier summary.json to compare with")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    outputs = local_outputs(args.results_dir)
    suite = load_suite(args.suite) if args.suite else None
    aggregator = ScoreAggregator(
        low_score_threshold=suite.low_score_threshold if suite else LOW_SCORE_THRESHOLD
    )
    for index, path in enumerate(outputs, start=1):
        print(f"[{index}/{len(outputs)}] reading {path}", file=sys.stderr)
        with path.open("rb") as lines:
            aggregator.add_all(iter_result_records(lines, source=str(path)))
    summary = build_summary(
        aggregator,
        suite=suite,
        source=ResultsSource(tuple(str(p) for p in outputs), results_dir=str(args.results_dir)),
        baseline=_baseline(args.previous),
    )
    print(json.dumps(summary.to_json(), indent=2) if args.json else render_summary(summary))
    return 0


def _baseline(path: Path | None) -> Baseline | None:
    if path is None:
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(
            [Problem(str(path), "<file>", f"is not a readable summary.json ({error})", "check it")]
        ) from None
    return Baseline.from_summary_json(document, summary_key=str(path))
