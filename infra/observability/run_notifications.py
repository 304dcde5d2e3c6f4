"""Nothing ends silently: the Lambdas that end a run publish to the topic, and executions that
time out or are aborted (which run no state of the workflow) are caught by an EventBridge rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from evalcore.execution_status import DETAIL_TYPE, ERRORS_BY_STATUS, SOURCE
from evalcore.notification import TOPIC_ARN_VARIABLE
from infra.nag import acknowledge


class RunNotifications(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic: sns.ITopic,
        publishers: Iterable[lambda_.Function],
        record_failure: lambda_.Function,
        state_machine: sfn.IStateMachine,
    ) -> None:
        super().__init__(scope, construct_id)
        for function in publishers:
            function.add_environment(TOPIC_ARN_VARIABLE, topic.topic_arn)
            topic.grant_publish(function)

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
            "This queue is the dead-letter queue of the execution-status rule's Lambda target; "
            "cdk-nag only recognises queues named in another queue's redrive policy as DLQs.",
        )
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
