import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalcore.aggregate import ScoreAggregator
from evalcore.results import iter_result_records
from evalcore.summary import HISTOGRAM_BINS, histogram_bin
from evalctl.simulation.bedrock_output import jsonl, model_row


def aggregate(rows, threshold=0.5, **kwargs) -> ScoreAggregator:
    agg = ScoreAggregator(low_score_threshold=threshold, **kwargs)
    return agg.add_all(iter_result_records(jsonl(rows).splitlines(), "f.jsonl"))


def test_null_is_not_applicable_and_never_averaged_as_zero():
    agg = aggregate(
        [
            model_row("a", {"Builtin.Correctness": 1.0, "Builtin.Refusal": None}),
            model_row("b", {"Builtin.Correctness": 0.5, "Builtin.Refusal": None}),
            model_row("c", {"Builtin.Correctness": None, "Builtin.Refusal": 0.0}),
        ]
    )
    correctness = agg.metric_results()["Builtin.Correctness"]
    assert correctness.mean == 0.75
    assert (correctness.count, correctness.scored, correctness.na_count) == (3, 2, 1)
    assert correctness.na_rate == pytest.approx(1 / 3)
    refusal = agg.metric_results()["Builtin.Refusal"]
    assert refusal.mean == 0.0 and refusal.na_rate == pytest.approx(2 / 3)


def test_means_keep_full_precision():
    rows = [model_row(p, {"m": s}) for p, s in (("a", 0.514019), ("b", 0.514019))]
    assert aggregate(rows).metric_results()["m"].mean == 0.514019


def test_all_null_metric_has_no_mean():
    stats = aggregate([model_row("a", {"Builtin.Refusal": None})]).metric_results()
    assert stats["Builtin.Refusal"].mean is None
    assert stats["Builtin.Refusal"].na_rate == 1.0


def test_per_category_statistics():
    agg = aggregate(
        [
            model_row("a", {"m": 1.0}, category="billing"),
            model_row("b", {"m": 0.0}, category="billing"),
            model_row("c", {"m": 0.25}, category="account"),
            model_row("d", {"m": 0.75}),
        ]
    )
    categories = agg.category_results()
    assert categories["billing"]["m"].mean == 0.5
    assert categories["billing"]["m"].low_count == 1
    assert categories["account"]["m"].mean == 0.25
    assert categories["(none)"]["m"].mean == 0.75
    assert agg.metric_results()["m"].mean == 0.5


def test_categorical_labels_are_counted_not_averaged():
    agg = aggregate([model_row("a", {"tone": "formal"}), model_row("b", {"tone": "formal"})])
    assert agg.metric_results()["tone"].labels == {"formal": 2}
    assert agg.metric_results()["tone"].mean is None


def test_low_scores_keep_the_worst_with_the_judges_reasoning():
    rows = [model_row(f"p{i}", {"m": i / 10}, explanations={"m": f"why {i}"}) for i in range(10)]
    agg = aggregate(rows, threshold=0.5, max_low_scores=3)
    assert agg.low_score_count == 5
    assert agg.metric_results()["m"].low_count == 5
    lows = agg.low_scores
    assert [(low.prompt, low.score) for low in lows] == [("p0", 0.0), ("p1", 0.1), ("p2", 0.2)]
    assert lows[0].explanation == "why 0"
    assert lows[0].line == 1


def test_a_lower_is_better_metric_is_low_when_its_score_is_high():
    rows = [
        model_row("safe", {"Builtin.Harmfulness": 0.0, "Builtin.Correctness": 1.0}),
        model_row("harmful", {"Builtin.Harmfulness": 0.9, "Builtin.Correctness": 1.0}),
        model_row("wrong", {"Builtin.Harmfulness": 0.0, "Builtin.Correctness": 0.2}),
    ]
    agg = aggregate(rows, threshold=0.5)
    assert [(low.prompt, low.metric, low.score) for low in agg.low_scores] == [
        ("harmful", "Builtin.Harmfulness", 0.9),
        ("wrong", "Builtin.Correctness", 0.2),
    ]
    assert agg.metric_results()["Builtin.Harmfulness"].low_count == 1


def test_malformed_lines_are_counted():
    agg = ScoreAggregator()
    agg.add_all(iter_result_records(["{bad", jsonl([model_row("a", {"m": 1})])], "f"))
    assert agg.records == 1
    assert agg.malformed_count == 1
    assert (agg.malformed[0].source, agg.malformed[0].line) == ("f", 1)


