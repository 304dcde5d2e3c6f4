"""mypy checks every aws_cdk module the app imports (pyproject.toml skips the rest, which are
most of its time on a fresh clone): a module imported here but not listed would be Any."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_cdk_modules() -> set[str]:
    """Every aws_cdk module imported by the code mypy checks (app.py, infra/, scripts/)."""
    found: set[str] = set()
    paths = [ROOT / "app.py", *(ROOT / "infra").rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    # `from aws_cdk import Duration` names a class; the modules are aws_cdk and aws_cdk.aws_*.
    return {name for name in found if name == "aws_cdk" or name.startswith("aws_cdk.aws_")}


def checked_cdk_modules() -> set[str]:
    overrides = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"]
    return {
        module
        for override in overrides
        if override.get("follow_imports") == "normal"
        for module in override["module"]
    }


def test_every_aws_cdk_module_the_app_imports_is_type_checked():
    imported = imported_cdk_modules()
    assert {"aws_cdk", "aws_cdk.aws_s3", "aws_cdk.aws_stepfunctions"} <= imported
    assert imported <= checked_cdk_modules(), sorted(imported - checked_cdk_modules())
