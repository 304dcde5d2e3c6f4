"""`evalctl estimate`: what collecting and judging a dataset will cost, before anything runs.

Judging uses the same estimate as `plan` and the price table in lambdas/evalcore/prices.json.
With --collect-scenarios it adds what `evalctl collect --runner bedrock` will spend. A budget
(--budget, else the suite's budgetUsd) turns the estimate into a gate: exit 1 above it
unless --force.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evalcore.cost import (
    CHARS_PER_TOKEN,
    LIVE_OUTPUT_TOKENS_PER_PROMPT,
    CostEstimate,
    estimate_collection_cost,
    estimate_cost,
)
from evalcore.dataset import DatasetStats, validate_dataset
from evalcore.errors import DatasetError, Problem
from evalcore.suite import Suite, load_suite
from evalctl.commands import add_command_parser
from evalctl.scenarios import Scenario, fold_prompt, load_scenarios

# A stand-in for answers not collected yet, as long as the estimate assumes they will be.
ANSWER_CHARS = LIVE_OUTPUT_TOKENS_PER_PROMPT * CHARS_PER_TOKEN


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "estimate", __doc__)
    parser.add_argument("dataset", type=Path, nargs="?", help="dataset JSONL (if collected)")
    parser.add_argument("--suite", required=True, help="suite name or path to a suite .json")
    parser.add_argument("--collect-scenarios", type=Path, nargs="+", help="scenario files")
    parser.add_argument("--collect-model", help="Converse model id collect will ask")
    parser.add_argument("--system-prompt-file", type=Path, help="collect's system prompt")
    parser.add_argument("--budget", type=float, help="USD; default: the suite's budgetUsd")
    parser.add_argument("--force", action="store_true", help="exit 0 even above the budget")
    parser.add_argument("--json", action="store_true", help="print the estimate as JSON")
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class CollectionWorkload:
    """Converse calls and the characters they read: every turn re-reads the conversation."""

    calls: int
    input_chars: int


def collection_workload(scenarios: Sequence[Scenario], system_chars: int) -> CollectionWorkload:
    calls = input_chars = 0
    for scenario in scenarios:
        fixed = system_chars + len(scenario.context or "")
        history = 0
        for index, turn in enumerate(scenario.turns):
            history += len(turn) + (ANSWER_CHARS if index else 0)
            calls += 1
            input_chars += fixed + history
    return CollectionWorkload(calls, input_chars)


def stats_from_scenarios(scenarios: Sequence[Scenario]) -> DatasetStats:
    """What the dataset will hold once collected, with answers assumed ANSWER_CHARS long."""
    stats = DatasetStats(source="<scenarios>", records=len(scenarios))
    for s in scenarios:
        stats.prompt_chars += len(
            fold_prompt(s.context, s.turns, ["x" * ANSWER_CHARS] * (len(s.turns) - 1))
        )
    return stats


def dataset_stats(path: Path, suite: Suite) -> DatasetStats:
    """A local dataset validated against the suite; every problem raised at once."""
    if not path.is_file():
        raise DatasetError([Problem(str(path), "<file>", "does not exist", "check the path")])
    with path.open("rb") as lines:
        stats = validate_dataset(lines, suite, source=str(path))
    stats.raise_for_problems()
    return stats


def over_budget(total: float | None, budget: float) -> str | None:
    """Why an estimate fails its budget (completing "the estimate ..."), or None when within."""
    if total is None:
        return "cannot be checked: a price is unknown"
    if total > budget:
        return f"is ${total - budget:,.4f} above the budget of ${budget:,.2f}"
    return None


def _usd(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.4f}"


def run(args: argparse.Namespace) -> int:
    suite = load_suite(args.suite)
    if args.dataset is None and not args.collect_scenarios:
        print("evalctl estimate: give a DATASET, --collect-scenarios, or both", file=sys.stderr)
        return 2
    if args.collect_scenarios and not args.collect_model:
        print("evalctl estimate: --collect-scenarios needs --collect-model", file=sys.stderr)
        return 2
    scenarios = load_scenarios(args.collect_scenarios) if args.collect_scenarios else []
    stats = (
        dataset_stats(args.dataset, suite)
        if args.dataset is not None
        else stats_from_scenarios(scenarios)
    )
    judging = estimate_cost(suite, stats)
    collection = CostEstimate(0.0, 0.0, ())
    if scenarios:
        system_chars = (
            len(args.system_prompt_file.read_text(encoding="utf-8"))
            if args.system_prompt_file
            else 0
        )
        workload = collection_workload(scenarios, system_chars)
        collection = estimate_collection_cost(
            args.collect_model, workload.input_chars, workload.calls
        )
    parts = (judging.total_usd, collection.total_usd)
    total = None if None in parts else round(sum(p for p in parts if p is not None), 4)
    budget = args.budget if args.budget is not None else suite.budget_usd
    notes = [*judging.notes, *collection.notes]
    if scenarios:
        notes.append("collection assumes no tool calls; each tool round is one more call")
    if args.json:
        print(
            json.dumps(
                {
                    "suite": suite.name,
                    "records": stats.records,
                    "judging": judging.to_json(),
                    "collection": collection.to_json() if scenarios else None,
                    "totalUsd": total,
                    "budgetUsd": budget,
                },
                indent=2,
            )
        )
    else:
        print(
            f"suite {suite.name}: {stats.records} records x {len(suite.metrics)} metrics, "
            f"judge {suite.evaluator_model}"
        )
        if scenarios:
            print(
                f"collection ({len(scenarios)} scenarios, {args.collect_model}): "
                f"{_usd(collection.total_usd)}"
            )
        print(f"judging:          {_usd(judging.judge_usd)}")
        if judging.inference_usd:
            print(f"live inference:   {_usd(judging.inference_usd)}")
        print(f"total:            {_usd(total)}")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if budget is None:
        return 0
    reason = over_budget(total, budget)
    if reason is None:
        print(f"within the budget of ${budget:,.2f}", file=sys.stderr)
        return 0
    if args.force:
        print(f"warning: the estimate {reason}; going on (--force)", file=sys.stderr)
        return 0
    print(
        f"evalctl estimate: the estimate {reason} (fix: shrink the dataset, raise "
        "--budget / the suite's budgetUsd, or pass --force)",
        file=sys.stderr,
    )
    return 1
