"""The synthesized state machine, run by moto's Step Functions interpreter end to end.

Real handlers run in-process when moto's Lambda is invoked; S3 is moto; Bedrock is the
botocore-layer fake. A dataset put into datasets/ must end as a summary.json with the right
numbers, and a failed job must end on the failure path with its messages recorded.
"""

from __future__ import annotations

import json
import time

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk.assertions import Template
from moto.awslambda_simple.models import LambdaSimpleBackend

from infra.settings import PipelineSettings
from infra.stack import EvaluationPipelineStack
from tests.e2e.template_runtime import (
    InProcessFunctions,
    Resolver,
    deploy_functions,
    event_pattern_matches,
    transform_input,
)
from tests.fakes.aws import fake_aws
from tests.fakes.bedrock_output import oriented
from tests.fakes.bedrock_service import LEGACY
from tests.template import resources_of

MOTO_CONFIG = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}
KEY = "datasets/support-assistant/release-42.jsonl"
# The quality the judge finds per prompt (oriented per metric); p3 is N/A for every metric.
QUALITY = {"p1": 1.0, "p2": 0.75, "p3": None, "p4": 0.25, "p5": 0.5}
CATEGORIES = {"p1": "billing", "p2": "billing", "p3": "account", "p4": "account", "p5": "account"}


def scorer(record: dict, metric: str):
    return oriented(metric, QUALITY[record["prompt"]])


def dataset_rows() -> list[dict]:
    return [
        {
            "prompt": prompt,
            "referenceResponse": "reference",
            "category": CATEGORIES[prompt],
            "modelResponses": [
                {"response": f"answer to {prompt}", "modelIdentifier": "support-assistant-v1"}
            ],
        }
        for prompt in QUALITY
    ]


@pytest.fixture(scope="module")
def template() -> dict:
    app = cdk.App()
    stack = EvaluationPipelineStack(app, "E2E", settings=PipelineSettings(poll_interval_seconds=1))
    return Template.from_stack(stack).to_json()


def s3_object_created(bucket: str, key: str, version: str) -> dict:
    """The event S3 sends to EventBridge (AWS docs' example, trimmed)."""
    return {
        "version": "0",
        "id": "17793124-05d4-b198-2fde-7ededc63b103",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "region": "us-east-1",
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": 5, "etag": "b1946ac9", "version-id": version},
            "request-id": "N4N7GDK58NMKJ12R",
            "reason": "PutObject",
        },
    }


