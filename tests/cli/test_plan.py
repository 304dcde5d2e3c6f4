"""evalctl plan as a user runs it: the installed console script, real files, real exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from evalcore import naming
from evalctl.simulation.bedrock_rules import service_violations

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "datasets" / "support-assistant.jsonl"
EXAMPLE_KEY = "datasets/support-assistant/support-assistant.jsonl"


def test_console_script_plans_the_shipped_example_with_placeholders_only():
    evalctl = shutil.which("evalctl", path=str(Path(sys.executable).parent))
    assert evalctl, "evalctl is not installed in the test environment"
    done = subprocess.run(
        [evalctl, "plan", str(EXAMPLE), "--suite", "support-assistant"],
        capture_output=True,
        text=True,
        check=True,
    )
    request = json.loads(done.stdout)
    assert request["roleArn"] == "<EvaluationServiceRoleArn>"
    assert request["jobName"] == "<JobName>"
    assert request["clientRequestToken"] == "<ClientRequestToken>"
    assert request["outputDataConfig"]["s3Uri"] == (
        "s3://<BucketName>/results/support-assistant/<JobName>/"
    )
    (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
    # The job reads the copy submit stages, not the upload.
    assert config["dataset"]["datasetLocation"]["s3Uri"] == (
        "s3://<BucketName>/staging/support-assistant/<JobName>/support-assistant.jsonl"
    )
    assert {"key": "dataset-version", "value": "<VersionId>"} in request["jobTags"]
    assert "stand-in" not in done.stdout + done.stderr
    assert "12 prompts valid" in done.stderr
    assert "estimated cost $" in done.stderr


def test_plan_with_stack_outputs_derives_the_names_the_pipeline_will(capsys, evalctl):
    bucket, version = "my-pipeline-bucket", "abc"
    code = evalctl(
        [
            "plan",
            str(EXAMPLE),
            "--suite",
            "support-assistant",
            "--bucket",
            bucket,
            "--role-arn",
            "arn:aws:iam::123456789012:role/eval",
            "--version-id",
            version,
        ]
    )
    assert code == 0
    request = json.loads(capsys.readouterr().out)
    assert request["jobName"] == naming.job_name("support-assistant", bucket, EXAMPLE_KEY, version)
    assert request["clientRequestToken"] == naming.client_request_token(
        bucket, EXAMPLE_KEY, version
    )
    client = boto3.client("bedrock", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("create_evaluation_job", {"jobArn": "arn"}, request)
        client.create_evaluation_job(**request)


def test_plan_with_a_bucket_but_no_version_still_hides_the_job_name(capsys, evalctl):
    assert evalctl(["plan", str(EXAMPLE), "--suite", "support-assistant", "--bucket", "b-1-x"]) == 0
    request = json.loads(capsys.readouterr().out)
    assert request["jobName"] == "<JobName>"
    assert request["outputDataConfig"]["s3Uri"] == "s3://b-1-x/results/support-assistant/<JobName>/"


def test_plan_reports_bad_lines_and_exits_1(tmp_path, capsys, evalctl):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "ok"}\n{"prompt": ""}\n')
    assert evalctl(["plan", str(bad), "--suite", "support-assistant"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2: prompt: is empty" in err
    assert f"{bad}:1: modelResponses" in err


def test_a_file_name_bedrock_cannot_read_plans_with_a_staged_key_it_can(tmp_path, capsys, evalctl):
    awkward = tmp_path / "run 1 a=b.jsonl"
    awkward.write_bytes(EXAMPLE.read_bytes())
    assert evalctl(["plan", str(awkward), "--suite", "support-assistant"]) == 0
    request = json.loads(capsys.readouterr().out)
    (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
    staged = "s3://<BucketName>/staging/support-assistant/<JobName>/run-1-a-b.jsonl"
    assert config["dataset"]["datasetLocation"]["s3Uri"] == staged


def test_a_windows_export_is_normalised_as_the_pipeline_stages_it(tmp_path, capsys, evalctl):
    lines = EXAMPLE.read_bytes().splitlines()
    export = tmp_path / "export.jsonl"
    export.write_bytes(b"\xef\xbb\xbf" + b"\r\n\r\n".join(lines) + b"\r\n")
    assert evalctl(["plan", str(export), "--suite", "support-assistant"]) == 0
    assert "12 prompts valid" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"\r\n".join([lines[0], b"", b'{"prompt": ""}']) + b"\r\n")
    assert evalctl(["plan", str(broken), "--suite", "support-assistant"]) == 1
    assert f"{broken}:3: prompt: is empty" in capsys.readouterr().err


HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0"
JUDGE_PROFILE = f"us.{HAIKU}"


def lifecycle_answers(stub: Stubber, status: str) -> None:
    """GetInferenceProfile for the shipped judge, then GetFoundationModel for its model."""
    stub.add_response(
        "get_inference_profile",
        {
            "inferenceProfileName": JUDGE_PROFILE,
            "inferenceProfileArn": (
                f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{JUDGE_PROFILE}"
            ),
            "inferenceProfileId": JUDGE_PROFILE,
            "models": [{"modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"}],
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        },
        {"inferenceProfileIdentifier": JUDGE_PROFILE},
    )
    stub.add_response(
        "get_foundation_model",
        {
            "modelDetails": {
                "modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}",
                "modelId": HAIKU,
                "modelLifecycle": {"status": status},
            }
        },
        {"modelIdentifier": HAIKU},
    )


@pytest.fixture
def bedrock(stubbed_aws):
    """evalctl's Bedrock client, wrapped in a Stubber that checks every request."""
    client = boto3.client("bedrock", region_name="us-east-1")
    stubbed_aws.clients["bedrock"] = client
    asked = stubbed_aws.asked
    with Stubber(client) as stub:
        yield stub, asked
        stub.assert_no_pending_responses()


