"""The one SNS topic every alarm and every end-of-run message goes to."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"


class AlarmTopic(Construct):
    """An SNS topic encrypted with a customer managed KMS key and reachable over TLS only.

    A customer managed key (not the AWS managed `alias/aws/sns`) because CloudWatch alarms can
    only publish to an encrypted topic when the key policy lets the CloudWatch service use the
    key, and the AWS managed key's policy cannot be changed. The topic policy denies any
    request without `aws:SecureTransport` (`enforce_ssl`). Subscribers are up to the team; an
    e-mail address can be subscribed at deploy time with the `alarmEmail` context value.
    """

    def __init__(self, scope: Construct, construct_id: str, *, email: str | None) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            description="Encrypts the evaluation pipeline's alarm and run-notification topic",
            enable_key_rotation=True,
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" means this key
            )
        )
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name="Bedrock evaluation pipeline",
            master_key=self.key,
            enforce_ssl=True,
        )
        if email:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
