"""What Amazon Bedrock's service role needs, per kind of evaluation job, as AWS documents it.

Each kind of evaluation job has its own page in the Bedrock user guide listing the actions the
service role must allow. This module is that table, as typed data, so the role construct grants
exactly the union over the kinds the suites use and a test can hold each row against its page.
It is pure (no CDK constructs): resources are described by kind, and `infra.service_role` turns
them into ARNs of the stack's partition, Region and account.

Pages read (user guide, November 2026):
- automatic: https://docs.aws.amazon.com/bedrock/latest/userguide/automatic-service-roles.html
- judge:     https://docs.aws.amazon.com/bedrock/latest/userguide/judge-service-roles.html
- RAG:       https://docs.aws.amazon.com/bedrock/latest/userguide/rag-eval-service-roles.html
- human:     https://docs.aws.amazon.com/bedrock/latest/userguide/model-eval-service-roles.html
- CORS:      https://docs.aws.amazon.com/bedrock/latest/userguide/model-evaluation-security-cors.html
The S3 actions are the same on every page (read the dataset prefix, write the output prefix)
and live in `infra.service_role`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evalcore.job_kinds import JobKind

__all__ = ["PERMISSIONS", "JobKind", "extra_grants", "model_actions", "needs_bucket_cors"]

USER_GUIDE = "https://docs.aws.amazon.com/bedrock/latest/userguide/"
# For a customer-managed key on the job's output (kms-encryption pages of the user guide).
OUTPUT_KEY_ACTIONS = ("kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey")


@dataclass(frozen=True)
class AccountResource:
    """A resource type in this account and Region: `arn:<p>:<service>:<r>:<a>:<type>/*`."""

    service: str
    resource_type: str


@dataclass(frozen=True)
class ExtraGrant:
    """A statement a job kind needs beyond invoking models, on resources of this account."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[AccountResource, ...]


@dataclass(frozen=True)
class JobKindPermissions:
    """One row of the table: what the service role must allow for one kind of job.

    `model_actions` are granted on the suites' models (foundation-model ARNs and inference
    profiles); `needs_bucket_cors` says whether the page asks for CORS on the bucket, which only
    human jobs do (their workers read the objects from the browser).
    """

    kind: JobKind
    model_actions: tuple[str, ...]
    extra: tuple[ExtraGrant, ...]
    documentation: str
    needs_bucket_cors: bool


BATCH_INVOCATION_ACTIONS = ("bedrock:CreateModelInvocationJob", "bedrock:StopModelInvocationJob")

PERMISSIONS: dict[JobKind, JobKindPermissions] = {
    JobKind.AUTOMATIC: JobKindPermissions(
        kind=JobKind.AUTOMATIC,
        model_actions=(
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
            *BATCH_INVOCATION_ACTIONS,
        ),
        extra=(),
        documentation=USER_GUIDE + "automatic-service-roles.html",
        needs_bucket_cors=False,
    ),
    JobKind.JUDGE: JobKindPermissions(
        kind=JobKind.JUDGE,
        model_actions=("bedrock:InvokeModel", *BATCH_INVOCATION_ACTIONS),
        extra=(),
        documentation=USER_GUIDE + "judge-service-roles.html",
        needs_bucket_cors=False,
    ),
    JobKind.KNOWLEDGE_BASE: JobKindPermissions(
        kind=JobKind.KNOWLEDGE_BASE,
        model_actions=("bedrock:InvokeModel", *BATCH_INVOCATION_ACTIONS),
        extra=(
            ExtraGrant(
                sid="QueryKnowledgeBases",
                actions=("bedrock:Retrieve", "bedrock:RetrieveAndGenerate"),
                resources=(AccountResource("bedrock", "knowledge-base"),),
            ),
        ),
        documentation=USER_GUIDE + "rag-eval-service-roles.html",
        needs_bucket_cors=False,
    ),
    JobKind.HUMAN: JobKindPermissions(
        kind=JobKind.HUMAN,
        model_actions=(
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
            *BATCH_INVOCATION_ACTIONS,
        ),
        extra=(
            ExtraGrant(
                sid="ManageHumanLoops",
                actions=(
                    "sagemaker:StartHumanLoop",
                    "sagemaker:DescribeFlowDefinition",
                    "sagemaker:DescribeHumanLoop",
                    "sagemaker:StopHumanLoop",
                    "sagemaker:DeleteHumanLoop",
                ),
                resources=(
                    AccountResource("sagemaker", "flow-definition"),
                    AccountResource("sagemaker", "human-loop"),
                ),
            ),
        ),
        documentation=USER_GUIDE + "model-eval-service-roles.html",
        needs_bucket_cors=True,
    ),
}


def model_actions(kinds: Iterable[JobKind]) -> tuple[str, ...]:
    """The union of the kinds' model actions, sorted so the template is stable."""
    return tuple(sorted({action for kind in kinds for action in PERMISSIONS[kind].model_actions}))


def extra_grants(kinds: Iterable[JobKind]) -> tuple[ExtraGrant, ...]:
    """Each distinct extra statement the kinds need, in a stable order."""
    grants = {grant.sid: grant for kind in kinds for grant in PERMISSIONS[kind].extra}
    return tuple(grants[sid] for sid in sorted(grants))


def needs_bucket_cors(kinds: Iterable[JobKind]) -> bool:
    """Whether any of the kinds is documented as needing CORS on the pipeline bucket."""
    return any(PERMISSIONS[kind].needs_bucket_cors for kind in kinds)
