"""Render the README's "Bad input and what happens" table from the tests' catalogue.

Every row runs its input through the real reader (suite parser, dataset validator, upload-key
lookup, result reader), so the table shows what the code answers today. A test checks that the
README holds exactly this output. Usage:

    .venv/bin/python scripts/bad_input_table.py           # print the table
    .venv/bin/python scripts/bad_input_table.py --write   # replace it in README.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
START = "<!-- bad-input-table:start (scripts/bad_input_table.py --write) -->"
END = "<!-- bad-input-table:end -->"

if str(REPO) not in sys.path:  # the catalogue lives with the tests that check it
    sys.path.insert(0, str(REPO))

from tests.bad_inputs import CATALOGUE, matching_problem  # noqa: E402


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table() -> str:
    """One row per catalogued bad input: where it is met, what happens, the message given."""
    rows = [
        "| # | Bad input | Met in | What happens | Field | Message (fix) |",
        "|---|---|---|---|---|---|",
    ]
    for number, case in enumerate(CATALOGUE, start=1):
        problem = matching_problem(case)
        if problem is None:
            raise SystemExit(f"{case.name!r} no longer gives {case.field}: {case.message!r}")
        where = f"line {problem.line}: " if problem.line is not None else ""
        message = f"{where}{problem.message}" + (f" (fix: {problem.fix})" if problem.fix else "")
        rows.append(
            f"| {number} | {_cell(case.name)} | {case.where.value} | {case.outcome.value} "
            f"| `{_cell(problem.field)}` | {_cell(message)} |"
        )
    return "\n".join(rows) + "\n"


def readme_table(readme: str) -> str:
    """The table currently between the markers in the README."""
    start = readme.index(START) + len(START) + 1
    return readme[start : readme.index(END)]


def write_readme(path: Path = README) -> None:
    text = path.read_text(encoding="utf-8")
    old = readme_table(text)
    path.write_text(text.replace(START + "\n" + old, START + "\n" + render_table()), "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="replace the table in README.md")
    args = parser.parse_args(argv)
    if args.write:
        write_readme()
    else:
        sys.stdout.write(render_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
