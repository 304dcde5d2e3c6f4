"""The four pipeline Lambdas, their shared dependency layer and least-privilege roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from evalcore.layout import DATASETS_PREFIX, REPORTS_PREFIX, RESULTS_PREFIX
from infra.layer_bundling import layer_code
from infra.nag import acknowledge, acknowledge_scanner, logical_id, nag_resource_text
from infra.service_role import BEDROCK_PRINCIPAL, evaluation_job_arn, suite_model_arns

LAMBDAS_DIR = Path(__file__).resolve().parent.parent / "lambdas"
REQUIREMENTS_FILE = LAMBDAS_DIR / "requirements.txt"
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.X86_64
LOG_RETENTION = logs.RetentionDays.ONE_MONTH
SERVICE_NAME = "bedrock-eval-pipeline"
METRICS_NAMESPACE = "BedrockEvaluation"
# Tests, caches and the layer's requirements are not handler code.
CODE_EXCLUDES = ["tests", "**/tests", "**/__pycache__", "*.pyc", "**/*.pyc", "requirements.txt"]


@dataclass(frozen=True)
class FunctionSpec:
    handler: str
    description: str
    memory_size: int
    timeout: cdk.Duration


SPECS: dict[str, FunctionSpec] = {
    "submit": FunctionSpec(
        "handlers.submit.handler",
        "Validates an uploaded dataset and starts the Bedrock evaluation job",
        512,
        cdk.Duration.minutes(2),
    ),
    "poll": FunctionSpec(
        "handlers.poll.handler",
        "Reads the evaluation job's status",
        256,
        cdk.Duration.minutes(1),
    ),
    "parse": FunctionSpec(
        "handlers.parse.handler",
        "Aggregates Bedrock's output files into the run's summary report",
        1024,
        cdk.Duration.minutes(5),
    ),
    "record_failure": FunctionSpec(
        "handlers.record_failure.handler",
        "Writes failure.json so the uploader learns why a run failed",
        256,
        cdk.Duration.minutes(1),
    ),
}

WILDCARD_REASONS = {
    "datasets": "Datasets are uploaded under user-chosen suite folders and file names; read "
    f"access is limited to the {DATASETS_PREFIX} prefix of the pipeline bucket.",
    "results": "Bedrock names its output files below the job's output prefix; read access is "
    f"limited to the {RESULTS_PREFIX} prefix of the pipeline bucket.",
    "reports": "Reports are written per suite and job name, which are only known at run time; "
    f"access is limited to the {REPORTS_PREFIX} prefix of the pipeline bucket.",
    "evaluation-job": "Evaluation job ARNs carry the job name chosen at run time; the grant is "
    "limited to evaluation jobs of this account and Region.",
    "xray": "X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level "
    "permissions, so active tracing needs Resource '*'.",
}


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
        bucket: s3.IBucket,
        service_role: iam.IRole,
        model_ids: Iterable[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = bucket

        self.layer = lambda_.LayerVersion(
            self,
            "DependencyLayer",
            code=layer_code(REQUIREMENTS_FILE),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Pinned boto3, aws-lambda-powertools and aws-xray-sdk "
            "from lambdas/requirements.txt",
        )
        code = lambda_.Code.from_asset(str(LAMBDAS_DIR), exclude=CODE_EXCLUDES)
        environment = {
            "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "DATA_BUCKET": bucket.bucket_name,
        }
        self.functions: dict[str, lambda_.Function] = {}
        for name, spec in SPECS.items():
            extra = {"EVALUATION_ROLE_ARN": service_role.role_arn} if name == "submit" else {}
            self.functions[name] = self._function(name, spec, code, {**environment, **extra})

        job_arn = evaluation_job_arn(self)
        models = suite_model_arns(self, model_ids)
        submit, poll, parse, record_failure = (
            self.functions[name] for name in ("submit", "poll", "parse", "record_failure")
        )

        # submit: CreateEvaluationJob is authorized against the job ARN *and* every model
        # named in the request (judge and live target), so the models are resources too.
        submit.add_to_role_policy(
            iam.PolicyStatement(
                sid="CreateEvaluationJobs",
                actions=["bedrock:CreateEvaluationJob"],
                resources=[job_arn, *models.all],
            )
        )
        submit.add_to_role_policy(
            iam.PolicyStatement(
                # submit sends jobTags: CreateEvaluationJob with tags is also authorized as
                # bedrock:TagResource on the new job (the console policy for judge jobs grants it).
                sid="TagEvaluationJobs",
                actions=["bedrock:TagResource"],
                resources=[job_arn],
            )
        )
        submit.add_to_role_policy(
            iam.PolicyStatement(
                # A retried execution must not start a second job: on ConflictException submit
                # finds the job a previous attempt created under the same deterministic name.
                sid="ReadEvaluationJobs",
                actions=["bedrock:GetEvaluationJob"],
                resources=[job_arn],
            )
        )
        submit.add_to_role_policy(
            iam.PolicyStatement(
                sid="FindEvaluationJobsByName",
                actions=["bedrock:ListEvaluationJobs"],
                resources=["*"],
            )
        )
        submit.add_to_role_policy(
            iam.PolicyStatement(
                sid="PassServiceRoleToBedrock",
                actions=["iam:PassRole"],
                resources=[service_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": BEDROCK_PRINCIPAL}},
            )
        )
        # GetObjectVersion: the dataset is read at the exact version the upload event named.
        self._grant_objects(
            submit, "ReadDatasets", ["s3:GetObject", "s3:GetObjectVersion"], [DATASETS_PREFIX]
        )
        self._acknowledge_objects(submit, [DATASETS_PREFIX])
        self._acknowledge_models(submit, models.foundation_models)

        poll.add_to_role_policy(
            iam.PolicyStatement(
                sid="ReadEvaluationJobs", actions=["bedrock:GetEvaluationJob"], resources=[job_arn]
            )
        )

        self._grant_list(parse, [RESULTS_PREFIX, REPORTS_PREFIX])
        self._grant_objects(parse, "ReadResults", ["s3:GetObject"], [RESULTS_PREFIX])
        self._grant_objects(
            parse, "ReadAndWriteReports", ["s3:GetObject", "s3:PutObject"], [REPORTS_PREFIX]
        )
        self._acknowledge_objects(parse, [RESULTS_PREFIX, REPORTS_PREFIX])

        self._grant_objects(record_failure, "WriteReports", ["s3:PutObject"], [REPORTS_PREFIX])
        self._acknowledge_objects(record_failure, [REPORTS_PREFIX])
        record_failure.add_to_role_policy(
            iam.PolicyStatement(
                # The failure record quotes the job's failure messages.
                sid="ReadEvaluationJobs",
                actions=["bedrock:GetEvaluationJob"],
                resources=[job_arn],
            )
        )

        for function in (submit, poll, record_failure):
            self._acknowledge_policy(
                function,
                f"AwsSolutions-IAM5[Resource::{nag_resource_text(job_arn)}]",
                WILDCARD_REASONS["evaluation-job"],
            )
        for name, function in self.functions.items():
            reason = WILDCARD_REASONS["xray"]
            if name == "submit":
                reason += " bedrock:ListEvaluationJobs is a list action without resource types."
            self._acknowledge_policy(function, "AwsSolutions-IAM5[Resource::*]", reason)

    def _function(
        self, name: str, spec: FunctionSpec, code: lambda_.Code, environment: dict[str, str]
    ) -> lambda_.Function:
        construct_name = "".join(part.capitalize() for part in name.split("_"))
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
            description=f"Runs the pipeline's {name} function",
        )
        function = lambda_.Function(
            self,
            f"{construct_name}Function",
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=code,
            handler=spec.handler,
            layers=[self.layer],
            memory_size=spec.memory_size,
            timeout=spec.timeout,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            role=role,
            environment=environment,
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

    def _grant_objects(
        self, function: lambda_.Function, sid: str, actions: list[str], prefixes: list[str]
    ) -> None:
        function.add_to_role_policy(
            iam.PolicyStatement(
                sid=sid,
                actions=actions,
                resources=[self.bucket.arn_for_objects(f"{prefix}*") for prefix in prefixes],
            )
        )

    def _grant_list(self, function: lambda_.Function, prefixes: list[str]) -> None:
        function.add_to_role_policy(
            iam.PolicyStatement(
                sid="ListResultsAndReports",
                actions=["s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{prefix}*" for prefix in prefixes]}},
            )
        )

    def _acknowledge_objects(self, function: lambda_.Function, prefixes: list[str]) -> None:
        bucket_id = logical_id(self.bucket)
        for prefix in prefixes:
            self._acknowledge_policy(
                function,
                f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{prefix}*]",
                WILDCARD_REASONS[prefix.strip("/")],
            )

    def _acknowledge_models(self, function: lambda_.Function, foundation_models: Iterable[str]):
        for arn in foundation_models:
            self._acknowledge_policy(
                function,
                f"AwsSolutions-IAM5[Resource::{nag_resource_text(arn)}]",
                "CreateEvaluationJob is authorized against the foundation models a job names; "
                "their ARNs have no account and cross-region profiles may route to any Region "
                "of their geography, so the Region is a wildcard while the model id is fixed.",
            )

    @staticmethod
    def _acknowledge_policy(function: lambda_.Function, rule_id: str, reason: str) -> None:
        """Findings about grants sit on the role's DefaultPolicy, the narrowest construct."""
        policy = function.role.node.find_child("DefaultPolicy")  # type: ignore[union-attr]
        acknowledge(policy, rule_id, reason)
