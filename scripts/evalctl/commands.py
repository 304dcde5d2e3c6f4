"""The subcommands, known by name without importing the modules that run them.

`evalctl --help` and a mistyped command should answer at the speed of a bare interpreter, so
the top-level parser is built from this light table; only the module of the subcommand being
run is imported, and it adds its own arguments (each module's `register`).
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Sequence


class Command:
    """A subcommand: the module that runs it and its one-line help. (A plain class: importing
    dataclasses costs `evalctl --help` a third of its time.)"""

    __slots__ = ("help", "module")

    def __init__(self, module: str, help: str) -> None:
        self.module = module
        self.help = help


COMMANDS: dict[str, Command] = {
    "collect": Command(
        "evalctl.collect", "run scenarios against the application and write the dataset"
    ),
    "estimate": Command(
        "evalctl.estimate", "estimate the cost of collecting and judging; refuse above a budget"
    ),
    "plan": Command("evalctl.plan", "validate a dataset and print the CreateEvaluationJob request"),
    "summarize": Command("evalctl.summarize", "aggregate a downloaded results folder"),
    "guardrails": Command(
        "evalctl.guardrails", "run prompts through a guardrail and compare with the expectation"
    ),
    "run": Command(
        "evalctl.run", "upload a dataset to the deployed stack, follow the run, print the verdict"
    ),
    "jobs": Command("evalctl.jobs", "list, show and stop this stack's evaluation jobs"),
    "report": Command(
        "evalctl.report", "write a Markdown and a self-contained HTML report of a run"
    ),
    "gate": Command(
        "evalctl.gate", "fail (exit 1) on broken thresholds or a regression beyond judge noise"
    ),
    "simulate": Command(
        "evalctl.simulate", "run a suite and dataset offline through the synthesized stack"
    ),
}


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized without shutil: the stock one imports shutil (and bz2,
    lzma, zlib with it) only to read the terminal width, a fifth of `evalctl --help`."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        try:
            columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
        except (ValueError, OSError):
            columns = 80
        super().__init__(prog, indent_increment, max_help_position, width=columns - 2)


def add_command_parser(
    commands: argparse._SubParsersAction, name: str, description: str | None
) -> argparse.ArgumentParser:
    """What each module's `register` calls, so the help text has one home (COMMANDS)."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=COMMANDS[name].help,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evalctl",
        description="Plan, run and report Amazon Bedrock evaluation jobs.",
        formatter_class=HelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, command in COMMANDS.items():
        if name == chosen:
            importlib.import_module(command.module).register(commands)
        else:
            commands.add_parser(name, help=command.help)
    return parser
