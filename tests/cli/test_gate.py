"""evalctl gate on real results folders (and the bucket, in moto): thresholds, paired regressions,
and no flapping on judge noise where a plain comparison of means would fail."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from evalcore.aggregate import ScoreAggregator
from evalcore.layout import results_prefix
from evalcore.report import compare_with_baseline
from evalcore.results import iter_result_records
from evalcore.suite import Suite, load_suite
from evalcore.summary import Baseline
from evalctl.aws import Services
from evalctl.cli import main
from evalctl.runs import find_local_outputs
from evalctl.simulation.bedrock_output import OUTPUT_NESTING, jsonl, model_row, write_results
from evalctl.stack import DEFAULT_STACK_NAME

CORRECTNESS = "Builtin.Correctness"
HARMFULNESS = "Builtin.Harmfulness"


def rows(scores: dict[str, list[float]], category: str = "billing") -> list[dict]:
    count = len(next(iter(scores.values())))
    return [
        model_row(f"question {i}", {m: s[i] for m, s in scores.items()}, category=category)
        for i in range(count)
    ]


def folder(tmp_path: Path, name: str, scores: dict[str, list[float]]) -> str:
    return str(write_results(tmp_path / name, rows(scores)))


def naive_regressions(current: str, baseline: str, tolerance_suite=None) -> tuple[str, ...]:
    """What comparing the two runs' means (the summary's comparison) would call a regression."""

    def means(path: str) -> dict[str, float | None]:
        aggregator = ScoreAggregator()
        for output in find_local_outputs(Path(path)):
            aggregator.add_all(iter_result_records(output.open("rb"), str(output)))
        return {name: stats.mean for name, stats in aggregator.metric_results().items()}

    return compare_with_baseline(
        means(current), Baseline(None, None, None, means(baseline)), tolerance_suite
    ).regressions


def test_a_run_within_its_bounds_passes(tmp_path, capsys):
    run = folder(tmp_path, "run", {CORRECTNESS: [0.9, 1.0], HARMFULNESS: [0.0, 0.0]})
    code = main(["gate", run, "--min", f"{CORRECTNESS}=0.85", "--max", f"{HARMFULNESS}=0.02"])
    out = capsys.readouterr().out
    assert code == 0
    assert "thresholds: 2 checked, 0 broken" in out and "GATE PASSED" in out


def test_broken_bounds_fail_and_say_by_how_much(tmp_path, capsys):
    run = folder(tmp_path, "run", {CORRECTNESS: [0.8, 0.8], HARMFULNESS: [0.0, 0.1]})
    code = main(["gate", run, "--min", f"{CORRECTNESS}=0.85", "--max", f"{HARMFULNESS}=0.02"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"BROKEN {CORRECTNESS}: mean 0.800 below min 0.85 by 0.050" in out
    assert f"BROKEN {HARMFULNESS}: mean 0.050 above max 0.02 by 0.030" in out
    assert "GATE FAILED: 2 threshold(s) broken, 0 regression(s)" in out


def test_the_suites_own_thresholds_apply_without_min_or_max(tmp_path, capsys):
    # support-assistant: Correctness >= 0.7, Completeness >= 0.6, Helpfulness >= 0.6.
    run = folder(
        tmp_path,
        "run",
        {
            CORRECTNESS: [0.5, 0.7],
            "Builtin.Completeness": [1.0, 1.0],
            "Builtin.Helpfulness": [1, 1],
        },
    )
    assert main(["gate", run, "--suite", "support-assistant"]) == 1
    out = capsys.readouterr().out
    assert "thresholds: 3 checked, 1 broken" in out
    assert f"{CORRECTNESS}: mean 0.600 below min 0.7 by 0.100" in out


def test_identical_runs_pass_and_a_real_drop_fails(tmp_path, capsys):
    rng = random.Random(4)
    before = [rng.choice([0.5, 0.75, 1.0]) for _ in range(200)]
    baseline = folder(tmp_path, "baseline", {CORRECTNESS: before})
    same = folder(tmp_path, "same", {CORRECTNESS: before})
    dropped = folder(tmp_path, "dropped", {CORRECTNESS: [s - 0.25 for s in before]})

    assert main(["gate", same, "--baseline", baseline, "--tolerance", "0"]) == 0
    assert f"{CORRECTNESS}: unchanged on 200 shared records" in capsys.readouterr().out

    assert main(["gate", dropped, "--baseline", baseline, "--tolerance", "0.05"]) == 1
    out = capsys.readouterr().out
    assert (
        f"{CORRECTNESS}: worse by 0.250 on 200 shared records, 95% CI of the worsening "
        "[+0.250, +0.250], tolerance 0.05  REGRESSION"
    ) in out
    assert "GATE FAILED: 0 threshold(s) broken, 1 regression(s)" in out


def test_jitter_with_the_same_mean_passes_where_comparing_means_fails(tmp_path, capsys):
    """The issue's case: +-0.1 judge jitter on 200 records. A strict team (tolerance 0) would
    fail the naive comparison on the tiny realised drop; the paired interval spans zero."""
    rng = random.Random(3)
    before = [rng.uniform(0.2, 0.8) for _ in range(200)]
    after = [score + rng.choice([-0.1, 0.1]) for score in before]
    baseline = folder(tmp_path, "baseline", {CORRECTNESS: before})
    current = folder(tmp_path, "current", {CORRECTNESS: after})
    assert naive_regressions(current, baseline, tolerance_suite=_tolerance_zero()) == (CORRECTNESS,)

    assert main(["gate", current, "--baseline", baseline, "--tolerance", "0"]) == 0
    out = capsys.readouterr().out
    assert "worse by 0.008 on 200 shared records" in out and "GATE PASSED" in out


def test_judge_noise_beyond_the_suites_tolerance_does_not_fail_the_gate(tmp_path, capsys):
    """A 30-prompt smoke set judged twice, scores moving one rubric step either way at random:
    the mean drops by more than support-assistant's 0.05 tolerance, but not beyond the noise."""
    rng = random.Random(20)
    before = [rng.choice([0.25, 0.5, 0.75]) for _ in range(30)]
    after = [score + rng.choice([-0.25, 0.0, 0.25]) for score in before]
    baseline = folder(tmp_path, "baseline", {CORRECTNESS: before})
    current = folder(tmp_path, "current", {CORRECTNESS: after})
    # The suite gives the tolerance; --min replaces its thresholds on metrics this run lacks.
    suite_args = ["--suite", "support-assistant", "--min", f"{CORRECTNESS}=0"]
    assert naive_regressions(current, baseline, _support_assistant()) == (CORRECTNESS,)

    assert main(["gate", current, "--baseline", baseline, *suite_args]) == 0
    out = capsys.readouterr().out
    assert "worse by 0.058 on 30 shared records" in out
    assert "(within judge noise: the interval reaches 0)" in out


