"""`evalctl --help` without argparse prints exactly what argparse prints, and skips argparse."""

from __future__ import annotations

import subprocess
import sys

import pytest

from evalctl.cli import main
from evalctl.command_table import COMMANDS, help_width
from evalctl.commands import build_parser
from evalctl.top_help import top_level_help

WIDEST_USAGE = len("usage: evalctl [-h] COMMAND ...")


@pytest.mark.parametrize("columns", range(1, 241))
def test_the_fast_help_is_argparse_help_at_every_width_or_declines(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    argparse_help = build_parser([]).format_help()
    fast = top_level_help(help_width())
    if columns - 2 < WIDEST_USAGE:  # argparse would wrap the usage line: argparse prints it
        assert fast is None
    else:
        assert fast == argparse_help


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("columns", ["20", "80", "132"])
def test_main_prints_the_same_help_and_exits_0_whichever_path(monkeypatch, capsys, flag, columns):
    monkeypatch.setenv("COLUMNS", columns)
    with pytest.raises(SystemExit) as exited:
        main([flag])
    assert exited.value.code == 0
    assert capsys.readouterr().out == build_parser([]).format_help()


def test_top_level_help_imports_neither_argparse_nor_any_command():
    probe = (
        "import sys\n"
        "from evalctl.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('LOADED:' + ','.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "100", "PATH": ""},
    )
    loaded = set(result.stdout.rsplit("LOADED:", 1)[1].strip().split(","))
    assert "evalctl.top_help" in loaded
    heavy = {"argparse", "gettext", "shutil", "typing", "evalctl.commands", "evalcore"}
    heavy |= {command.module for command in COMMANDS.values()}
    assert not heavy & loaded


def test_python_dash_m_evalctl_is_the_console_script():
    result = subprocess.run(
        [sys.executable, "-m", "evalctl", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "90", "PATH": ""},
    )
    assert result.stdout.startswith("usage: evalctl [-h] COMMAND ...")
    assert all(name in result.stdout for name in COMMANDS)
