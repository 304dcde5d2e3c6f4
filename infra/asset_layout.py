"""What goes into the Lambda code asset and where the built layer is cached: plain facts, no
aws_cdk import, so scripts that only measure the assets (scripts/benchmark.py) need not pay
the seconds importing CDK's constructs costs."""

from __future__ import annotations

import hashlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LAMBDAS_DIR = REPO_ROOT / "lambdas"
# Tests, caches and the layer's requirements are not handler code.
CODE_EXCLUDES = ["tests", "**/tests", "**/__pycache__", "*.pyc", "**/*.pyc", "requirements.txt"]
# Where infra.layer_bundling keeps each built layer, by the hash of its requirements file.
DEFAULT_LAYER_CACHE_ROOT = REPO_ROOT / "build" / "layer-cache"
# Written last into a cached layer: a folder without it is an interrupted build.
COMPLETE_MARKER = ".complete"


def requirements_hash(requirements_file: Path) -> str:
    return hashlib.sha256(requirements_file.read_bytes()).hexdigest()


def layer_cache_dir(requirements_file: Path, cache_root: Path = DEFAULT_LAYER_CACHE_ROOT) -> Path:
    """The folder a layer built from `requirements_file` is cached in."""
    return cache_root / requirements_hash(requirements_file)
