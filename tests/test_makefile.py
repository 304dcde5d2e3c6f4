"""The Makefile's choice of the interpreter the virtual environment is made from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def chosen_python(*assignments: str) -> str:
    """What `make interpreter` says .venv is made from, given these command-line variables."""
    return subprocess.run(
        ["make", "--no-print-directory", "-s", "interpreter", *assignments],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.strip()


def fake_interpreter(folder: Path, answer: str) -> Path:
    """A stand-in for /usr/bin/python3 that answers the Makefile's probe with `answer`."""
    path = folder / "python3"
    path.write_text(f"#!/bin/sh\necho {answer}\n")
    path.chmod(0o755)
    return path


def test_the_distributions_python_is_chosen_when_it_is_recent_enough_to_make_a_venv(tmp_path):
    system = fake_interpreter(tmp_path, "True")
    assert chosen_python(f"SYSTEM_PYTHON={system}") == str(system)


@pytest.mark.parametrize("answer", ["False", "Traceback"])
def test_an_old_or_venv_less_distribution_python_falls_back_to_python3_on_path(tmp_path, answer):
    system = fake_interpreter(tmp_path, answer)
    assert chosen_python(f"SYSTEM_PYTHON={system}") == "python3"


def test_no_distribution_python_falls_back_and_an_explicit_choice_wins(tmp_path):
    assert chosen_python(f"SYSTEM_PYTHON={tmp_path / 'missing'}") == "python3"
    system = fake_interpreter(tmp_path, "True")
    assert chosen_python(f"SYSTEM_PYTHON={system}", "PYTHON=python3.12") == "python3.12"


def test_the_real_probe_accepts_the_interpreter_running_the_tests():
    """The probe's own Python (version check and ensurepip import) runs on a real interpreter:
    the one running this suite is 3.11 or newer and made a venv."""
    assert chosen_python(f"SYSTEM_PYTHON={sys.executable}") == sys.executable
