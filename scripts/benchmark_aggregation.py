"""Benchmark: how much the result parser and aggregator cost over just decoding the JSON.

Generates Bedrock-format output rows in memory, then times, in the same process:
  baseline   json.loads of every line (the floor any parser pays)
  pipeline   iter_result_records + ScoreAggregator (what the parse Lambda runs)
and reports the ratio pipeline/baseline, plus peak memory of the streaming pass, which
should stay flat as the output grows. Usage:

    .venv/bin/python scripts/benchmark_aggregation.py [--records 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator

from evalcore.aggregate import ScoreAggregator
from evalcore.results import iter_result_records

METRICS = [f"Builtin.{m}" for m in ("Correctness", "Completeness", "Helpfulness", "Faithfulness")]


def generate_lines(count: int, seed: int = 7) -> Iterator[bytes]:
    """Rows are produced one at a time so the memory measurement holds only one."""
    rng = random.Random(seed)
    for index in range(count):
        row = {
            "automatedEvaluationResult": {
                "scores": [
                    {
                        "metricName": metric,
                        "result": None if rng.random() < 0.05 else round(rng.random(), 2),
                        "evaluatorDetails": [
                            {"modelIdentifier": "judge", "explanation": "reasoning " * 40}
                        ],
                    }
                    for metric in METRICS
                ]
            },
            "inputRecord": {
                "prompt": f"question {index} " + "context " * 60,
                "category": rng.choice(["billing", "account", "technical"]),
                "modelResponses": [{"response": "answer " * 80, "modelIdentifier": "app"}],
            },
        }
        yield json.dumps(row).encode()


def baseline(lines: list[bytes]) -> int:
    return sum(1 for line in lines if json.loads(line))


def pipeline(lines: list[bytes]) -> int:
    return ScoreAggregator().add_all(iter_result_records(lines, "bench")).records


def best_of(function: Callable[[list[bytes]], int], lines: list[bytes], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(lines)
        timings.append(time.perf_counter() - start)
    return min(timings)


def peak_memory(count: int) -> int:
    """Peak allocation while streaming generated lines one at a time (nothing held)."""

    tracemalloc.start()
    ScoreAggregator().add_all(iter_result_records(generate_lines(count), "bench"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    print(f"generating {args.records} rows...", file=sys.stderr)
    lines = list(generate_lines(args.records))
    megabytes = sum(len(line) + 1 for line in lines) / 1e6
    print(f"timing (best of {args.repeat})...", file=sys.stderr)
    base = best_of(baseline, lines, args.repeat)
    full = best_of(pipeline, lines, args.repeat)
    print(f"records: {args.records} ({megabytes:.1f} MB of JSONL)")
    print(f"baseline json.loads: {base:.3f} s ({args.records / base:,.0f} rows/s)")
    print(f"parse + aggregate:   {full:.3f} s ({args.records / full:,.0f} rows/s)")
    print(f"ratio pipeline/baseline: {full / base:.2f}x")
    small, large = args.records // 10, args.records
    print("streaming peak memory (tracemalloc):", file=sys.stderr)
    peaks = {n: peak_memory(n) for n in (small, large)}
    for n, peak in peaks.items():
        print(f"peak memory streaming {n} rows: {peak / 1e6:.2f} MB")
    print(f"memory ratio {large}/{small} rows: {peaks[large] / peaks[small]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
