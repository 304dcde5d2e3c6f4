"""The four pipeline Lambdas, their shared dependency layer and least-privilege roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from evalcore.defaults import METRICS_NAMESPACE, SERVICE_NAME
from evalcore.job_slots import LEDGER_TABLE_ENV, MAX_JOBS_ENV, SLOT_WAIT_ENV
from evalcore.layout import REPORTS_PREFIX, RESULTS_PREFIX
from evalcore.naming import STATE_MACHINE_ENV
from evalcore.polling import HUMAN_MAX_WAIT_ENV, MAX_WAIT_ENV, MIN_WAIT_ENV
from evalcore.run_limit import HUMAN_RUN_LIMIT_ENV, RUN_LIMIT_ENV
from evalcore.shards import MAX_SHARDS_ENV
from infra.asset_layout import CODE_EXCLUDES, LAMBDAS_DIR
from infra.layer_bundling import layer_code
from infra.nag import acknowledge, acknowledge_scanner, nag_resource_text
from infra.service_role import BEDROCK_PRINCIPAL, evaluation_job_arn, suite_model_arns
from infra.settings import PipelineSettings
from infra.storage import PipelineBucket

REQUIREMENTS_FILE = LAMBDAS_DIR / "requirements.txt"
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.X86_64
LOG_RETENTION = logs.RetentionDays.ONE_MONTH


@dataclass(frozen=True)
class FunctionSpec:
    construct_name: str
    handler: str
    description: str
    memory_size: int
    timeout: cdk.Duration


SUBMIT = FunctionSpec(
    "Submit",
    "handlers.submit.handler",
    "Validates an uploaded dataset and starts the Bedrock evaluation job",
    512,
    cdk.Duration.minutes(2),
)
POLL = FunctionSpec(
    "Poll",
    "handlers.poll.handler",
    "Reads the evaluation job's status",
    256,
    cdk.Duration.minutes(1),
)
PARSE = FunctionSpec(
    "Parse",
    "handlers.parse.handler",
    "Aggregates Bedrock's output files into the run's summary report",
    1024,
    cdk.Duration.minutes(5),
)
SUBMIT_JOB = FunctionSpec(
    "SubmitJob",
    "handlers.shards.submit_job",
    "Starts one shard's Bedrock evaluation job once it holds a job slot",
    256,
    cdk.Duration.minutes(1),
)
ACQUIRE_SLOT = FunctionSpec(
    "AcquireSlot",
    "handlers.slots.acquire",
    "Takes a slot of the pipeline-wide evaluation-job semaphore, if one is free",
    256,
    cdk.Duration.seconds(30),
)
RELEASE_SLOT = FunctionSpec(
    "ReleaseSlot",
    "handlers.slots.release",
    "Gives back a job slot when the job has ended",
    256,
    cdk.Duration.seconds(30),
)
RELEASE_LEAKED_SLOTS = FunctionSpec(
    "ReleaseLeakedSlots",
    "handlers.slots.release_leaked",
    "Stops the jobs and frees the slots of an execution that timed out or was aborted",
    256,
    cdk.Duration.minutes(1),
)
STOP_JOB = FunctionSpec(
    "StopJob",
    "handlers.stop.handler",
    "Stops an evaluation job whose run passed its time limit",
    256,
    cdk.Duration.seconds(30),
)
COLLECT_SHARDS = FunctionSpec(
    "CollectShards",
    "handlers.shards.collect",
    "Decides from every shard's outcome whether the run goes on to parse",
    256,
    cdk.Duration.seconds(30),
)
START = FunctionSpec(
    "Start",
    "handlers.start.handler",
    "Starts one execution per dataset version, named after it, so redeliveries start none",
    256,
    cdk.Duration.seconds(30),
)
RECORD_FAILURE = FunctionSpec(
    "RecordFailure",
    "handlers.record_failure.handler",
    "Writes failure.json so the uploader learns why a run failed",
    256,
    cdk.Duration.minutes(1),
)

EVALUATION_JOB_WILDCARD_REASON = (
    "Evaluation job ARNs carry the job name chosen at run time; the grant is limited to "
    "evaluation jobs of this account and Region."
)
XRAY_WILDCARD_REASON = (
    "X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level "
    "permissions, so active tracing needs Resource '*'."
)


class PipelineFunctions(Construct):
    """submit, poll, parse and record_failure: one code asset, one layer, one role each.

    Every function gets its own role so each has only the grants its handler uses, and an
    explicit log group with a retention period (instead of the AWSLambdaBasicExecutionRole
    managed policy, which allows writing to any log group). Metrics leave as CloudWatch EMF
    lines on stdout, so no role needs cloudwatch:PutMetricData.

    The layer pins boto3 because the runtime's bundled boto3 can lag behind Bedrock's
    evaluation API, and an older botocore silently drops request fields it does not know.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        storage: PipelineBucket,
        service_role: iam.IRole,
        model_ids: Iterable[str],
        ledger: dynamodb.ITable,
        settings: PipelineSettings,
    ) -> None:
        super().__init__(scope, construct_id)
        bucket = storage.bucket
        polling = settings.polling
        self.layer = lambda_.LayerVersion(
            self,
            "DependencyLayer",
            code=layer_code(REQUIREMENTS_FILE),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Pinned Lambda dependencies from lambdas/requirements.txt",
        )
        self._code = lambda_.Code.from_asset(str(LAMBDAS_DIR), exclude=CODE_EXCLUDES)
        self._environment = {
            "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "DATA_BUCKET": bucket.bucket_name,
            MIN_WAIT_ENV: str(polling.min_wait_seconds),
            MAX_WAIT_ENV: str(polling.max_wait_seconds),
            RUN_LIMIT_ENV: str(settings.run_limit_seconds),
            HUMAN_MAX_WAIT_ENV: str(settings.human_poll_max_wait_seconds),
            HUMAN_RUN_LIMIT_ENV: str(settings.human_run_limit_seconds),
            MAX_JOBS_ENV: str(settings.max_concurrent_jobs),
            SLOT_WAIT_ENV: str(settings.slot_wait_seconds),
            MAX_SHARDS_ENV: str(settings.max_shards_per_run),
            LEDGER_TABLE_ENV: ledger.table_name,
        }
        self._service_role = service_role
        self.submit = self._function(SUBMIT, EVALUATION_ROLE_ARN=service_role.role_arn)
        self.submit_job = self._function(SUBMIT_JOB, EVALUATION_ROLE_ARN=service_role.role_arn)
        self.acquire_slot = self._function(ACQUIRE_SLOT)
        self.release_slot = self._function(RELEASE_SLOT)
        self.release_leaked_slots = self._function(RELEASE_LEAKED_SLOTS)
        self.poll = self._function(POLL)
        self.stop_job = self._function(STOP_JOB)
        self.collect_shards = self._function(COLLECT_SHARDS)
        self.parse = self._function(PARSE)
        self.record_failure = self._function(RECORD_FAILURE)
        self.start: lambda_.Function | None = None

        job_arn = evaluation_job_arn(self)
        models = suite_model_arns(self, model_ids)

        # submit_job: CreateEvaluationJob is authorized against the job ARN *and* every model
        # named in the request (judge and live target), so the models are resources too.
        self._allow(
            self.submit_job,
            "CreateEvaluationJobs",
            ["bedrock:CreateEvaluationJob"],
            [job_arn, *models.all],
        )
        # submit_job sends jobTags: CreateEvaluationJob with tags is also authorized as
        # bedrock:TagResource on the new job (the console policy for judge jobs grants it).
        self._allow(self.submit_job, "TagEvaluationJobs", ["bedrock:TagResource"], [job_arn])
        # A retried execution must not start a second job: on ConflictException submit_job
        # finds the job a previous attempt created under the same deterministic name.
        self._allow(self.submit_job, "ReadEvaluationJobs", ["bedrock:GetEvaluationJob"], [job_arn])
        for function in (self.submit_job, self.release_leaked_slots):
            self._allow(function, "FindEvaluationJobsByName", ["bedrock:ListEvaluationJobs"], ["*"])
        self.submit_job.add_to_role_policy(
            iam.PolicyStatement(
                sid="PassServiceRoleToBedrock",
                actions=["iam:PassRole"],
                resources=[service_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": BEDROCK_PRINCIPAL}},
            )
        )
        storage.grant_read_datasets(self.submit)
        # Shards of a dataset over Bedrock's per-job limit are written beside its staged copy.
        storage.grant_write_staging(self.submit)
        # The lifecycle check before CreateEvaluationJob: each suite model's status, and the
        # foundation models behind each inference profile. Scoped to the suites' models.
        self._allow(
            self.submit,
            "CheckModelLifecycle",
            ["bedrock:GetFoundationModel"],
            list(models.foundation_models),
        )
        if models.inference_profiles:
            self._allow(
                self.submit,
                "ResolveInferenceProfiles",
                ["bedrock:GetInferenceProfile"],
                list(models.inference_profiles),
            )
        for function in (self.submit, self.submit_job):
            for arn in models.foundation_models:
                self._acknowledge_policy(
                    function,
                    f"AwsSolutions-IAM5[Resource::{nag_resource_text(arn)}]",
                    "CreateEvaluationJob is authorized against the foundation models a job "
                    "names, and GetFoundationModel reads their lifecycle; their ARNs have no "
                    "account and cross-region profiles may route to any Region of their "
                    "geography, so the Region is a wildcard while the model id is fixed.",
                )

        self._allow(self.poll, "ReadEvaluationJobs", ["bedrock:GetEvaluationJob"], [job_arn])
        # release_slot stops a job whose run hit an error, before giving its slot back.
        for function in (self.stop_job, self.release_slot, self.release_leaked_slots):
            self._allow(function, "StopEvaluationJobs", ["bedrock:StopEvaluationJob"], [job_arn])

        storage.grant_list(self.parse, [RESULTS_PREFIX, REPORTS_PREFIX])
        storage.grant_read_results(self.parse)
        storage.grant_read_staging(self.parse)
        storage.grant_read_write_reports(self.parse)

        storage.grant_write_reports(self.record_failure)
        # The failure record quotes the job's failure messages.
        self._allow(
            self.record_failure, "ReadEvaluationJobs", ["bedrock:GetEvaluationJob"], [job_arn]
        )

        # The ledger: the semaphore's one item, parse markers and latest pointers. Only the
        # item-level actions each handler calls, on this table alone.
        ledger_actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
        for function in (
            self.acquire_slot,
            self.release_slot,
            self.release_leaked_slots,
            self.parse,
        ):
            self._allow(function, "UseLedger", ledger_actions, [ledger.table_arn])

        for function in (
            self.submit_job,
            self.poll,
            self.stop_job,
            self.release_slot,
            self.release_leaked_slots,
            self.record_failure,
        ):
            self._acknowledge_policy(
                function,
                f"AwsSolutions-IAM5[Resource::{nag_resource_text(job_arn)}]",
                EVALUATION_JOB_WILDCARD_REASON,
            )
        for function in (self.submit_job, self.release_leaked_slots):
            self._acknowledge_policy(
                function,
                "AwsSolutions-IAM5[Resource::*]",
                XRAY_WILDCARD_REASON
                + " bedrock:ListEvaluationJobs is a list action without resource types.",
            )
        for function in (
            self.submit,
            self.acquire_slot,
            self.release_slot,
            self.poll,
            self.stop_job,
            self.collect_shards,
            self.parse,
            self.record_failure,
        ):
            self._acknowledge_policy(
                function, "AwsSolutions-IAM5[Resource::*]", XRAY_WILDCARD_REASON
            )

    def add_start(self, state_machine: sfn.IStateMachine) -> lambda_.Function:
        """The upload rule's target: starts the state machine under the dataset version's name.

        Made after the state machine, which it names; the state machine never invokes it.
        """
        self.start = self._function(START, **{STATE_MACHINE_ENV: state_machine.state_machine_arn})
        state_machine.grant_start_execution(self.start)
        self._acknowledge_policy(self.start, "AwsSolutions-IAM5[Resource::*]", XRAY_WILDCARD_REASON)
        return self.start

    @property
    def all(self) -> tuple[lambda_.Function, ...]:
        workflow = (
            self.submit,
            self.acquire_slot,
            self.submit_job,
            self.poll,
            self.stop_job,
            self.release_slot,
            self.collect_shards,
            self.parse,
            self.record_failure,
            self.release_leaked_slots,
        )
        return workflow if self.start is None else (*workflow, self.start)

    @staticmethod
    def _allow(
        function: lambda_.Function, sid: str, actions: list[str], resources: list[str]
    ) -> None:
        function.add_to_role_policy(
            iam.PolicyStatement(sid=sid, actions=actions, resources=resources)
        )

    def _function(self, spec: FunctionSpec, **environment: str) -> lambda_.Function:
        construct_name = spec.construct_name
        log_group = logs.LogGroup(
            self,
            f"{construct_name}Logs",
            retention=LOG_RETENTION,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            f"{construct_name}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Runs the pipeline's {spec.construct_name} function",
        )
        function = lambda_.Function(
            self,
            f"{construct_name}Function",
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=self._code,
            handler=spec.handler,
            layers=[self.layer],
            memory_size=spec.memory_size,
            timeout=spec.timeout,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            role=role,
            environment={**self._environment, **environment},
        )
        acknowledge(
            function.node.default_child,  # type: ignore[arg-type]
            "AwsSolutions-L1",
            "Pinned to Python 3.12 on purpose: the dependency layer is built with pip for "
            "cp312 wheels and the handlers are tested on it; moving runtimes means rebuilding "
            "the layer for the new version, which should be a deliberate change.",
        )
        self._acknowledge_scanner_findings(function, log_group)
        # Only this function's log group, instead of AWSLambdaBasicExecutionRole's logs:* on *.
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        return function

    @staticmethod
    def _acknowledge_scanner_findings(function: lambda_.Function, log_group: logs.LogGroup) -> None:
        """checkov and cfn-lint findings every pipeline function has, and why each stays."""
        for checkov_id, reason in (
            (
                "CKV_AWS_116",
                "Step Functions invokes the function synchronously and retries or records the "
                "failure itself; a Lambda dead-letter queue only receives asynchronous events.",
            ),
            (
                "CKV_AWS_117",
                "The function calls only S3 and Bedrock public endpoints; a VPC would add NAT "
                "or interface endpoints (cost, set-up) and protect no private resource.",
            ),
            (
                "CKV_AWS_115",
                "Concurrency is bounded by the workflow (one execution per upload, one call per "
                "step); reserving concurrency fails deployment in new accounts whose Lambda "
                "concurrency quota is 10.",
            ),
            (
                "CKV_AWS_173",
                "The environment holds only the bucket name, role ARN and Powertools settings, "
                "no secrets; Lambda encrypts it at rest with an AWS managed key.",
            ),
        ):
            acknowledge_scanner(function, checkov_id=checkov_id, reason=reason)
        acknowledge_scanner(
            function,
            cfn_lint_id="W3005",
            reason="CDK makes the function depend on its role and the role's DefaultPolicy so "
            "it never runs before its grants exist; the role entry repeats the GetAtt.",
        )
        acknowledge_scanner(
            log_group,
            checkov_id="CKV_AWS_158",
            reason="CloudWatch Logs encrypts every log group at rest; these hold operational "
            "events only (prompts, responses and explanations are never logged at INFO, see "
            "tests/handlers/test_log_privacy.py), so a customer-managed key ($1/month plus a "
            "key policy for the logs service) would protect nothing more.",
        )

    @staticmethod
    def _acknowledge_policy(function: lambda_.Function, rule_id: str, reason: str) -> None:
        """Findings about grants sit on the role's DefaultPolicy, the narrowest construct."""
        policy = function.role.node.find_child("DefaultPolicy")  # type: ignore[union-attr]
        acknowledge(policy, rule_id, reason)
