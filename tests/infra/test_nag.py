"""cdk-nag AwsSolutions: no unacknowledged finding, and every acknowledgement is earned.

cdk-nag 3 is a CDK policy-validation plugin: `app.synth()` raises RuntimeError
("ValidationFailed") and writes validation-report.json when a finding is not acknowledged,
exactly as `cdk synth` fails. `validate_scope` returns the same findings as data. The two
constructions these tests read (every acknowledgement; none) are made once per content key by
tests/infra/nag_runs.py.
"""

from __future__ import annotations

import pytest

from infra.acknowledgement_rules import MIN_REASON_LENGTH
from tests.infra.nag_runs import nag_runs

Finding = tuple[str, str]  # (rule, construct path)


@pytest.fixture(scope="module")
def runs() -> dict:
    return nag_runs()


@pytest.fixture(scope="module")
def checked(runs) -> dict:
    return runs["checked"]


@pytest.fixture(scope="module")
def bare(runs) -> dict:
    return runs["bare"]


def at_or_below(where: str, path: str) -> bool:
    """cdk-nag reports findings on the CfnResource at or below the acknowledging construct."""
    return where == path or where.startswith(path + "/")


def silenced(dropped: list[Finding], raw: set[Finding]) -> set[Finding]:
    """The raw findings these acknowledgements (rule, construct path) silence."""
    return {
        (rule, where)
        for rule, where in raw
        if any(rule == acked and at_or_below(where, path) for acked, path in dropped)
    }


def nag_violations(synthesis: dict) -> list[dict]:
    (nag,) = [p for p in synthesis["report"]["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    return nag["violations"]


def test_the_stack_has_no_unacknowledged_finding(checked):
    assert checked["findings"] == []


def test_synthesis_with_the_checks_succeeds(checked):
    assert checked["synthesis"]["error"] is None
    for plugin in checked["synthesis"]["report"]["pluginReports"]:
        assert plugin["violations"] == [], plugin["pluginName"]


def test_every_acknowledgement_has_a_specific_reason(checked):
    found = checked["acknowledgements"]
    assert found
    for rule_id, reason, path in found:
        assert "AwsSolutions-" in rule_id, (rule_id, path)
        assert len(reason.strip()) >= MIN_REASON_LENGTH, (rule_id, path)
    reasons = [reason for _, reason, _ in found]
    # A reason is written for its finding; one sentence copied everywhere would not be.
    assert len(set(reasons)) >= 8


def test_acknowledgements_sit_on_the_narrowest_construct(checked):
    for rule_id, _, path in checked["acknowledgements"]:
        assert path.count("/") >= 2, f"{rule_id} is acknowledged too broadly at {path}"


def test_each_acknowledgement_silences_a_real_finding_on_its_construct(checked, bare):
    recorded = [tuple(pair) for pair in bare["dropped"]]
    # What was dropped is what the checked stack acknowledges (CDK records an
    # acknowledgement's id with a prefix of its own, e.g. "Annotation::").
    acknowledged = checked["acknowledgements"]
    assert len(recorded) == len(acknowledged)
    for metadata_id, _, path in acknowledged:
        assert any(metadata_id.endswith(rule) and where == path for rule, where in recorded)
    raw = {tuple(finding) for finding in bare["findings"]}
    for rule_id, path in recorded:
        assert any(finding == rule_id and at_or_below(where, path) for finding, where in raw), (
            f"{rule_id} on {path} acknowledges nothing"
        )
    assert {finding for finding, _ in raw} == {rule for rule, _ in recorded}
    # Every raw finding is one an acknowledgement silences: the checked stack has none left.
    assert silenced(recorded, raw) == raw


def test_removing_acknowledgements_fails_synthesis_naming_their_rules(bare):
    assert bare["synthesis"]["error"] is not None
    assert "ValidationFailed" in bare["synthesis"]["error"]
    names = [violation["ruleName"] for violation in nag_violations(bare["synthesis"])]
    assert sorted(names) == sorted({rule for rule, _ in bare["dropped"]})


@pytest.mark.parametrize("removed", ["AwsSolutions-SQS3", "every rule"])
def test_removing_one_rules_acknowledgements_leaves_exactly_that_rules_findings(bare, removed):
    """Read from the run with none kept (no third construction): an acknowledgement silences
    its own rule at or below its construct, so keeping every other one leaves what this
    rule's acknowledgements hid; the failed synthesis reports the rule on those constructs."""
    recorded = [tuple(pair) for pair in bare["dropped"]]
    raw = {tuple(finding) for finding in bare["findings"]}
    rules = sorted({rule for rule, _ in recorded}) if removed == "every rule" else [removed]
    for rule in rules:
        kept = [(acked, path) for acked, path in recorded if acked != rule]
        left = raw - silenced(kept, raw)
        assert left, f"removing {rule}'s acknowledgements leaves nothing to find"
        assert {finding for finding, _ in left} == {rule}
        # ...and the failed synthesis reports that rule on those very constructs.
        (violation,) = [v for v in nag_violations(bare["synthesis"]) if v["ruleName"] == rule]
        reported = {resource["constructPath"] for resource in violation["violatingConstructs"]}
        assert reported == {where for _, where in left}
