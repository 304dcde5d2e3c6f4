"""`evalctl gate`: exit 1 when a run breaks its thresholds or regresses against a baseline.

Thresholds: --min METRIC=VALUE / --max METRIC=VALUE (these replace the suite's), else the
suite's own. Each breach prints by how much.

Regression: the run is compared with the baseline run PAIRED ON THE RECORDS BOTH SHARE (keyed
by category and prompt), and a metric regresses only when its mean change is worse than the
tolerance (the suite's, or --tolerance) AND the paired bootstrap confidence interval of that
change lies wholly on the worse side of zero. Judge noise, which moves means by a few points
between identical runs, therefore does not fail the gate; a real drop does. The seed is fixed,
so the same inputs always give the same verdict.

Runs are local results folders (aws s3 sync of results/<suite>/<job>/) or, with --job and
--baseline-job, read from the deployed stack's bucket.

Exit codes: 0 passed, 1 failed (or invalid input), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalcore.aggregate import ScoreAggregator
from evalcore.defaults import REGRESSION_TOLERANCE
from evalcore.errors import InputError, Problem
from evalcore.paired import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    PairedChange,
    RecordScores,
    compare_runs,
)
from evalcore.report import threshold_breaches
from evalcore.suite import Suite, Threshold, load_suite
from evalcore.summary import ThresholdBreach
from evalctl.aws import ClientFactory
from evalctl.commands import add_command_parser
from evalctl.runs import (
    BucketRun,
    Item,
    add_run_arguments,
    aggregate_and_pair,
    bucket_name,
    iter_bucket_records,
    iter_local_records,
    local_outputs,
)


def metric_bound(text: str) -> tuple[str, float]:
    """`Builtin.Correctness=0.85` -> ("Builtin.Correctness", 0.85); argparse turns the
    ArgumentTypeError into a usage error (exit 2)."""
    metric, sep, value = text.partition("=")
    try:
        bound = float(value)
    except ValueError:
        bound = -1.0
    if not sep or not metric or not 0 <= bound <= 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not METRIC=VALUE with VALUE between 0 and 1 "
            "(e.g. Builtin.Correctness=0.85)"
        )
    return metric, bound


def open_fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1 (e.g. 0.95)")
    return value


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "gate", __doc__)
    parser.add_argument("results", type=Path, nargs="?", help="the run's local results folder")
    parser.add_argument("--baseline", type=Path, help="the baseline run's local results folder")
    parser.add_argument("--job", help="the run's job name, read from the bucket")
    parser.add_argument("--baseline-job", help="the baseline's job name, read from the bucket")
    add_run_arguments(parser)
    parser.add_argument("--min", type=metric_bound, action="append", default=[], metavar="M=V")
    parser.add_argument("--max", type=metric_bound, action="append", default=[], metavar="M=V")
    parser.add_argument("--tolerance", type=float, help="regression tolerance for every metric")
    parser.add_argument(
        "--confidence", type=open_fraction, default=DEFAULT_CONFIDENCE, help="(0.95)"
    )
    parser.add_argument("--resamples", type=positive_int, default=DEFAULT_RESAMPLES, help="(2000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="bootstrap seed (0)")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.set_defaults(run=run)


def command_line_thresholds(
    minimums: Iterable[tuple[str, float]], maximums: Iterable[tuple[str, float]]
) -> tuple[Threshold, ...]:
    floors, ceilings = dict(minimums), dict(maximums)
    return tuple(
        Threshold(metric, floors.get(metric), ceilings.get(metric))
        for metric in sorted(floors.keys() | ceilings.keys())
    )


@dataclass(frozen=True)
class GateResult:
    breaches: tuple[ThresholdBreach, ...]
    thresholds_checked: int
    changes: tuple[PairedChange, ...]

    @property
    def regressions(self) -> tuple[PairedChange, ...]:
        return tuple(change for change in self.changes if change.regressed)

    @property
    def passed(self) -> bool:
        return not self.breaches and not self.regressions


def describe_breach(breach: ThresholdBreach) -> str:
    if breach.mean is None:
        return f"{breach.metric}: no numeric score (absent or all N/A), cannot meet its bounds"
    if breach.minimum is not None and breach.mean < breach.minimum:
        return (
            f"{breach.metric}: mean {breach.mean:.3f} below min {breach.minimum:g} "
            f"by {breach.minimum - breach.mean:.3f}"
        )
    assert breach.maximum is not None
    return (
        f"{breach.metric}: mean {breach.mean:.3f} above max {breach.maximum:g} "
        f"by {breach.mean - breach.maximum:.3f}"
    )


def describe_change(change: PairedChange) -> str:
    if change.mean_worsening is None:
        return f"{change.metric}: not compared (no record scored in both runs)"
    worsening = change.mean_worsening
    moved = (
        f"worse by {worsening:.3f}"
        if worsening > 0
        else f"better by {-worsening:.3f}"
        if worsening < 0
        else "unchanged"
    )
    text = (
        f"{change.metric}: {moved} on {change.shared} shared records, "
        f"{change.confidence:.0%} CI of the worsening "
        f"[{change.ci_low:+.3f}, {change.ci_high:+.3f}], tolerance {change.tolerance:g}"
    )
    if change.regressed:
        return text + "  REGRESSION"
    if change.within_noise:
        return text + "  (within judge noise: the interval reaches 0)"
    return text


def render(result: GateResult) -> str:
    lines = [f"thresholds: {result.thresholds_checked} checked, {len(result.breaches)} broken"]
    lines += [f"  BROKEN {describe_breach(breach)}" for breach in result.breaches]
    if result.changes:
        lines.append("against the baseline (paired bootstrap on shared records):")
        lines += [f"  {describe_change(change)}" for change in result.changes]
    verdict = "GATE PASSED" if result.passed else "GATE FAILED"
    lines.append(
        f"{verdict}: {len(result.breaches)} threshold(s) broken, "
        f"{len(result.regressions)} regression(s)"
    )
    return "\n".join(lines)


def to_json(result: GateResult) -> dict[str, Any]:
    return {
        "passed": result.passed,
        "thresholdBreaches": [breach.to_json() for breach in result.breaches],
        "regressions": [change.metric for change in result.regressions],
        "changes": [
            {
                "metric": c.metric,
                "direction": c.direction.value,
                "shared": c.shared,
                "onlyCurrent": c.only_current,
                "onlyBaseline": c.only_baseline,
                "baselineMean": c.baseline_mean,
                "currentMean": c.current_mean,
                "meanWorsening": c.mean_worsening,
                "ciLow": c.ci_low,
                "ciHigh": c.ci_high,
                "confidence": c.confidence,
                "tolerance": c.tolerance,
                "regressed": c.regressed,
            }
            for c in result.changes
        ],
    }


def read_run(
    args: argparse.Namespace,
    folder: Path | None,
    job: str | None,
    suite: Suite | None,
    client: ClientFactory,
) -> tuple[ScoreAggregator, RecordScores]:
    if folder is not None:
        items: Iterable[Item] = iter_local_records(local_outputs(folder), str(folder))
    else:
        assert job is not None
        if suite is None:
            raise InputError([Problem("--job", job, "needs the run's suite", "add --suite <name>")])
        run_ref = BucketRun(bucket_name(args, client), suite.name, job)
        items = iter_bucket_records(client("s3", args.region), run_ref)
    return aggregate_and_pair(items)


def _usage(message: str) -> int:
    print(f"evalctl gate: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    client: ClientFactory = args.services.client
    if (args.results is None) == (args.job is None):
        return _usage("give the run as a results folder or as --job (one of them)")
    if args.baseline is not None and args.baseline_job is not None:
        return _usage("give the baseline as --baseline or --baseline-job, not both")
    suite = load_suite(args.suite) if args.suite else None
    thresholds = command_line_thresholds(args.min, args.max) or (suite.thresholds if suite else ())
    has_baseline = args.baseline is not None or args.baseline_job is not None
    if not thresholds and not has_baseline:
        return _usage("nothing to gate on: give --min/--max, --suite, or a baseline")
    aggregator, current = read_run(args, args.results, args.job, suite, client)
    if aggregator.records == 0:
        raise InputError(
            [Problem(str(args.results or args.job), "<run>", "has no judged record", "check it")]
        )
    changes: tuple[PairedChange, ...] = ()
    if has_baseline:
        _, baseline = read_run(args, args.baseline, args.baseline_job, suite, client)
        tolerance_for = (
            (lambda _metric: args.tolerance)
            if args.tolerance is not None
            else (suite.tolerance_for if suite else (lambda _metric: REGRESSION_TOLERANCE))
        )
        changes = compare_runs(
            current,
            baseline,
            tolerance_for=tolerance_for,
            confidence=args.confidence,
            resamples=args.resamples,
            seed=args.seed,
        )
        if not any(change.shared for change in changes):
            raise InputError(
                [
                    Problem(
                        str(args.baseline or args.baseline_job),
                        "<baseline>",
                        "shares no scored record (same category and prompt) with the run",
                        "compare two runs of the same dataset",
                    )
                ]
            )
    means = {name: stats.mean for name, stats in aggregator.metric_results().items()}
    result = GateResult(threshold_breaches(means, thresholds), len(thresholds), changes)
    print(json.dumps(to_json(result), indent=2) if args.json else render(result))
    return 0 if result.passed else 1
