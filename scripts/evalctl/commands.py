"""The subcommands' arguments, registered without importing the modules that run them.

`evalctl --help` and a mistyped flag should answer at the speed of a bare interpreter, so
the parser is built from this light module and a subcommand's module (and evalcore behind
it) is imported only when that subcommand runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Callable
from pathlib import Path

Runner = Callable[[argparse.Namespace], int]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized without shutil: the stock one imports shutil (and bz2,
    lzma, zlib with it) only to read the terminal width, a fifth of `evalctl --help`."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        try:
            columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
        except (ValueError, OSError):
            columns = 80
        super().__init__(prog, indent_increment, max_help_position, width=columns - 2)


def _runs(module_name: str) -> Runner:
    """A `run` that imports `module_name` on first call and hands the arguments to its run()."""

    def run(args: argparse.Namespace) -> int:
        module_run: Runner = importlib.import_module(module_name).run
        return module_run(args)

    return run


def register_plan(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "plan",
        formatter_class=HelpFormatter,
        help="validate a dataset and print the CreateEvaluationJob request",
        description="Validate a dataset locally and show the exact job request it would start.",
    )
    parser.add_argument("dataset", type=Path, help="local JSONL dataset")
    parser.add_argument("--suite", required=True, help="suite name or path to a suite .json")
    parser.add_argument("--bucket", help="the stack's BucketName output (else a placeholder)")
    parser.add_argument("--role-arn", help="the stack's EvaluationServiceRoleArn output")
    parser.add_argument("--version-id", help="S3 version id of the upload (names the job)")
    parser.set_defaults(run=_runs("evalctl.plan"))


def register_summarize(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "summarize",
        formatter_class=HelpFormatter,
        help="aggregate a downloaded results folder",
        description="Aggregate a downloaded results folder the same way the parse Lambda does.",
    )
    parser.add_argument("results_dir", type=Path, help="folder holding *_output.jsonl files")
    parser.add_argument("--suite", help="suite name or file: adds floors and low-score threshold")
    parser.add_argument("--previous", type=Path, help="an earlier summary.json to compare with")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(run=_runs("evalctl.summarize"))
