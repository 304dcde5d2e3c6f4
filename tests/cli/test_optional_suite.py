"""A suite loads through evalctl.optional_suite as through evalcore.suite, and a summary run
without --suite never imports the suite model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evalcore import suite
from evalcore.errors import InputError
from evalctl.optional_suite import load_suite
from evalctl.simulation.bedrock_output import jsonl, model_row

SUITES = Path(suite.__file__).resolve().parents[1] / "suites"


@pytest.mark.parametrize("name", sorted(path.stem for path in SUITES.glob("*.json")))
def test_loads_every_shipped_suite_as_evalcore_does(name):
    assert load_suite(name) == suite.load_suite(name)
    assert load_suite(str(SUITES / f"{name}.json"), SUITES) == suite.load_suite(name)


def test_an_unknown_suite_is_evalcores_error_for_a_person():
    with pytest.raises(InputError) as raised:
        load_suite("no-such-suite")
    with pytest.raises(InputError) as expected:
        suite.load_suite("no-such-suite")
    assert str(raised.value) == str(expected.value)


PROBE = """
import sys
from evalctl.cli import main
code = main(sys.argv[1:])
print("SUITE LOADED:", "evalcore.suite" in sys.modules, "CODE:", code)
"""


def summarize_in_a_fresh_process(*argv: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "summarize", *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.rsplit("SUITE LOADED:", 1)[1].strip()


def test_summarize_imports_the_suite_model_only_when_a_suite_is_named(tmp_path):
    results = tmp_path / "1_output.jsonl"
    results.write_text(jsonl([model_row("a", {"Builtin.Correctness": 1.0}, category="x")]))
    assert summarize_in_a_fresh_process(str(results)) == "False CODE: 0"
    named = sorted(SUITES.glob("*.json"))[0].stem
    assert summarize_in_a_fresh_process(str(results), "--suite", named) == "True CODE: 0"
