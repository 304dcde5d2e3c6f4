"""Entry point: one subcommand per step of the evaluation loop.

Subcommand modules are imported only when they run (see evalctl.commands), and `evalctl --help`
alone does not even import argparse (see evalctl.top_help).
Exit codes: 0 success, 1 the input is invalid or the run failed its gate, 2 usage error.
"""

from __future__ import annotations

import sys

# typing.TYPE_CHECKING without importing typing (a tenth of `evalctl --help`); mypy reads any
# name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from evalctl.aws import Services


def main(argv: Sequence[str] | None = None, services: Services | None = None) -> int:
    """`services` (AWS clients, the back-off clock) is for tests; commands read `args.services`."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments in (["-h"], ["--help"]):
        print_top_level_help()
    from evalctl.commands import build_parser

    args = build_parser(arguments).parse_args(arguments)
    from evalcore.errors import InputError  # after parsing: --help never pays for evalcore
    from evalctl.aws import Services

    args.services = services or Services()

    try:
        code: int = args.run(args)
    except InputError as error:
        print(f"evalctl {args.command}: {error}", file=sys.stderr)
        return 1
    return code


def print_top_level_help() -> None:
    """What argparse does for `evalctl --help` (print the help to stdout, exit 0), without
    argparse; returns only on a terminal too narrow for the fast layout, for argparse to do it."""
    from evalctl.command_table import help_width
    from evalctl.top_help import top_level_help

    text = top_level_help(help_width())
    if text is None:
        return
    # As argparse: a missing or closed stdout is not an error. (Not contextlib.suppress: this
    # path imports nothing it can do without.)
    try:  # noqa: SIM105
        sys.stdout.write(text)
    except (AttributeError, OSError):
        pass
    sys.exit(0)


if __name__ == "__main__":
    sys.exit(main())
