import pytest

from evalcore.metrics import JUDGE_MODEL_METRICS, Direction, direction_of


@pytest.mark.parametrize(
    "metric", ["Builtin.Harmfulness", "Builtin.Stereotyping", "Builtin.Refusal"]
)
def test_responsible_ai_metrics_are_lower_is_better(metric):
    assert metric in JUDGE_MODEL_METRICS
    assert direction_of(metric) is Direction.LOWER_IS_BETTER


@pytest.mark.parametrize("metric", ["Builtin.Correctness", "Builtin.Coherence", "MyCustomMetric"])
def test_quality_and_custom_metrics_are_higher_is_better(metric):
    assert direction_of(metric) is Direction.HIGHER_IS_BETTER


def test_goodness_and_worsening_follow_the_direction():
    assert Direction.LOWER_IS_BETTER.goodness(0.25) == 0.75
    assert Direction.HIGHER_IS_BETTER.goodness(0.25) == 0.25
    assert Direction.LOWER_IS_BETTER.worsening(0.1) == 0.1
    assert Direction.HIGHER_IS_BETTER.worsening(0.1) == -0.1


@pytest.mark.parametrize(
    ("metric", "direction"),
    [
        ("Builtin.Toxicity", Direction.LOWER_IS_BETTER),
        ("Builtin.Robustness", Direction.LOWER_IS_BETTER),
        ("Builtin.Accuracy", Direction.HIGHER_IS_BETTER),
        ("Builtin.ContextRelevance", Direction.HIGHER_IS_BETTER),
        ("Builtin.CitationPrecision", Direction.HIGHER_IS_BETTER),
        ("Builtin.LogicalCoherence", Direction.HIGHER_IS_BETTER),
    ],
)
def test_programmatic_and_rag_metrics_have_a_direction(metric, direction):
    assert direction_of(metric) is direction
