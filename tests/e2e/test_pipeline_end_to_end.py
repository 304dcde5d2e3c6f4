"""The synthesized state machine, run by moto's Step Functions interpreter end to end.

Real handlers run in-process when moto's Lambda is invoked; S3, SNS and SQS are moto; Bedrock
is the botocore-layer fake. A dataset put into datasets/ must end as a summary.json with the
right numbers, a failed job must end on the failure path with its messages recorded, and every
run must publish its metrics (read back from the EMF lines) and send one SNS message (read from
an SQS queue subscribed to the stack's topic).
"""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evalcore.run_metrics import RunMetric
from evalctl.simulate import simulation_settings
from evalctl.simulation.aws import fake_aws
from evalctl.simulation.bedrock_output import judge_by_prompt, oriented
from evalctl.simulation.bedrock_service import LEGACY
from evalctl.simulation.emf import datapoints
from evalctl.simulation.pipeline import MOTO_CONFIG, deployed_pipeline, s3_object_created
from evalctl.simulation.summary_schema import assert_valid_summary
from evalctl.simulation.template import cached_template
from evalctl.simulation.template_runtime import event_pattern_matches
from handlers.ledger import Ledger
from tests.clock import WAIT_SCALE

KEY = "datasets/support-assistant/release-42.jsonl"
# The quality the judge finds per prompt (oriented per metric); p3 is N/A for every metric.
QUALITY = {"p1": 1.0, "p2": 0.75, "p3": None, "p4": 0.25, "p5": 0.5}
CATEGORIES = {"p1": "billing", "p2": "billing", "p3": "account", "p4": "account", "p5": "account"}


# Every answer good enough for every floor of the suite.
GOOD_QUALITY = {"p1": 1.0, "p2": 0.9, "p3": None, "p4": 0.8, "p5": 0.9}
SUITE = (("Suite", "support-assistant"),)


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
def template(simulation_template) -> dict:
    """The stack with 1-second poll waits, synthesized once per session (shared with the
    evalctl run and load tests)."""
    return simulation_template


@pytest.fixture
def pipeline(template, request):
    options = dict(getattr(request, "param", {}))
    scorer = options.pop("scorer", None) or judge_by_prompt(options.pop("quality", QUALITY))
    with (
        fake_aws(scorer, mock_config=MOTO_CONFIG, **options) as world,
        deployed_pipeline(template, world, wait_scale=WAIT_SCALE) as deployed,
    ):
        yield deployed


def test_the_rule_ignores_objects_outside_datasets(template, pipeline):
    pattern = pipeline.resolver(pipeline.rule["Properties"]["EventPattern"])
    bucket = pipeline.world.bucket
    for key in ("results/x/y.jsonl", "datasets/x/notes.txt", "reports/x/summary.json"):
        assert not event_pattern_matches(pattern, s3_object_created(bucket, key, "v"))
    other_bucket = s3_object_created("someone-elses-bucket", KEY, "v")
    assert not event_pattern_matches(pattern, other_bucket)


