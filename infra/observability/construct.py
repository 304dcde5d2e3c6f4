"""PipelineObservability: composes the monitoring of a deployed pipeline from its collaborators."""

from __future__ import annotations

import re
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from evalcore.suite import Suite
from infra.functions import PipelineFunctions
from infra.observability.alarm_topic import AlarmTopic
from infra.observability.alarms import BedrockModelAlarms, SuiteAlarms
from infra.observability.dashboards import EvaluationDashboards
from infra.observability.pipeline_health import PipelineHealth
from infra.observability.queries import LogQueries
from infra.observability.run_notifications import RunNotifications
from infra.observability.settings import ObservabilitySettings
from infra.trigger import DatasetUploadTrigger


def _construct_id(text: str) -> str:
    return "".join(
        part.capitalize() for part in text.replace(":", "-").replace(".", "-").split("-")
    )


class PipelineObservability(Construct):
    """Generated from the suites: a new suite, metric, threshold or model needs no code change.

    Every alarm acts on `self.topic`, the same topic the Lambdas that end a run publish to.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        suites: Sequence[Suite],
        functions: PipelineFunctions,
        state_machine: sfn.IStateMachine,
        workflow_log_group: logs.ILogGroup,
        trigger: DatasetUploadTrigger,
        settings: ObservabilitySettings,
    ) -> None:
        super().__init__(scope, construct_id)
        # Every function of the pipeline is watched (errors, throttles, duration), named as
        # its construct is: SubmitJobFunction -> submit_job.
        named_functions = {_snake(function.node.id): function for function in functions.all}
        prefix = cdk.Stack.of(self).stack_name
        alarm_topic = AlarmTopic(self, "AlarmTopic", email=settings.alarm_email)
        self.topic = alarm_topic.topic
        self.notifications = RunNotifications(
            self,
            "RunNotifications",
            topic=alarm_topic,
            publishers=[functions.parse, functions.record_failure],
            record_failure=functions.record_failure,
            state_machine=state_machine,
            dead_letter_queue=trigger.dead_letter_queue,
        )

        self.suite_alarms = [
            SuiteAlarms(
                self,
                f"Suite{_construct_id(suite.name)}",
                suite=suite,
                topic=self.topic,
                name_prefix=prefix,
            )
            for suite in suites
        ]
        model_ids = sorted(frozenset().union(*(suite.model_identifiers for suite in suites)))
        self.model_alarms = [
            BedrockModelAlarms(
                self,
                f"Model{_construct_id(model_id)}",
                model_id=model_id,
                topic=self.topic,
                settings=settings,
                name_prefix=prefix,
            )
            for model_id in model_ids
        ]
        self.pipeline_health = PipelineHealth(
            self,
            "PipelineHealth",
            state_machine=state_machine,
            functions=named_functions,
            rule=trigger.rule,
            topic=self.topic,
            name_prefix=prefix,
        )
        self.dashboards = EvaluationDashboards(
            self, "Dashboards", suites=suites, model_ids=model_ids, name_prefix=prefix
        )
        self.queries = LogQueries(
            self,
            "Queries",
            pipeline_log_groups=[
                *(function.log_group for function in named_functions.values()),
                workflow_log_group,
            ],
            bedrock_log_group_name=settings.bedrock_invocation_log_group,
            name_prefix=prefix,
        )


def _snake(construct_id: str) -> str:
    stem = construct_id.removesuffix("Function")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()
