"""Requests are sent through a real boto3 client with a Stubber: botocore validates them."""

import boto3
import pytest
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber

from evalcore.job_request import build_create_job_request, staged_key_for
from evalcore.naming import JOB_NAME_PATTERN, check_s3_uri
from evalcore.run_state import DatasetRef

ROLE = "arn:aws:iam::123456789012:role/eval"
DATASET = DatasetRef("pipeline-bucket", "datasets/support-assistant/q3.jsonl", "v42")


def send(request: dict) -> None:
    client = boto3.client("bedrock", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response(
            "create_evaluation_job",
            {"jobArn": "arn:aws:bedrock:us-east-1:123456789012:evaluation-job/abcdefghijkl"},
            expected_params=request,
        )
        client.create_evaluation_job(**request)
        stub.assert_no_pending_responses()


def test_precomputed_request_is_accepted_by_botocore(precomputed_suite):
    request = build_create_job_request(precomputed_suite, DATASET, ROLE)
    send(request)
    automated = request["evaluationConfig"]["automated"]
    config = automated["datasetMetricConfigs"][0]
    assert config["taskType"] == "General"
    assert config["metricNames"] == list(precomputed_suite.metrics)
    assert config["dataset"] == {
        "name": "q3",
        "datasetLocation": {
            "s3Uri": f"s3://pipeline-bucket/staging/support-assistant/{request['jobName']}/q3.jsonl"
        },
    }
    assert automated["evaluatorModelConfig"] == {
        "bedrockEvaluatorModels": [{"modelIdentifier": precomputed_suite.evaluator_model}]
    }
    assert request["inferenceConfig"] == {
        "models": [
            {"precomputedInferenceSource": {"inferenceSourceIdentifier": "support-assistant-v1"}}
        ]
    }
    assert request["outputDataConfig"]["s3Uri"] == (
        f"s3://pipeline-bucket/results/support-assistant/{request['jobName']}/"
    )
    assert JOB_NAME_PATTERN.match(request["jobName"])
    assert request["applicationType"] == "ModelEvaluation"


def test_live_inference_request_serializes_inference_params(live_suite):
    request = build_create_job_request(live_suite, DATASET, ROLE)
    send(request)
    model = request["inferenceConfig"]["models"][0]["bedrockModel"]
    assert model["modelIdentifier"] == "us.amazon.nova-lite-v1:0"
    assert model["inferenceParams"] == '{"inferenceConfig":{"maxTokens":512,"temperature":0}}'


def test_the_same_upload_builds_the_same_request(precomputed_suite):
    assert build_create_job_request(precomputed_suite, DATASET, ROLE) == build_create_job_request(
        precomputed_suite, DATASET, ROLE
    )


def test_a_wrong_field_name_is_rejected_by_the_stubbed_client(precomputed_suite):
    """The guard the tests rely on: an article's `metricName` instead of `name` fails."""
    request = build_create_job_request(precomputed_suite, DATASET, ROLE)
    request["evaluationConfig"]["automated"]["customMetricConfig"] = {
        "customMetrics": [
            {"customMetricDefinition": {"metricName": "x", "instructions": "{{prompt}}"}}
        ],
        "evaluatorModelConfig": {"bedrockEvaluatorModels": [{"modelIdentifier": "m"}]},
    }
    with pytest.raises(ParamValidationError, match="metricName"):
        send(request)


def test_an_upload_key_bedrock_cannot_read_is_staged_under_one_it_can(precomputed_suite):
    """`=` and spaces are fine in the upload key: only the staged key meets Bedrock's pattern."""
    upload = DatasetRef("pipeline-bucket", "datasets/support-assistant/date=2026-11-22/run 1.jsonl")
    assert check_s3_uri(upload.uri) is not None  # Bedrock would refuse to read the upload itself
    request = build_create_job_request(precomputed_suite, upload, ROLE)
    send(request)
    (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
    staged = f"staging/support-assistant/{request['jobName']}/run-1.jsonl"
    assert staged_key_for(precomputed_suite, upload) == staged
    assert config["dataset"] == {
        "name": "run-1",
        "datasetLocation": {"s3Uri": f"s3://pipeline-bucket/{staged}"},
    }
    assert check_s3_uri(config["dataset"]["datasetLocation"]["s3Uri"]) is None


def test_each_uploaded_version_is_staged_under_its_own_key(precomputed_suite):
    again = DatasetRef(DATASET.bucket, DATASET.key, "v43")
    assert staged_key_for(precomputed_suite, again) != staged_key_for(precomputed_suite, DATASET)
