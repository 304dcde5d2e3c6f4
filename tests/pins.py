"""The Lambda runtime pins, read once for every test that checks them."""

from __future__ import annotations

import re
from pathlib import Path

REQUIREMENTS_FILE = Path(__file__).resolve().parents[1] / "lambdas" / "requirements.txt"


def lambda_pins() -> dict[str, str]:
    """`name==version` lines of lambdas/requirements.txt, names lower-cased."""
    found = {}
    for line in REQUIREMENTS_FILE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found
