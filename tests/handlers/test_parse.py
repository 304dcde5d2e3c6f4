import pytest

from evalcore.matching import ResultsMismatch
from evalctl.simulation.aws import fake_aws, lambda_context
from evalctl.simulation.bedrock_output import judge_by_prompt
from evalctl.simulation.emf import datapoints
from handlers import parse, submit
from tests.handlers.conftest import (
    COMPARISON_KEY,
    COMPARISON_ROWS,
    MODEL_QUALITY,
    QUALITY,
    collected,
    comparison_world,
    run_to_completion,
    start,
    submitted,
)

ctx = lambda_context


def test_parse_aggregates_every_output_file_and_writes_the_summary(world, capsys):
    state = run_to_completion(world, start(world))
    assert state["status"] == "Completed"
    result = parse.handler(state, lambda_context())

    summary = world.read_summary(result["summaryKey"])
    assert result["summaryKey"] == f"reports/support-assistant/{state['jobName']}/summary.json"
    assert summary["summaryKey"] == result["summaryKey"]
    assert summary["job"] == {"name": state["jobName"], "arn": state["jobArn"]}
    assert len(summary["source"]["outputFiles"]) == 2
    assert summary["records"] == 4
    assert (summary["promptsSubmitted"], summary["resultsReceived"]) == (4, 4)
    correctness = summary["metrics"]["Builtin.Correctness"]
    # (1.0 + 0.5 + 0.25) / 3 exactly: p3's null is N/A, not zero, and nothing is rounded
    assert correctness["mean"] == (1.0 + 0.5 + 0.25) / 3
    assert correctness["naRate"] == 0.25
    harmfulness = summary["metrics"]["Builtin.Harmfulness"]
    assert harmfulness["mean"] == pytest.approx((0.0 + 0.5 + 0.75) / 3)
    assert summary["categories"]["billing"]["Builtin.Correctness"]["mean"] == 0.75
    assert summary["categories"]["account"]["Builtin.Correctness"]["mean"] == 0.25
    assert {low["prompt"] for low in summary["lowScores"]} == {"p4"}
    assert "p4" in summary["lowScores"][0]["explanation"]
    assert [b["metric"] for b in summary["thresholdBreaches"]] == [
        "Builtin.Completeness",
        "Builtin.Correctness",
        "Builtin.Helpfulness",
    ]
    assert summary["verdict"] == "failed" and result["passed"] is False
    latest = world.read_summary("reports/support-assistant/smoke/latest-summary.json")
    assert latest == summary

    suite = (("Suite", "support-assistant"),)
    correctness = (("Metric", "Builtin.Correctness"), *suite)
    points = datapoints(capsys.readouterr().out)
    assert points[("Mean", correctness)] == (1.0 + 0.5 + 0.25) / 3
    assert points[("NARate", correctness)] == 0.25
    assert points[("Mean", (("Category", "account"), *correctness))] == 0.25
    assert points[("ThresholdBreaches", suite)] == 3
    assert points[("RunSucceeded", suite)] == points[("RunCompleted", suite)] == 1
    assert points[("RunsStarted", ())] == points[("RunsSucceeded", ())] == 1
    assert ("MeanChange", correctness) not in points  # the first run has no baseline

    (note,) = world.inbox.messages()
    assert note.subject == "[bedrock-eval] support-assistant: failed-checks"
    assert note.attributes == {"suite": "support-assistant", "outcome": "failed-checks"}
    assert "Builtin.Correctness: mean 0.583 vs floor 0.7" in note.message
    assert f"s3://{world.bucket}/{result['summaryKey']}" in note.message
    assert "1. Builtin." in note.message and "p4" in note.message


def test_parse_compares_with_the_previous_run_but_never_with_itself(world):
    first = parse.handler(run_to_completion(world, start(world)), lambda_context())
    world.bedrock.scorer = judge_by_prompt({**QUALITY, "p1": 0.0})
    second_state = run_to_completion(world, start(world))
    second = parse.handler(second_state, lambda_context())
    again = parse.handler(second_state, lambda_context())

    summary = world.read_summary(second["summaryKey"])
    comparison = summary["comparison"]
    assert comparison["previousJobName"] == world.read_summary(first["summaryKey"])["job"]["name"]
    assert comparison["previousSummaryKey"] == first["summaryKey"]
    assert "Builtin.Correctness" in comparison["regressions"]
    assert "Builtin.Harmfulness" in comparison["regressions"]  # rose: worse for this metric
    rerun = world.read_summary(again["summaryKey"])
    assert rerun["comparison"]["previousJobName"] == comparison["previousJobName"]


def test_a_repeated_parse_writes_nothing_new_and_publishes_nothing(world, capsys):
    state = run_to_completion(world, start(world))
    first = parse.handler(state, lambda_context())
    written = world.read_summary(first["summaryKey"])
    capsys.readouterr()
    again = parse.handler(state, lambda_context())
    assert again == first
    assert world.read_summary(first["summaryKey"]) == written  # not rewritten
    assert datapoints(capsys.readouterr().out) == {}
    assert len(world.inbox.messages()) == 1


def started(event: dict, second: int) -> dict:
    """The execution's start as Step Functions stamps it (StampStart)."""
    return {**event, "startedAt": f"2026-11-27T09:00:{second:02d}.000Z"}


