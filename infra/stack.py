"""EvaluationPipelineStack: dataset upload -> Bedrock evaluation job -> summary report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_events_targets as targets
from constructs import Construct

from evalcore.suite import DEFAULT_SUITES_DIR, load_all_suites
from infra.bedrock_permissions import needs_bucket_cors
from infra.functions import PipelineFunctions
from infra.ledger import PipelineLedger
from infra.observability.construct import PipelineObservability
from infra.observability.settings import ObservabilitySettings
from infra.service_role import EvaluationServiceRole
from infra.settings import PipelineSettings
from infra.storage import PipelineBucket
from infra.suite_inputs import suite_job_kinds, suite_model_identifiers, suite_output_keys
from infra.trigger import DatasetUploadTrigger
from infra.workflow import EvaluationWorkflow


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
        settings: PipelineSettings | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "description", "Amazon Bedrock evaluation pipeline: datasets in, scored reports out"
        )
        super().__init__(scope, construct_id, **kwargs)
        settings = settings or PipelineSettings()
        model_ids = suite_model_identifiers(suites_dir)
        suites = load_all_suites(suites_dir)
        settings.check_suites(suites)
        job_kinds = suite_job_kinds(suites_dir)

        storage = PipelineBucket(
            self,
            "Storage",
            results_retention=settings.results_retention,
            # False today: only human suites need CORS, and none ships yet.
            cors_for_human_jobs=needs_bucket_cors(job_kinds),
        )
        self.bucket = storage.bucket

        self.service_role = EvaluationServiceRole(
            self,
            "EvaluationServiceRole",
            bucket=self.bucket,
            model_ids=model_ids,
            job_kinds=job_kinds,
            output_keys=suite_output_keys(suites_dir),
        ).role

        # The job semaphore, parse markers and latest-run pointers (DynamoDB).
        self.ledger = PipelineLedger(self, "Ledger").table

        self.functions = PipelineFunctions(
            self,
            "Functions",
            storage=storage,
            service_role=self.service_role,
            model_ids=model_ids,
            ledger=self.ledger,
            settings=settings,
        )

        workflow = EvaluationWorkflow(
            self,
            "Workflow",
            functions=self.functions,
            # Outlasts the longest run any suite may have (days for human suites).
            execution_timeout=settings.execution_timeout_for(suites),
        )
        self.state_machine = workflow.state_machine

        trigger = DatasetUploadTrigger(
            self,
            "DatasetUploadTrigger",
            bucket=self.bucket,
            start=self.functions.add_start(self.state_machine),
        )

        self.observability = PipelineObservability(
            self,
            "Observability",
            suites=load_all_suites(suites_dir),
            functions=self.functions,
            state_machine=self.state_machine,
            workflow_log_group=workflow.log_group,
            trigger=trigger,
            settings=ObservabilitySettings.from_context(self),
        )
        # Executions that time out or are aborted never reach ReleaseJobSlot: the rule that
        # records them also stops their jobs and frees their slots.
        self.observability.notifications.rule.add_target(
            targets.LambdaFunction(
                self.functions.release_leaked_slots,
                dead_letter_queue=trigger.dead_letter_queue,
                retry_attempts=8,
                max_event_age=cdk.Duration.hours(6),
            )
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
            "AlarmTopicArn",
            value=self.observability.topic.topic_arn,
            description="Every alarm and every run's end-of-run message; subscribe to it",
        )
        cdk.CfnOutput(
            self,
            "EvaluationServiceRoleArn",
            value=self.service_role.role_arn,
            description="The role Amazon Bedrock assumes to run evaluation jobs",
        )
