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
from evalctl.cli import main
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
    assert config["dataset"]["datasetLocation"]["s3Uri"] == f"s3://<BucketName>/{EXAMPLE_KEY}"
    assert {"key": "dataset-version", "value": "<VersionId>"} in request["jobTags"]
    assert "stand-in" not in done.stdout + done.stderr
    assert "12 prompts valid" in done.stderr
    assert "estimated cost $" in done.stderr


def test_plan_with_stack_outputs_derives_the_names_the_pipeline_will(capsys):
    bucket, version = "my-pipeline-bucket", "abc"
    code = main(
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


def test_plan_with_a_bucket_but_no_version_still_hides_the_job_name(capsys):
    assert main(["plan", str(EXAMPLE), "--suite", "support-assistant", "--bucket", "b-1-x"]) == 0
    request = json.loads(capsys.readouterr().out)
    assert request["jobName"] == "<JobName>"
    assert request["outputDataConfig"]["s3Uri"] == "s3://b-1-x/results/support-assistant/<JobName>/"


def test_plan_reports_bad_lines_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "ok"}\n{"prompt": ""}\n')
    assert main(["plan", str(bad), "--suite", "support-assistant"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2: prompt: is missing or empty" in err
    assert f"{bad}:1: modelResponses" in err


def test_a_key_bedrock_cannot_read_names_the_key_not_a_stand_in(tmp_path, capsys):
    bad = tmp_path / "a=b.jsonl"
    bad.write_bytes(EXAMPLE.read_bytes())
    assert main(["plan", str(bad), "--suite", "support-assistant"]) == 1
    err = capsys.readouterr().err
    assert "'datasets/support-assistant/a=b.jsonl' contains characters" in err
    assert "stand-in" not in err


def test_plan_names_a_missing_file(tmp_path, capsys):
    assert main(["plan", str(tmp_path / "nope.jsonl"), "--suite", "support-assistant"]) == 1
    assert "nope.jsonl: <file>: does not exist" in capsys.readouterr().err


SUITES = sorted(p.stem for p in (REPO / "lambdas" / "suites").glob("*.json"))


@pytest.mark.parametrize("suite", SUITES)
def test_plan_prints_a_valid_request_for_every_shipped_example(suite, capsys):
    dataset = REPO / "examples" / "datasets" / f"{suite}.jsonl"
    args = ["plan", str(dataset), "--suite", suite, "--bucket", "my-pipeline-bucket"]
    args += ["--role-arn", "arn:aws:iam::123456789012:role/eval", "--version-id", "v1"]
    assert main(args) == 0
    printed = json.loads(capsys.readouterr().out)
    requests = printed if isinstance(printed, list) else [printed]
    client = boto3.client("bedrock", region_name="us-east-1")
    for request in requests:
        assert service_violations(client, request) == []
        with Stubber(client) as stub:
            stub.add_response("create_evaluation_job", {"jobArn": "arn"}, request)
            client.create_evaluation_job(**request)
    assert isinstance(printed, list) == (suite == "model-comparison")
