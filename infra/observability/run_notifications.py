"""Nothing ends silently: the Lambdas that end a run publish to the topic, and executions that
time out or are aborted (which run no state of the workflow) are caught by an EventBridge rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from evalcore.execution_status import DETAIL_TYPE, ERRORS_BY_STATUS, SOURCE
from evalcore.notification import TOPIC_ARN_VARIABLE
from infra.observability.alarm_topic import AlarmTopic


class RunNotifications(Construct):
    """Events the rule cannot deliver go to the upload trigger's dead-letter queue, the one
    place an operator looks for runs that never got going."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic: AlarmTopic,
        publishers: Iterable[lambda_.Function],
        record_failure: lambda_.Function,
        state_machine: sfn.IStateMachine,
        dead_letter_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        for function in publishers:
            function.add_environment(TOPIC_ARN_VARIABLE, topic.topic.topic_arn)
            # Written out rather than topic.grant_publish, which grants kms:GenerateDataKey*.
            function.add_to_role_policy(
                iam.PolicyStatement(
                    sid="PublishRunNotifications",
                    actions=["sns:Publish"],
                    resources=[topic.topic.topic_arn],
                )
            )
            function.add_to_role_policy(
                iam.PolicyStatement(
                    sid="EncryptRunNotifications",
                    actions=["kms:GenerateDataKey", "kms:Decrypt"],
                    resources=[topic.key.key_arn],
                )
            )
        self.dead_letter_queue = dead_letter_queue
        self.rule = events.Rule(
            self,
            "UnfinishedExecutionRule",
            description="Records and notifies executions that timed out or were aborted",
            event_pattern=events.EventPattern(
                source=[SOURCE],
                detail_type=[DETAIL_TYPE],
                detail={
                    # FAILED executions went through RecordFailure already; these never reach it.
                    "status": list(ERRORS_BY_STATUS),
                    "stateMachineArn": [state_machine.state_machine_arn],
                },
            ),
        )
        self.rule.add_target(
            targets.LambdaFunction(
                record_failure,
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=8,
                max_event_age=cdk.Duration.hours(6),
            )
        )
