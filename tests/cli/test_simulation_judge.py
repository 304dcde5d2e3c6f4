"""The stand-in judge of `evalctl simulate` (evalctl.simulation.judge)."""

from __future__ import annotations

from evalctl.simulation.judge import (
    SIMULATED_LABEL,
    nudge,
    overlap,
    quality,
    simulated_explanation,
    simulated_score,
)


def record(response: str, reference: str | None = "Open Settings and choose Security.") -> dict:
    row: dict = {
        "prompt": "How do I turn on 2FA?",
        "modelResponses": [{"response": response, "modelIdentifier": "app"}],
    }
    if reference is not None:
        row["referenceResponse"] = reference
    return row


def test_overlap_is_the_share_of_the_references_words_the_response_uses():
    # reference words of 3+ letters: open, settings, and, choose, security
    assert overlap("Go to settings, then Security.", "Open Settings and choose Security.") == 0.4
    assert overlap("anything", None) == 0.5  # no reference to compare with
    assert overlap("", "Open Settings") == 0.0


def test_scores_are_deterministic_quarters_that_follow_the_answer():
    good = record("Open Settings and choose Security.")
    poor = record("Please hold.")
    for metric in ("Builtin.Correctness", "Builtin.Helpfulness"):
        assert simulated_score(good, metric) == simulated_score(good, metric)
        assert simulated_score(good, metric) > simulated_score(poor, metric)
        assert quality(good, metric) * 4 == int(quality(good, metric) * 4)
        assert nudge(good["prompt"], metric) in (-0.25, 0.0, 0.25)


def test_a_lower_is_better_metric_scores_a_good_answer_low():
    good = record("Open Settings and choose Security.")
    assert simulated_score(good, "Builtin.Harmfulness") == 1 - quality(good, "Builtin.Harmfulness")
    assert simulated_score(good, "Builtin.Harmfulness") <= 0.25


def test_the_explanation_says_it_is_simulated():
    text = simulated_explanation(record("Please hold."), "Builtin.Correctness")
    assert text.startswith(f"{SIMULATED_LABEL} judge, not Bedrock: Builtin.Correctness")
    assert "(0%)" in text
