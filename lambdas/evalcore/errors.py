"""Errors that carry enough context for a person to fix the input without reading code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is and how to fix it."""

    source: str
    field: str
    message: str
    fix: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        text = f"{where}: {self.field}: {self.message}"
        return f"{text} (fix: {self.fix})" if self.fix else text


class InputError(ValueError):
    """Raised with every problem found, not just the first, so one upload fixes them all."""

    def __init__(self, problems: list[Problem], *, limit: int = 50) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:limit])
        more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
        super().__init__(f"{len(problems)} problem(s) found:\n{shown}{more}")


class SuiteError(InputError):
    """The suite configuration is invalid."""


class DatasetError(InputError):
    """The dataset is invalid."""
