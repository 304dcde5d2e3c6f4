"""The synthesis cache is sound: every input of a synthesized stack is in its key, and an
entry appears whole, once, or not at all (evalctl.simulation.template)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from evalcore.suite import DEFAULT_SUITES_DIR
from evalctl.simulation import template
from evalctl.simulation.template import cached_directory, cached_json, synthesis_key
from infra.settings import PipelineSettings
from tests.infra.assembly import SETTINGS, assembly_key
from tests.infra.nag_runs import nag_key


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    """A checkout of its own: infra/, lambdas/, a suites folder and a synthesizing module."""
    root = tmp_path / "checkout"
    for relative, text in {
        "infra/stack.py": "BUCKET = 'versioned'\n",
        "lambdas/handlers/poll.py": "WAIT = 1\n",
        "lambdas/requirements.txt": "boto3==1.0\n",
        "suites/a.json": '{"name": "a"}',
        "tests/recorder.py": "PARTS = ('bucket',)\n",
    }.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    monkeypatch.setattr(template, "REPO_ROOT", root)
    monkeypatch.setattr(template, "SYNTHESIS_SOURCES", (root / "infra", root / "lambdas"))
    return root


def key(root: Path, **changes) -> str:
    arguments = {
        "settings": PipelineSettings(),
        "suites_dir": root / "suites",
        "stack_name": "Pipeline",
        "inputs": {"context": {}},
        "code": (root / "tests" / "recorder.py",),
        **changes,
    }
    return synthesis_key(
        arguments.pop("settings"),
        arguments.pop("suites_dir"),
        arguments.pop("stack_name"),
        **arguments,
    )


def test_the_same_inputs_give_the_same_key(tree):
    assert key(tree) == key(tree)


@pytest.mark.parametrize(
    "path",
    ["infra/stack.py", "lambdas/handlers/poll.py", "lambdas/requirements.txt", "suites/a.json"],
)
def test_changing_a_source_or_suite_file_changes_the_key(tree, path):
    before = key(tree)
    (tree / path).write_text((tree / path).read_text() + "\n# changed\n")
    assert key(tree) != before


def test_adding_a_file_under_infra_or_a_suite_changes_the_key(tree):
    before = key(tree)
    (tree / "infra" / "trigger.py").write_text("RULE = 1\n")
    after_infra = key(tree)
    (tree / "suites" / "b.json").write_text('{"name": "b"}')
    assert len({before, after_infra, key(tree)}) == 3


def test_changing_the_synthesizing_code_changes_the_key(tree):
    before = key(tree)
    (tree / "tests" / "recorder.py").write_text("PARTS = ('bucket', 'topic')\n")
    assert key(tree) != before


def test_each_argument_is_in_the_key(tree):
    keys = {
        key(tree),
        key(tree, settings=dataclasses.replace(PipelineSettings(), results_retention_days=7)),
        key(tree, stack_name="Other"),
        key(tree, inputs={"context": {"alarmEmail": "team@example.com"}}),
        key(tree, code=()),
    }
    assert len(keys) == 5


def test_a_library_version_is_in_the_key(tree, monkeypatch):
    before = key(tree)
    real = template.metadata.version
    monkeypatch.setattr(
        template.metadata, "version", lambda name: "9.9.9" if name == "aws-cdk-lib" else real(name)
    )
    assert key(tree) != before


def test_what_cannot_shape_the_stack_is_not_in_the_key(tree, tmp_path):
    before = key(tree)
    # Bytecode, and the suites' folder (a pytest tmp folder with the same files is the same).
    (tree / "infra" / "__pycache__").mkdir()
    (tree / "infra" / "__pycache__" / "stack.cpython-312.pyc").write_bytes(b"\0")
    elsewhere = shutil.copytree(tree / "suites", tmp_path / "elsewhere")
    assert key(tree, suites_dir=elsewhere) == before


def test_the_infra_tests_entries_are_keyed_by_their_own_inputs():
    shipped = assembly_key(SETTINGS, DEFAULT_SUITES_DIR, "Pipeline", {})
    assert shipped == assembly_key(SETTINGS, DEFAULT_SUITES_DIR, "Pipeline", {})
    default = assembly_key(None, DEFAULT_SUITES_DIR, "Pipeline", {})
    with_context = assembly_key(SETTINGS, DEFAULT_SUITES_DIR, "Pipeline", {"alarmEmail": "a@b.c"})
    # The nag runs synthesize the default settings and record other things: another entry.
    assert len({shipped, default, with_context, nag_key()}) == 4


def test_a_part_is_found_by_its_path_as_on_the_live_construct(synthesized):
    paths = synthesized.parts.paths()
    assert len(paths) > 11 * 3 and set(paths) == set(synthesized.live_logical_ids)
    for path in paths:
        assert synthesized.logical_id(path) == synthesized.live_logical_ids[path], path
        assert synthesized.logical_id(path) in synthesized.json["Resources"], path


def test_a_directory_entry_is_built_once_and_replaces_older_ones(tmp_path):
    built = []

    def build(folder: Path) -> None:
        built.append(folder)
        (folder / "template.json").write_text("{}")

    first = cached_directory("assembly", "a" * 24, build, cache_dir=tmp_path)
    assert cached_directory("assembly", "a" * 24, build, cache_dir=tmp_path) == first
    assert len(built) == 1 and (first / "template.json").is_file()
    second = cached_directory("assembly", "b" * 24, build, cache_dir=tmp_path)
    assert (second / "template.json").is_file() and not first.exists()


def test_a_failed_build_leaves_no_entry(tmp_path):
    def build(folder: Path) -> None:
        (folder / "half.json").write_text("{")
        raise RuntimeError("synth failed")

    with pytest.raises(RuntimeError, match="synth failed"):
        cached_directory("assembly", "c" * 24, build, cache_dir=tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == [f".{'c' * 24}.lock"]


def test_a_json_entry_is_built_once(tmp_path):
    calls = []

    def build() -> dict:
        calls.append(1)
        return {"findings": [["AwsSolutions-SQS3", "Pipeline/Queue"]]}

    first = cached_json("nag", "d" * 24, build, cache_dir=tmp_path)
    assert cached_json("nag", "d" * 24, build, cache_dir=tmp_path) == first
    assert first == {"findings": [["AwsSolutions-SQS3", "Pipeline/Queue"]]}
    assert len(calls) == 1