def test_a_dataset_upload_ends_with_a_correct_summary(pipeline, capsys):
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
    # start, submit, take a job slot, create the job, ..., give the slot back, collect, parse
    invocations = pipeline.runner.invocations
    assert invocations[:4] == ["start", "submit", "slots", "shards"]
    assert invocations.count("poll") >= 2
    assert invocations[-3:] == ["slots", "shards", "parse"]

    # The run breached the correctness floor: its metrics and its message say so.
    points = datapoints(capsys.readouterr().out)
    metrics = summary["metrics"]
    expected = {("RunsStarted", ()), ("RunsSucceeded", ())}
    expected |= {(name, SUITE) for name in RunMetric}
    for metric in metrics:
        dims = tuple(sorted((*SUITE, ("Metric", metric))))
        expected |= {(name, dims) for name in ("Mean", "NARate", "LowScoreCount")}
        for category in ("account", "billing"):
            expected.add(("Mean", tuple(sorted((*dims, ("Category", category))))))
    assert set(points) == expected  # no MeanChange: the first run has no baseline
    correctness = (("Metric", "Builtin.Correctness"), *SUITE)
    assert points[("Mean", correctness)] == 0.625
    assert points[("NARate", correctness)] == 0.2
    assert points[("LowScoreCount", correctness)] == 1
    assert points[("Mean", (("Category", "billing"), *correctness))] == 0.875
    assert points[("ThresholdBreaches", SUITE)] == 1
    assert points[("Regressions", SUITE)] == 0
    assert points[("PromptsEvaluated", SUITE)] == 5
    assert points[("RunSucceeded", SUITE)] == points[("RunCompleted", SUITE)] == 1
    assert points[("JobDurationSeconds", SUITE)] >= 0
    assert points[("EstimatedCostUsd", SUITE)] > 0

    (note,) = world.inbox.messages()
    assert note.subject == "[bedrock-eval] support-assistant: failed-checks"
    assert note.attributes == {"suite": "support-assistant", "outcome": "failed-checks"}
    text = note.message
    assert f"Dataset: s3://{world.bucket}/{KEY} (version {execution_input['versionId']})" in text
    assert f"Job: {output['jobName']} ({output['jobArn']})" in text
    assert "  Builtin.Correctness: 0.625 (n/a), N/A 20%" in text
    assert "  Builtin.Correctness: mean 0.625 vs floor 0.7" in text
    assert "Prompt: p4" in text and "Judge: " in text
    assert f"s3://{world.bucket}/{output['summaryKey']}" in text


@pytest.mark.parametrize("pipeline", [{"quality": GOOD_QUALITY}], indirect=True)
def test_a_passing_run_publishes_its_scores_and_says_it_passed(pipeline, capsys):
    execution = pipeline.run(pipeline.upload(KEY, dataset_rows()))
    assert execution["status"] == "SUCCEEDED", execution
    points = datapoints(capsys.readouterr().out)
    correctness = (("Metric", "Builtin.Correctness"), *SUITE)
    assert points[("Mean", correctness)] == pytest.approx(0.9)
    assert points[("LowScoreCount", correctness)] == 0
    assert points[("ThresholdBreaches", SUITE)] == 0
    assert points[("RunSucceeded", SUITE)] == 1
    assert points[("RunsSucceeded", ())] == 1
    (note,) = pipeline.world.inbox.messages()
    assert note.subject == "[bedrock-eval] support-assistant: passed"
    assert "Thresholds breached: none" in note.message
    assert "Worst records" not in note.message


@pytest.mark.parametrize(
    "pipeline",
    [{"outcome": "Failed", "failure_messages": ["Judge model access is denied"]}],
    indirect=True,
)
def test_a_failed_job_ends_on_the_failure_path_with_its_messages_recorded(pipeline, capsys):
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

    assert datapoints(capsys.readouterr().out) == {
        ("RunsStarted", ()): 1,
        ("RunSucceeded", SUITE): 0,
        ("RunsFailed", ()): 1,
    }
    (note,) = pipeline.world.inbox.messages()
    assert note.subject == "[bedrock-eval] support-assistant: job-failed"
    assert "Bedrock failure messages:\n  - Judge model access is denied" in note.message
    assert f"/{failure_key}" in note.message


def test_an_invalid_dataset_is_recorded_without_starting_a_job(pipeline, capsys):
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
    points = datapoints(capsys.readouterr().out)
    assert points == {("RunsRejected", ()): 1, ("RunSucceeded", SUITE): 0}
    (note,) = pipeline.world.inbox.messages()
    assert note.subject == "[bedrock-eval] support-assistant: rejected"
    assert "Problems:" in note.message
    assert "release-42.jsonl:2: modelResponses[0].modelIdentifier" in note.message


