"""cdk-nag's verdict on the shipped stack, from two real constructions, kept in the cache.

cdk-nag 3 is a CDK policy-validation plugin: `app.synth()` raises RuntimeError
("ValidationFailed") and writes validation-report.json when a finding is not acknowledged,
exactly as `cdk synth` fails, and `validate_scope` returns the same findings as data. Each
construction of the whole stack costs seconds, so the test module does not construct: it reads
what `nag_runs` recorded of two runs, made once per content key:

- `checked`: the stack as `cdk synth` checks it (app.py: default settings, every
  acknowledgement), its findings, its synthesis (error, if any, and validation report) and
  every acknowledgement CDK recorded as construct metadata (rule, reason, construct path);
- `bare`: the same stack with every acknowledgement dropped as it is made (`cdk.Validations`
  is stood in for while the stack is constructed), what was dropped (rule, construct path),
  the raw findings and the failed synthesis (error and validation report).

The key is `cached_synthesis`'s (tests/infra/assembly.py): the default settings, the entry's
name, the shipped suites, infra/ and lambdas/, the CDK library versions,
evalctl/simulation/template.py, assembly.py and this file: any change to what is checked or
how is a new entry.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.infra.assembly import cached_synthesis, synthesis_entry_key

if TYPE_CHECKING:
    import aws_cdk as cdk
    from cdk_nag import AwsSolutionsChecks

STACK = "Pipeline"
VALIDATION_REPORT = "validation-report.json"


class DroppingValidations:
    """Stands in for cdk.Validations while the stack is made: passes plugins through, records
    every acknowledgement (rule, construct path) and acknowledges none of them."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.recorded: list[tuple[str, str]] = []

    def of(self, scope: Any) -> Any:
        real = self.real.of(scope)
        recorded = self.recorded

        class Scoped:
            def add_plugins(self, *plugins: Any) -> None:
                real.add_plugins(*plugins)

            def acknowledge(self, *rules: Any) -> None:
                recorded.extend((rule.id, scope.node.path) for rule in rules)

        return Scoped()


@contextmanager
def dropping_acknowledgements(cdk_module: Any) -> Iterator[DroppingValidations]:
    fake = DroppingValidations(cdk_module.Validations)
    cdk_module.Validations = fake
    try:
        yield fake
    finally:
        cdk_module.Validations = fake.real


def _findings(checks: AwsSolutionsChecks, app: cdk.App) -> list[tuple[str, str]]:
    report = checks.validate_scope(app)
    return sorted(
        {
            (violation.rule_name, resource.construct_path)
            for violation in report.violations
            for resource in violation.violating_resources
        }
    )


def _synthesis(app: cdk.App, outdir: Path) -> dict[str, Any]:
    """Synthesize: the error's text (None when it succeeds) and the validation report."""
    try:
        app.synth()
        error = None
    except RuntimeError as failure:
        error = str(failure)
    report_file = outdir / VALIDATION_REPORT
    report = json.loads(report_file.read_text()) if report_file.exists() else None
    return {"error": error, "report": report}


def _acknowledgements(app: cdk.App, key: str) -> list[tuple[str, str, str]]:
    return [
        (rule_id, reason, construct.node.path)
        for construct in app.node.find_all()
        for entry in construct.node.metadata
        if entry.type == key and entry.data
        for rule_id, reason in entry.data.items()
    ]


def run_checks() -> dict[str, Any]:
    """Construct, check and synthesize the stack twice (see the module's doc)."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    import aws_cdk as cdk

    from infra.nag import add_aws_solutions_checks
    from infra.stack import EvaluationPipelineStack

    with tempfile.TemporaryDirectory(prefix="nag-") as folder:
        checked_dir, bare_dir = Path(folder, "checked"), Path(folder, "bare")

        app = cdk.App(outdir=str(checked_dir))
        EvaluationPipelineStack(app, STACK)
        checks = add_aws_solutions_checks(app)
        checked = {
            "findings": _findings(checks, app),
            "acknowledgements": _acknowledgements(
                app, cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
            ),
            "synthesis": _synthesis(app, checked_dir),
        }

        with dropping_acknowledgements(cdk) as dropping:
            app = cdk.App(outdir=str(bare_dir))
            EvaluationPipelineStack(app, STACK)
            checks = add_aws_solutions_checks(app)
        bare = {
            "dropped": dropping.recorded,
            "findings": _findings(checks, app),
            "synthesis": _synthesis(app, bare_dir),
        }
    return {"checked": checked, "bare": bare}


NAG_RUNS = "nag-runs"


def nag_key() -> str:
    return synthesis_entry_key(NAG_RUNS, Path(__file__))


def nag_runs() -> dict[str, Any]:
    """What `run_checks` returns (pairs as lists), from the cache or made once into it."""
    return cached_synthesis(NAG_RUNS, run_checks, code=Path(__file__))
