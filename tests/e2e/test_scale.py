"""At scale, end to end: the synthesized state machine in moto, the real handlers, Bedrock's
stand-in enforcing a concurrent-job quota.

- an upload event delivered twice and an execution restarted make one job, one summary and
  one set of metrics and messages;
- a 2,500-prompt dataset runs as three jobs merged into one summary equal to a single-job
  computation over the same records;
- 50 datasets across 5 suites, uploaded at once with 5 job slots: every run ends with its
  summary, Bedrock never sees more than 5 jobs in progress, no job is created twice (the
  figures are printed; run with `-s` to see them);
- a job that never finishes is stopped at the run's limit, its failure recorded and sent.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from evalcore.aggregate import ScoreAggregator
from evalcore.results import iter_result_records
from evalcore.suite import DEFAULT_SUITES_DIR, SUITES_DIR_ENV, load_suite
from evalctl.simulate import simulation_settings
from evalctl.simulation.aws import World, fake_aws
from evalctl.simulation.bedrock_output import jsonl, judge_by_prompt, model_row, oriented
from evalctl.simulation.emf import datapoints
from evalctl.simulation.pipeline import MOTO_CONFIG, Pipeline, deployed_pipeline
from evalctl.simulation.template import cached_template
from handlers.ledger import Ledger
from infra.settings import PipelineSettings
from tests.clock import WAIT_SCALE

KEY = "datasets/support-assistant/release-42.jsonl"
SUITE = (("Suite", "support-assistant"),)
QUALITY = {"p1": 1.0, "p2": 0.75, "p3": None, "p4": 0.25, "p5": 0.5}


def dataset_rows() -> list[dict]:
    return [
        {
            "prompt": prompt,
            "referenceResponse": "reference",
            "modelResponses": [
                {"response": f"answer to {prompt}", "modelIdentifier": "support-assistant-v1"}
            ],
        }
        for prompt in QUALITY
    ]


def synthesize(settings: PipelineSettings, suites_dir: Path = DEFAULT_SUITES_DIR) -> dict:
    """Synthesized once per session for all workers (evalctl.simulation.template)."""
    return cached_template(settings, suites_dir=suites_dir, stack_name="E2E")


@pytest.fixture(scope="module")
def template(simulation_template) -> dict:
    """The stack with 1-second poll waits, as the end-to-end and `evalctl run` tests use it."""
    return simulation_template


@contextmanager
def running(template: dict, scorer, scaled_clock: bool = False, **options) -> Iterator[Pipeline]:
    with (
        fake_aws(scorer, mock_config=MOTO_CONFIG, **options) as world,
        deployed_pipeline(
            template, world, wait_scale=WAIT_SCALE, scaled_clock=scaled_clock
        ) as pipeline,
    ):
        yield pipeline


@pytest.fixture
def pipeline(template) -> Iterator[Pipeline]:
    with running(template, judge_by_prompt(QUALITY)) as deployed:
        yield deployed


# Dyadic qualities add exactly in floating point, so merged means equal, not approximate.
QUALITIES = (1.0, 0.75, 0.5, 0.25, 0.0, None)
CATEGORIES = ("billing", "account", "shipping")


def indexed_scorer(record: dict, metric: str) -> float | None:
    """The judge's verdict depends only on the prompt, so any job of any shard agrees."""
    index = int(record["prompt"].removeprefix("q"))
    return oriented(metric, QUALITIES[index % len(QUALITIES)])


def large_rows(count: int) -> list[dict]:
    return [
        {
            "prompt": f"q{i}",
            "referenceResponse": "reference",
            "category": CATEGORIES[i % len(CATEGORIES)],
            "modelResponses": [
                {"response": f"answer {i}", "modelIdentifier": "support-assistant-v1"}
            ],
        }
        for i in range(count)
    ]


def summaries(world) -> list[str]:
    return [key for key in world.keys("reports/") if key.endswith("/summary.json")]