@pytest.mark.parametrize("pipeline", [{"polls_until_done": 10**6}], indirect=True)
@pytest.mark.parametrize("status", ["TIMED_OUT", "ABORTED"])
def test_an_execution_that_times_out_or_is_aborted_is_recorded_and_notified(
    pipeline, capsys, status
):
    arn = pipeline.start(pipeline.upload(KEY, dataset_rows()))
    deadline = time.monotonic() + 30
    while "poll" not in pipeline.runner.invocations:  # the job runs, the workflow waits
        assert time.monotonic() < deadline, "the job was never polled"
        time.sleep(0.01)  # a Lambda call takes milliseconds here
    pipeline.sfn.stop_execution(executionArn=arn)
    execution = pipeline.sfn.describe_execution(executionArn=arn)
    job_name = json.loads(pipeline.runner.last_result("submit"))["jobName"]

    assert not pipeline.status_changed(execution, "FAILED")  # RecordFailure ran already then
    assert not pipeline.status_changed({**execution, "stateMachineArn": "arn:other"}, status)
    assert pipeline.status_changed(execution, status)

    (failure_key,) = [k for k in pipeline.world.keys("reports/") if k.endswith("failure.json")]
    assert failure_key == f"reports/support-assistant/{job_name}/failure.json"
    record = pipeline.world.read_json(failure_key)
    expected_error = {"TIMED_OUT": "States.Timeout", "ABORTED": "States.Aborted"}[status]
    assert record["errorType"] == expected_error
    outcome = {"TIMED_OUT": "timed-out", "ABORTED": "aborted"}[status]
    pipeline_count = {"TIMED_OUT": "RunsTimedOut", "ABORTED": "RunsFailed"}[status]
    assert datapoints(capsys.readouterr().out) == {
        ("RunsStarted", ()): 1,
        ("RunSucceeded", SUITE): 0,
        (pipeline_count, ()): 1,
    }
    (note,) = pipeline.world.inbox.messages()
    assert note.subject == f"[bedrock-eval] support-assistant: {outcome}"
    assert f"Job: {job_name}" in note.message
    assert "may still be running" in note.message
    name = execution["executionArn"].rsplit(":", 1)[-1]
    assert f"Execution {name} ended {status}" in note.message


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


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "datasets"


