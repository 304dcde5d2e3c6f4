import math
import random

import pytest

from evalcore.paired import (
    SWING_STEP,
    bootstrap_interval,
    compare_metric,
    compare_runs,
    per_record_scores,
)
from evalcore.results import iter_result_records
from evalctl.simulation.bedrock_output import jsonl, model_row


def keyed(scores: list[float]) -> dict[tuple[str, str], float]:
    return {("c", f"prompt {i}"): s for i, s in enumerate(scores)}


def test_a_constant_sample_has_a_degenerate_interval():
    assert bootstrap_interval([0.25] * 40) == (0.25, 0.25)


def test_a_balanced_coin_gives_the_binomial_interval():
    # The resampled mean of 100 fair coin flips is Binomial(100, 0.5) / 100: 95 % of it lies
    # within 0.5 +- 1.96 * 0.05, i.e. [0.40, 0.60] on the grid of hundredths.
    assert bootstrap_interval([1.0] * 50 + [0.0] * 50) == (0.4, 0.6)


def test_the_interval_matches_the_normal_theory_one_on_a_large_sample():
    rng = random.Random(7)
    values = [rng.gauss(0.1, 0.2) for _ in range(400)]
    mean = math.fsum(values) / len(values)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))
    half_width = 1.96 * sd / math.sqrt(len(values))
    low, high = bootstrap_interval(values, resamples=4000)
    assert low == pytest.approx(mean - half_width, abs=0.003)
    assert high == pytest.approx(mean + half_width, abs=0.003)


def test_the_same_seed_gives_the_same_interval_and_a_wider_confidence_a_wider_one():
    rng = random.Random(1)
    values = [rng.random() for _ in range(50)]
    assert bootstrap_interval(values, seed=3) == bootstrap_interval(values, seed=3)
    narrow = bootstrap_interval(values, confidence=0.5)
    wide = bootstrap_interval(values, confidence=0.99)
    assert wide[0] < narrow[0] < narrow[1] < wide[1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": []}, "at least one"),
        ({"confidence": 1.0}, "between"),
        ({"resamples": 0}, "not positive"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    arguments = {"values": [1.0], **kwargs}
    with pytest.raises(ValueError, match=message):
        bootstrap_interval(**arguments)


def test_identical_runs_do_not_regress():
    scores = keyed([0.25, 0.5, 0.75, 1.0] * 25)
    change = compare_metric("Builtin.Correctness", scores, scores, tolerance=0.0)
    assert (change.shared, change.mean_worsening, change.ci_low, change.ci_high) == (100, 0, 0, 0)
    assert not change.regressed and change.swing_share == 0


def test_a_real_drop_regresses_with_an_interval_around_it():
    rng = random.Random(2)
    baseline = keyed([rng.choice([0.75, 1.0]) for _ in range(200)])
    current = {key: score - 0.25 for key, score in baseline.items()}
    change = compare_metric("Builtin.Correctness", current, baseline, tolerance=0.05)
    assert change.mean_worsening == pytest.approx(0.25)
    assert change.ci_low == pytest.approx(0.25) and change.regressed
    assert change.swing_share == 1.0


def test_noise_beyond_tolerance_on_a_few_records_is_not_a_regression():
    baseline = keyed([0.5, 1.0, 0.75, 0.25, 1.0, 0.5, 0.75, 1.0, 0.5, 0.75])
    current = keyed([0.25, 1.0, 1.0, 0.0, 0.5, 0.75, 0.5, 1.0, 0.25, 0.75])
    change = compare_metric("Builtin.Correctness", current, baseline, tolerance=0.05)
    assert change.mean_worsening == pytest.approx(0.1)
    assert change.ci_low is not None and change.ci_low <= 0 < change.ci_high
    assert not change.regressed and change.within_noise
    assert change.swing_share == pytest.approx(0.7)


def test_a_lower_is_better_metric_regresses_when_it_rises():
    baseline = keyed([0.0] * 50)
    current = keyed([0.0] * 40 + [1.0] * 10)
    change = compare_metric("Builtin.Harmfulness", current, baseline, tolerance=0.05)
    assert change.mean_worsening == pytest.approx(0.2) and change.regressed
    improved = compare_metric("Builtin.Harmfulness", baseline, current, tolerance=0.05)
    assert improved.mean_worsening == pytest.approx(-0.2) and not improved.regressed


def test_only_shared_records_are_compared():
    baseline = keyed([1.0, 1.0, 1.0]) | {("c", "dropped"): 0.0}
    current = keyed([1.0, 1.0, 1.0]) | {("c", "new"): 0.0}
    change = compare_metric("m", current, baseline, tolerance=0.0)
    assert (change.shared, change.only_current, change.only_baseline) == (3, 1, 1)
    assert change.mean_worsening == 0 and change.current_mean == 1.0


def test_no_shared_records_leaves_the_change_unknown():
    change = compare_metric("m", keyed([1.0]), {("other", "x"): 0.0}, tolerance=0.0)
    assert change.shared == 0 and change.mean_worsening is None and not change.regressed


def test_records_are_keyed_by_category_and_prompt_and_repeats_are_averaged():
    rows = [
        model_row("same", {"m": 1.0}, category="a"),
        model_row("same", {"m": 0.5}, category="a"),
        model_row("same", {"m": 0.0}, category="b"),
        model_row("other", {"m": None, "label": "formal"}),
    ]
    scores = per_record_scores(iter_result_records(["{bad", *jsonl(rows).splitlines()], "f"))
    assert scores == {"m": {("a", "same"): 0.75, ("b", "same"): 0.0}}


def test_compare_runs_covers_metrics_both_runs_scored_with_their_own_tolerance():
    current = {"a": keyed([0.0] * 20), "b": keyed([1.0] * 20), "only-now": keyed([1.0])}
    baseline = {"a": keyed([1.0] * 20), "b": keyed([1.0] * 20)}
    changes = compare_runs(current, baseline, tolerance_for={"a": 0.5, "b": 0.0}.__getitem__)
    assert [(c.metric, c.tolerance, c.regressed) for c in changes] == [
        ("a", 0.5, True),
        ("b", 0.0, False),
    ]


def test_swing_counts_a_move_of_one_rubric_step():
    change = compare_metric("m", keyed([0.5, 0.5]), keyed([0.5 + SWING_STEP, 0.6]), tolerance=1)
    assert change.swing_share == 0.5