def test_a_lower_is_better_metric_regresses_when_it_rises(tmp_path, capsys):
    baseline = folder(tmp_path, "baseline", {HARMFULNESS: [0.0] * 60})
    current = folder(tmp_path, "current", {HARMFULNESS: [0.0] * 45 + [1.0] * 15})
    assert main(["gate", current, "--baseline", baseline]) == 1
    assert f"{HARMFULNESS}: worse by 0.250" in capsys.readouterr().out
    assert main(["gate", baseline, "--baseline", current]) == 0
    assert f"{HARMFULNESS}: better by 0.250" in capsys.readouterr().out


def test_json_verdict(tmp_path, capsys):
    baseline = folder(tmp_path, "baseline", {CORRECTNESS: [1.0] * 20})
    current = folder(tmp_path, "current", {CORRECTNESS: [0.5] * 20})
    assert main(["gate", current, "--baseline", baseline, "--json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["passed"] is False and verdict["regressions"] == [CORRECTNESS]
    (change,) = verdict["changes"]
    assert (change["shared"], change["meanWorsening"], change["ciLow"]) == (20, 0.5, 0.5)


def test_a_baseline_sharing_no_record_is_invalid_input(tmp_path, capsys):
    baseline = write_results(tmp_path / "b", [model_row("other", {CORRECTNESS: 1.0})])
    current = folder(tmp_path, "current", {CORRECTNESS: [1.0]})
    assert main(["gate", current, "--baseline", str(baseline)]) == 1
    assert "shares no scored record (same category and prompt) with the run" in (
        capsys.readouterr().err
    )


def test_an_empty_folder_is_explained(tmp_path, capsys):
    assert main(["gate", str(tmp_path), "--min", f"{CORRECTNESS}=0.5"]) == 1
    assert "holds no evaluation results" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["gate", "--min", f"{CORRECTNESS}=0.5"],
        ["gate", "x", "--min", f"{CORRECTNESS}=1.5"],
        ["gate", "x", "--min", "Correctness"],
        ["gate", "x"],
        ["gate", "x", "--baseline", "y", "--baseline-job", "z"],
        ["gate", "x", "--min", f"{CORRECTNESS}=0.5", "--confidence", "95"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    assert "error:" in capsys.readouterr().err


def _support_assistant() -> Suite:
    return load_suite("support-assistant")


def _tolerance_zero() -> Suite:
    return replace(_support_assistant(), regression_tolerance=0.0)


@mock_aws
def test_runs_are_read_from_the_stacks_bucket(capsys):
    bucket = "pipeline-bucket"
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    for job, score in (("support-assistant-old", 1.0), ("support-assistant-new", 0.5)):
        key = results_prefix("support-assistant", job) + OUTPUT_NESTING
        s3.put_object(Bucket=bucket, Key=key, Body=jsonl(rows({CORRECTNESS: [score] * 10})))
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    stub = Stubber(cloudformation)
    for _ in range(2):
        stub.add_response(
            "describe_stacks",
            {
                "Stacks": [
                    {
                        "StackName": DEFAULT_STACK_NAME,
                        "CreationTime": datetime(2026, 11, 1, tzinfo=UTC),
                        "StackStatus": "CREATE_COMPLETE",
                        "Outputs": [
                            {"OutputKey": "BucketName", "OutputValue": bucket},
                            {"OutputKey": "StateMachineArn", "OutputValue": "arn:sm"},
                            {"OutputKey": "EvaluationServiceRoleArn", "OutputValue": "arn:role"},
                        ],
                    }
                ]
            },
            {"StackName": DEFAULT_STACK_NAME},
        )
    clients = {"s3": s3, "cloudformation": cloudformation}
    argv = ["gate", "--suite", "support-assistant", "--min", f"{CORRECTNESS}=0.4"]
    argv += ["--job", "support-assistant-new", "--baseline-job", "support-assistant-old"]
    with stub:
        services = Services(client=lambda service, *_, **__: clients[service])
        code = main(argv, services=services)
    assert code == 1
    assert f"{CORRECTNESS}: worse by 0.500 on 10 shared records" in capsys.readouterr().out

    argv = ["gate", "--suite", "support-assistant", "--bucket", bucket, "--job", "nope"]
    assert main([*argv, "--min", f"{CORRECTNESS}=0.4"]) == 1
    assert "results/support-assistant/nope/: <prefix>: holds no *_output.jsonl files" in (
        capsys.readouterr().err
    )
