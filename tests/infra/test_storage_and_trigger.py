"""The pipeline bucket and the EventBridge rule that starts a run per uploaded dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.infra.assembly import cached_synthesis
from tests.infra.conftest import SETTINGS, render


def bucket_id(synthesized) -> str:
    return synthesized.logical_id(synthesized.parts.bucket)


def test_the_bucket_is_private_encrypted_versioned_and_retained(synthesized):
    bucket = synthesized.json["Resources"][bucket_id(synthesized)]
    assert bucket["DeletionPolicy"] == "Retain"
    assert bucket["UpdateReplacePolicy"] == "Retain"
    properties = bucket["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert properties["NotificationConfiguration"] == {
        "EventBridgeConfiguration": {"EventBridgeEnabled": True}
    }
    logging = render(properties["LoggingConfiguration"])
    access_logs_id = synthesized.logical_id(synthesized.parts.access_logs)
    assert logging["DestinationBucketName"] == "${" + access_logs_id + "}"


def test_no_custom_resource_is_needed_for_eventbridge_notifications(synthesized):
    assert not synthesized.resources("Custom::S3BucketNotifications")
    assert set(synthesized.resources("AWS::Lambda::Function")) == {
        synthesized.logical_id(fn.path) for fn in synthesized.parts.all_functions
    }


@pytest.mark.cdk_app
def test_the_bucket_denies_requests_without_tls(synthesized):
    from aws_cdk.assertions import Match

    synthesized.template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": bucket_id(synthesized)},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "s3:*",
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                "Principal": {"AWS": "*"},
                            }
                        )
                    ]
                )
            },
        },
    )


def test_the_shipped_stack_has_cors_because_a_suite_is_a_human_job(synthesized):
    properties = synthesized.json["Resources"][bucket_id(synthesized)]["Properties"]
    assert "CorsConfiguration" in properties


def synthesize_storage(cors_for_human_jobs: bool) -> dict:
    """The properties of the bucket of PipelineBucket synthesized alone."""
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from infra.storage import PipelineBucket

    stack = cdk.Stack(cdk.App(), "StorageOnly")
    storage = PipelineBucket(
        stack,
        "Storage",
        results_retention=cdk.Duration.days(SETTINGS.results_retention_days),
        cors_for_human_jobs=cors_for_human_jobs,
    )
    template = Template.from_stack(stack).to_json()
    return template["Resources"][stack.resolve(storage.bucket.node.default_child.logical_id)][
        "Properties"
    ]


@pytest.fixture(scope="module")
def storage_only() -> dict[str, dict]:
    """The bucket synthesized alone without and with CORS, once per content key."""
    return cached_synthesis(
        "storage-only",
        lambda: {str(cors): synthesize_storage(cors) for cors in (False, True)},
        code=Path(__file__),
    )


@pytest.mark.parametrize("cors_for_human_jobs", [False, True])
def test_cors_is_the_documented_rule_only_when_human_jobs_need_it(
    storage_only, cors_for_human_jobs
):
    properties = storage_only[str(cors_for_human_jobs)]
    if not cors_for_human_jobs:
        assert "CorsConfiguration" not in properties
        return
    (rule,) = properties["CorsConfiguration"]["CorsRules"]
    assert sorted(rule["AllowedMethods"]) == ["DELETE", "GET", "POST", "PUT"]
    assert rule["AllowedOrigins"] == ["*"]
    assert rule["AllowedHeaders"] == ["*"]
    assert rule["ExposedHeaders"] == ["Access-Control-Allow-Origin"]


def test_lifecycle_expires_results_reports_staged_copies_and_old_versions(synthesized):
    properties = synthesized.json["Resources"][bucket_id(synthesized)]["Properties"]
    rules = {rule["Id"]: rule for rule in properties["LifecycleConfiguration"]["Rules"]}
    for prefix in ("results/", "reports/", "staging/"):
        (rule,) = [r for r in rules.values() if r.get("Prefix") == prefix]
        assert rule["ExpirationInDays"] == SETTINGS.results_retention_days
        assert rule["Status"] == "Enabled"
    assert not [r for r in rules.values() if r.get("Prefix", "").startswith("datasets")]
    assert rules["ExpireNoncurrentVersions"]["NoncurrentVersionExpiration"] == {
        "NoncurrentDays": 30
    }
    assert rules["AbortIncompleteUploads"]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": 7
    }


def upload_rule(synthesized) -> dict:
    """The dataset-upload rule (the stack has another one, for unfinished executions)."""
    rule = synthesized.parts.upload_rule
    return synthesized.json["Resources"][synthesized.logical_id(rule)]


def test_the_rule_matches_jsonl_uploads_under_datasets_of_this_bucket(synthesized):
    rule = upload_rule(synthesized)
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["source"] == ["aws.s3"]
    assert pattern["detail-type"] == ["Object Created"]
    assert pattern["detail"]["bucket"]["name"] == [{"Ref": bucket_id(synthesized)}]
    assert pattern["detail"]["object"]["key"] == [{"wildcard": "datasets/*.jsonl"}]
    assert "EventBusName" not in rule["Properties"]  # the default bus, where S3 sends events


def test_the_rule_calls_the_start_function_with_bucket_key_and_version(synthesized):
    """The start function names the execution after the dataset version (exactly once)."""
    rule = upload_rule(synthesized)
    (target,) = rule["Properties"]["Targets"]
    start = synthesized.logical_id(synthesized.parts.functions["start"].path)
    assert target["Arn"] == {"Fn::GetAtt": [start, "Arn"]}
    transformer = target["InputTransformer"]
    paths = transformer["InputPathsMap"]
    assert set(paths.values()) == {
        "$.detail.bucket.name",
        "$.detail.object.key",
        "$.detail.object.version-id",
    }
    template = transformer["InputTemplate"]
    for field, path in (
        ("bucket", "$.detail.bucket.name"),
        ("key", "$.detail.object.key"),
        ("versionId", "$.detail.object.version-id"),
    ):
        (name,) = [n for n, p in paths.items() if p == path]
        assert f'"{field}":<{name}>' in template


def test_undeliverable_events_go_to_an_ssl_only_dead_letter_queue(synthesized):
    rule = upload_rule(synthesized)
    (target,) = rule["Properties"]["Targets"]
    (queue_id,) = synthesized.resources("AWS::SQS::Queue")
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue_id, "Arn"]}}
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 8}
    (policy,) = synthesized.resources("AWS::SQS::QueuePolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert {
        "Action": "sqs:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Resource": {"Fn::GetAtt": [queue_id, "Arn"]},
    } in statements


def test_outputs_name_the_bucket_state_machine_and_service_role(synthesized):
    outputs = synthesized.json["Outputs"]
    assert outputs["BucketName"]["Value"] == {"Ref": bucket_id(synthesized)}
    assert outputs["StateMachineArn"]["Value"] == {
        "Ref": synthesized.logical_id(synthesized.parts.state_machine)
    }
    assert outputs["EvaluationServiceRoleArn"]["Value"] == {
        "Fn::GetAtt": [synthesized.logical_id(synthesized.parts.service_role), "Arn"]
    }
