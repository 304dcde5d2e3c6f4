"""Every shipped suite builds requests that botocore and the service's own rules accept."""

from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from evalcore import naming
from evalcore.dataset_kinds import validate_for_suite
from evalcore.job_kinds import JobKind
from evalcore.job_request import build_create_job_request, build_create_job_requests
from evalcore.run_state import DatasetRef
from evalcore.suite import DEFAULT_SUITES_DIR, load_all_suites, load_suite
from evalctl.simulation.bedrock_rules import service_violations

REPO = Path(__file__).resolve().parents[2]
ROLE = "arn:aws:iam::123456789012:role/eval"
SUITES = sorted(path.stem for path in DEFAULT_SUITES_DIR.glob("*.json"))
JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:evaluation-job/abcdefghijkl"


def dataset_for(name: str) -> DatasetRef:
    return DatasetRef("pipeline-bucket", f"datasets/{name}/{name}.jsonl", "v7")


def send(request: dict) -> None:
    client = boto3.client("bedrock", region_name="us-east-1")
    assert service_violations(client, request) == []
    with Stubber(client) as stub:
        stub.add_response("create_evaluation_job", {"jobArn": JOB_ARN}, expected_params=request)
        client.create_evaluation_job(**request)
        stub.assert_no_pending_responses()


def test_every_kind_ships_a_suite():
    kinds = {suite.kind for suite in load_all_suites()}
    assert kinds == set(JobKind)


@pytest.mark.parametrize("name", SUITES)
def test_each_shipped_suite_has_a_valid_example_dataset_and_valid_requests(name):
    suite = load_suite(name)
    path = REPO / "examples" / "datasets" / f"{name}.jsonl"
    with path.open("rb") as lines:
        stats = validate_for_suite(lines, suite, str(path))
    assert stats.problems == [], stats.problems
    requests = build_create_job_requests(suite, dataset_for(name), ROLE)
    for request in requests:
        send(request)
    assert len({r["jobName"] for r in requests}) == len(requests)
    assert len({r["clientRequestToken"] for r in requests}) == len(requests)


def test_a_model_comparison_runs_one_job_per_model():
    suite = load_suite("model-comparison")
    requests = build_create_job_requests(suite, dataset_for("model-comparison"), ROLE)
    models = [
        r["inferenceConfig"]["models"][0]["bedrockModel"]["modelIdentifier"] for r in requests
    ]
    assert models == [t.model_identifier for t in suite.target_models]
    dataset = dataset_for("model-comparison")
    run = naming.job_name(suite.name, dataset.bucket, dataset.key, dataset.version_id)
    # Named, and writing below the run's output, as the pipeline's Map items are.
    assert [r["jobName"] for r in requests] == [f"{run}-m1", f"{run}-m2", f"{run}-m3"]
    for request in requests:
        assert request["outputDataConfig"]["s3Uri"] == (
            f"s3://pipeline-bucket/results/model-comparison/{run}/{request['jobName']}/"
        )
    assert "us.amazon.nova-pro-v1:0" in requests[1]["jobDescription"]
    assert requests == build_create_job_requests(suite, dataset, ROLE)


def test_custom_metrics_go_in_both_places_with_their_judge():
    suite = load_suite("support-custom-metrics")
    request = build_create_job_request(suite, dataset_for(suite.name), ROLE)
    automated = request["evaluationConfig"]["automated"]
    custom = automated["customMetricConfig"]
    names = [m["customMetricDefinition"]["name"] for m in custom["customMetrics"]]
    assert set(names) <= set(automated["datasetMetricConfigs"][0]["metricNames"])
    assert custom["evaluatorModelConfig"] == automated["evaluatorModelConfig"]


def test_rag_requests_per_mode_and_source():
    requests = {
        name: build_create_job_request(load_suite(name), dataset_for(name), ROLE)
        for name in (
            "rag-kb-retrieve",
            "rag-kb-generate",
            "rag-precomputed",
            "rag-precomputed-retrieve",
        )
    }
    assert {r["applicationType"] for r in requests.values()} == {"RagEvaluation"}
    configs = {name: r["inferenceConfig"]["ragConfigs"][0] for name, r in requests.items()}
    retrieve = configs["rag-kb-retrieve"]["knowledgeBaseConfig"]["retrieveConfig"]
    assert retrieve["knowledgeBaseId"] == "KB12345678"
    assert retrieve["knowledgeBaseRetrievalConfiguration"] == {
        "vectorSearchConfiguration": {"numberOfResults": 5}
    }
    generate = configs["rag-kb-generate"]["knowledgeBaseConfig"]["retrieveAndGenerateConfig"]
    assert generate["type"] == "KNOWLEDGE_BASE"
    assert generate["knowledgeBaseConfiguration"]["modelArn"].endswith("nova-pro-v1:0")
    assert configs["rag-precomputed"] == {
        "precomputedRagSourceConfig": {
            "retrieveAndGenerateSourceConfig": {"ragSourceIdentifier": "docs-rag-v2"}
        }
    }
    assert configs["rag-precomputed-retrieve"] == {
        "precomputedRagSourceConfig": {
            "retrieveSourceConfig": {"ragSourceIdentifier": "docs-search-v1"}
        }
    }
    assert requests["rag-kb-generate"]["customerEncryptionKeyId"].startswith("arn:aws:kms:")


def test_programmatic_requests_have_no_judge():
    request = build_create_job_request(load_suite("programmatic-qa"), dataset_for("p"), ROLE)
    automated = request["evaluationConfig"]["automated"]
    assert "evaluatorModelConfig" not in automated
    assert automated["datasetMetricConfigs"][0]["taskType"] == "QuestionAndAnswer"


def test_human_requests_name_the_flow_and_both_models():
    request = build_create_job_request(load_suite("human-compare"), dataset_for("h"), ROLE)
    human = request["evaluationConfig"]["human"]
    assert human["humanWorkflowConfig"]["flowDefinitionArn"].endswith(
        "flow-definition/support-reviewers"
    )
    assert [m["ratingMethod"] for m in human["customMetrics"]] == [
        "ThumbsUpDown",
        "ComparisonChoice",
    ]
    assert human["datasetMetricConfigs"][0]["metricNames"] == ["SendAsIs", "Preferred"]
    assert len(request["inferenceConfig"]["models"]) == 2


def test_the_service_rules_catch_what_botocore_lets_through():
    client = boto3.client("bedrock", region_name="us-east-1")
    request = build_create_job_request(load_suite("support-custom-metrics"), dataset_for("c"), ROLE)
    request["evaluationConfig"]["automated"]["datasetMetricConfigs"][0]["metricNames"].remove(
        "brand_voice"
    )
    request["jobName"] = "Not_Valid"
    found = service_violations(client, request)
    assert any("brand_voice" in f for f in found)
    assert any(".jobName" in f for f in found)
