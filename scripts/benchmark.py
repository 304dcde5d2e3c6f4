"""Benchmark: every performance figure of issue 11, each against a baseline measured in this run.

Sections (each timing is the best of --repeat runs, baseline and candidate interleaved so a
busy machine slows both alike):
  a. parse + aggregate of the largest job Bedrock allows (1,000 records x 25 metrics, judge
     explanations of several hundred characters, several output files) vs stdlib json.loads
     of the same lines, and vs pandas read_json(lines=True) + json_normalize of the scores
  b. peak memory of the streaming parse at 1x, 4x and 16x the result size
  c. cold start: importing each handler in a fresh interpreter vs `import boto3`
  d. `evalctl summarize` vs a bare Python process decoding the same files with json.loads;
     `evalctl --help` vs `python -c "import json"`
  e. polling: polls, state transitions and cost per run, age-based schedule vs a fixed minute
  f. Lambda code asset and dependency layer sizes (zipped)

    .venv/bin/python scripts/benchmark.py            # full run, a few minutes
    .venv/bin/python scripts/benchmark.py --quick    # smoke run: small data, best of 2, layer
                                                     # sized unzipped, no uncached CLI run
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from evalcore.aggregate import ScoreAggregator
from evalcore.polling import (
    HUMAN_MAX_WAIT_SECONDS,
    TRANSITIONS_PER_POLL,
    PollingSchedules,
    plan_polls,
)
from evalcore.results import iter_result_records

REPO = Path(__file__).resolve().parent.parent
LAMBDAS = REPO / "lambdas"
HANDLERS = ("handlers.submit", "handlers.poll", "handlers.parse", "handlers.record_failure")

# Bedrock's limits for an automated (LLM-as-a-judge) job: 1,000 prompts per dataset and the
# built-in metrics plus custom metrics, 25 in all at most.
LARGEST_JOB_RECORDS = 1000
LARGEST_JOB_METRICS = 25
OUTPUT_FILES = 4
CATEGORIES = ("billing", "account", "technical", "shipping")
SCORE_VALUES = (0.0, 0.25, 0.5, 0.75, 1.0)
WORDS = (
    "the",
    "response",
    "addresses",
    "the",
    "question",
    "accurately",
    "but",
    "omits",
    "a",
    "detail",
    "about",
    "billing",
    "cycles",
    "refunds",
    "and",
    "account",
    "limits",
    "which",
    "the",
    "reference",
    "mentions",
    "explicitly",
    "so",
    "it",
    "is",
    "partially",
    "complete",
    "although",
    "the",
    "tone",
    "stays",
    "professional",
    "and",
    "the",
    "steps",
    "are",
    "easy",
)

# Prices (us-east-1): Step Functions Standard $0.025 per 1,000 state transitions; Lambda
# x86 $0.20 per 1M requests and $0.0000166667 per GB-second.
SFN_PER_TRANSITION = 0.025 / 1000
LAMBDA_PER_REQUEST = 0.20 / 1_000_000
LAMBDA_PER_GB_SECOND = 0.0000166667
POLL_MEMORY_GB = 256 / 1024
POLL_BILLED_SECONDS = 0.2  # assumed: one GetEvaluationJob call from a warm function
OLD_FIXED_WAIT_SECONDS = 60
JOB_MINUTES = (5, 15, 60, 360)


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def generate_rows(count: int, seed: int = 7) -> Iterator[bytes]:
    """Bedrock-format output rows, one at a time (the memory measurement holds only one)."""
    rng = random.Random(seed)
    metrics = [f"Builtin.Metric{i:02d}" for i in range(LARGEST_JOB_METRICS)]
    for index in range(count):
        row = {
            "automatedEvaluationResult": {
                "scores": [
                    {
                        "metricName": metric,
                        "result": None if rng.random() < 0.05 else rng.choice(SCORE_VALUES),
                        "evaluatorDetails": [
                            {
                                "modelIdentifier": "anthropic.claude-3-5-sonnet-20240620-v1:0",
                                "explanation": _sentence(rng, 70),  # ~450 characters
                            }
                        ],
                    }
                    for metric in metrics
                ]
            },
            "inputRecord": {
                "prompt": f"question {index}: " + _sentence(rng, 40),
                "referenceResponse": _sentence(rng, 50),
                "category": rng.choice(CATEGORIES),
                "modelResponses": [
                    {"response": _sentence(rng, 80), "modelIdentifier": "support-assistant-v1"}
                ],
            },
        }
        yield json.dumps(row).encode()


def write_results_folder(folder: Path, records: int) -> list[Path]:
    """The job's output as Bedrock nests it, split over OUTPUT_FILES files."""
    nested = folder / "job" / "abc123" / "models" / "app" / "taskTypes" / "General" / "datasets"
    paths = [nested / f"ds{i}" / f"{i:04d}_output.jsonl" for i in range(OUTPUT_FILES)]
    rows = generate_rows(records)
    per_file = -(-records // OUTPUT_FILES)
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            for _, row in zip(range(per_file), rows, strict=False):
                out.write(row + b"\n")
    return paths


def ratio_line(name: str, value: float, base_name: str, base: float, unit: str = "s") -> str:
    figures = f"{value:.4f} {unit} | baseline {base_name}: {base:.4f} {unit}"
    return f"  {name}: {figures} | ratio {value / base:.2f}x"


def best_of(functions: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Minimum wall time of each function after one warm-up, running them in turn `repeat` times."""
    best = dict.fromkeys(functions, float("inf"))
    for function in functions.values() if repeat > 1 else ():
        function()  # warm-up: file cache, .pyc files
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


# --- a. parse + aggregate --------------------------------------------------------------------


def stdlib_baseline(paths: list[Path]) -> int:
    decoded = 0
    for path in paths:
        with path.open("rb") as lines:
            for line in lines:
                json.loads(line)
                decoded += 1
    return decoded


def pipeline(paths: list[Path]) -> int:
    aggregator = ScoreAggregator()
    for path in paths:
        with path.open("rb") as lines:
            aggregator.add_all(iter_result_records(lines, str(path)))
    return aggregator.records


def pandas_articles(paths: list[Path]) -> int:
    """What the background articles do: a DataFrame per file, then json_normalize the scores."""
    import pandas as pd  # type: ignore[import-untyped]

    frame = pd.concat([pd.read_json(path, lines=True) for path in paths], ignore_index=True)
    frame["category"] = frame["inputRecord"].str.get("category")
    scores = pd.json_normalize(
        frame.to_dict("records"),
        record_path=["automatedEvaluationResult", "scores"],
        meta=["category"],
    )
    scores.groupby("metricName")["result"].mean()
    scores.groupby(["category", "metricName"])["result"].mean()
    return len(frame)


def section_parse(paths: list[Path], repeat: int) -> None:
    size = sum(p.stat().st_size for p in paths) / 1e6
    print(f"\n## a. parse + aggregate ({len(paths)} files, {size:.1f} MB, best of {repeat})")
    assert pipeline(paths) == stdlib_baseline(paths) == pandas_articles(paths)
    t = best_of(
        {
            "json": lambda: stdlib_baseline(paths),
            "pipeline": lambda: pipeline(paths),
            "pandas": lambda: pandas_articles(paths),
        },
        repeat,
    )
    print(ratio_line("parse+aggregate", t["pipeline"], "stdlib json.loads", t["json"]))
    print("    target <= 1.00x")
    print(
        ratio_line("pandas read_json+json_normalize", t["pandas"], "parse+aggregate", t["pipeline"])
    )
    print("    target >= 5.00x (pandas is slower)")


def section_merge(paths: list[Path], repeat: int) -> None:
    """Sharded runs: each output file read as its own shard, then the shards merged."""
    print(f"\n## a2. merging shard aggregations ({len(paths)} shards, best of {repeat})")

    def shards() -> list[ScoreAggregator]:
        aggregators = []
        for path in paths:
            with path.open("rb") as lines:
                aggregators.append(ScoreAggregator().add_all(iter_result_records(lines, "s")))
        return aggregators

    def merge(parts: list[ScoreAggregator]) -> ScoreAggregator:
        merged = ScoreAggregator()
        for part in parts:
            merged.merge(part)
        merged.metric_results()
        return merged

    parsed = [shards() for _ in range(repeat + 1)]  # each merge (and the warm-up) folds a fresh set
    merges = iter(parsed)
    t = best_of({"merge": lambda: merge(next(merges)), "pipeline": lambda: pipeline(paths)}, repeat)
    print(ratio_line("merge shards", t["merge"], "parse+aggregate", t["pipeline"]))
    print("    target: negligible (about a millisecond, beside the parse itself)")


# --- b. memory -------------------------------------------------------------------------------


def peak_memory(records: int) -> int:
    tracemalloc.start()
    ScoreAggregator().add_all(iter_result_records(generate_rows(records), "bench"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def section_memory(records: int) -> None:
    print(f"\n## b. peak memory while streaming (tracemalloc; 1x = {records} records)")
    base = peak_memory(records)
    for factor in (1, 4, 16):
        peak = base if factor == 1 else peak_memory(records * factor)
        print(ratio_line(f"{factor}x", peak / 1e6, "1x", base / 1e6, "MB"))
    print("    target: flat (about 1.00x at 4x and 16x)")


# --- c. cold start ---------------------------------------------------------------------------


def _run(command: list[str], env: dict[str, str] | None = None) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(command, env=env, check=True, capture_output=True)

    return run


def section_cold_start(repeat: int) -> None:
    print(f"\n## c. cold start: import in a fresh interpreter (wall time, best of {repeat})")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POWERTOOLS_")}
    env |= {"PYTHONPATH": str(LAMBDAS), "AWS_DEFAULT_REGION": "us-east-1"}
    traced = env | {"POWERTOOLS_TRACE_ENABLED": "true"}
    python = sys.executable
    commands = {"boto3": _run([python, "-c", "import boto3"], env)}
    for module in HANDLERS:
        commands[module] = _run([python, "-c", f"import {module}"], env)
    commands["tracing on: handlers.poll"] = _run([python, "-c", "import handlers.poll"], traced)
    t = best_of(commands, repeat)
    for name in commands:
        if name != "boto3":
            print(ratio_line(name, t[name], "import boto3", t["boto3"]))
    print("    target <= 1.50x (tracing is off unless POWERTOOLS_TRACE_ENABLED=true)")


# --- d. the CLI ------------------------------------------------------------------------------

BARE_DECODE = (
    "import json, sys\nfor p in sys.argv[1:]:\n    [json.loads(line) for line in open(p, 'rb')]"
)


def section_cli(folder: Path, paths: list[Path], repeat: int, quick: bool) -> None:
    """Fresh processes, the CLI and its baselines alike. They run with Python's bytecode cache,
    as on a user's machine (the warm-up run writes it): an inherited PYTHONDONTWRITEBYTECODE
    would make every run recompile evalctl, evalcore and their dependencies (uv installs no .pyc
    files), a cost Python's default setting pays once; the baselines use only the precompiled
    standard library either way."""
    # Short processes on a shared machine: more runs (baseline and CLI alike) for a steady best;
    # a smoke run only shows that each runs.
    summarize_repeat, help_repeat = (repeat, repeat) if quick else (2 * repeat, 4 * repeat)
    print(
        f"\n## d. evalctl (fresh process, wall time, bytecode cache on, summarize best of"
        f" {summarize_repeat}, --help best of {help_repeat})"
    )
    python = sys.executable
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # The console script a user runs (`python -m` would add runpy's own imports).
    evalctl = str(Path(python).with_name("evalctl"))
    t = best_of(
        {
            "bare": _run([python, "-c", BARE_DECODE, *map(str, paths)], env),
            "summarize": _run([evalctl, "summarize", str(folder)], env),
        },
        summarize_repeat,
    )
    t |= best_of(
        {
            "json": _run([python, "-c", "import json"], env),
            "help": _run([evalctl, "--help"], env),
        },
        help_repeat,
    )
    print(
        ratio_line("evalctl summarize", t["summarize"], "python json.loads of the files", t["bare"])
    )
    print("    target <= 1.50x")
    if quick:  # a smoke run spares the two compile-everything processes (a third of a second)
        print("  evalctl summarize, no bytecode cache: run without --quick")
    else:
        section_cli_uncached(folder, paths, repeat, python, evalctl, env)
    print(ratio_line("evalctl --help", t["help"], 'python -c "import json"', t["json"]))
    print("    target <= 1.20x")


def section_cli_uncached(
    folder: Path, paths: list[Path], repeat: int, python: str, evalctl: str, env: dict[str, str]
) -> None:
    """The first run after install, where nothing is cached (or where PYTHONDONTWRITEBYTECODE
    keeps it so): a pycache prefix pointing at an empty folder makes every module compile from
    source, the baseline's standard library as much as the CLI's own packages."""
    with tempfile.TemporaryDirectory() as empty:
        uncached = env | {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": empty}
        cold = best_of(
            {
                "bare": _run([python, "-c", BARE_DECODE, *map(str, paths)], uncached),
                "summarize": _run([evalctl, "summarize", str(folder)], uncached),
            },
            repeat,
        )
    print(
        ratio_line(
            "evalctl summarize, no bytecode cache",
            cold["summarize"],
            "the same decode, no bytecode cache",
            cold["bare"],
        )
    )
    print("    reported: what a first run (or PYTHONDONTWRITEBYTECODE=1) costs")


# --- e. polling ------------------------------------------------------------------------------


# Human evaluation jobs wait days for reviewers (evalcore.run_limit).
HUMAN_JOB_DAYS = (1, 3, 7)


def run_cost(polls: int) -> float:
    transitions = polls * TRANSITIONS_PER_POLL
    lambda_cost = polls * (
        LAMBDA_PER_REQUEST + POLL_MEMORY_GB * POLL_BILLED_SECONDS * LAMBDA_PER_GB_SECOND
    )
    return transitions * SFN_PER_TRANSITION + lambda_cost


def section_polling() -> None:
    print(
        "\n## e. polling per run: age-based wait (30 s..600 s, 25 % of age) vs fixed 60 s\n"
        f"  cost = {TRANSITIONS_PER_POLL} transitions/poll x $0.025/1,000 + Lambda $0.20/1M "
        f"requests + {POLL_BILLED_SECONDS} s x 256 MB (assumed billed duration per poll)"
    )
    print(
        "  job     | polls new/old | transitions new/old | cost new/old (USD) | ratio | notice by"
    )
    for minutes in JOB_MINUTES:
        duration = minutes * 60
        new, old = plan_polls(duration), plan_polls(duration, OLD_FIXED_WAIT_SECONDS)
        print(
            f"  {minutes:>4} min | {new.polls:>4} / {old.polls:<4} | "
            f"{new.state_transitions:>5} / {old.state_transitions:<5}       | "
            f"{run_cost(new.polls):.5f} / {run_cost(old.polls):.5f} | "
            f"{new.polls / old.polls:.2f}x | {max(60, duration // 4)} s"
        )
    print("    target: 15 min <= 14 polls, 360 min <= 60 polls")
    human = PollingSchedules().human
    print(
        f"  human jobs (wait capped at {HUMAN_MAX_WAIT_SECONDS} s) vs the automated cap\n"
        "  job     | polls human/automated | cost human/automated (USD) | ratio | notice by"
    )
    for days in HUMAN_JOB_DAYS:
        duration = days * 24 * 3600
        new, old = plan_polls(duration, schedule=human), plan_polls(duration)
        print(
            f"  {days:>4} day | {new.polls:>4} / {old.polls:<4}           | "
            f"{run_cost(new.polls):.5f} / {run_cost(old.polls):.5f}          | "
            f"{new.polls / old.polls:.2f}x | {HUMAN_MAX_WAIT_SECONDS} s"
        )


# --- f. sizes --------------------------------------------------------------------------------


def zipped_size(root: Path, excludes: list[str]) -> tuple[int, int]:
    """(zip bytes, file count) of `root`, skipping what CDK's asset excludes would skip."""
    buffer, count = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            parts = relative.split("/")
            if path.is_dir() or any(
                fnmatch.fnmatch(relative, pattern)
                or any(fnmatch.fnmatch(p, pattern) for p in parts)
                for pattern in excludes
            ):
                continue
            archive.write(path, relative)
            count += 1
    return buffer.tell(), count


def unzipped_size(root: Path) -> tuple[int, int]:
    """(bytes, file count) of the files under `root`."""
    sizes = [path.stat().st_size for path in root.rglob("*") if path.is_file()]
    return sum(sizes), len(sizes)


def section_sizes(quick: bool) -> None:
    # infra.asset_layout imports no aws_cdk: measuring the assets costs no CDK start-up.
    from infra.asset_layout import CODE_EXCLUDES, COMPLETE_MARKER, layer_cache_dir

    print("\n## f. Lambda asset and layer sizes (zip, deflate)")
    code, files = zipped_size(LAMBDAS, CODE_EXCLUDES)
    print(f"  code asset lambdas/: {code / 1e3:.0f} kB zipped, {files} files")
    cache_dir = layer_cache_dir(LAMBDAS / "requirements.txt")
    if quick:  # a smoke run neither builds the layer nor spends a second zipping it
        if (cache_dir / COMPLETE_MARKER).exists():
            layer, files = unzipped_size(cache_dir / "python")
            print(f"  layer (requirements.txt): {layer / 1e6:.1f} MB unzipped, {files} files")
        print("  layer zipped: run without --quick (which builds the layer first if need be)")
        return
    if not (cache_dir / COMPLETE_MARKER).exists():
        from infra.layer_build import PipLayerBuilder

        with tempfile.TemporaryDirectory() as scratch:
            PipLayerBuilder(LAMBDAS / "requirements.txt").build_into(scratch)
    layer, files = zipped_size(cache_dir, [COMPLETE_MARKER, "__pycache__"])
    print(f"  layer (requirements.txt): {layer / 1e6:.1f} MB zipped, {files} files")
    orjson_size = sum(
        p.stat().st_size for p in (cache_dir / "python").glob("orjson*/**/*") if p.is_file()
    )
    print(f"    of which orjson (unzipped): {orjson_size / 1e3:.0f} kB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small data, best of 2")
    parser.add_argument("--repeat", type=int, help="runs per timing (default 5, quick 2)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 5)
    records = 40 if args.quick else LARGEST_JOB_RECORDS
    print(f"# benchmark ({'quick' if args.quick else 'full'}; Python {sys.version.split()[0]})")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        paths = write_results_folder(folder, records)
        section_parse(paths, repeat)
        section_merge(paths, repeat)
        section_memory(10 if args.quick else LARGEST_JOB_RECORDS)
        section_cold_start(repeat)
        section_cli(folder, paths, repeat, args.quick)
    section_polling()
    section_sizes(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
