"""Pipeline health: the state machine, each Lambda and the upload rule, on one dashboard.

Built with cdk-monitoring-constructs, which already knows the Step Functions and Lambda metrics,
lays out their widgets (executions started/succeeded/failed/timed out/aborted; invocations,
errors, throttles, duration per function) and creates their alarms from one line each. The
EventBridge rule has no monitor in the library, so its widget and alarm are added by hand
(`alarms.rule_failure_alarm`).
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from cdk_monitoring_constructs import (
    AlarmFactoryDefaults,
    DefaultDashboardFactory,
    ErrorCountThreshold,
    MonitoringFacade,
    SnsAlarmActionStrategy,
)
from constructs import Construct

from evalcore.run_metrics import PipelineMetric
from infra.observability.alarms import rule_failure_alarm
from infra.observability.metrics import pipeline_metric, rule_failed_invocations

PERIOD = cdk.Duration.minutes(5)


def _any(name: str, description: str) -> dict[str, ErrorCountThreshold]:
    """Alarm on the first occurrence: any failed execution or Lambda error is worth a look."""
    return {
        name: ErrorCountThreshold(
            max_error_count=0,
            period=PERIOD,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            treat_missing_data_override=cw.TreatMissingData.NOT_BREACHING,
            alarm_description_override=description,
        )
    }


FAILURE_NOTE = (
    "The run's SNS message and failure.json under reports/ in the pipeline bucket say why."
)


class PipelineHealth(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        state_machine: sfn.IStateMachine,
        functions: Mapping[str, lambda_.IFunction],
        rule: events.IRule,
        topic: sns.ITopic,
        name_prefix: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard_factory = DefaultDashboardFactory(
            self,
            "Dashboards",
            dashboard_name_prefix=f"{name_prefix}-PipelineHealth",
            create_dashboard=True,
            create_summary_dashboard=False,
            create_alarm_dashboard=False,
        )
        self.facade = MonitoringFacade(
            self,
            "Monitoring",
            alarm_factory_defaults=AlarmFactoryDefaults(
                actions_enabled=True,
                alarm_name_prefix=name_prefix,
                action=SnsAlarmActionStrategy(on_alarm_topic=topic),
            ),
            dashboard_factory=self.dashboard_factory,
        )
        self.facade.add_large_header("Pipeline health")
        self.facade.monitor_step_function(
            state_machine=state_machine,
            human_readable_name="Evaluation workflow",
            alarm_friendly_name="Workflow",
            add_failed_execution_count_alarm=_any(
                "Failed",
                "An evaluation execution failed (a job failed, a dataset was rejected or a "
                f"step raised). {FAILURE_NOTE}",
            ),
            add_timed_out_execution_count_alarm=_any(
                "TimedOut",
                "An evaluation execution hit the workflow timeout; the Bedrock job may still "
                f"be running (check the Bedrock console). {FAILURE_NOTE}",
            ),
            add_aborted_execution_count_alarm=_any(
                "Aborted",
                "Someone stopped an evaluation execution; its Bedrock job may still be running "
                f"and costing money (check the Bedrock console). {FAILURE_NOTE}",
            ),
        )
        for name, function in functions.items():
            self.facade.monitor_lambda_function(
                lambda_function=function,
                human_readable_name=f"{name} function",
                alarm_friendly_name=f"Lambda-{name}",
                add_fault_count_alarm=_any(
                    "Errors",
                    f"The {name} Lambda raised an error (the workflow retries or records the "
                    f"failure). Open its log group and search for the request id. {FAILURE_NOTE}",
                ),
            )
        self.facade.add_widget(
            cw.GraphWidget(
                title="Runs (from the pipeline's own metrics)",
                left=[pipeline_metric(name) for name in PipelineMetric],
                width=12,
                height=6,
            )
        )
        self.facade.add_widget(
            cw.GraphWidget(
                title="Upload rule: failed invocations",
                left=[rule_failed_invocations(rule.rule_name)],
                width=12,
                height=6,
            )
        )
        self.rule_alarm = rule_failure_alarm(
            self,
            "TriggerFailedInvocations",
            rule_name=rule.rule_name,
            topic=topic,
            name_prefix=name_prefix,
        )
