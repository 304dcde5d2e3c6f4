"""`evalctl --help` without argparse: the same text, laid out the way argparse lays it out.

Importing argparse (with gettext and locale) and building even the light parser cost `evalctl
--help` a third of its time beside a bare interpreter. This renders the top-level help from
evalctl.command_table, the table the argparse parser is built from, following the layout of
argparse.HelpFormatter (usage, description, sections, help column, textwrap wrapping).
tests/cli/test_top_help.py holds it to argparse's own output at every width it answers for;
on a terminal too narrow for a one-line usage it answers None and argparse prints the help.
"""

from __future__ import annotations

import re
import textwrap

from evalctl.command_table import COMMAND_METAVAR, COMMANDS, DESCRIPTION, PROG

# argparse's own words for the parts it adds (argparse wraps them in gettext; evalctl ships no
# translation, so they are these).
USAGE_PREFIX = "usage: "
POSITIONALS_TITLE = "positional arguments"
OPTIONALS_TITLE = "options"
HELP_INVOCATION = "-h, --help"
HELP_HELP = "show this help message and exit"
# argparse.HelpFormatter's defaults.
INDENT = 2
MAX_HELP_POSITION = 24


def _normalized(text: str) -> str:
    """Whitespace runs to one space, as argparse does before wrapping."""
    return re.sub(r"\s+", " ", text, flags=re.ASCII).strip()


def top_level_help(width: int) -> str | None:
    """The text `evalctl --help` prints at `width` (evalctl.command_table.help_width), or None
    when the usage line would wrap: argparse's usage wrapping is not reproduced here."""
    usage = f"{USAGE_PREFIX}{PROG} [-h] {COMMAND_METAVAR} ..."
    if len(usage) > width:
        return None
    # (indent, invocation, help) per row, in the order argparse prints them.
    positionals = [
        (INDENT, COMMAND_METAVAR, ""),
        *((2 * INDENT, name, command.help) for name, command in COMMANDS.items()),
    ]
    optionals = [(INDENT, HELP_INVOCATION, HELP_HELP)]
    # argparse: the longest invocation of each action (a subparsers action counts its choices)
    # plus the section indent, then the help column two further, capped.
    longest = max(
        INDENT + max(len(COMMAND_METAVAR), *map(len, COMMANDS)), INDENT + len(HELP_INVOCATION)
    )
    help_position = min(longest + 2, min(MAX_HELP_POSITION, max(width - 20, 2 * INDENT)))
    help_width = max(width - help_position, 11)

    def row(indent: int, invocation: str, help: str) -> str:
        if not help:
            return f"{'':{indent}}{invocation}\n"
        lines = textwrap.wrap(_normalized(help), help_width)
        invocation_width = help_position - indent - 2
        if len(invocation) <= invocation_width:
            first = f"{'':{indent}}{invocation:<{invocation_width}}  {lines[0]}\n"
        else:
            first = f"{'':{indent}}{invocation}\n{'':{help_position}}{lines[0]}\n"
        return first + "".join(f"{'':{help_position}}{line}\n" for line in lines[1:])

    def section(title: str, rows: list[tuple[int, str, str]]) -> str:
        return f"\n{title}:\n" + "".join(row(*r) for r in rows) + "\n"

    text = (
        f"{usage}\n\n"
        + textwrap.fill(_normalized(DESCRIPTION), max(width, 11))
        + "\n\n"
        + section(POSITIONALS_TITLE, positionals)
        + section(OPTIONALS_TITLE, optionals)
    )
    return re.sub(r"\n\n\n+", "\n\n", text).strip("\n") + "\n"
