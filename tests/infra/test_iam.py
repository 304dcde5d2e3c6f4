"""Least privilege: every role's actions, resources and conditions, statement by statement."""

from __future__ import annotations

import pytest

from evalcore.suite import load_all_suites
from tests.infra.conftest import as_list, render

EVALUATION_JOBS = "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:evaluation-job/*"
FOUNDATION = "arn:${AWS::Partition}:bedrock:*::foundation-model/"
PROFILE = "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/"
APPLICATION_PROFILE = (
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6"
)
RAG_GENERATOR = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"
SUITE_MODEL_ARNS = {
    # A system inference profile: the profile, and its model in every Region it routes to.
    *(
        arn
        for model in (
            "anthropic.claude-haiku-4-5-20251001-v1:0",
            "amazon.nova-lite-v1:0",
            "amazon.nova-pro-v1:0",
            "amazon.nova-micro-v1:0",
        )
        for arn in (f"{FOUNDATION}{model}", f"{PROFILE}us.{model}")
    ),
    # An application profile's ARN is used as it is; the RAG generator's foundation-model ARN
    # is amazon.nova-pro-v1:0 in every Region, listed above.
    APPLICATION_PROFILE,
}


def grants(synthesized, role) -> dict[str, list[dict]]:
    """action -> the rendered statements that allow it."""
    by_action: dict[str, list[dict]] = {}
    for statement in synthesized.policy_statements(role):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            by_action.setdefault(action, []).append(render(statement))
    return by_action


def resources_of(statements: list[dict]) -> set[str]:
    return {resource for s in statements for resource in as_list(s["Resource"])}


def bucket(synthesized) -> str:
    return "${" + synthesized.logical_id(synthesized.parts.bucket) + ".Arn}"


def test_the_suites_still_name_the_models_these_tests_expect():
    models = set().union(*(suite.model_identifiers for suite in load_all_suites()))
    assert models == {
        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "us.amazon.nova-lite-v1:0",
        "us.amazon.nova-pro-v1:0",
        "us.amazon.nova-micro-v1:0",
        APPLICATION_PROFILE,
        RAG_GENERATOR,
    }


def test_only_bedrock_evaluation_jobs_of_this_account_may_assume_the_service_role(synthesized):
    role = synthesized.json["Resources"][synthesized.logical_id(synthesized.parts.service_role)]
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert render(statement["Condition"]) == {
        "StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"},
        "ArnLike": {"aws:SourceArn": EVALUATION_JOBS},
    }
    assert not role["Properties"].get("ManagedPolicyArns")


def test_the_service_role_reads_staged_copies_not_uploads_and_writes_results_only(synthesized):
    by_action = grants(synthesized, synthesized.parts.service_role)
    arn = bucket(synthesized)
    assert resources_of(by_action["s3:GetObject"]) == {f"{arn}/staging/*", f"{arn}/results/*"}
    assert resources_of(by_action["s3:PutObject"]) == {f"{arn}/results/*"}
    assert resources_of(by_action["s3:AbortMultipartUpload"]) == {f"{arn}/results/*"}
    (listing,) = by_action["s3:ListBucket"]
    assert listing["Resource"] == arn
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["staging/*", "results/*"]}}
    assert resources_of(by_action["s3:GetBucketLocation"]) == {arn}
    assert not [a for a in by_action if a.startswith("s3:") and "Delete" in a]


def test_the_service_role_invokes_exactly_the_suite_models(synthesized):
    by_action = grants(synthesized, synthesized.parts.service_role)
    # The judge-job page's actions: a judge job runs its prompts as batch inference jobs.
    for action in (
        "bedrock:InvokeModel",
        "bedrock:CreateModelInvocationJob",
        "bedrock:StopModelInvocationJob",
    ):
        assert resources_of(by_action[action]) == SUITE_MODEL_ARNS
    assert resources_of(by_action["bedrock:GetInferenceProfile"]) == {
        arn for arn in SUITE_MODEL_ARNS if "inference-profile/" in arn
    }
    assert set(by_action) == {
        "s3:GetObject",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "s3:ListBucketMultipartUploads",
        "bedrock:InvokeModel",
        "bedrock:CreateModelInvocationJob",
        "bedrock:StopModelInvocationJob",
        "bedrock:GetInferenceProfile",
        # Programmatic and human jobs stream; knowledge-base jobs query; human jobs run loops.
        "bedrock:InvokeModelWithResponseStream",
        "bedrock:Retrieve",
        "bedrock:RetrieveAndGenerate",
        "sagemaker:StartHumanLoop",
        "sagemaker:DescribeFlowDefinition",
        "sagemaker:DescribeHumanLoop",
        "sagemaker:StopHumanLoop",
        "sagemaker:DeleteHumanLoop",
        # A suite encrypts its job output with its own key.
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:GenerateDataKey",
    }