def test_a_redelivered_event_and_a_restarted_execution_make_one_job_and_one_summary(
    pipeline, capsys
):
    execution_input = pipeline.upload(KEY, dataset_rows())
    arn = pipeline.start(execution_input)
    assert pipeline.start(execution_input) == arn  # delivered again while it runs
    first = pipeline.wait(arn)
    assert first["status"] == "SUCCEEDED", first
    assert pipeline.start(execution_input) == arn  # and again after it ended

    # An operator starts the same dataset version again by hand, under another name.
    restarted = pipeline.sfn.start_execution(
        stateMachineArn=pipeline.machine_arn,
        name="started-again-by-hand",
        input=json.dumps(execution_input),
    )["executionArn"]
    second = pipeline.wait(restarted)
    assert second["status"] == "SUCCEEDED", second

    world = pipeline.world
    runs = pipeline.sfn.list_executions(stateMachineArn=pipeline.machine_arn)["executions"]
    assert len(runs) == 2  # the redeliveries started nothing
    assert len(world.bedrock.created) == 1  # the restart reused the job
    (summary_key,) = summaries(world)
    for execution in (first, second):
        assert json.loads(execution["output"])["summaryKey"] == summary_key
    # One set of metrics (datapoints() fails on any metric published twice), one message.
    points = datapoints(capsys.readouterr().out)
    assert points[("RunsStarted", ())] == 1
    assert points[("RunSucceeded", SUITE)] == 1
    assert len(world.inbox.messages()) == 1
    assert Ledger(world.ledger_table).holders() == {}  # every slot given back


def test_2500_prompts_run_as_three_jobs_merged_into_the_single_job_summary(template):
    with running(template, indexed_scorer) as pipeline:
        check_2500_prompts(pipeline)


def check_2500_prompts(pipeline: Pipeline) -> None:
    rows = large_rows(2500)
    execution = pipeline.run(pipeline.upload(KEY, rows), timeout=120)
    assert execution["status"] == "SUCCEEDED", execution
    output = json.loads(execution["output"])
    world = pipeline.world
    run = output["jobName"]
    assert sorted(world.bedrock.created) == [f"{run}-s1", f"{run}-s2", f"{run}-s3"]
    requests = world.bedrock.creates()
    sizes = []
    for request in requests:
        (config,) = request["evaluationConfig"]["automated"]["datasetMetricConfigs"]
        key = config["dataset"]["datasetLocation"]["s3Uri"].split("/", 3)[3]
        sizes.append(len(world.read_bytes(key).splitlines()))
    assert sorted(sizes) == [833, 833, 834]

    (summary_key,) = summaries(world)
    summary = world.read_summary(summary_key)
    assert summary["job"] == {"name": run, "arn": None}
    assert (summary["records"], summary["promptsSubmitted"], summary["resultsReceived"]) == (
        2500,
        2500,
        2500,
    )
    # What one job over the same records would have given.
    suite = load_suite("support-assistant")
    single = ScoreAggregator(low_score_threshold=suite.low_score_threshold)
    judged = [
        model_row(
            row["prompt"],
            {metric: indexed_scorer(row, metric) for metric in suite.metrics},
            category=row["category"],
        )
        for row in rows
    ]
    single.add_all(iter_result_records(jsonl(judged).splitlines(), "one-job_output.jsonl"))
    assert summary["metrics"] == {
        name: stats.to_json() for name, stats in single.metric_results().items()
    }
    assert summary["categories"] == {
        category: {name: stats.to_json() for name, stats in metrics.items()}
        for category, metrics in single.category_results().items()
    }
    assert summary["lowScoreCount"] == single.low_score_count
    assert sorted((low["metric"], low["score"]) for low in summary["lowScores"]) == sorted(
        (low.metric, low.score) for low in single.low_scores
    )


LOAD_SUITES = 5
LOAD_DATASETS_PER_SUITE = 10
LOAD_JOB_SLOTS = 5


@pytest.fixture(scope="module")
def load_suites(tmp_path_factory) -> Path:
    """Five suites: copies of the shipped support-assistant suite under five names."""
    folder = tmp_path_factory.mktemp("suites")
    for path in DEFAULT_SUITES_DIR.glob("*.json"):
        shutil.copy(path, folder / path.name)
    source = json.loads((DEFAULT_SUITES_DIR / "support-assistant.json").read_text())
    for number in range(1, LOAD_SUITES + 1):
        name = f"load-{number}"
        (folder / f"{name}.json").write_text(json.dumps({**source, "name": name}))
    return folder


