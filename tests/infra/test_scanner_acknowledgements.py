"""checkov and cfn-lint acknowledgements: each on one resource, each with a specific reason.

`make scan` runs both scanners over the synthesized template and fails on any finding not
acknowledged here; these tests hold the acknowledgements themselves to account.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.acknowledgement_rules import MIN_REASON_LENGTH, SCANNER_REASONS_KEY
from tests.infra.assembly import cached_synthesis

# Every finding the stack acknowledges, by resource type: a new acknowledgement is a decision
# a reviewer should see in this diff.
EXPECTED = {
    ("checkov", "AWS::DynamoDB::Table", "CKV_AWS_119"),
    ("checkov", "AWS::Lambda::Function", "CKV_AWS_115"),
    ("checkov", "AWS::Lambda::Function", "CKV_AWS_116"),
    ("checkov", "AWS::Lambda::Function", "CKV_AWS_117"),
    ("checkov", "AWS::Lambda::Function", "CKV_AWS_173"),
    ("checkov", "AWS::Logs::LogGroup", "CKV_AWS_158"),
    ("checkov", "AWS::S3::Bucket", "CKV_AWS_18"),
    ("checkov", "AWS::S3::Bucket", "CKV_AWS_21"),
    ("checkov", "AWS::SQS::Queue", "CKV_AWS_27"),
    ("cfn-lint", "AWS::Lambda::Function", "W3005"),
    ("cfn-lint", "AWS::StepFunctions::StateMachine", "W3005"),
}


def scanner_acknowledgements(template: dict) -> list[tuple[str, str, str, str, str]]:
    """(scanner, logical id, resource type, finding id, reason) for every acknowledgement."""
    found = []
    for logical_id, resource in template["Resources"].items():
        metadata = resource.get("Metadata", {})
        for skip in metadata.get("checkov", {}).get("skip", []):
            found.append(
                ("checkov", logical_id, resource["Type"], skip["id"], skip.get("comment", ""))
            )
        cfn_lint = metadata.get("cfn-lint", {})
        reasons = cfn_lint.get(SCANNER_REASONS_KEY, {})
        for check in cfn_lint.get("config", {}).get("ignore_checks", []):
            found.append(("cfn-lint", logical_id, resource["Type"], check, reasons.get(check, "")))
    return found


def test_every_scanner_acknowledgement_has_a_specific_reason(synthesized):
    found = scanner_acknowledgements(synthesized.json)
    assert found
    for scanner, logical_id, _, finding, reason in found:
        assert len(reason.strip()) >= MIN_REASON_LENGTH, (scanner, logical_id, finding)
    # One reason per decision, not one sentence pasted everywhere.
    assert len({reason for *_, reason in found}) >= len({(s, t, f) for s, _, t, f, _ in found})


def test_the_acknowledged_findings_are_exactly_the_reviewed_ones(synthesized):
    found = scanner_acknowledgements(synthesized.json)
    assert {(scanner, rtype, finding) for scanner, _, rtype, finding, _ in found} == EXPECTED


def test_the_pipeline_bucket_itself_needs_no_acknowledgement(synthesized):
    bucket = synthesized.json["Resources"][synthesized.logical_id(synthesized.parts.bucket)]
    assert "checkov" not in bucket.get("Metadata", {})


def queue_metadata(*calls: dict) -> dict:
    """Acknowledge on a queue in a bare stack, then synthesize it: the queue's Metadata."""
    import aws_cdk as cdk
    from aws_cdk import aws_sqs as sqs
    from aws_cdk.assertions import Template

    from infra.nag import acknowledge_scanner

    stack = cdk.Stack(cdk.App(), "One")
    queue = sqs.Queue(stack, "Queue")
    for call in calls:
        acknowledge_scanner(queue, **call)
    (resource,) = Template.from_stack(stack).find_resources("AWS::SQS::Queue").values()
    return resource["Metadata"]


REASON = "a reason long enough to say specifically why this stays"
ACCUMULATING = (
    {"checkov_id": "CKV_AWS_1", "reason": REASON},
    {"checkov_id": "CKV_AWS_2", "reason": REASON + "!"},
    {"cfn_lint_id": "W1", "reason": REASON},
)


def test_acknowledgements_accumulate_on_the_l1_resource():
    # Synthesized once per content key (this module's source is in it).
    metadata = cached_synthesis(
        "scanner-queue", lambda: queue_metadata(*ACCUMULATING), code=Path(__file__)
    )
    reason = REASON
    assert metadata["checkov"] == {
        "skip": [
            {"id": "CKV_AWS_1", "comment": reason},
            {"id": "CKV_AWS_2", "comment": reason + "!"},
        ]
    }
    assert metadata["cfn-lint"] == {
        "config": {"ignore_checks": ["W1"]},
        SCANNER_REASONS_KEY: {"W1": reason},
    }


@pytest.mark.cdk_app
@pytest.mark.parametrize(
    "call, message",
    [
        ({"checkov_id": "CKV_AWS_1", "reason": "because"}, "say specifically why"),
        ({"reason": "x" * 50}, "exactly one finding"),
        ({"checkov_id": "CKV_AWS_1", "cfn_lint_id": "W1", "reason": "x" * 50}, "exactly one"),
    ],
)
def test_a_vague_or_ambiguous_acknowledgement_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        queue_metadata(call)
