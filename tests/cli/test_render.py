from evalcore.metrics import Direction
from evalcore.model_comparison import ModelComparison
from evalcore.summary import (
    Comparison,
    MetricChange,
    MetricResult,
    ResultsSource,
    Summary,
    ThresholdBreach,
    Verdict,
)
from evalctl.render import render_summary

HARM = "Builtin.Harmfulness"


def test_text_rounds_for_display_and_names_ceilings_and_regressions():
    stats = MetricResult(mean=0.0514019, count=4, scored=3, na_count=1, minimum=0.0, maximum=0.1)
    summary = Summary(
        suite="s",
        generated_at="2026-01-01T00:00:00+00:00",
        job=None,
        dataset=None,
        source=ResultsSource(("f",)),
        records=4,
        malformed_lines=0,
        malformed=(),
        metrics={HARM: stats},
        categories={"(none)": {HARM: stats}},
        low_score_threshold=0.5,
        low_score_count=0,
        low_scores=(),
        threshold_breaches=(ThresholdBreach(HARM, 0.0514019, None, 0.02),),
        comparison=Comparison(
            "old", None, None, {HARM: MetricChange(0.0, 0.0514019, 0.05, Direction.LOWER_IS_BETTER)}
        ),
        verdict=Verdict.FAILED,
    )
    text = render_summary(summary)
    assert f"{HARM:<34}   0.051       3     1     25.0%" in text
    assert f"OUT OF BOUNDS: {HARM} mean 0.051, required <= 0.02" in text
    assert f"  {HARM}: +0.051  REGRESSION" in text
    assert text.endswith("FAILED")


def test_a_comparison_shows_the_models_side_by_side_and_the_breaching_model():
    stats = MetricResult(mean=0.7, count=2, scored=2, na_count=0, minimum=0.6, maximum=0.8)
    comparison = ModelComparison(
        models=("m.lite", "m.pro"),
        metrics={"Builtin.Correctness": {"m.lite": 0.6, "m.pro": 0.8}},
        categories={"billing": {"Builtin.Correctness": {"m.lite": 0.5, "m.pro": None}}},
        best_by_metric={"Builtin.Correctness": "m.pro"},
        best_model="m.pro",
    )
    summary = Summary(
        suite="model-comparison",
        generated_at="2026-01-01T00:00:00+00:00",
        job=None,
        dataset=None,
        source=ResultsSource(("f",)),
        records=4,
        malformed_lines=0,
        malformed=(),
        metrics={"Builtin.Correctness": stats},
        categories={},
        low_score_threshold=0.5,
        low_score_count=0,
        low_scores=(),
        threshold_breaches=(ThresholdBreach("Builtin.Correctness", 0.6, 0.7, None, "m.lite"),),
        comparison=None,
        verdict=Verdict.FAILED,
        model_comparison=comparison,
    )
    lines = render_summary(summary).splitlines()
    assert "OUT OF BOUNDS: Builtin.Correctness of m.lite mean 0.600, required >= 0.7" in lines
    assert f"{'metric':<40}{'m.lite':>12}{'m.pro':>12}" in lines
    assert f"{'Builtin.Correctness':<40}{'0.600':>12}{'0.800*':>12}" in lines
    assert f"{'  billing: Builtin.Correctness':<40}{'0.500':>12}{'n/a':>12}" in lines
    assert "Best model: m.pro" in lines
