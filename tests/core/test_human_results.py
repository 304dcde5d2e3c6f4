"""Human evaluation results: every rating method becomes scores the summary understands."""

import pytest

from evalcore.aggregate import ScoreAggregator
from evalcore.results import MalformedLine, ResultRecord, iter_result_records
from evalctl.simulation.bedrock_output import human_row, jsonl

MODELS = {"0": "us.amazon.nova-lite-v1:0", "1": "support-assistant-v1"}


def records(rows: list[dict]) -> list[ResultRecord | MalformedLine]:
    return list(iter_result_records(jsonl(rows).splitlines(), "human_output.jsonl"))


def test_two_models_are_scored_side_by_side_and_the_choice_is_counted_per_model():
    rows = [
        human_row(
            "Reset my password",
            {
                "thumbsUpDown": [
                    {"metricName": "SendAsIs", "modelResponseId": "0", "result": True},
                    {"metricName": "SendAsIs", "modelResponseId": "1", "result": False},
                ],
                "comparisonChoice": [{"metricName": "Preferred", "result": "0"}],
            },
            MODELS,
            category="account",
        ),
        human_row(
            "Cancel my plan",
            {
                "ThumbsUpDown": [
                    {"metricName": "SendAsIs", "modelResponseId": "0", "result": True},
                    {"metricName": "SendAsIs", "modelResponseId": "1", "result": True},
                ],
                "ComparisonChoice": [{"metricName": "Preferred", "result": "1"}],
            },
            MODELS,
        ),
    ]
    read = records(rows)
    assert all(isinstance(r, ResultRecord) for r in read)
    assert read[0].prompt == "Reset my password" and read[0].category == "account"
    assert read[0].response == "us.amazon.nova-lite-v1:0 says hi"
    aggregator = ScoreAggregator().add_all(read)
    metrics = aggregator.metric_results()
    assert metrics["SendAsIs [us.amazon.nova-lite-v1:0]"].mean == 1.0
    assert metrics["SendAsIs [support-assistant-v1]"].mean == 0.5
    assert metrics["Preferred"].labels == {"support-assistant-v1": 1, "us.amazon.nova-lite-v1:0": 1}


def test_likert_scales_and_ranks_keep_the_workers_number():
    row = human_row(
        "q",
        {
            "individualLikertScale": [
                {"metricName": "Clarity", "modelResponseId": "0", "result": 4}
            ],
            "comparisonRank": [
                {"metricName": "Rank", "modelResponseId": "0", "result": 1},
                {"metricName": "Rank", "modelResponseId": "1", "result": 2},
            ],
        },
        MODELS,
    )
    (record,) = records([row])
    assert {(s.metric, s.result) for s in record.scores} == {
        ("Clarity [us.amazon.nova-lite-v1:0]", 4.0),
        ("Rank [us.amazon.nova-lite-v1:0]", 1.0),
        ("Rank [support-assistant-v1]", 2.0),
    }


def test_one_model_keeps_the_metric_name():
    row = human_row(
        "q",
        {"thumbsUpDown": [{"metricName": "Good", "modelResponseId": "0", "result": False}]},
        {"0": "m.x"},
    )
    (record,) = records([row])
    assert record.scores[0].metric == "Good" and record.scores[0].result == 0.0


@pytest.mark.parametrize(
    "answers",
    [
        {"thumbsUpDown": [{"metricName": "Good", "modelResponseId": "0", "result": 3}]},
        {"individualLikertScale": [{"modelResponseId": "0", "result": 3}]},
        [],
    ],
)
def test_a_malformed_human_row_is_reported_not_fatal(answers):
    (item,) = records([human_row("q", answers, {"0": "m.x"})])
    assert isinstance(item, MalformedLine)
