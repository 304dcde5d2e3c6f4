"""The DynamoDB ledger: the pipeline-wide job semaphore, parse markers, latest-run pointers."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra.nag import acknowledge_scanner


class PipelineLedger(Construct):
    """One on-demand table keyed by `pk`/`sk` (strings); handlers/ledger.py owns its items.

    On-demand because the pipeline writes a few items per run; point-in-time recovery so a
    bad deploy cannot lose which runs were published. Retained on stack deletion like the
    bucket: the parse markers and latest pointers belong to the evaluation history.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        acknowledge_scanner(
            self.table,
            checkov_id="CKV_AWS_119",
            reason="The table is encrypted at rest with the AWS managed key; it holds job "
            "names, summary keys and timestamps, which a customer-managed key ($1/month plus "
            "a key policy) would not protect further.",
        )
