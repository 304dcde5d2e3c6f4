"""cdk-nag wiring and the one helper every construct uses to acknowledge a finding.

cdk-nag 3 runs as a CDK policy-validation plugin: `Validations.of(app).add_plugins(...)`, and a
finding is silenced with CDK's own `Validations.of(construct).acknowledge(...)`. Constructs
acknowledge their own findings on the narrowest child that causes them, so a reason sits next
to the code it explains and an acknowledgement never hides a finding elsewhere in the stack.
"""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

from infra.acknowledgement_rules import MIN_REASON_LENGTH, SCANNER_REASONS_KEY


def add_aws_solutions_checks(app: cdk.App) -> AwsSolutionsChecks:
    """Check the whole app against the AWS Solutions pack; any finding fails `cdk synth`."""
    checks = AwsSolutionsChecks(app)
    cdk.Validations.of(app).add_plugins(checks)
    return checks


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding on `scope`, insisting on a reason a reviewer can check.

    `rule_id` is a rule (`AwsSolutions-SQS3`) or one finding of a rule that reports several
    (`AwsSolutions-IAM5[Resource::*]`); cdk-nag 3 has no prefix matching, so each wildcard
    finding is acknowledged on its own.
    """
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValueError(f"the reason for acknowledging {rule_id} must say specifically why")
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=rule_id, reason=reason))


def logical_id(scope: IConstruct) -> str:
    """The logical id cdk-nag prints in a finding (`<LogicalId.Arn>`) for a resource construct.

    Accepts an L2 construct (its default child is used) or an L1 resource.
    """
    resource = scope.node.default_child or scope
    if not isinstance(resource, cdk.CfnElement):
        raise TypeError(f"{scope.node.path} is not a CloudFormation resource")
    return cdk.Stack.of(resource).resolve(resource.logical_id)


def nag_resource_text(arn: str) -> str:
    """How cdk-nag prints an ARN built from pseudo-parameter tokens in a finding id."""
    return (
        arn.replace(cdk.Aws.PARTITION, "<AWS::Partition>")
        .replace(cdk.Aws.REGION, "<AWS::Region>")
        .replace(cdk.Aws.ACCOUNT_ID, "<AWS::AccountId>")
    )


def _cfn_resource(scope: IConstruct) -> cdk.CfnResource:
    resource = scope.node.default_child or scope
    if not isinstance(resource, cdk.CfnResource):
        raise TypeError(f"{scope.node.path} is not a CloudFormation resource")
    return resource


def _checked_reason(finding: str, reason: str) -> str:
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValueError(f"the reason for acknowledging {finding} must say specifically why")
    return reason.strip()


def acknowledge_scanner(
    scope: IConstruct,
    *,
    reason: str,
    checkov_id: str | None = None,
    cfn_lint_id: str | None = None,
) -> None:
    """Acknowledge a checkov or cfn-lint finding on one resource, with a reason a reviewer checks.

    The scanners read the synthesized template, so the acknowledgement is CloudFormation
    Metadata on the L1 resource (`scope` or its default child) that causes the finding:
    `checkov: {skip: [{id, comment}]}`, which checkov reads with its comment, and
    `cfn-lint: {config: {ignore_checks: [id]}, reasons: {id: reason}}`, where cfn-lint reads
    `config` and `reasons` keeps the why beside it. Repeated calls on one resource accumulate.
    """
    if (checkov_id is None) == (cfn_lint_id is None):
        raise ValueError("name exactly one finding: checkov_id or cfn_lint_id")
    resource = _cfn_resource(scope)
    if checkov_id is not None:
        checkov = resource.get_metadata("checkov") or {"skip": []}
        checkov["skip"].append({"id": checkov_id, "comment": _checked_reason(checkov_id, reason)})
        resource.add_metadata("checkov", checkov)
    if cfn_lint_id is not None:
        cfn_lint = resource.get_metadata("cfn-lint") or {
            "config": {"ignore_checks": []},
            SCANNER_REASONS_KEY: {},
        }
        cfn_lint["config"]["ignore_checks"].append(cfn_lint_id)
        cfn_lint[SCANNER_REASONS_KEY][cfn_lint_id] = _checked_reason(cfn_lint_id, reason)
        resource.add_metadata("cfn-lint", cfn_lint)
