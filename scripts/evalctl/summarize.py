"""`evalctl summarize`: aggregate downloaded evaluation results the way the parse Lambda does.

Takes one results file or a folder (searched recursively). Any JSONL whose rows are evaluation
results counts, whatever its name: users download and commit outputs as `results.jsonl` or
`run-3.jsonl`, not only Bedrock's `<uuid>_output.jsonl`. A folder holding several jobs'
outputs is a mistake unless they are a model comparison (`--compare`, or a suite with several
target models): then each job is aggregated on its own and the models are put side by side;
otherwise the jobs are merged with a warning naming them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evalcore import job_specs
from evalcore.aggregate import ScoreAggregator
from evalcore.defaults import LOW_SCORE_THRESHOLD
from evalcore.errors import InputError, Problem
from evalcore.report import build_comparison_summary, build_summary
from evalcore.results import iter_result_records, output_job, output_model
from evalcore.summary import Baseline, ResultsSource
from evalctl.commands import add_command_parser
from evalctl.optional_suite import load_suite
from evalctl.render import render_summary
from evalctl.runs import local_outputs


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "summarize", __doc__)
    parser.add_argument("results", type=Path, help="a results JSONL file, or a folder of them")
    parser.add_argument("--suite", help="suite name or file: adds floors and low-score threshold")
    parser.add_argument("--previous", type=Path, help="an earlier summary.json to compare with")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="the folder holds one job per model: put the models side by side",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(run=run)


def _label(results: Path, path: Path) -> str:
    relative = path.relative_to(results).as_posix() if results.is_dir() else path.name
    return relative


def run(args: argparse.Namespace) -> int:
    results: Path = args.results
    outputs = local_outputs(results)
    suite = load_suite(args.suite) if args.suite else None
    jobs: dict[str, list[Path]] = {}
    for path in outputs:
        jobs.setdefault(output_job(_label(results, path)), []).append(path)
    compare = args.compare or (suite is not None and bool(job_specs.compared_models(suite)))
    if len(jobs) > 1 and not compare:
        print(
            f"warning: {results} holds the outputs of {len(jobs)} jobs ({', '.join(sorted(jobs))});"
            " their scores are merged into one summary. Summarize one job's folder, or pass "
            "--compare if they are one job per model.",
            file=sys.stderr,
        )
    threshold = suite.low_score_threshold if suite else LOW_SCORE_THRESHOLD
    per_model: dict[str, ScoreAggregator] = {}
    for index, path in enumerate(outputs, start=1):
        print(f"[{index}/{len(outputs)}] reading {path}", file=sys.stderr)
        label = _label(results, path)
        model = (output_model(label) or output_job(label)) if compare else ""
        aggregator = per_model.setdefault(model, ScoreAggregator(low_score_threshold=threshold))
        with path.open("rb") as lines:
            aggregator.add_all(iter_result_records(lines, source=str(path)))
    source = ResultsSource(
        tuple(str(p) for p in outputs),
        results_dir=str(results if results.is_dir() else results.parent),
    )
    baseline = _baseline(args.previous)
    if len(per_model) > 1:
        # The pipeline's parse step builds a comparison's summary with the same function.
        summary = build_comparison_summary(per_model, suite=suite, source=source, baseline=baseline)
    else:
        pooled = ScoreAggregator(low_score_threshold=threshold)
        for aggregator in per_model.values():
            pooled.merge(aggregator)
        summary = build_summary(pooled, suite=suite, source=source, baseline=baseline)
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
