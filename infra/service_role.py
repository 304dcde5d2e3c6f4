"""The role Amazon Bedrock assumes to run an evaluation job."""

from __future__ import annotations

from collections.abc import Iterable, Set

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from evalcore.layout import RESULTS_PREFIX, STAGING_PREFIX
from infra.bedrock_permissions import (
    OUTPUT_KEY_ACTIONS,
    AccountResource,
    JobKind,
    extra_grants,
    model_actions,
)
from infra.model_arns import ModelArns, invoke_model_resources
from infra.nag import acknowledge, logical_id, nag_resource_text

BEDROCK_PRINCIPAL = "bedrock.amazonaws.com"
DEFAULT_JOB_KINDS: frozenset[JobKind] = frozenset({JobKind.JUDGE})


def evaluation_job_arn(scope: Construct) -> str:
    """`arn:<partition>:bedrock:<region>:<account>:evaluation-job/*` of this stack."""
    return cdk.Stack.of(scope).format_arn(
        service="bedrock", resource="evaluation-job", resource_name="*"
    )


def suite_model_arns(scope: Construct, model_ids: Iterable[str]) -> ModelArns:
    """The suites' models as ARNs of this stack's partition, Region and account."""
    return invoke_model_resources(
        model_ids, partition=cdk.Aws.PARTITION, region=cdk.Aws.REGION, account=cdk.Aws.ACCOUNT_ID
    )


def account_resource_arn(scope: Construct, resource: AccountResource) -> str:
    """`arn:<partition>:<service>:<region>:<account>:<type>/*` of this stack."""
    return cdk.Stack.of(scope).format_arn(
        service=resource.service, resource=resource.resource_type, resource_name="*"
    )


class EvaluationServiceRole(Construct):
    """Least privilege for Bedrock: read staged datasets, write results, invoke the suites' models.

    What Bedrock may do with the models, and anything beyond S3 and models, is the union of
    `infra.bedrock_permissions` over `job_kinds`, the kinds of job the suites submit: a suite of
    a new kind is served by passing its kind, not by editing statements here.

    The trust policy admits only Bedrock acting for an evaluation job of this account
    (`aws:SourceAccount`, `aws:SourceArn`), which closes the confused-deputy hole of a bare
    service principal. Model access is the union of every suite's judge and live models, so
    adding a model to a suite means redeploying, which is the point: the role is the record of
    which models evaluations may call.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket: s3.IBucket,
        model_ids: Iterable[str],
        job_kinds: Set[JobKind] = DEFAULT_JOB_KINDS,
        output_keys: Iterable[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        models = suite_model_arns(self, model_ids)
        if not models.all:
            raise ValueError("no suite names a model: the evaluation role would be useless")
        if not job_kinds:
            raise ValueError("job_kinds is empty: name the kinds of job the suites submit")
        self.job_kinds = frozenset(job_kinds)

        principal = iam.ServicePrincipal(BEDROCK_PRINCIPAL).with_conditions(
            {
                "StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID},
                "ArnLike": {"aws:SourceArn": evaluation_job_arn(self)},
            }
        )
        # Bedrock reads only the copies submit staged, never an upload under datasets/.
        staged = bucket.arn_for_objects(f"{STAGING_PREFIX}*")
        results = bucket.arn_for_objects(f"{RESULTS_PREFIX}*")
        document = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    sid="ReadStagedDatasets", actions=["s3:GetObject"], resources=[staged]
                ),
                iam.PolicyStatement(
                    sid="ListStagedDatasetsAndResults",
                    actions=["s3:ListBucket"],
                    resources=[bucket.bucket_arn],
                    conditions={
                        "StringLike": {"s3:prefix": [f"{STAGING_PREFIX}*", f"{RESULTS_PREFIX}*"]}
                    },
                ),
                iam.PolicyStatement(
                    # Bedrock's documented output-bucket permissions: it checks the bucket's
                    # Region and writes large outputs with multipart uploads.
                    sid="LocateBucketAndUploads",
                    actions=["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
                    resources=[bucket.bucket_arn],
                ),
                iam.PolicyStatement(
                    sid="WriteResults",
                    actions=["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
                    resources=[results],
                ),
                iam.PolicyStatement(
                    # The documented model actions of every job kind served (see
                    # infra/bedrock_permissions.py for the page each comes from).
                    sid="InvokeSuiteModels",
                    actions=list(model_actions(self.job_kinds)),
                    resources=list(models.all),
                ),
            ]
        )
        for grant in extra_grants(self.job_kinds):
            document.add_statements(
                iam.PolicyStatement(
                    sid=grant.sid,
                    actions=list(grant.actions),
                    resources=[account_resource_arn(self, r) for r in grant.resources],
                )
            )
        keys = sorted(output_keys)
        if keys:
            # Suites that encrypt their job output with their own key (outputKmsKeyId); the key
            # policy must also allow Bedrock (README "Encrypting job output").
            document.add_statements(
                iam.PolicyStatement(
                    sid="UseOutputKeys", actions=list(OUTPUT_KEY_ACTIONS), resources=keys
                )
            )
        if models.inference_profiles:
            document.add_statements(
                iam.PolicyStatement(
                    sid="ResolveInferenceProfiles",
                    actions=["bedrock:GetInferenceProfile"],
                    resources=list(models.inference_profiles),
                )
            )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=principal,
            description="Assumed by Amazon Bedrock to run the pipeline's evaluation jobs",
            inline_policies={"EvaluationJobAccess": document},
        )

        bucket_id = logical_id(bucket)
        acknowledge(
            self.role,
            f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{STAGING_PREFIX}*]",
            "Bedrock reads the staged dataset copy the job names; the grant is limited to the "
            f"{STAGING_PREFIX} prefix of the pipeline bucket, which only the pipeline writes.",
        )
        acknowledge(
            self.role,
            f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{RESULTS_PREFIX}*]",
            "Bedrock writes output files under job-specific keys it chooses below the output "
            f"prefix; the grant is limited to the {RESULTS_PREFIX} prefix of the pipeline bucket.",
        )
        for grant in extra_grants(self.job_kinds):
            for resource in grant.resources:
                arn = account_resource_arn(self, resource)
                acknowledge(
                    self.role,
                    f"AwsSolutions-IAM5[Resource::{nag_resource_text(arn)}]",
                    f"{grant.sid}: Bedrock picks the {resource.resource_type} at run time (the "
                    "one a suite names, or the ones the job creates); the grant is limited to "
                    "this account and Region.",
                )
        for arn in models.foundation_models:
            acknowledge(
                self.role,
                f"AwsSolutions-IAM5[Resource::{nag_resource_text(arn)}]",
                "Foundation-model ARNs have no account and a cross-region inference profile may "
                "route to any Region of its geography, so the Region is a wildcard; the model "
                "id itself is fixed by the suite configuration.",
            )