def function_grants(synthesized, name: str) -> dict[str, list[dict]]:
    return grants(synthesized, synthesized.parts.functions[name].role)


def log_group_arn(synthesized, name: str) -> str:
    function = synthesized.json["Resources"][
        synthesized.logical_id(synthesized.parts.functions[name].path)
    ]
    return "${" + function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] + ".Arn}"


def common_actions(synthesized, name: str, by_action: dict) -> None:
    """Logs to its own log group only, X-Ray (resource '*' is the only option)."""
    for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
        assert resources_of(by_action.pop(action)) == {log_group_arn(synthesized, name)}
    for action in ("xray:PutTraceSegments", "xray:PutTelemetryRecords"):
        assert resources_of(by_action.pop(action)) == {"*"}
    assert "cloudwatch:PutMetricData" not in by_action


def test_function_roles_have_no_managed_policies(synthesized):
    for function in synthesized.parts.all_functions:
        role = synthesized.json["Resources"][synthesized.logical_id(function.role)]
        assert not role["Properties"].get("ManagedPolicyArns"), function.path


def test_submit_reads_datasets_and_writes_shards_only(synthesized):
    by_action = function_grants(synthesized, "submit")
    common_actions(synthesized, "submit", by_action)
    dataset_objects = {bucket(synthesized) + "/datasets/*"}
    assert resources_of(by_action.pop("s3:GetObject")) == dataset_objects
    assert resources_of(by_action.pop("s3:GetObjectVersion")) == dataset_objects
    assert resources_of(by_action.pop("s3:PutObject")) == {bucket(synthesized) + "/staging/*"}
    # The lifecycle check: every suite model, and the models behind each profile.
    assert resources_of(by_action.pop("bedrock:GetFoundationModel")) == {
        arn for arn in SUITE_MODEL_ARNS if ":foundation-model/" in arn
    }
    assert resources_of(by_action.pop("bedrock:GetInferenceProfile")) == {
        arn for arn in SUITE_MODEL_ARNS if "inference-profile/" in arn
    }
    assert by_action == {}


def ledger_table(synthesized) -> str:
    return "${" + synthesized.logical_id(synthesized.parts.ledger) + ".Arn}"


LEDGER_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")


@pytest.mark.parametrize("name", ["acquire_slot", "release_slot"])
def test_the_slot_functions_use_the_ledger_table_only(synthesized, name):
    by_action = function_grants(synthesized, name)
    common_actions(synthesized, name, by_action)
    for action in LEDGER_ACTIONS:
        assert resources_of(by_action.pop(action)) == {ledger_table(synthesized)}
    if name == "release_slot":  # stops a job whose run hit an error before freeing its slot
        assert resources_of(by_action.pop("bedrock:StopEvaluationJob")) == {EVALUATION_JOBS}
    assert by_action == {}


def test_release_leaked_slots_may_also_find_and_stop_jobs(synthesized):
    by_action = function_grants(synthesized, "release_leaked_slots")
    common_actions(synthesized, "release_leaked_slots", by_action)
    for action in LEDGER_ACTIONS:
        assert resources_of(by_action.pop(action)) == {ledger_table(synthesized)}
    assert resources_of(by_action.pop("bedrock:ListEvaluationJobs")) == {"*"}
    assert resources_of(by_action.pop("bedrock:StopEvaluationJob")) == {EVALUATION_JOBS}
    assert by_action == {}


def test_stop_job_only_stops_evaluation_jobs(synthesized):
    by_action = function_grants(synthesized, "stop_job")
    common_actions(synthesized, "stop_job", by_action)
    assert resources_of(by_action.pop("bedrock:StopEvaluationJob")) == {EVALUATION_JOBS}
    assert by_action == {}


def test_collect_shards_needs_no_grant(synthesized):
    by_action = function_grants(synthesized, "collect_shards")
    common_actions(synthesized, "collect_shards", by_action)
    assert by_action == {}