# --- merging shards ----------------------------------------------------------------------------

# Multiples of 1/4 add exactly in floating point, so merged means must equal, not approximate.
_RESULTS = st.sampled_from([None, 0.0, 0.25, 0.5, 0.75, 1.0, "formal", "casual"])
_ROWS = st.lists(
    st.tuples(
        st.dictionaries(
            st.sampled_from(["Builtin.Correctness", "Builtin.Harmfulness", "tone"]),
            _RESULTS,
            min_size=1,
        ),
        st.sampled_from([None, "billing", "account"]),
        st.booleans(),  # a malformed line instead of a record
    ),
    max_size=40,
)


def _lines(rows) -> list[str]:
    lines = []
    for number, (scores, category, malformed) in enumerate(rows):
        if malformed:
            lines.append("{not json")
        else:
            lines.append(jsonl([model_row(f"p{number}", scores, category=category)]).strip())
    return lines


def _snapshot(agg: ScoreAggregator) -> tuple:
    return (
        agg.records,
        agg.metric_results(),
        agg.category_results(),
        agg.low_score_count,
        [(low.metric, low.score, low.prompt) for low in agg.low_scores],
        agg.malformed_count,
        [(bad.line, bad.reason) for bad in agg.malformed],
    )


@settings(max_examples=150, deadline=None)
@given(rows=_ROWS, cuts=st.lists(st.integers(0, 40), max_size=4), keep=st.integers(1, 6))
def test_merging_shards_equals_aggregating_all_at_once(rows, cuts, keep):
    lines = _lines(rows)
    bounds = sorted({0, len(lines), *(min(c, len(lines)) for c in cuts)})
    # Line numbers restart per output file, so the whole is one file read shard after shard.
    whole = ScoreAggregator(max_low_scores=keep).add_all(
        item
        for start, end in itertools.pairwise(bounds)
        for item in iter_result_records(lines[start:end], "f.jsonl")
    )
    merged = ScoreAggregator(max_low_scores=keep)
    for start, end in itertools.pairwise(bounds):
        shard = ScoreAggregator(max_low_scores=keep)
        merged.merge(shard.add_all(iter_result_records(lines[start:end], "f.jsonl")))
    assert _snapshot(merged) == _snapshot(whole)


def test_merged_means_are_weighted_by_scored_counts_not_averaged_per_shard():
    big = aggregate([model_row(f"a{i}", {"m": 1.0}) for i in range(3)])
    small = aggregate([model_row("b", {"m": 0.0}), model_row("c", {"m": None})])
    stats = big.merge(small).metric_results()["m"]
    assert stats.mean == 0.75  # (3 x 1.0 + 0.0) / 4 scored, not (1.0 + 0.0) / 2
    assert (stats.count, stats.scored, stats.na_count, stats.minimum) == (5, 4, 1, 0.0)


def test_merging_refuses_different_low_score_thresholds():
    with pytest.raises(ValueError, match="thresholds"):
        ScoreAggregator(low_score_threshold=0.5).merge(ScoreAggregator(low_score_threshold=0.7))


def test_score_histograms_have_ten_bins_and_leave_out_na_and_labels():
    scores = [0.0, 0.09, 0.1, 0.3, 0.5, 0.75, 0.99, 1.0, None, "formal"]
    agg = aggregate([model_row(str(i), {"m": s}, category="c") for i, s in enumerate(scores)])
    expected = (2, 1, 0, 1, 0, 1, 0, 1, 0, 2)
    assert agg.metric_results()["m"].histogram == expected
    assert sum(expected) == agg.metric_results()["m"].scored
    # Run level only: a category's table carries none (no chart uses it, and it would cost).
    assert agg.category_results()["c"]["m"].histogram == ()


@given(st.lists(st.floats(min_value=-0.5, max_value=1.5, allow_nan=False), max_size=30))
def test_the_aggregators_bins_follow_the_summarys_rule(scores):
    agg = aggregate([model_row(str(i), {"m": s}) for i, s in enumerate(scores)])
    expected = [0] * HISTOGRAM_BINS
    for score in scores:
        expected[histogram_bin(score)] += 1
    histogram = agg.metric_results()["m"].histogram if scores else tuple(expected)
    assert histogram == tuple(expected)