def test_each_dataset_of_a_suite_is_compared_with_its_own_history(world):
    faq_key = "datasets/support-assistant/faq.jsonl"
    faq = parse.handler(
        run_to_completion(world, started(start(world, key=faq_key), 1)), lambda_context()
    )
    world.bedrock.scorer = judge_by_prompt({**QUALITY, "p1": 0.0})
    billing = parse.handler(
        run_to_completion(
            world, started(start(world, key="datasets/support-assistant/billing.jsonl"), 2)
        ),
        lambda_context(),
    )
    # billing's first run has no baseline, although faq ran before it in the same suite
    assert world.read_summary(billing["summaryKey"])["comparison"] is None
    faq_again = parse.handler(
        run_to_completion(world, started(start(world, key=faq_key), 3)), lambda_context()
    )
    comparison = world.read_summary(faq_again["summaryKey"])["comparison"]
    assert comparison["previousSummaryKey"] == faq["summaryKey"]
    for dataset, result in (("faq", faq_again), ("billing", billing)):
        latest = world.read_summary(f"reports/support-assistant/{dataset}/latest-summary.json")
        assert latest["summaryKey"] == result["summaryKey"]


def test_a_run_that_finishes_after_a_newer_one_does_not_become_the_latest(world):
    older = run_to_completion(world, started(start(world), 1))
    newer = run_to_completion(world, started(start(world), 2))
    newer_result = parse.handler(newer, lambda_context())
    parse.handler(older, lambda_context())  # the older run's parse comes last
    latest = world.read_summary("reports/support-assistant/smoke/latest-summary.json")
    assert latest["summaryKey"] == newer_result["summaryKey"]


def test_parse_without_outputs_says_where_it_looked(world):
    state = submitted(start(world), lambda_context())
    with pytest.raises(parse.ResultsNotFound, match=state["outputS3Uri"]):
        parse.handler(state, lambda_context())


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("drop_prompts", r"3 result row\(s\) for 4 prompt\(s\).*no result for dataset line\(s\) 2"),
        ("duplicate_prompts", r"5 result row\(s\) for 4 prompt\(s\).*second result .*\(line 2\)"),
    ],
)
def test_a_short_or_padded_output_fails_the_run_listing_the_lines(option, expected):
    with fake_aws(judge_by_prompt(QUALITY), **{option: frozenset({"p2"})}) as world:
        state = run_to_completion(world, start(world))
        with pytest.raises(ResultsMismatch, match=expected):
            parse.handler(state, lambda_context())
        assert not [k for k in world.keys("reports/") if k.endswith("summary.json")]


def test_a_comparison_is_summarized_per_model_with_the_best_model_named(capsys):
    with comparison_world() as world:
        state = collected(submit.handler(start(world, COMPARISON_KEY, COMPARISON_ROWS), ctx()))
        result = parse.handler(state, ctx())
        summary = world.read_summary(result["summaryKey"])
        (note,) = world.inbox.messages()
    run = state["jobName"]
    for model in MODEL_QUALITY:  # each model's job wrote below its own output prefix
        assert any(
            f"/{run}-m" in key and f"/models/{model}/taskTypes/" in key
            for key in summary["source"]["outputFiles"]
        )
    comparison = summary["modelComparison"]
    assert comparison["models"] == list(MODEL_QUALITY)
    assert comparison["metrics"]["Builtin.Correctness"] == pytest.approx(MODEL_QUALITY)
    assert comparison["metrics"]["Builtin.Harmfulness"]["us.amazon.nova-pro-v1:0"] == (
        pytest.approx(0.1)
    )
    assert comparison["categories"]["billing"]["Builtin.Correctness"] == pytest.approx(
        MODEL_QUALITY
    )
    assert comparison["bestModel"] == "us.amazon.nova-pro-v1:0"
    # Every model's rows matched the six staged lines once; the run's tables hold them all.
    assert (summary["records"], summary["promptsSubmitted"], summary["resultsReceived"]) == (
        18,
        18,
        18,
    )
    assert summary["metrics"]["Builtin.Correctness"]["mean"] == pytest.approx((0.6 + 0.9 + 0.8) / 3)
    assert summary["thresholdBreaches"] == [
        {
            "metric": "Builtin.Correctness",
            "mean": pytest.approx(0.6),
            "minimum": 0.7,
            "maximum": None,
            "model": "us.amazon.nova-lite-v1:0",
        }
    ]
    assert summary["verdict"] == "failed"
    assert "Builtin.Correctness of us.amazon.nova-lite-v1:0: mean 0.600 vs floor 0.7" in (
        note.message
    )
    assert "Best model: us.amazon.nova-pro-v1:0" in note.message


def test_one_compared_model_short_of_a_row_fails_the_run_naming_the_model():
    lite = "us.amazon.nova-lite-v1:0"
    options = {"drop_prompts": frozenset({COMPARISON_ROWS[2]["prompt"]})}
    with comparison_world(**options, drop_for_models=frozenset({lite})) as world:
        state = collected(submit.handler(start(world, COMPARISON_KEY, COMPARISON_ROWS), ctx()))
        assert state["status"] == "Completed"
        with pytest.raises(ResultsMismatch) as mismatch:
            parse.handler(state, ctx())
        assert not [k for k in world.keys("reports/") if k.endswith("summary.json")]
    assert str(mismatch.value).startswith(
        f"model {lite}'s jobs returned 5 result row(s) for 6 prompt(s)"
    )
    assert "no result for dataset line(s) 3" in str(mismatch.value)
