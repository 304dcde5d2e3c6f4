"""Entry point: one subcommand per step of the evaluation loop.

Subcommand modules are imported only when they run (see evalctl.commands).
Exit codes: 0 success, 1 the input is invalid or the run failed its gate, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from evalctl.commands import HelpFormatter, register_plan, register_summarize


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evalctl",
        description="Plan, run and report Amazon Bedrock evaluation jobs.",
        formatter_class=HelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register_plan(commands)
    register_summarize(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from evalcore.errors import InputError  # after parsing: --help never pays for evalcore

    try:
        return args.run(args)
    except InputError as error:
        print(f"evalctl {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
