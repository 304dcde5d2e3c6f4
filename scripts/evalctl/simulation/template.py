"""Reading a synthesized CloudFormation template, shared by the infra and end-to-end tests,
and synthesizing one once for every process that needs the same one.

A synth costs seconds (importing aws_cdk's modules alone costs about five), and the end-to-end
tests, `evalctl run`'s tests and the load test each want the stack's template, in several
pytest-xdist workers. `cached_template` synthesizes a template once and keeps it on disk under
build/ (git-ignored, removed by `make clean`), named by a hash of everything that shapes it:
the settings, the suites, the stack name, the source of infra/ and lambdas/ (the code asset's
hash is in the template) and the CDK libraries' versions. Any change to one of them is a new
name, so a stale template is never read; a worker that finds the template made by another
reads it without importing aws_cdk's constructs at all.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infra.settings import PipelineSettings

REPO_ROOT = Path(__file__).resolve().parents[3]
# Next to build/layer-cache (infra/layer_bundling.py): both are caches of synthesis.
TEMPLATE_CACHE_DIR = REPO_ROOT / "build" / "template-cache"
# What a template is made of besides the settings and suites given to `cached_template`.
SYNTHESIS_SOURCES = (REPO_ROOT / "infra", REPO_ROOT / "lambdas")
SYNTHESIS_LIBRARIES = ("aws-cdk-lib", "constructs", "cdk-nag", "cdk-monitoring-constructs")


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Every resource of one type, by logical id."""
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def _source_files(folders: Iterable[Path]) -> list[Path]:
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def synthesis_key(settings: PipelineSettings, suites_dir: Path, stack_name: str) -> str:
    """A hash of every input that shapes the synthesized template (see the module's doc)."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("settings", repr(settings).encode())
    add("stack", stack_name.encode())
    add("synthesizer", Path(__file__).read_bytes())
    for library in SYNTHESIS_LIBRARIES:
        add(library, metadata.version(library).encode())
    for path in _source_files(SYNTHESIS_SOURCES):
        add(str(path.relative_to(REPO_ROOT)), path.read_bytes())
    for path in sorted(suites_dir.glob("*.json")):
        add(f"suite:{path.name}", path.read_bytes())
    return digest.hexdigest()[:24]


def synthesize_template(
    settings: PipelineSettings, stack_name: str, suites_dir: Path | None = None
) -> str:
    """The stack's template as JSON text, synthesized in this process without asset bundling
    (the simulation runs the handlers in-process, so no layer is built or copied); the
    stack's own suites folder unless `suites_dir` is given."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    import aws_cdk as cdk

    from infra.stack import EvaluationPipelineStack

    with tempfile.TemporaryDirectory(prefix="evalctl-synth-") as outdir:
        app = cdk.App(outdir=outdir, context={"aws:cdk:bundling-stacks": []})
        folder = {"suites_dir": suites_dir} if suites_dir is not None else {}
        EvaluationPipelineStack(app, stack_name, settings=settings, **folder)
        assembly = app.synth()
        path = Path(assembly.get_stack_by_name(stack_name).template_full_path)
        return path.read_text(encoding="utf-8")


def cached_template(
    settings: PipelineSettings,
    *,
    suites_dir: Path | None = None,
    stack_name: str = "E2E",
    cache_dir: Path = TEMPLATE_CACHE_DIR,
) -> dict[str, Any]:
    """The template for these inputs: read from `cache_dir`, or synthesized once and stored.

    Processes asking for the same template at once take turns on a lock file, so the second
    reads what the first wrote instead of synthesizing it again; the file appears whole
    (written aside, then renamed) or not at all.
    """
    if suites_dir is None:
        from evalcore.suite import DEFAULT_SUITES_DIR

        suites_dir = DEFAULT_SUITES_DIR
    key = synthesis_key(settings, suites_dir, stack_name)
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{stack_name}-{key}.json"
    with open(cache_dir / f".{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            text = synthesize_template(settings, stack_name, suites_dir)
            with tempfile.NamedTemporaryFile(
                "w", dir=cache_dir, prefix=".synth-", suffix=".json", delete=False
            ) as scratch:
                scratch.write(text)
            os.replace(scratch.name, path)
    return json.loads(path.read_text(encoding="utf-8"))