class Pipeline:
    """The template deployed into moto: upload a dataset, get an execution's outcome."""

    def __init__(self, template: dict, world, monkeypatch) -> None:
        self.world = world
        self.resolver = Resolver()
        (self.rule,) = resources_of(template, "AWS::Events::Rule").values()
        # The data bucket is the one the rule listens to.
        (bucket_ref,) = self.rule["Properties"]["EventPattern"]["detail"]["bucket"]["name"]
        bucket_id = bucket_ref["Ref"]
        self.resolver.refs[bucket_id] = world.bucket
        self.resolver.attributes[(bucket_id, "Arn")] = f"arn:aws:s3:::{world.bucket}"
        self.runner = InProcessFunctions()
        monkeypatch.setattr(
            LambdaSimpleBackend,
            "invoke",
            lambda backend, *args: self.runner.invoke(backend, *args),
        )
        deploy_functions(
            template, self.resolver, boto3.client("lambda"), boto3.client("iam"), self.runner
        )
        (machine,) = resources_of(template, "AWS::StepFunctions::StateMachine").values()
        definition = self.resolver(machine["Properties"]["DefinitionString"])
        self.sfn = boto3.client("stepfunctions")
        self.machine_arn = self.sfn.create_state_machine(
            name="evaluation-pipeline",
            definition=definition,
            roleArn="arn:aws:iam::123456789012:role/states",
        )["stateMachineArn"]

    def upload(self, key: str, rows: list[dict] | bytes) -> dict:
        """Put the dataset, then do what the EventBridge rule does with S3's event."""
        version = self.world.upload(key, rows)
        event = s3_object_created(self.world.bucket, key, version)
        rule = self.rule["Properties"]
        pattern = self.resolver(rule["EventPattern"])
        assert event_pattern_matches(pattern, event), f"rule {pattern} ignores {key}"
        (target,) = rule["Targets"]
        return transform_input(target["InputTransformer"], event)

    def run(self, execution_input: dict, timeout: float = 60) -> dict:
        arn = self.sfn.start_execution(
            stateMachineArn=self.machine_arn, input=json.dumps(execution_input)
        )["executionArn"]
        deadline = time.monotonic() + timeout
        while (execution := self.sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "execution did not finish"
            time.sleep(0.2)
        return execution


@pytest.fixture
def pipeline(template, monkeypatch, request):
    options = getattr(request, "param", {})
    with fake_aws(scorer, mock_config=MOTO_CONFIG, **options) as world:
        yield Pipeline(template, world, monkeypatch)


def test_the_rule_ignores_objects_outside_datasets(template, pipeline):
    pattern = pipeline.resolver(pipeline.rule["Properties"]["EventPattern"])
    bucket = pipeline.world.bucket
    for key in ("results/x/y.jsonl", "datasets/x/notes.txt", "reports/x/summary.json"):
        assert not event_pattern_matches(pattern, s3_object_created(bucket, key, "v"))
    other_bucket = s3_object_created("someone-elses-bucket", KEY, "v")
    assert not event_pattern_matches(pattern, other_bucket)


def test_a_dataset_upload_ends_with_a_correct_summary(pipeline):
    execution_input = pipeline.upload(KEY, dataset_rows())
    assert set(execution_input) == {"bucket", "key", "versionId"}
    execution = pipeline.run(execution_input)
    assert execution["status"] == "SUCCEEDED", execution
    output = json.loads(execution["output"])

    world = pipeline.world
    summary = world.read_summary(output["summaryKey"])
    assert output["summaryKey"] == (f"reports/support-assistant/{output['jobName']}/summary.json")
    assert summary["records"] == 5
    assert len(summary["source"]["outputFiles"]) == 2
    for metric in ("Builtin.Correctness", "Builtin.Helpfulness", "Builtin.Harmfulness"):
        stats = summary["metrics"][metric]
        # (1.0 + 0.75 + 0.25 + 0.5) / 4; p3's null is not a zero; harmfulness points down
        assert stats["mean"] == (0.375 if metric == "Builtin.Harmfulness" else 0.625)
        assert (stats["count"], stats["naCount"], stats["naRate"]) == (5, 1, 0.2)
    assert summary["categories"]["billing"]["Builtin.Correctness"]["mean"] == 0.875
    assert summary["categories"]["account"]["Builtin.Correctness"]["mean"] == 0.375
    assert {low["prompt"] for low in summary["lowScores"]} == {"p4"}
    assert summary["dataset"] == execution_input
    assert (summary["promptsSubmitted"], summary["resultsReceived"]) == (5, 5)
    assert [b["metric"] for b in summary["thresholdBreaches"]] == ["Builtin.Correctness"]

    (request,) = world.bedrock.creates()
    assert request["roleArn"].endswith(":role/" + request["roleArn"].rsplit("/", 1)[-1])
    assert pipeline.runner.invocations[0] == "submit"
    assert pipeline.runner.invocations.count("poll") >= 2
    assert pipeline.runner.invocations[-1] == "parse"


@pytest.mark.parametrize(
    "pipeline",
    [{"outcome": "Failed", "failure_messages": ["Judge model access is denied"]}],
    indirect=True,
)
def test_a_failed_job_ends_on_the_failure_path_with_its_messages_recorded(pipeline):
    execution = pipeline.run(pipeline.upload(KEY, dataset_rows()))
    assert execution["status"] == "FAILED"
    assert execution.get("error") == "EvaluationFailed"
    (failure_key,) = [k for k in pipeline.world.keys("reports/") if k.endswith("failure.json")]
    record = pipeline.world.read_json(failure_key)
    assert record["kind"] == "bedrock"
    assert record["status"] == "Failed"
    assert record["messages"] == ["Judge model access is denied"]
    assert pipeline.runner.invocations[-1] == "record_failure"
    assert not [k for k in pipeline.world.keys("reports/") if k.endswith("summary.json")]


def test_an_invalid_dataset_is_recorded_without_starting_a_job(pipeline):
    rows = dataset_rows()
    rows[1]["modelResponses"][0]["modelIdentifier"] = "some-other-app"
    execution = pipeline.run(pipeline.upload(KEY, rows))
    assert execution["status"] == "FAILED"
    (failure_key,) = [k for k in pipeline.world.keys("reports/") if k.endswith("failure.json")]
    record = pipeline.world.read_json(failure_key)
    assert record["errorType"] == "DatasetError"
    assert any(
        "release-42.jsonl:2: modelResponses[0].modelIdentifier" in m for m in record["messages"]
    )
    assert pipeline.world.bedrock.calls == []


def windows_export(rows: list[dict]) -> bytes:
    """A byte-order mark, CRLF line endings and a blank line between records."""
    return b"\xef\xbb\xbf" + b"\r\n\r\n".join(json.dumps(row).encode() for row in rows) + b"\r\n"


def test_a_key_with_equals_and_spaces_and_a_windows_file_runs_to_a_summary(pipeline):
    key = "datasets/support-assistant/date=2026-11-22/run 1.jsonl"
    body = windows_export(dataset_rows())
    execution_input = pipeline.upload(key, body)
    execution = pipeline.run(execution_input)
    assert execution["status"] == "SUCCEEDED", execution
    output = json.loads(execution["output"])

    world = pipeline.world
    staged = output["stagedKey"]
    assert staged.startswith(f"staging/support-assistant/{output['jobName']}/")
    assert world.read_bytes(staged) == b"".join(
        json.dumps(r).encode() + b"\n" for r in dataset_rows()
    )
    (request,) = world.bedrock.creates()
    (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
    assert config["dataset"]["datasetLocation"]["s3Uri"] == f"s3://{world.bucket}/{staged}"
    assert world.read_bytes(key, execution_input["versionId"]) == body  # the upload is untouched
    summary = world.read_summary(output["summaryKey"])
    assert (summary["records"], summary["promptsSubmitted"], summary["resultsReceived"]) == (
        5,
        5,
        5,
    )


@pytest.mark.parametrize(
    "pipeline",
    [{"lifecycles": {"anthropic.claude-haiku-4-5-20251001-v1:0": LEGACY}}],
    indirect=True,
)
def test_a_legacy_judge_is_refused_before_a_job_and_recorded(pipeline):
    execution = pipeline.run(pipeline.upload(KEY, dataset_rows()))
    assert execution["status"] == "FAILED"
    (failure_key,) = [k for k in pipeline.world.keys("reports/") if k.endswith("failure.json")]
    record = pipeline.world.read_json(failure_key)
    assert record["errorType"] == "SuiteError"
    assert any("evaluatorModel" in m and "is LEGACY" in m for m in record["messages"])
    assert pipeline.world.bedrock.creates() == []
    assert pipeline.world.keys("staging/") == []


@pytest.mark.parametrize("pipeline", [{"drop_prompts": frozenset({"p3"})}], indirect=True)
def test_a_short_output_fails_the_run_instead_of_summarising_it(pipeline):
    execution = pipeline.run(pipeline.upload(KEY, dataset_rows()))
    assert execution["status"] == "FAILED"
    (failure_key,) = [k for k in pipeline.world.keys("reports/") if k.endswith("failure.json")]
    record = pipeline.world.read_json(failure_key)
    assert record["errorType"] == "ResultsMismatch"
    assert "no result for dataset line(s) 3" in record["message"]
    assert not [k for k in pipeline.world.keys("reports/") if k.endswith("summary.json")]