def test_check_account_refuses_a_legacy_judge_naming_the_replacement_path(bedrock, capsys, evalctl):
    stub, asked = bedrock
    lifecycle_answers(stub, "LEGACY")
    argv = ["plan", str(EXAMPLE), "--suite", "support-assistant", "--check-account"]
    assert evalctl([*argv, "--region", "eu-west-1"]) == 1
    err = capsys.readouterr().err
    assert "support-assistant.json: evaluatorModel:" in err
    assert f"{HAIKU!r} is LEGACY" in err and "through inference profile" in err
    assert "supported evaluator models" in err and "model-lifecycle" in err
    assert asked == [("bedrock", "eu-west-1")]


def test_check_account_passes_active_models(bedrock, capsys, evalctl):
    stub, _ = bedrock
    lifecycle_answers(stub, "ACTIVE")
    assert evalctl(["plan", str(EXAMPLE), "--suite", "support-assistant", "--check-account"]) == 0
    assert "are ACTIVE on Amazon Bedrock" in capsys.readouterr().err


def test_without_check_account_plan_makes_no_aws_call(bedrock, capsys, evalctl):
    _, asked = bedrock
    assert evalctl(["plan", str(EXAMPLE), "--suite", "support-assistant"]) == 0
    assert asked == []


def test_plan_names_a_missing_file(tmp_path, capsys, evalctl):
    assert evalctl(["plan", str(tmp_path / "nope.jsonl"), "--suite", "support-assistant"]) == 1
    assert "nope.jsonl: <file>: does not exist" in capsys.readouterr().err


SUITES = sorted(p.stem for p in (REPO / "lambdas" / "suites").glob("*.json"))


@pytest.mark.parametrize("suite", SUITES)
def test_plan_prints_a_valid_request_for_every_shipped_example(suite, capsys, evalctl):
    dataset = REPO / "examples" / "datasets" / f"{suite}.jsonl"
    args = ["plan", str(dataset), "--suite", suite, "--bucket", "my-pipeline-bucket"]
    args += ["--role-arn", "arn:aws:iam::123456789012:role/eval", "--version-id", "v1"]
    assert evalctl(args) == 0
    printed = json.loads(capsys.readouterr().out)
    requests = printed if isinstance(printed, list) else [printed]
    client = boto3.client("bedrock", region_name="us-east-1")
    for request in requests:
        assert service_violations(client, request) == []
        with Stubber(client) as stub:
            stub.add_response("create_evaluation_job", {"jobArn": "arn"}, request)
            client.create_evaluation_job(**request)
    assert isinstance(printed, list) == (suite == "model-comparison")


def test_plan_prints_every_job_of_a_comparison_named_as_the_pipeline_names_it(capsys, evalctl):
    dataset = REPO / "examples" / "datasets" / "model-comparison.jsonl"
    assert evalctl(["plan", str(dataset), "--suite", "model-comparison"]) == 0
    out = capsys.readouterr()
    requests = json.loads(out.out)
    assert [r["jobName"] for r in requests] == ["<JobName>-m1", "<JobName>-m2", "<JobName>-m3"]
    models = [
        r["inferenceConfig"]["models"][0]["bedrockModel"]["modelIdentifier"] for r in requests
    ]
    assert models == [
        "us.amazon.nova-lite-v1:0",
        "us.amazon.nova-pro-v1:0",
        "us.amazon.nova-micro-v1:0",
    ]
    for index, request in enumerate(requests, start=1):
        assert request["outputDataConfig"]["s3Uri"] == (
            f"s3://<BucketName>/results/model-comparison/<JobName>/<JobName>-m{index}/"
        )
        (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
        assert config["dataset"]["datasetLocation"]["s3Uri"].startswith(
            "s3://<BucketName>/staging/model-comparison/<JobName>/"
        )
    assert "3 jobs (one per model)" in out.err