def example_rows(suite: str) -> list[dict]:
    lines = (EXAMPLES / f"{suite}.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def rag_scorer(record: dict, metric: str):
    """The WPA3 answer is the weak one; the custom 1-10 comprehensiveness scale is raw."""
    weak = "WPA3" in record["prompt"]
    if metric == "rag_comprehensiveness":
        return 4.0 if weak else 10.0
    return oriented(metric, 0.4 if weak else 0.9)


@pytest.mark.parametrize("pipeline", [{"scorer": rag_scorer}], indirect=True)
def test_a_rag_dataset_runs_as_a_rag_evaluation_and_is_summarized_per_turn(pipeline):
    key = "datasets/rag-precomputed/docs-v2.jsonl"
    execution = pipeline.run(pipeline.upload(key, example_rows("rag-precomputed")))
    assert execution["status"] == "SUCCEEDED", execution
    output = json.loads(execution["output"])
    summary = assert_valid_summary(pipeline.world.read_summary(output["summaryKey"]))
    assert summary["records"] == 3
    assert all("/inference_configs/0/datasets/" in f for f in summary["source"]["outputFiles"])
    assert summary["metrics"]["Builtin.Faithfulness"]["mean"] == pytest.approx(
        (0.9 + 0.9 + 0.4) / 3
    )
    assert summary["metrics"]["rag_comprehensiveness"]["mean"] == 8.0
    assert [b["metric"] for b in summary["thresholdBreaches"]] == ["Builtin.Faithfulness"]
    low = next(low for low in summary["lowScores"] if low["metric"] == "Builtin.Faithfulness")
    assert low["prompt"] == "Does the X200 support WPA3?"
    assert low["response"].startswith("WPA3 is available on the X200")  # the RAG source's answer
    ((_, request),) = [c for c in pipeline.world.bedrock.calls if c[0] == "CreateEvaluationJob"]
    assert request["applicationType"] == "RagEvaluation"
    assert "rag_comprehensiveness" in str(
        request["evaluationConfig"]["automated"]["customMetricConfig"]
    )


def custom_scorer(record: dict, metric: str):
    prompt = record["prompt"]
    acts = prompt.startswith(("Please cancel", "Refund", "I was charged"))
    values = {
        "Builtin.Helpfulness": 0.8,
        "response_brevity": 0.0 if prompt.startswith("I was charged") else 1.0,
        "confirmation_check": (0.0 if prompt.startswith("Refund") else 1.0) if acts else None,
        "missing_info_followup": 1.0 if "package" in prompt else None,
        "brand_voice": "off-brand" if prompt.startswith("Refund") else "on-brand",
        "escalation_notes": "hand over" if prompt.startswith("I was charged") else "no hand-over",
    }
    return values[metric]


@pytest.mark.parametrize("pipeline", [{"scorer": custom_scorer}], indirect=True)
def test_custom_metrics_run_end_to_end_with_na_and_labels(pipeline):
    key = "datasets/support-custom-metrics/week-48.jsonl"
    execution = pipeline.run(pipeline.upload(key, example_rows("support-custom-metrics")))
    assert execution["status"] == "SUCCEEDED", execution
    output = json.loads(execution["output"])
    summary = assert_valid_summary(pipeline.world.read_summary(output["summaryKey"]))
    metrics = summary["metrics"]
    assert summary["records"] == 5
    assert metrics["response_brevity"]["mean"] == 0.8
    # N/A (null) is excluded: three consequential actions, one without confirmation.
    assert (metrics["confirmation_check"]["mean"], metrics["confirmation_check"]["naCount"]) == (
        pytest.approx(2 / 3),
        2,
    )
    assert metrics["brand_voice"]["labels"] == {"off-brand": 1, "on-brand": 4}
    assert metrics["escalation_notes"]["labels"] == {"hand over": 1, "no hand-over": 4}
    # confirmation_check's floor is 0.9; brevity's 0.7 holds at 0.8.
    assert [b["metric"] for b in summary["thresholdBreaches"]] == ["confirmation_check"]
    low = next(low for low in summary["lowScores"] if low["metric"] == "confirmation_check")
    assert low["prompt"] == "Refund my last order." and low["response"].startswith("Done!")


# Each compared model's answers are of one quality; the suite's floor is Correctness >= 0.7.
MODEL_QUALITY = {
    "us.amazon.nova-lite-v1:0": 0.6,
    "us.amazon.nova-pro-v1:0": 0.9,
    "us.amazon.nova-micro-v1:0": 0.8,
}


def model_judge(quality: float):
    return lambda record, metric: oriented(metric, quality)


@pytest.mark.parametrize(
    "pipeline",
    [{"model_scorers": {model: model_judge(q) for model, q in MODEL_QUALITY.items()}}],
    indirect=True,
)
def test_a_model_comparison_runs_one_job_per_model_from_one_upload(pipeline, capsys):
    key = "datasets/model-comparison/week-48.jsonl"
    execution = pipeline.run(pipeline.upload(key, example_rows("model-comparison")))
    assert execution["status"] == "SUCCEEDED", execution
    output = json.loads(execution["output"])
    world = pipeline.world
    run = output["jobName"]

    requests = world.bedrock.creates()
    assert sorted(r["jobName"] for r in requests) == [f"{run}-m1", f"{run}-m2", f"{run}-m3"]
    by_name = {r["jobName"]: r for r in requests}
    for index, model in enumerate(MODEL_QUALITY, start=1):
        (target,) = by_name[f"{run}-m{index}"]["inferenceConfig"]["models"]
        assert target["bedrockModel"]["modelIdentifier"] == model

    summary = world.read_summary(output["summaryKey"])
    # Bedrock's documented layout: <s3Uri>/<job-name>/<job-id>/models/<model-id>/taskTypes/...
    prefix = f"results/model-comparison/{run}/"
    for index, model in enumerate(MODEL_QUALITY, start=1):
        job = f"{run}-m{index}"
        assert any(
            f.startswith(f"{prefix}{job}/{job}/") and f"/models/{model}/taskTypes/General/" in f
            for f in summary["source"]["outputFiles"]
        )
    assert (summary["promptsSubmitted"], summary["resultsReceived"]) == (18, 18)
    comparison = summary["modelComparison"]
    assert comparison["metrics"]["Builtin.Correctness"] == pytest.approx(MODEL_QUALITY)
    assert comparison["categories"]["account"]["Builtin.Helpfulness"] == pytest.approx(
        MODEL_QUALITY
    )
    assert comparison["bestModel"] == "us.amazon.nova-pro-v1:0"
    assert [(b["metric"], b["model"]) for b in summary["thresholdBreaches"]] == [
        ("Builtin.Correctness", "us.amazon.nova-lite-v1:0")
    ]
    assert summary["verdict"] == "failed"

    # CloudWatch's Mean of a comparison is over every model's rows together (README).
    points = datapoints(capsys.readouterr().out)
    correctness = (("Metric", "Builtin.Correctness"), ("Suite", "model-comparison"))
    assert points[("Mean", correctness)] == pytest.approx((0.6 + 0.9 + 0.8) / 3)
    assert points[("PromptsEvaluated", (("Suite", "model-comparison"),))] == 18
    (note,) = world.inbox.messages()
    assert "Builtin.Correctness of us.amazon.nova-lite-v1:0: mean 0.600" in note.message
    assert "Best model: us.amazon.nova-pro-v1:0 (of us.amazon.nova-lite-v1:0, " in note.message


# The human example, with reviewers who have been at it for two days (the stand-in reports
# every job's creationTime that much earlier): the poll wait reaches the human cap.
HUMAN_KEY = "datasets/human-compare/review-7.jsonl"
HUMAN_POLL_CAP = 20  # seconds, scaled by WAIT_SCALE; the automated cap stays 1 s


@pytest.fixture(scope="module")
def human_wait_template() -> dict:
    settings = dataclasses.replace(
        simulation_settings(1),
        human_poll_max_wait_seconds=HUMAN_POLL_CAP,
        human_run_limit_seconds=1800,
    )
    return cached_template(settings, stack_name="E2E")


def test_a_human_job_waits_at_its_own_cap_holds_no_slot_and_ends_with_a_summary(
    human_wait_template,
):
    rows = example_rows("human-compare")
    quality = {row["prompt"]: 0.8 for row in rows}
    with (
        fake_aws(
            judge_by_prompt(quality),
            mock_config=MOTO_CONFIG,
            polls_until_done=3,
            reported_age=timedelta(days=2),
        ) as world,
        # The cap's waits pass as fast as one automated wait does (its length is in the polls).
        deployed_pipeline(
            human_wait_template, world, wait_scale=WAIT_SCALE / HUMAN_POLL_CAP
        ) as pipeline,
    ):
        # Every automated slot is taken by someone else's job: the human run does not queue.
        Ledger(world.ledger_table).acquire("someone-elses-job", 10**6, datetime.now(UTC))
        execution = pipeline.run(pipeline.upload(HUMAN_KEY, rows))
        assert execution["status"] == "SUCCEEDED", execution
        polls = [json.loads(r) for name, r in pipeline.runner.results if name == "poll"]
        assert [p["status"] for p in polls] == ["InProgress"] * 3 + ["Completed"]
        assert {p["waitSeconds"] for p in polls} == {HUMAN_POLL_CAP}
        assert {p["runLimitSeconds"] for p in polls} == {1800}
        assert Ledger(world.ledger_table).holders().keys() == {"someone-elses-job"}

        (request,) = world.bedrock.creates()
        assert set(request["evaluationConfig"]) == {"human"}
        output = json.loads(execution["output"])
        summary = world.read_summary(output["summaryKey"])
        assert_valid_summary(summary)
        assert summary["records"] == len(rows)
        assert summary["metrics"]["SendAsIs [us.amazon.nova-lite-v1:0]"]["mean"] == 1.0
