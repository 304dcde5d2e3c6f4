"""cdk-nag AwsSolutions: no unacknowledged finding, and every acknowledgement is earned.

cdk-nag 3 is a CDK policy-validation plugin: `app.synth()` raises RuntimeError
("ValidationFailed") and writes validation-report.json when a finding is not acknowledged,
exactly as `cdk synth` fails. `validate_scope` returns the same findings as data.
"""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest

from infra.nag import MIN_REASON_LENGTH, add_aws_solutions_checks
from infra.stack import EvaluationPipelineStack

ACK_KEY = cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
RealValidations = cdk.Validations


class FilteringValidations:
    """Stands in for cdk.Validations: records acknowledgements and drops the chosen ones."""

    def __init__(self, drop: set[str]) -> None:
        self.drop = drop
        self.recorded: list[tuple[str, str]] = []

    def of(self, scope):
        real = RealValidations.of(scope)
        outer = self

        class Scoped:
            def add_plugins(self, *plugins):
                real.add_plugins(*plugins)

            def acknowledge(self, *rules):
                for rule in rules:
                    outer.recorded.append((rule.id, scope.node.path))
                kept = [rule for rule in rules if rule.id not in outer.drop]
                if kept:
                    real.acknowledge(*kept)

        return Scoped()


def build(tmp_path: Path, monkeypatch, drop: set[str] | None = None):
    fake = None
    if drop is not None:
        fake = FilteringValidations(drop)
        monkeypatch.setattr(cdk, "Validations", fake)
    app = cdk.App(outdir=str(tmp_path))
    EvaluationPipelineStack(app, "Pipeline")
    checks = add_aws_solutions_checks(app)
    monkeypatch.undo()
    return app, checks, fake


def findings(checks, app) -> set[tuple[str, str]]:
    report = checks.validate_scope(app)
    return {
        (violation.rule_name, resource.construct_path)
        for violation in report.violations
        for resource in violation.violating_resources
    }


@pytest.fixture(scope="module")
def checked_app(tmp_path_factory):
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("nag")))
    EvaluationPipelineStack(app, "Pipeline")
    checks = add_aws_solutions_checks(app)
    return app, checks


def acknowledgements(app) -> list[tuple[str, str, str]]:
    found = []
    for construct in app.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == ACK_KEY and entry.data:
                for rule_id, reason in entry.data.items():
                    found.append((rule_id, reason, construct.node.path))
    return found


def test_the_stack_has_no_unacknowledged_finding(checked_app):
    app, checks = checked_app
    assert findings(checks, app) == set()


def test_synthesis_with_the_checks_succeeds(checked_app):
    app, _ = checked_app
    assembly = app.synth()
    report = json.loads((Path(assembly.directory) / "validation-report.json").read_text())
    for plugin in report["pluginReports"]:
        assert plugin["violations"] == [], plugin["pluginName"]


def test_every_acknowledgement_has_a_specific_reason(checked_app):
    app, _ = checked_app
    found = acknowledgements(app)
    assert found
    for rule_id, reason, path in found:
        assert "AwsSolutions-" in rule_id, (rule_id, path)
        assert len(reason.strip()) >= MIN_REASON_LENGTH, (rule_id, path)
    reasons = [reason for _, reason, _ in found]
    # A reason is written for its finding; one sentence copied everywhere would not be.
    assert len(set(reasons)) >= 8


def test_acknowledgements_sit_on_the_narrowest_construct(checked_app):
    app, _ = checked_app
    for rule_id, _, path in acknowledgements(app):
        assert path.count("/") >= 2, f"{rule_id} is acknowledged too broadly at {path}"


def test_each_acknowledgement_silences_a_real_finding_on_its_construct(tmp_path, monkeypatch):
    app, checks, fake = build(tmp_path, monkeypatch, drop={"*"})
    # Nothing dropped yet ("*" matches no id): record every acknowledgement the stack makes.
    assert findings(checks, app) == set()
    recorded = fake.recorded

    app, checks, _ = build(tmp_path / "bare", monkeypatch, drop={rule for rule, _ in recorded})
    raw = findings(checks, app)
    for rule_id, path in recorded:
        # cdk-nag reports findings on the CfnResource at or below the acknowledging construct.
        assert any(
            finding == rule_id and (where == path or where.startswith(path + "/"))
            for finding, where in raw
        ), f"{rule_id} on {path} acknowledges nothing"
    assert {finding for finding, _ in raw} == {rule for rule, _ in recorded}


def test_removing_one_acknowledgement_fails_synthesis(tmp_path, monkeypatch):
    app, checks, _ = build(tmp_path, monkeypatch, drop={"AwsSolutions-SQS3"})
    assert {rule for rule, _ in findings(checks, app)} == {"AwsSolutions-SQS3"}
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    (nag,) = [p for p in report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    assert [v["ruleName"] for v in nag["violations"]] == ["AwsSolutions-SQS3"]
