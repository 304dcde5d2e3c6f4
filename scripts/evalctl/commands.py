"""The argparse parser, built from evalctl.command_table without importing the commands' modules.

A mistyped command should answer at the speed of a bare interpreter, so the top-level parser
is built from the light table; only the module of the subcommand being run is imported, and it
adds its own arguments (each module's `register`). `evalctl --help` alone skips argparse
altogether (evalctl.top_help renders the same text from the same table).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from evalctl.command_table import COMMAND_METAVAR, COMMANDS, DESCRIPTION, PROG, help_width

__all__ = ["COMMANDS", "add_command_parser", "build_parser"]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized without shutil: the stock one imports shutil (and bz2,
    lzma, zlib with it) only to read the terminal width, a fifth of `evalctl --help`. Every
    parser evalctl builds uses it, including the light ones never printed: argparse makes a
    formatter as each parser adds its -h."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        super().__init__(prog, indent_increment, max_help_position, width=help_width())


class DescriptionFormatter(HelpFormatter, argparse.RawDescriptionHelpFormatter):
    """A subcommand's help: its module docstring as written (paragraphs kept)."""


def add_command_parser(
    commands: argparse._SubParsersAction, name: str, description: str | None
) -> argparse.ArgumentParser:
    """What each module's `register` calls, so the help text has one home (COMMANDS)."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=COMMANDS[name].help,
        description=description,
        formatter_class=DescriptionFormatter,
    )
    return parser


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, formatter_class=HelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar=COMMAND_METAVAR)
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, command in COMMANDS.items():
        if name == chosen:
            importlib.import_module(command.module).register(commands)
        else:
            # A placeholder that only names the command in the list and in "invalid choice"
            # errors; it never parses (the chosen command's module registers its own), so it
            # skips the -h argument that argparse would build, with a formatter, for each.
            commands.add_parser(name, help=command.help, add_help=False)
    return parser
