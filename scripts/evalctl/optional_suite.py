"""evalcore.suite.load_suite for commands whose --suite is optional, imported on first call.

Parsing a suite takes the whole suite model (kinds, sections, custom metrics, difflib): about
a tenth of `evalctl summarize`, which mostly runs without --suite. A command that imports
`load_suite` from here pays for it only when a suite is named.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING; mypy reads any name TYPE_CHECKING as true
if TYPE_CHECKING:
    from pathlib import Path

    from evalcore.suite import Suite


def load_suite(name_or_path: str, suites_dir: Path | None = None) -> Suite:
    """evalcore.suite.load_suite: a suite name (looked up in the suites folder) or a file."""
    from evalcore import suite

    return suite.load_suite(name_or_path, suites_dir)
