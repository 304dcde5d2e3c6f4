"""The subcommands by name, and the terminal width their help wraps to.

The one home of evalctl's command list and one-line help texts. It imports nothing but `os`
and `sys`, so `evalctl --help` (evalctl.top_help) can be rendered from it without argparse, and
the argparse parser (evalctl.commands) is built from the same table.
"""

from __future__ import annotations

import os
import sys

PROG = "evalctl"
DESCRIPTION = "Plan, run and report Amazon Bedrock evaluation jobs."
# The subparsers' metavar: the usage line reads `evalctl [-h] COMMAND ...`.
COMMAND_METAVAR = "COMMAND"


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


def help_width() -> int:
    """The width argparse wraps help to: `shutil.get_terminal_size().columns - 2`, computed the
    same way (COLUMNS if positive, else the terminal behind stdout, else 80) without importing
    shutil, which brings bz2, lzma and zlib with it for this one reading."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2
