"""`evalctl --help` must not import evalcore or a subcommand module (they load on dispatch)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from evalctl.cli import build_parser
try:
    build_parser().parse_args(sys.argv[1:])
except SystemExit:
    pass
heavy = ("evalcore", "evalctl.plan", "evalctl.summarize")
loaded = sorted(m for m in sys.modules if m.startswith(heavy))
print("LOADED:" + ",".join(loaded))
"""


def loaded_after(*argv: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True
    )
    return result.stdout.rsplit("LOADED:", 1)[1].strip()


def test_help_and_argument_parsing_import_nothing_heavy():
    assert loaded_after("--help") == ""
    assert loaded_after("summarize", "some-folder") == ""


def test_register_keeps_working_from_the_subcommand_modules():
    import argparse

    from evalctl import plan, summarize

    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    plan.register(commands)
    summarize.register(commands)
    args = parser.parse_args(["summarize", "out", "--json"])
    assert args.json and callable(args.run)


def test_help_wraps_to_the_terminal_width(monkeypatch, capsys):
    import pytest

    from evalctl.cli import main

    monkeypatch.setenv("COLUMNS", "50")
    with pytest.raises(SystemExit):
        main(["summarize", "--help"])
    lines = capsys.readouterr().out.splitlines()
    assert lines and max(len(line) for line in lines) <= 50
