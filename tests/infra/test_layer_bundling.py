"""The local (Docker-free) layer bundler and its cache."""

from __future__ import annotations

import hashlib
import sys

from infra.layer_bundling import COMPLETE_MARKER, PipLayerBundling


def test_the_pip_command_targets_the_lambda_platform(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("boto3==1.44.5\n")
    command = PipLayerBundling(requirements).pip_command(tmp_path / "out")
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
    bundler = PipLayerBundling(requirements, cache_root=tmp_path / "cache")
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    assert bundler.cache_dir == tmp_path / "cache" / digest
    (bundler.cache_dir / "python" / "boto3").mkdir(parents=True)
    (bundler.cache_dir / "python" / "boto3" / "__init__.py").write_text("")
    (bundler.cache_dir / COMPLETE_MARKER).touch()
    monkeypatch.setattr("subprocess.run", lambda *a, **k: (_ for _ in ()).throw(AssertionError))

    output = tmp_path / "output"
    output.mkdir()
    assert bundler.try_bundle(str(output), object()) is True
    assert (output / "python" / "boto3" / "__init__.py").is_file()
    assert not (output / COMPLETE_MARKER).exists()


def test_a_changed_requirements_file_gets_a_new_cache_entry(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("boto3==1.44.5\n")
    bundler = PipLayerBundling(requirements, cache_root=tmp_path)
    first = bundler.cache_dir
    requirements.write_text("boto3==1.44.6\n")
    assert bundler.cache_dir != first
