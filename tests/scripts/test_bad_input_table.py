"""Every catalogued bad input is refused (or counted) as the catalogue says, and the README's
table is exactly what scripts/bad_input_table.py renders from it, so it cannot drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.bad_input_table import README, readme_table, render_table
from tests.bad_inputs import CATALOGUE, BadInput, problems_for

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("case", CATALOGUE, ids=[case.name for case in CATALOGUE])
def test_each_bad_input_gets_its_field_message_and_fix(case: BadInput):
    problems = problems_for(case)
    fields = [(p.field, p.message) for p in problems]
    match = [p for p in problems if p.field == case.field and case.message in p.message]
    assert match, f"expected {case.field}: {case.message!r}, got {fields}"
    assert all(p.fix for p in match)
    assert all(p.source for p in match)


def test_the_catalogue_names_each_case_once():
    names = [case.name for case in CATALOGUE]
    assert len(names) == len(set(names))


def test_readme_table_is_the_scripts_output():
    assert readme_table(README.read_text(encoding="utf-8")) == render_table(), (
        "README's bad-input table is stale: run .venv/bin/python scripts/bad_input_table.py --write"
    )


def test_script_prints_the_table():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bad_input_table.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert result.stdout == render_table()
