"""Benchmark: what bounded concurrency buys `evalctl collect` against a slow application.

An in-process application that waits `--latency` seconds per answer (I/O, like a model call)
is collected with --concurrency 1 (the baseline) and --concurrency N, in the same process,
each writing a real dataset file; reported: the speed-up (baseline time / concurrent time),
ideally close to N, and the per-scenario overhead of collect over the bare waits. Usage:

    .venv/bin/python scripts/benchmark_collect.py [--scenarios 64] [--latency 0.02]
        [--concurrency 8]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from evalctl.collect import DatasetAppender, collect_all
from evalctl.runners import PythonRunner
from evalctl.scenarios import Scenario


def timed_collect(scenarios: list[Scenario], latency: float, concurrency: int) -> float:
    def answer(request: dict) -> str:
        time.sleep(latency)
        return "Answer to " + request["messages"][-1]["content"]

    with tempfile.TemporaryDirectory() as folder:
        appender = DatasetAppender(Path(folder) / "dataset.jsonl")
        start = time.perf_counter()
        failures = collect_all(PythonRunner(answer), scenarios, "app", appender, concurrency)
        elapsed = time.perf_counter() - start
        assert not failures, failures
        assert len(appender.out.read_text().splitlines()) == len(scenarios)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenarios", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    scenarios = [Scenario(id=f"s{i}", turns=(f"question {i}",)) for i in range(args.scenarios)]
    baseline = timed_collect(scenarios, args.latency, 1)
    concurrent = timed_collect(scenarios, args.latency, args.concurrency)
    waits = args.scenarios * args.latency
    print(f"concurrency 1: {baseline:.3f}s   concurrency {args.concurrency}: {concurrent:.3f}s")
    print(f"speed-up: {baseline / concurrent:.2f}x (ideal {args.concurrency}x)")
    print(f"overhead over the bare waits at concurrency 1: {baseline / waits:.3f}x")


if __name__ == "__main__":
    main()
