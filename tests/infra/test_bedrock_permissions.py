"""The service role grants each job kind's documented actions, and only the kinds it serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalcore.suite import DEFAULT_SUITES_DIR
from infra.bedrock_permissions import (
    PERMISSIONS,
    JobKind,
    extra_grants,
    model_actions,
    needs_bucket_cors,
)
from infra.suite_inputs import suite_job_kinds, suite_output_keys
from tests.infra.assembly import cached_synthesis
from tests.infra.conftest import as_list, render

MODELS = frozenset({"us.anthropic.claude-haiku-4-5-20251001-v1:0", "us.amazon.nova-lite-v1:0"})
MODEL_ARNS = {
    "arn:${AWS::Partition}:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
    "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:"
    "inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0",
    "arn:${AWS::Partition}:bedrock:*::foundation-model/amazon.nova-lite-v1:0",
    "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:"
    "inference-profile/us.amazon.nova-lite-v1:0",
}
THIS_ACCOUNT = "${AWS::Region}:${AWS::AccountId}"

# What each user-guide page lists for the service role beyond S3, written out here by hand so
# a change to the table in infra/bedrock_permissions.py has to be made twice, on purpose.
DOCUMENTED = {
    JobKind.AUTOMATIC: (
        {
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
            "bedrock:CreateModelInvocationJob",
            "bedrock:StopModelInvocationJob",
        },
        {},
    ),
    JobKind.JUDGE: (
        {
            "bedrock:InvokeModel",
            "bedrock:CreateModelInvocationJob",
            "bedrock:StopModelInvocationJob",
        },
        {},
    ),
    JobKind.KNOWLEDGE_BASE: (
        {
            "bedrock:InvokeModel",
            "bedrock:CreateModelInvocationJob",
            "bedrock:StopModelInvocationJob",
        },
        {
            "QueryKnowledgeBases": (
                {"bedrock:Retrieve", "bedrock:RetrieveAndGenerate"},
                {f"arn:${{AWS::Partition}}:bedrock:{THIS_ACCOUNT}:knowledge-base/*"},
            )
        },
    ),
    JobKind.HUMAN: (
        {
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
            "bedrock:CreateModelInvocationJob",
            "bedrock:StopModelInvocationJob",
        },
        {
            "ManageHumanLoops": (
                {
                    "sagemaker:StartHumanLoop",
                    "sagemaker:DescribeFlowDefinition",
                    "sagemaker:DescribeHumanLoop",
                    "sagemaker:StopHumanLoop",
                    "sagemaker:DeleteHumanLoop",
                },
                {
                    f"arn:${{AWS::Partition}}:sagemaker:{THIS_ACCOUNT}:flow-definition/*",
                    f"arn:${{AWS::Partition}}:sagemaker:{THIS_ACCOUNT}:human-loop/*",
                },
            )
        },
    ),
}
PAGES = {
    JobKind.AUTOMATIC: "automatic-service-roles.html",
    JobKind.JUDGE: "judge-service-roles.html",
    JobKind.KNOWLEDGE_BASE: "rag-eval-service-roles.html",
    JobKind.HUMAN: "model-eval-service-roles.html",
}


# Every set of kinds a test synthesizes the role alone for: each kind, and all of them.
KIND_SETS = [frozenset({kind}) for kind in JobKind] + [frozenset(JobKind)]


def kinds_key(job_kinds: frozenset[JobKind]) -> str:
    return "+".join(sorted(job_kinds))


def synthesize_role(job_kinds: frozenset[JobKind]) -> dict[str, dict]:
    """Synthesize the role alone for these kinds: Sid -> rendered statement."""
    import aws_cdk as cdk
    from aws_cdk import aws_s3 as s3
    from aws_cdk.assertions import Template

    from infra.service_role import EvaluationServiceRole

    app = cdk.App()
    stack = cdk.Stack(app, "RoleOnly")
    bucket = s3.Bucket(stack, "Bucket")
    EvaluationServiceRole(stack, "Role", bucket=bucket, model_ids=MODELS, job_kinds=job_kinds)
    (role,) = Template.from_stack(stack).find_resources("AWS::IAM::Role").values()
    (policy,) = role["Properties"]["Policies"]
    return {s["Sid"]: render(s) for s in policy["PolicyDocument"]["Statement"]}


def synthesize_roles() -> dict[str, dict[str, dict]]:
    return {kinds_key(kinds): synthesize_role(kinds) for kinds in KIND_SETS}


@pytest.fixture(scope="module")
def roles() -> dict[str, dict[str, dict]]:
    """The role synthesized alone for each of KIND_SETS, once per content key."""
    return cached_synthesis("role-only", synthesize_roles, code=Path(__file__))


def role_statements(roles: dict, job_kinds: frozenset[JobKind]) -> dict[str, dict]:
    """Sid -> rendered statement of the role synthesized alone for these kinds (a copy)."""
    return dict(roles[kinds_key(job_kinds)])


@pytest.mark.parametrize("kind", list(JobKind))
def test_each_kind_grants_exactly_its_documented_actions(roles, kind):
    statements = role_statements(roles, frozenset({kind}))
    documented_model_actions, documented_extra = DOCUMENTED[kind]
    invoke = statements.pop("InvokeSuiteModels")
    assert set(as_list(invoke["Action"])) == documented_model_actions
    assert set(as_list(invoke["Resource"])) == MODEL_ARNS
    for sid, (actions, resources) in documented_extra.items():
        statement = statements.pop(sid)
        assert set(as_list(statement["Action"])) == actions
        assert set(as_list(statement["Resource"])) == resources
    # What is left is S3 and inference-profile resolution, the same for every kind.
    assert {a for s in statements.values() for a in as_list(s["Action"])} <= {
        "s3:GetObject",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "s3:ListBucketMultipartUploads",
        "bedrock:GetInferenceProfile",
    }


@pytest.mark.parametrize("kind", list(JobKind))
def test_each_row_names_its_documentation_page(kind):
    assert PERMISSIONS[kind].kind is kind
    assert PERMISSIONS[kind].documentation == (
        "https://docs.aws.amazon.com/bedrock/latest/userguide/" + PAGES[kind]
    )


def test_several_kinds_get_the_union_once(roles):
    statements = role_statements(roles, frozenset(JobKind))
    assert set(as_list(statements["InvokeSuiteModels"]["Action"])) == set().union(
        *(actions for actions, _ in DOCUMENTED.values())
    )
    assert {"QueryKnowledgeBases", "ManageHumanLoops"} <= set(statements)
    assert model_actions(JobKind) == tuple(sorted(model_actions(JobKind)))
    assert [g.sid for g in extra_grants(JobKind)] == ["ManageHumanLoops", "QueryKnowledgeBases"]


@pytest.mark.cdk_app
def test_a_role_for_no_kind_is_refused():
    import aws_cdk as cdk
    from aws_cdk import aws_s3 as s3

    from infra.service_role import EvaluationServiceRole

    app = cdk.App()
    stack = cdk.Stack(app, "RoleOnly")
    with pytest.raises(ValueError, match="job_kinds is empty"):
        EvaluationServiceRole(
            stack, "Role", bucket=s3.Bucket(stack, "Bucket"), model_ids=MODELS, job_kinds=set()
        )


def test_only_human_jobs_need_cors():
    assert [kind for kind in JobKind if needs_bucket_cors({kind})] == [JobKind.HUMAN]


def test_the_stack_serves_the_kinds_the_shipped_suites_are(synthesized):
    assert suite_job_kinds(DEFAULT_SUITES_DIR) == set(JobKind)
    role_id = synthesized.logical_id(synthesized.parts.service_role)
    (policy,) = synthesized.json["Resources"][role_id]["Properties"]["Policies"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert set(statements["InvokeSuiteModels"]["Action"]) == set(model_actions(set(JobKind)))
    assert {"QueryKnowledgeBases", "ManageHumanLoops"} <= set(statements)
    keys = statements["UseOutputKeys"]
    assert sorted(keys["Action"]) == ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
    (key,) = suite_output_keys(DEFAULT_SUITES_DIR)
    assert keys["Resource"] == key  # CloudFormation writes a one-item list as the item
    resources = statements["InvokeSuiteModels"]["Resource"]
    profile = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6"
    assert profile in resources  # an application inference profile as live target


def test_judge_only_suites_need_only_the_judge_kind(tmp_path):
    for name in ("support-assistant", "live-nova"):
        (tmp_path / f"{name}.json").write_text((DEFAULT_SUITES_DIR / f"{name}.json").read_text())
    assert suite_job_kinds(tmp_path) == {JobKind.JUDGE}
    assert not needs_bucket_cors(suite_job_kinds(tmp_path))
    assert suite_output_keys(tmp_path) == frozenset()
