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
from evalcore.errors import InputError, Problem
from evalcore.report import build_summary
from evalcore.results import is_job_output, iter_result_records
from evalcore.suite import load_suite
from evalctl.commands import register_summarize
from evalctl.render import render_summary


def register(commands: argparse._SubParsersAction) -> None:
    """The arguments live in evalctl.commands so `evalctl --help` need not import this module."""
    register_summarize(commands)


def find_local_outputs(results_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in results_dir.rglob("*")
        if path.is_file() and is_job_output(path.relative_to(results_dir).as_posix())
    )


def run(args: argparse.Namespace) -> int:
    if not args.results_dir.is_dir():
        raise InputError(
            [Problem(str(args.results_dir), "<folder>", "is not a folder", "check the path")]
        )
    suite = load_suite(args.suite) if args.suite else None
    outputs = find_local_outputs(args.results_dir)
    if not outputs:
        raise InputError(
            [
                Problem(
                    str(args.results_dir),
                    "<folder>",
                    "holds no *_output.jsonl files",
                    "download the job's output prefix, e.g. aws s3 sync s3://<bucket>/results/...",
                )
            ]
        )
    aggregator = ScoreAggregator(low_score_threshold=suite.low_score_threshold if suite else 0.5)
    for index, path in enumerate(outputs, start=1):
        print(f"[{index}/{len(outputs)}] reading {path}", file=sys.stderr)
        with path.open("rb") as lines:
            aggregator.add_all(iter_result_records(lines, source=str(path)))
    previous = json.loads(args.previous.read_text()) if args.previous else None
    summary = build_summary(
        aggregator,
        suite=suite,
        job={"resultsDir": str(args.results_dir)},
        output_files=[str(p) for p in outputs],
        previous=previous,
    )
    print(json.dumps(summary, indent=2) if args.json else render_summary(summary))
    return 0
