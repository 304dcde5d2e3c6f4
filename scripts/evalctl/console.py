"""Progress and tables on stderr, so stdout stays clean for JSON a script may pipe on."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

stderr = Console(stderr=True)


def progress_bar() -> Progress:
    """One look for every long-running command; transient so CI logs keep only the result."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    )
