"""EvaluationPipelineStack: dataset upload -> Bedrock evaluation job -> summary report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from evalcore.suite import DEFAULT_SUITES_DIR, load_all_suites
from infra.functions import PipelineFunctions
from infra.observability import ObservabilitySettings, PipelineObservability
from infra.service_role import EvaluationServiceRole
from infra.storage import PipelineBucket
from infra.trigger import DatasetUploadTrigger
from infra.workflow import EvaluationWorkflow

DEFAULT_POLL_INTERVAL = cdk.Duration.seconds(60)
DEFAULT_EXECUTION_TIMEOUT = cdk.Duration.hours(24)
DEFAULT_RESULTS_RETENTION = cdk.Duration.days(365)


def suite_model_identifiers(suites_dir: Path) -> frozenset[str]:
    """Every model any suite may invoke; IAM on the models is scoped to exactly these."""
    suites = load_all_suites(suites_dir)
    if not suites:
        raise ValueError(f"no suites in {suites_dir}: add one before deploying the pipeline")
    return frozenset().union(*(suite.model_identifiers for suite in suites))


class EvaluationPipelineStack(cdk.Stack):
    """Composes the bucket, Bedrock's service role, the Lambdas, the workflow and the trigger.

    The suites are read at synth time because IAM is scoped to the models they name: adding a
    suite with a new model is a `cdk deploy`, not a console change.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        suites_dir: Path = DEFAULT_SUITES_DIR,
        poll_interval: cdk.Duration = DEFAULT_POLL_INTERVAL,
        execution_timeout: cdk.Duration = DEFAULT_EXECUTION_TIMEOUT,
        results_retention: cdk.Duration = DEFAULT_RESULTS_RETENTION,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "description", "Amazon Bedrock evaluation pipeline: datasets in, scored reports out"
        )
        super().__init__(scope, construct_id, **kwargs)
        model_ids = suite_model_identifiers(suites_dir)

        storage = PipelineBucket(self, "Storage", results_retention=results_retention)
        self.bucket = storage.bucket

        self.service_role = EvaluationServiceRole(
            self, "EvaluationServiceRole", bucket=self.bucket, model_ids=model_ids
        ).role

        pipeline_functions = PipelineFunctions(
            self,
            "Functions",
            bucket=self.bucket,
            service_role=self.service_role,
            model_ids=model_ids,
        )
        self.functions = pipeline_functions.functions

        workflow = EvaluationWorkflow(
            self,
            "Workflow",
            functions=dict(self.functions),
            poll_interval=poll_interval,
            execution_timeout=execution_timeout,
        )
        self.state_machine = workflow.state_machine

        trigger = DatasetUploadTrigger(
            self, "DatasetUploadTrigger", bucket=self.bucket, state_machine=self.state_machine
        )

        self.observability = PipelineObservability(
            self,
            "Observability",
            suites=load_all_suites(suites_dir),
            functions=self.functions,
            state_machine=self.state_machine,
            workflow_log_group=workflow.log_group,
            trigger_rule=trigger.rule,
            settings=ObservabilitySettings.from_context(self),
        )

        cdk.CfnOutput(
            self,
            "BucketName",
            value=self.bucket.bucket_name,
            description="Upload datasets to datasets/<suite>/<name>.jsonl in this bucket",
        )
        cdk.CfnOutput(
            self,
            "StateMachineArn",
            value=self.state_machine.state_machine_arn,
            description="One execution per uploaded dataset",
        )
        cdk.CfnOutput(
            self,
            "EvaluationServiceRoleArn",
            value=self.service_role.role_arn,
            description="The role Amazon Bedrock assumes to run evaluation jobs",
        )
