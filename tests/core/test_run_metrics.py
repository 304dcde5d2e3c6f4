"""The datapoints a run publishes: the contract the stack's alarms and dashboards read."""

from __future__ import annotations

import json
from dataclasses import replace

from evalcore.cost import CostEstimate
from evalcore.metrics import Direction
from evalcore.run_metrics import (
    PIPELINE_STREAMS,
    Datapoint,
    RunOutcome,
    Unit,
    failed_run_datapoints,
    failure_outcome,
    grouped,
    job_duration_seconds,
    metric_streams,
    published_categories,
    succeeded_run_datapoints,
)
from evalcore.run_state import CaughtError, DatasetRef, JobStatus, RunState
from evalcore.suite import parse_suite
from evalcore.summary import (
    Comparison,
    JobRef,
    MetricChange,
    MetricResult,
    ResultsSource,
    Summary,
    ThresholdBreach,
    Verdict,
)

DATASET = DatasetRef("bucket", "datasets/support/golden.jsonl", "v1")
SUITE_JSON = {
    "name": "support",
    "evaluatorModel": "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "inference": {"mode": "precomputed", "sourceIdentifier": "app"},
    "metrics": ["Builtin.Correctness", "Builtin.Harmfulness"],
    "thresholds": {"Builtin.Correctness": {"min": 0.8}, "Builtin.Harmfulness": {"max": 0.1}},
}


def result(mean: float | None, count: int = 4, na: int = 0, low: int = 0) -> MetricResult:
    return MetricResult(mean, count, count - na, na, mean, mean, low_count=low)


def make_summary(**changes) -> Summary:
    summary = Summary(
        suite="support",
        generated_at="2026-01-02T03:04:05+00:00",
        job=JobRef("support-golden-abc", "arn:job"),
        dataset=DATASET,
        source=ResultsSource(("results/x_output.jsonl",)),
        records=4,
        malformed_lines=0,
        malformed=(),
        metrics={
            "Builtin.Correctness": result(0.75, na=1, low=2),
            "Builtin.Harmfulness": result(None, na=4),
        },
        categories={
            "billing": {"Builtin.Correctness": result(0.5), "Builtin.Harmfulness": result(None)},
            "shipping": {"Builtin.Correctness": result(1.0)},
            "(none)": {"Builtin.Correctness": result(0.9)},
        },
        low_score_threshold=0.5,
        low_score_count=2,
        low_scores=(),
        threshold_breaches=(ThresholdBreach("Builtin.Correctness", 0.75, 0.8, None),),
        comparison=Comparison(
            "support-golden-old",
            "2026-01-01T00:00:00+00:00",
            "reports/support/support-golden-old/summary.json",
            {
                "Builtin.Correctness": MetricChange(0.85, 0.75, 0.05, Direction.HIGHER_IS_BETTER),
                "Builtin.Harmfulness": MetricChange(0.0, None, 0.05, Direction.LOWER_IS_BETTER),
            },
        ),
        verdict=Verdict.FAILED,
    )
    return replace(summary, **changes)


STATE = RunState(
    dataset=DATASET,
    suite="support",
    job_name="support-golden-abc",
    job_arn="arn:job",
    records=4,
    cost_estimate=CostEstimate(judge_usd=0.25, inference_usd=0.0, notes=()),
    status=JobStatus.COMPLETED,
    job_created_at="2026-01-02T01:00:00+00:00",
    job_ended_at="2026-01-02T01:30:30Z",
)


def as_table(points: list[Datapoint]) -> dict[tuple, tuple[float, Unit]]:
    table = {(p.name, p.dimensions): (p.value, p.unit) for p in points}
    assert len(table) == len(points), "no datapoint is published twice"
    return table


def test_a_finished_run_publishes_the_contract():
    suite = parse_suite(SUITE_JSON)
    table = as_table(succeeded_run_datapoints(suite, make_summary(), STATE))
    correctness = (("Suite", "support"), ("Metric", "Builtin.Correctness"))
    harmfulness = (("Suite", "support"), ("Metric", "Builtin.Harmfulness"))
    per_suite = (("Suite", "support"),)
    expected = {
        ("Mean", correctness): (0.75, Unit.NONE),
        ("NARate", correctness): (0.25, Unit.NONE),
        ("LowScoreCount", correctness): (2, Unit.COUNT),
        ("MeanChange", correctness): (0.75 - 0.85, Unit.NONE),
        # all N/A: no mean and no change, but the N/A rate says why
        ("NARate", harmfulness): (1.0, Unit.NONE),
        ("LowScoreCount", harmfulness): (0, Unit.COUNT),
        ("Mean", (*correctness, ("Category", "billing"))): (0.5, Unit.NONE),
        ("Mean", (*correctness, ("Category", "shipping"))): (1.0, Unit.NONE),
        ("PromptsEvaluated", per_suite): (4, Unit.COUNT),
        ("JobDurationSeconds", per_suite): (1830.0, Unit.SECONDS),
        ("EstimatedCostUsd", per_suite): (0.25, Unit.NONE),
        ("RunSucceeded", per_suite): (1, Unit.COUNT),
        ("ThresholdBreaches", per_suite): (1, Unit.COUNT),
        ("Regressions", per_suite): (1, Unit.COUNT),
        ("RunCompleted", per_suite): (1, Unit.COUNT),
        ("RunsSucceeded", ()): (1, Unit.COUNT),
    }
    assert table == expected


