"""Reading a synthesized CloudFormation template, shared by the infra and end-to-end tests,
and synthesizing one once for every process that needs the same one.

A synth costs seconds (importing aws_cdk's modules alone costs about five), and the end-to-end
tests, `evalctl run`'s tests, the load test and the infra tests each want a synthesized stack,
in several pytest-xdist workers. `cached_template` synthesizes a template once and keeps it on
disk under build/ (git-ignored, removed by `make clean`); `cached_directory` does the same for
anything built into a folder (the infra tests' whole cloud assembly) and `cached_json` for a
JSON value (cdk-nag's findings, a construct synthesized alone). Each entry is named by
`synthesis_key`, a hash of everything that shapes it:

- the settings (their repr: every field), the stack's name, and `inputs`: whatever else the
  caller's synthesis depends on, as JSON (the CDK context given to the app, the arguments of a
  construct synthesized alone), and any context the CDK CLI passes in CDK_CONTEXT_JSON;
- the suites: every *.json of the suites folder, by name and content (not by folder, so a
  pytest tmp folder with the same files is the same entry);
- the source of infra/ and lambdas/ (the code asset's hash is in the template, the suites and
  requirements shape IAM and the layer);
- the code that synthesizes and records: this module, plus the files a caller names in `code`
  (e.g. tests/infra/assembly.py, which decides what is synthesized and what is kept of it);
- the versions of the libraries that synthesize (aws-cdk-lib, constructs, jsii, cdk-nag,
  cdk-monitoring-constructs).

Any change to one of them is a new name, so a stale entry is never read; a worker that finds
the entry made by another reads it without importing aws_cdk's constructs at all. An entry is
written aside and renamed into place under a lock file, so it appears whole or not at all and
two processes asking at once build it once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infra.settings import PipelineSettings

REPO_ROOT = Path(__file__).resolve().parents[3]
# Next to build/layer-cache (infra/layer_bundling.py): both are caches of synthesis.
TEMPLATE_CACHE_DIR = REPO_ROOT / "build" / "template-cache"
# What a template is made of besides the settings, suites and inputs given to the key.
SYNTHESIS_SOURCES = (REPO_ROOT / "infra", REPO_ROOT / "lambdas")
SYNTHESIS_LIBRARIES = ("aws-cdk-lib", "constructs", "jsii", "cdk-nag", "cdk-monitoring-constructs")


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


def synthesis_key(
    settings: PipelineSettings,
    suites_dir: Path,
    stack_name: str,
    *,
    inputs: Mapping[str, Any] | None = None,
    code: Iterable[Path] = (),
) -> str:
    """A hash of every input that shapes a synthesized stack (listed in the module's doc)."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("settings", repr(settings).encode())
    add("stack", stack_name.encode())
    add("inputs", json.dumps(dict(inputs or {}), sort_keys=True).encode())
    # Context the CDK CLI hands an app through the environment (unset in tests).
    add("cdk-context-env", os.environ.get("CDK_CONTEXT_JSON", "").encode())
    add("synthesizer", Path(__file__).read_bytes())
    for path in sorted(Path(path).resolve() for path in code):
        add(f"code:{path.relative_to(REPO_ROOT)}", path.read_bytes())
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


@contextmanager
def _locked(cache_dir: Path, key: str) -> Iterator[None]:
    """Processes asking for the same entry at once take turns, so the second reads what the
    first wrote instead of building it again."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / f".{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def cached_template(
    settings: PipelineSettings,
    *,
    suites_dir: Path | None = None,
    stack_name: str = "E2E",
    cache_dir: Path = TEMPLATE_CACHE_DIR,
) -> dict[str, Any]:
    """The template for these inputs: read from `cache_dir`, or synthesized once and stored
    (`cached_json`: written aside, then renamed, whole or not at all)."""
    if suites_dir is None:
        from evalcore.suite import DEFAULT_SUITES_DIR

        suites_dir = DEFAULT_SUITES_DIR
    key = synthesis_key(settings, suites_dir, stack_name)
    return cached_json(
        stack_name,
        key,
        lambda: json.loads(synthesize_template(settings, stack_name, suites_dir)),
        cache_dir=cache_dir,
    )


def cached_directory(
    name: str, key: str, build: Callable[[Path], None], *, cache_dir: Path = TEMPLATE_CACHE_DIR
) -> Path:
    """The folder `name-key` under `cache_dir`, filled once by `build(folder)`.

    `build` fills a scratch folder beside the entry, which is renamed into place only when
    `build` returns: a failed or interrupted build leaves no entry. An entry's content may be
    large (a cloud assembly stages a 42 MB layer), so the entries of `name` under other keys,
    which only older code of this checkout could read, are removed once the new one is in
    place; `name` must therefore identify one kind of entry, one key per session.
    """
    path = cache_dir / f"{name}-{key}"
    with _locked(cache_dir, key):
        if not path.exists():
            scratch = Path(tempfile.mkdtemp(dir=cache_dir, prefix=f".{name}-"))
            try:
                build(scratch)
            except BaseException:
                shutil.rmtree(scratch, ignore_errors=True)
                raise
            os.replace(scratch, path)
            for stale in cache_dir.glob(f"{name}-*"):
                if stale != path and stale.is_dir() and len(stale.name) == len(path.name):
                    shutil.rmtree(stale, ignore_errors=True)
    return path


def cached_json(
    name: str, key: str, build: Callable[[], Any], *, cache_dir: Path = TEMPLATE_CACHE_DIR
) -> Any:
    """The JSON value `build()` returns, computed once for `key` and kept as `name-key.json`."""
    path = cache_dir / f"{name}-{key}.json"
    with _locked(cache_dir, key):
        if not path.exists():
            text = json.dumps(build(), indent=1, sort_keys=True)
            with tempfile.NamedTemporaryFile(
                "w", dir=cache_dir, prefix=f".{name}-", suffix=".json", delete=False
            ) as scratch:
                scratch.write(text)
            os.replace(scratch.name, path)
    return json.loads(path.read_text(encoding="utf-8"))
