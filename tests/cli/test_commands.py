"""`evalctl --help` imports no subcommand module; a subcommand imports only its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from evalctl.cli import main
from evalctl.commands import COMMANDS

PROBE = """
import sys
from evalctl.commands import build_parser
try:
    build_parser(sys.argv[1:]).parse_args(sys.argv[1:])
except SystemExit:
    pass
heavy = ("evalcore", "boto3", *("evalctl." + name for name in {names!r}))
loaded = sorted(m for m in sys.modules if m.startswith(heavy))
print("LOADED:" + ",".join(loaded))
"""


def loaded_after(*argv: str) -> set[str]:
    probe = PROBE.format(names=tuple(COMMANDS))
    result = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True
    )
    return set(filter(None, result.stdout.rsplit("LOADED:", 1)[1].strip().split(",")))


def test_top_level_help_imports_nothing_heavy():
    assert loaded_after("--help") == set()


def test_a_subcommand_imports_its_own_module_and_no_other_command():
    loaded = loaded_after("summarize", "some-folder")
    assert "evalctl.summarize" in loaded
    assert not {f"evalctl.{name}" for name in COMMANDS if name != "summarize"} & loaded


def test_every_command_is_listed_in_help_and_has_a_module_that_registers_it(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name, command in COMMANDS.items():
        assert name in out and command.help.split()[0] in out
        with pytest.raises(SystemExit) as exited:
            main([name, "--help"])
        assert exited.value.code == 0


def test_help_wraps_to_the_terminal_width(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "50")
    with pytest.raises(SystemExit):
        main(["--help"])
    lines = capsys.readouterr().out.splitlines()
    assert lines and max(len(line) for line in lines) <= 50
