"""Start the workflow when a dataset lands in the bucket."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from evalcore.layout import DATASET_SUFFIX, DATASETS_PREFIX
from infra.nag import acknowledge, acknowledge_scanner

DATASET_KEY_WILDCARD = f"{DATASETS_PREFIX}*{DATASET_SUFFIX}"


class DatasetUploadTrigger(Construct):
    """An EventBridge rule on S3 `Object Created` for `datasets/*.jsonl` of the pipeline bucket.

    The rule's target is the start function (handlers/start.py), given `{"bucket", "key",
    "versionId"}`: the version pins the exact bytes that were uploaded, and the function starts
    the execution under a name made from them, which an EventBridge target cannot do, so a
    redelivered event starts no second run. Events that cannot be delivered after retries go
    to an SQS dead-letter queue instead of vanishing, so a dataset upload is never silently
    ignored.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket: s3.IBucket,
        start: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)

        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        acknowledge(
            self.dead_letter_queue,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter queue of the EventBridge rule target; "
            "cdk-nag only recognises queues named in another queue's redrive policy as DLQs.",
        )
        acknowledge_scanner(
            self.dead_letter_queue,
            checkov_id="CKV_AWS_27",
            reason="The queue is encrypted with SQS-managed keys (SqsManagedSseEnabled); "
            "CKV_AWS_27 only recognises KmsMasterKeyId.",
        )

        self.rule = events.Rule(
            self,
            "Rule",
            description=f"Starts an evaluation for each {DATASET_KEY_WILDCARD} upload",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={
                    "bucket": {"name": [bucket.bucket_name]},
                    "object": {"key": events.Match.wildcard(DATASET_KEY_WILDCARD)},
                },
            ),
        )
        self.rule.add_target(
            targets.LambdaFunction(
                start,
                event=events.RuleTargetInput.from_object(
                    {
                        "bucket": events.EventField.from_path("$.detail.bucket.name"),
                        "key": events.EventField.from_path("$.detail.object.key"),
                        "versionId": events.EventField.from_path("$.detail.object.version-id"),
                    }
                ),
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=8,
                max_event_age=cdk.Duration.hours(2),
            )
        )
