"""The benchmark's smoke mode runs end to end and reports every figure issue 11 asks for.

Only the report's shape is checked: timings belong to the benchmark, never to tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_benchmark_prints_every_section_with_baselines_and_ratios():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "benchmark.py"), "--quick", "--repeat", "1"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    report = result.stdout
    sections = re.findall(r"^## ([a-f])\. ", report, flags=re.MULTILINE)
    assert sections == ["a", "b", "c", "d", "e", "f"]
    for figure in (
        "parse+aggregate:",
        "pandas read_json+json_normalize:",
        "16x:",
        "handlers.submit:",
        "handlers.poll:",
        "handlers.parse:",
        "handlers.record_failure:",
        "evalctl summarize:",
        "evalctl --help:",
        "code asset lambdas/:",
    ):
        (line,) = [line for line in report.splitlines() if line.strip().startswith(figure)]
        assert re.search(r"baseline .+ \| ratio \d+\.\d\dx$", line) or "asset" in figure, line
    # What a smoke run leaves to the full one, each said where its figure would be.
    for figure in ("evalctl summarize, no bytecode cache:", "layer zipped:"):
        (line,) = [line for line in report.splitlines() if line.strip().startswith(figure)]
        assert ": run without --quick" in line, line
    for minutes in (5, 15, 60, 360):
        assert re.search(rf"^\s+{minutes} min \|", report, flags=re.MULTILINE)
    for days, polls in ((1, 46), (3, 94), (7, 190)):
        assert re.search(rf"^\s+{days} day \|\s+{polls} / ", report, flags=re.MULTILINE)
