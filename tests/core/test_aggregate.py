import pytest

from evalcore.aggregate import ScoreAggregator
from evalcore.results import iter_result_records
from tests.fakes.bedrock_output import jsonl, model_row


def aggregate(rows, threshold=0.5, **kwargs) -> dict:
    agg = ScoreAggregator(low_score_threshold=threshold, **kwargs)
    agg.add_all(iter_result_records(jsonl(rows).splitlines(), "f.jsonl"))
    return agg.to_dict()


def test_null_is_not_applicable_and_never_averaged_as_zero():
    summary = aggregate(
        [
            model_row("a", {"Builtin.Correctness": 1.0, "Builtin.Refusal": None}),
            model_row("b", {"Builtin.Correctness": 0.5, "Builtin.Refusal": None}),
            model_row("c", {"Builtin.Correctness": None, "Builtin.Refusal": 0.0}),
        ]
    )
    correctness = summary["metrics"]["Builtin.Correctness"]
    assert correctness["mean"] == 0.75
    assert (correctness["count"], correctness["scored"], correctness["naCount"]) == (3, 2, 1)
    assert correctness["naRate"] == pytest.approx(0.3333, abs=1e-4)
    refusal = summary["metrics"]["Builtin.Refusal"]
    assert refusal["mean"] == 0.0 and refusal["naRate"] == pytest.approx(0.6667, abs=1e-4)


def test_all_null_metric_has_no_mean():
    summary = aggregate([model_row("a", {"Builtin.Refusal": None})])
    assert summary["metrics"]["Builtin.Refusal"]["mean"] is None
    assert summary["metrics"]["Builtin.Refusal"]["naRate"] == 1.0


def test_per_category_statistics():
    summary = aggregate(
        [
            model_row("a", {"m": 1.0}, category="billing"),
            model_row("b", {"m": 0.0}, category="billing"),
            model_row("c", {"m": 0.25}, category="account"),
            model_row("d", {"m": 0.75}),
        ]
    )
    assert summary["categories"]["billing"]["m"]["mean"] == 0.5
    assert summary["categories"]["account"]["m"]["mean"] == 0.25
    assert summary["categories"]["(none)"]["m"]["mean"] == 0.75
    assert summary["metrics"]["m"]["mean"] == 0.5


def test_categorical_labels_are_counted_not_averaged():
    summary = aggregate([model_row("a", {"tone": "formal"}), model_row("b", {"tone": "formal"})])
    assert summary["metrics"]["tone"]["labels"] == {"formal": 2}
    assert summary["metrics"]["tone"]["mean"] is None


def test_low_scores_keep_the_worst_with_the_judges_reasoning():
    rows = [model_row(f"p{i}", {"m": i / 10}, explanations={"m": f"why {i}"}) for i in range(10)]
    summary = aggregate(rows, threshold=0.5, max_low_scores=3)
    assert summary["lowScoreCount"] == 5
    lows = summary["lowScores"]
    assert [(low["prompt"], low["score"]) for low in lows] == [
        ("p0", 0.0),
        ("p1", 0.1),
        ("p2", 0.2),
    ]
    assert lows[0]["explanation"] == "why 0"
    assert lows[0]["line"] == 1


def test_malformed_lines_are_counted():
    agg = ScoreAggregator()
    agg.add_all(iter_result_records(["{bad", jsonl([model_row("a", {"m": 1})])], "f"))
    summary = agg.to_dict()
    assert summary["records"] == 1
    assert summary["malformedLines"] == 1
    assert (summary["malformed"][0]["source"], summary["malformed"][0]["line"]) == ("f", 1)
