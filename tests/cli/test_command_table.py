"""The help width evalctl computes without shutil is the one argparse would compute with it."""

from __future__ import annotations

import shutil

import pytest

from evalctl.command_table import COMMANDS, help_width


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-5", "1", "40", "80", "200"])
def test_help_width_is_shutils_terminal_width_less_two(monkeypatch, columns):
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert help_width() == shutil.get_terminal_size().columns - 2


def test_every_command_names_an_evalctl_module_and_has_one_line_of_help():
    for name, command in COMMANDS.items():
        assert command.module == f"evalctl.{name}"
        assert command.help and "\n" not in command.help