@pytest.fixture(scope="module")
def load_template(load_suites) -> dict:
    settings = PipelineSettings(
        poll_min_wait_seconds=1,
        poll_max_wait_seconds=1,
        # Runs waiting for a slot ask again every 40 s (0.2 s scaled), about as long as a job
        # holds its slot here: every request is a Lambda call and the in-process Lambdas run one
        # at a time, so asking more often only spends the time the running jobs need, and
        # asking less often leaves freed slots idle (the 50 runs, one DynamoDB request per ask:
        # 20 s: 2.9 s; 40 s: 2.7-3.4 s; 80 s: 2.5-3.5 s; 160 s: 3.0 s on a busy machine).
        slot_wait_seconds=40,
        run_limit_seconds=600,
        cleanup_allowance_seconds=60,
        execution_timeout_hours=1,
        max_shards_per_run=1,
        max_concurrent_jobs=LOAD_JOB_SLOTS,
    )
    return synthesize(settings, suites_dir=load_suites)


@pytest.fixture
def load_pipeline(load_template, load_suites, monkeypatch) -> Iterator[Pipeline]:
    monkeypatch.setenv(SUITES_DIR_ENV, str(load_suites))
    with running(
        load_template,
        judge_by_prompt(QUALITY),
        concurrent_job_quota=LOAD_JOB_SLOTS,
        polls_until_done=2,
    ) as deployed:
        yield deployed


@pytest.mark.slow
def test_50_datasets_across_5_suites_at_once_never_exceed_the_job_slots(load_pipeline):
    inputs = [
        load_pipeline.upload(f"datasets/load-{suite}/dataset-{number}.jsonl", dataset_rows())
        for suite in range(1, LOAD_SUITES + 1)
        for number in range(1, LOAD_DATASETS_PER_SUITE + 1)
    ]
    began = time.monotonic()
    arns = [load_pipeline.start(execution_input) for execution_input in inputs]
    redelivered = [load_pipeline.start(execution_input) for execution_input in inputs]
    assert redelivered == arns
    executions = [load_pipeline.wait(arn, timeout=600) for arn in arns]
    wall = time.monotonic() - began

    fake = load_pipeline.world.bedrock
    statuses = [execution["status"] for execution in executions]
    duplicates = len(fake.created) - len(set(fake.created))
    print(
        f"\nload test: {len(executions)} runs ({statuses.count('SUCCEEDED')} succeeded), "
        f"{len(fake.created)} jobs created, peak {fake.peak_running} jobs in progress "
        f"(limit {LOAD_JOB_SLOTS}), {fake.quota_refusals} quota refusals, {duplicates} "
        f"duplicate jobs, wall time {wall:.1f} s"
    )
    assert statuses == ["SUCCEEDED"] * LOAD_SUITES * LOAD_DATASETS_PER_SUITE
    assert len(summaries(load_pipeline.world)) == len(inputs)
    assert fake.peak_running <= LOAD_JOB_SLOTS
    assert fake.quota_refusals == 0
    assert duplicates == 0 and len(fake.created) == len(inputs)
    assert Ledger(load_pipeline.world.ledger_table).holders() == {}


@pytest.fixture(scope="module")
def short_limit_template() -> dict:
    return synthesize(dataclasses.replace(simulation_settings(1), run_limit_seconds=4))


def test_a_job_that_never_finishes_is_stopped_at_the_limit_and_the_failure_sent(
    short_limit_template,
):
    # The limit passes on the simulation's scaled clock: 4 s after 4 scaled polls, not 4 s of
    # real time (evalctl.simulation.clock).
    with running(
        short_limit_template, judge_by_prompt(QUALITY), scaled_clock=True, polls_until_done=10**6
    ) as pipeline:
        world: World = pipeline.world
        execution = pipeline.run(pipeline.upload(KEY, dataset_rows()), timeout=60)
        assert execution["status"] == "FAILED"
        assert execution.get("error") == "EvaluationFailed"  # not States.Timeout
        (job,) = world.bedrock.jobs.values()
        assert job.status == "Stopped"
        assert pipeline.runner.invocations.count("stop") == 1
        assert Ledger(world.ledger_table).holders() == {}

        (failure_key,) = [k for k in world.keys("reports/") if k.endswith("failure.json")]
        record = world.read_json(failure_key)
        assert (record["kind"], record["errorType"]) == ("timeLimit", "RunTimeLimitExceeded")
        assert record["message"] == "stopped: the run passed its time limit of 4 s"
        assert [(s["status"], s["completed"]) for s in record["shards"]] == [("Stopped", False)]
        (note,) = world.inbox.messages()
        assert note.subject == "[bedrock-eval] support-assistant: timed-out"
        assert summaries(world) == []
