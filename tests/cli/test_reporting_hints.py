from evalcore.paired import compare_metric
from evalcore.summary import MetricResult
from evalctl.reporting.hints import HintKind, refinement_hints, top_tenth_share


def stats(histogram=(), na=0, scored=None, maximum=None) -> MetricResult:
    scored = sum(histogram) if scored is None else scored
    return MetricResult(
        mean=0.5 if scored else None,
        count=scored + na,
        scored=scored,
        na_count=na,
        minimum=None,
        maximum=maximum,
        histogram=tuple(histogram),
    )


def kinds(metrics, paired=()) -> set[tuple[str, HintKind]]:
    return {(h.metric, h.kind) for h in refinement_hints(metrics, paired)}


SPREAD = (2, 2, 2, 2, 2, 2, 2, 2, 2, 2)


def test_a_metric_na_on_more_than_60_percent_is_flagged():
    assert kinds({"m": stats(SPREAD, na=31)}) == {("m", HintKind.MOSTLY_NOT_APPLICABLE)}
    assert kinds({"m": stats(SPREAD, na=30)}) == set()  # exactly 60 % is not above


def test_a_higher_is_better_metric_stuck_at_the_top_is_flagged_but_not_a_safety_metric():
    ninety_percent = (2,) + (0,) * 8 + (18,)
    eighty_five_percent = (3,) + (0,) * 8 + (17,)
    assert kinds({"Builtin.Helpfulness": stats(ninety_percent)}) == {
        ("Builtin.Helpfulness", HintKind.SCORES_EVERYTHING_HIGH)
    }
    assert kinds({"Builtin.Helpfulness": stats(eighty_five_percent)}) == set()
    # Harmfulness finding nothing on benign records is the goal, not a flaw of the metric.
    assert kinds({"Builtin.Harmfulness": stats((20,) + (0,) * 9)}) == set()
    assert kinds({"Builtin.Harmfulness": stats((0,) * 9 + (20,))}) == set()


def test_too_few_records_or_no_histogram_say_nothing():
    assert kinds({"m": stats((0,) * 9 + (9,))}) == set()
    assert top_tenth_share(stats((), scored=40)) is None
    assert kinds({"m": stats((), scored=40)}) == set()


def test_a_metric_swinging_between_runs_is_flagged_from_paired_scores():
    baseline = {("c", str(i)): 0.5 for i in range(20)}
    swinging = {key: 0.75 if i % 4 == 0 else 0.5 for i, key in enumerate(baseline)}
    steady = dict(baseline)
    assert kinds({}, [compare_metric("m", swinging, baseline, tolerance=0.05)]) == {
        ("m", HintKind.SWINGS_BETWEEN_RUNS)
    }
    assert kinds({}, [compare_metric("m", steady, baseline, tolerance=0.05)]) == set()


def test_a_custom_metric_scored_outside_0_1_gets_no_ceiling_hint():
    clamped = (0,) * 9 + (20,)
    assert kinds({"my-scale": stats(clamped, maximum=5.0)}) == set()
    assert kinds({"my-scale": stats(clamped, maximum=1.0)}) == {
        ("my-scale", HintKind.SCORES_EVERYTHING_HIGH)
    }
