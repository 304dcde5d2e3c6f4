"""The local (Docker-free) layer builder and its cache (infra/layer_build.py: no aws_cdk)."""

from __future__ import annotations

import hashlib
import sys

from infra.asset_layout import COMPLETE_MARKER
from infra.layer_build import PipLayerBuilder


def test_the_pip_command_targets_the_lambda_platform(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("boto3==1.44.5\n")
    command = PipLayerBuilder(requirements).pip_command(tmp_path / "out")
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    joined = " ".join(command)
    for fragment in (
        f"-r {requirements}",
        f"--target {tmp_path / 'out' / 'python'}",
        "--only-binary=:all:",
        "--platform manylinux2014_x86_64",
        "--python-version 3.12",
        "--implementation cp",
    ):
        assert fragment in joined


def test_a_cached_layer_is_copied_without_running_pip(tmp_path, monkeypatch):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("boto3==1.44.5\n")
    builder = PipLayerBuilder(requirements, cache_root=tmp_path / "cache")
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    assert builder.cache_dir == tmp_path / "cache" / digest
    (builder.cache_dir / "python" / "boto3").mkdir(parents=True)
    (builder.cache_dir / "python" / "boto3" / "__init__.py").write_text("")
    (builder.cache_dir / COMPLETE_MARKER).touch()
    monkeypatch.setattr("subprocess.run", lambda *a, **k: (_ for _ in ()).throw(AssertionError))

    output = tmp_path / "output"
    output.mkdir()
    builder.build_into(str(output))
    assert (output / "python" / "boto3" / "__init__.py").is_file()
    assert not (output / COMPLETE_MARKER).exists()


def test_a_changed_requirements_file_gets_a_new_cache_entry(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("boto3==1.44.5\n")
    builder = PipLayerBuilder(requirements, cache_root=tmp_path)
    first = builder.cache_dir
    requirements.write_text("boto3==1.44.6\n")
    assert builder.cache_dir != first