def test_start_may_only_start_the_pipelines_state_machine(synthesized):
    by_action = function_grants(synthesized, "start")
    common_actions(synthesized, "start", by_action)
    machine = "${" + synthesized.logical_id(synthesized.parts.state_machine) + "}"
    assert resources_of(by_action.pop("states:StartExecution")) == {machine}
    assert by_action == {}


def test_submit_job_creates_jobs_for_suite_models_and_passes_only_the_service_role(synthesized):
    by_action = function_grants(synthesized, "submit_job")
    common_actions(synthesized, "submit_job", by_action)
    assert resources_of(by_action.pop("bedrock:CreateEvaluationJob")) == {
        EVALUATION_JOBS,
        *SUITE_MODEL_ARNS,
    }
    # submit sends jobTags, which Bedrock authorizes as TagResource on the new job.
    assert resources_of(by_action.pop("bedrock:TagResource")) == {EVALUATION_JOBS}
    assert resources_of(by_action.pop("bedrock:GetEvaluationJob")) == {EVALUATION_JOBS}
    assert resources_of(by_action.pop("bedrock:ListEvaluationJobs")) == {"*"}
    (pass_role,) = by_action.pop("iam:PassRole")
    assert pass_role["Resource"] == (
        "${" + synthesized.logical_id(synthesized.parts.service_role) + ".Arn}"
    )
    assert pass_role["Condition"] == {
        "StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}
    }
    assert by_action == {}


def test_poll_only_reads_evaluation_jobs(synthesized):
    by_action = function_grants(synthesized, "poll")
    common_actions(synthesized, "poll", by_action)
    assert resources_of(by_action.pop("bedrock:GetEvaluationJob")) == {EVALUATION_JOBS}
    assert by_action == {}


def pop_notification_grants(synthesized, by_action) -> None:
    """The end-of-run message: publish to the one topic, with its KMS key (no wildcards)."""
    topic = "${" + synthesized.logical_id(synthesized.parts.topic) + "}"
    key = "${" + synthesized.logical_id(synthesized.parts.topic_key) + ".Arn}"
    assert resources_of(by_action.pop("sns:Publish")) == {topic}
    assert resources_of(by_action.pop("kms:GenerateDataKey")) == {key}
    assert resources_of(by_action.pop("kms:Decrypt")) == {key}


def test_parse_reads_results_and_staged_copies_and_writes_reports_only(synthesized):
    by_action = function_grants(synthesized, "parse")
    common_actions(synthesized, "parse", by_action)
    arn = bucket(synthesized)
    (listing,) = by_action.pop("s3:ListBucket")
    assert listing["Resource"] == arn
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["results/*", "reports/*"]}}
    assert resources_of(by_action.pop("s3:GetObject")) == {
        f"{arn}/results/*",
        f"{arn}/reports/*",
        f"{arn}/staging/*",
    }
    assert resources_of(by_action.pop("s3:PutObject")) == {f"{arn}/reports/*"}
    # the parse marker and the dataset's latest-run pointer
    for action in LEDGER_ACTIONS:
        assert resources_of(by_action.pop(action)) == {ledger_table(synthesized)}
    pop_notification_grants(synthesized, by_action)
    assert by_action == {}


def test_record_failure_writes_reports_and_reads_jobs_only(synthesized):
    by_action = function_grants(synthesized, "record_failure")
    common_actions(synthesized, "record_failure", by_action)
    assert resources_of(by_action.pop("s3:PutObject")) == {bucket(synthesized) + "/reports/*"}
    assert resources_of(by_action.pop("bedrock:GetEvaluationJob")) == {EVALUATION_JOBS}
    pop_notification_grants(synthesized, by_action)
    assert by_action == {}


def test_the_state_machine_may_invoke_only_the_workflows_functions(synthesized):
    by_action = grants(synthesized, synthesized.parts.state_machine_role)
    stack_functions = synthesized.parts.functions
    functions = {
        "${" + synthesized.logical_id(fn.path) + ".Arn}"
        for fn in synthesized.parts.all_functions
        # started by EventBridge rules, never by the state machine
        if fn not in (stack_functions["start"], stack_functions["release_leaked_slots"])
    }
    assert resources_of(by_action["lambda:InvokeFunction"]) == functions | {
        f"{arn}:*" for arn in functions
    }
