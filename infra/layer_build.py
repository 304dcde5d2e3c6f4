"""Build the dependency layer with the local pip, without Docker, and cache it.

CDK bundles assets in a Docker container unless a local bundler says it did the job. This
environment (and CI) has no Docker, so `PipLayerBuilder` runs pip from the interpreter that
runs the CDK app, asking for manylinux wheels of the Lambda runtime's Python version, which is
what the container would have produced. The result is cached by the hash of requirements.txt:
every synth stages the asset again.

No aws_cdk here: importing it starts jsii's node process, which the builder's tests and the
benchmark do not need. infra.layer_bundling adapts the builder to CDK's ILocalBundling.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from infra.asset_layout import COMPLETE_MARKER, layer_cache_dir
from infra.asset_layout import DEFAULT_LAYER_CACHE_ROOT as DEFAULT_CACHE_ROOT


class PipLayerBuilder:
    """Installs requirements into `<output>/python`, the folder Lambda puts on sys.path."""

    def __init__(
        self,
        requirements_file: Path,
        *,
        cache_root: Path = DEFAULT_CACHE_ROOT,
        python_version: str = "3.12",
        platform: str = "manylinux2014_x86_64",
    ) -> None:
        self.requirements_file = requirements_file
        self.cache_root = cache_root
        self.python_version = python_version
        self.platform = platform

    @property
    def cache_dir(self) -> Path:
        return layer_cache_dir(self.requirements_file, self.cache_root)

    def pip_command(self, target: Path) -> list[str]:
        return [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-r",
            str(self.requirements_file),
            "--target",
            str(target / "python"),
            "--only-binary=:all:",
            "--platform",
            self.platform,
            "--python-version",
            self.python_version,
            "--implementation",
            "cp",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
        ]

    def _install_into_cache(self) -> Path:
        """pip into a scratch folder, then rename it into place so no reader sees half a cache."""
        cache_dir = self.cache_dir
        self.cache_root.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".pip-", dir=self.cache_root))
        try:
            result = subprocess.run(
                self.pip_command(scratch), capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                raise RuntimeError(
                    f"pip could not build the Lambda dependency layer from "
                    f"{self.requirements_file} (exit {result.returncode}):\n{result.stderr}"
                )
            # Console scripts are useless in a layer and would point at this machine's python.
            shutil.rmtree(scratch / "python" / "bin", ignore_errors=True)
            (scratch / COMPLETE_MARKER).touch()
            try:
                os.rename(scratch, cache_dir)
            except OSError:
                if not (cache_dir / COMPLETE_MARKER).exists():
                    raise
                # Another synth finished first; its copy is as good as ours.
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return cache_dir

    def build_into(self, output_dir: str | Path) -> None:
        """The installed requirements in `output_dir`, from the cache (built first if absent)."""
        cache_dir = self.cache_dir
        if not (cache_dir / COMPLETE_MARKER).exists():
            cache_dir = self._install_into_cache()
        shutil.copytree(
            cache_dir,
            output_dir,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(COMPLETE_MARKER, "__pycache__"),
        )