def test_categories_are_bounded_by_the_suite():
    capped = parse_suite({**SUITE_JSON, "maxCategoryDimensions": 1})
    assert published_categories(capped, ["shipping", "billing", "(none)"]) == ("billing",)
    named = parse_suite({**SUITE_JSON, "categoryDimensions": ["shipping", "returns"]})
    assert published_categories(named, ["shipping", "billing"]) == ("shipping",)
    points = succeeded_run_datapoints(named, make_summary(), STATE)
    categories = {dict(p.dimensions).get("Category") for p in points} - {None}
    assert categories == {"shipping"}


def test_unknown_duration_and_cost_are_left_out_not_zero():
    state = replace(STATE, job_ended_at=None, cost_estimate=None)
    names = {
        p.name for p in succeeded_run_datapoints(parse_suite(SUITE_JSON), make_summary(), state)
    }
    assert "JobDurationSeconds" not in names and "EstimatedCostUsd" not in names
    assert job_duration_seconds(replace(STATE, job_created_at="yesterday")) is None


def test_a_failed_run_counts_once_and_never_resets_staleness():
    suite = parse_suite(SUITE_JSON)
    failed = as_table(failed_run_datapoints(suite, RunOutcome.JOB_FAILED))
    assert failed == {
        ("RunSucceeded", (("Suite", "support"),)): (0, Unit.COUNT),
        ("RunsFailed", ()): (1, Unit.COUNT),
    }
    timed_out = as_table(failed_run_datapoints(None, RunOutcome.TIMED_OUT))
    assert timed_out == {("RunsTimedOut", ()): (1, Unit.COUNT)}
    # submit already counted the rejection
    assert failed_run_datapoints(None, RunOutcome.REJECTED) == []


def test_failure_outcomes():
    def caught(name: str) -> RunState:
        return replace(STATE, error=CaughtError(name, None))

    assert failure_outcome(replace(STATE, status=JobStatus.FAILED)) is RunOutcome.JOB_FAILED
    assert failure_outcome(caught("States.Timeout")) is RunOutcome.TIMED_OUT
    assert failure_outcome(caught("States.Aborted")) is RunOutcome.ABORTED
    assert failure_outcome(caught("DatasetError")) is RunOutcome.REJECTED
    assert failure_outcome(caught("SuiteError")) is RunOutcome.REJECTED
    assert failure_outcome(caught("AccessDeniedException")) is RunOutcome.ERROR


def test_grouping_puts_each_dimension_set_in_one_record():
    points = succeeded_run_datapoints(parse_suite(SUITE_JSON), make_summary(), STATE)
    groups = grouped(points)
    assert sum(len(group) for group in groups.values()) == len(points)
    assert [p.name for p in groups[(("Suite", "support"),)]][:2] == [
        "PromptsEvaluated",
        "JobDurationSeconds",
    ]
    for dims, group in groups.items():
        assert all(p.dimensions == dims for p in group)
        assert len({p.name for p in group}) == len(group)
    json.dumps([[str(k) for k in dims] for dims in groups])  # plain strings


def test_metric_streams_is_the_most_a_suite_publishes():
    suite = parse_suite({**SUITE_JSON, "maxCategoryDimensions": 3})
    many = {f"c{i}": {m: result(0.5) for m in suite.metrics} for i in range(6)}
    changes = {m: MetricChange(0.5, 0.6, 0.05, Direction.HIGHER_IS_BETTER) for m in suite.metrics}
    summary = make_summary(
        metrics={m: result(0.6) for m in suite.metrics},
        categories=many,
        comparison=replace(make_summary().comparison, metrics=changes),
    )
    points = succeeded_run_datapoints(suite, summary, STATE)
    per_suite = [p for p in points if p.dimensions]
    assert len(per_suite) == metric_streams(suite) == 2 * (4 + 3) + 7
    assert len(points) - len(per_suite) == 1 <= PIPELINE_STREAMS == 5
