"""Entry point: one subcommand per step of the evaluation loop.

Subcommand modules are imported only when they run (see evalctl.commands).
Exit codes: 0 success, 1 the input is invalid or the run failed its gate, 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from evalctl.commands import build_parser

if TYPE_CHECKING:
    from evalctl.aws import Services


def main(argv: Sequence[str] | None = None, services: Services | None = None) -> int:
    """`services` (AWS clients, the back-off clock) is for tests; commands read `args.services`."""
    arguments = list(sys.argv[1:] if argv is None else argv)
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


if __name__ == "__main__":
    sys.exit(main())
