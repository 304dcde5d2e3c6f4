"""evalctl as a user runs it: the installed console script, real files, real exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evalctl.cli import main
from tests.fakes.bedrock_output import jsonl, model_row

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "datasets" / "support-assistant.jsonl"


def test_console_script_plans_the_shipped_example():
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
    assert request["outputDataConfig"]["s3Uri"].startswith("s3://<BucketName>/results/")
    assert "12 prompts valid" in done.stderr
    assert "estimated cost $" in done.stderr


def test_plan_with_stack_outputs_is_a_request_botocore_accepts(capsys):
    import boto3
    from botocore.stub import Stubber

    code = main(
        [
            "plan",
            str(EXAMPLE),
            "--suite",
            "support-assistant",
            "--bucket",
            "my-pipeline-bucket",
            "--role-arn",
            "arn:aws:iam::123456789012:role/eval",
            "--version-id",
            "abc",
        ]
    )
    assert code == 0
    request = json.loads(capsys.readouterr().out)
    client = boto3.client("bedrock", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("create_evaluation_job", {"jobArn": "arn"}, request)
        client.create_evaluation_job(**request)


def test_plan_reports_bad_lines_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "ok"}\n{"prompt": ""}\n')
    assert main(["plan", str(bad), "--suite", "support-assistant"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2: prompt: is missing or empty" in err
    assert f"{bad}:1: modelResponses" in err


def test_plan_names_a_missing_file(tmp_path, capsys):
    assert main(["plan", str(tmp_path / "nope.jsonl"), "--suite", "support-assistant"]) == 1
    assert "nope.jsonl: <file>: does not exist" in capsys.readouterr().err


@pytest.fixture
def results_dir(tmp_path) -> Path:
    nested = tmp_path / "job" / "abcdefghijkl" / "models" / "app" / "taskTypes" / "General"
    first = nested / "datasets" / "ds" / "1_output.jsonl"
    second = nested / "datasets" / "ds" / "2_output.jsonl"
    first.parent.mkdir(parents=True)
    first.write_text(jsonl([model_row("a", {"Builtin.Correctness": 1.0}, category="x")]))
    second.write_text(
        jsonl([model_row("b", {"Builtin.Correctness": 0.2}, category="y")])
        + "{broken\n"
        + jsonl([model_row("c", {"Builtin.Correctness": None}, category="y")])
    )
    (tmp_path / "job" / "abcdefghijkl" / "custom_metrics").mkdir()
    (tmp_path / "job" / "abcdefghijkl" / "custom_metrics" / "m_output.jsonl").write_text("{}")
    return tmp_path


def test_summarize_json(results_dir, capsys):
    assert main(["summarize", str(results_dir), "--json"]) == 0
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert summary["records"] == 3
    assert summary["malformedLines"] == 1
    assert summary["metrics"]["Builtin.Correctness"]["mean"] == 0.6
    assert summary["metrics"]["Builtin.Correctness"]["naRate"] == pytest.approx(0.3333, abs=1e-4)
    assert summary["categories"]["y"]["Builtin.Correctness"]["mean"] == 0.2
    assert "[2/2] reading" in out.err


def test_summarize_text_with_suite_floors(results_dir, capsys):
    assert main(["summarize", str(results_dir), "--suite", "support-assistant"]) == 0
    text = capsys.readouterr().out
    assert "Builtin.Correctness" in text and "0.600" in text
    assert "BELOW FLOOR: Builtin.Correctness mean 0.600 < 0.7" in text
    assert "Builtin.Correctness reasoning" not in text
    assert text.rstrip().endswith("FAILED")


def test_summarize_an_empty_folder_says_what_to_do(tmp_path, capsys):
    assert main(["summarize", str(tmp_path)]) == 1
    assert "aws s3 sync" in capsys.readouterr().err
