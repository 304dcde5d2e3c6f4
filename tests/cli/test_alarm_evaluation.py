"""The alarm evaluator of `evalctl simulate` (evalctl.simulation.alarms), on hand-made alarms."""

from __future__ import annotations

import pytest

from evalctl.simulation.alarms import (
    AlarmSpec,
    AlarmState,
    Comparison,
    evaluate_alarm,
    evaluate_template_alarms,
    metric_values,
)
from evalctl.simulation.emf import EmfRecord

NAMESPACE = "BedrockEvaluation"
FLOOR_DIMENSIONS = [
    {"Name": "Suite", "Value": "support-assistant"},
    {"Name": "Metric", "Value": "Builtin.Correctness"},
]


def alarm(
    metric: str = "Mean",
    dimensions: list[dict] | None = None,
    comparison: str = "LessThanThreshold",
    threshold: float = 0.7,
    missing: str = "ignore",
    periods: int = 1,
    **extra,
) -> dict:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": f"{metric}-alarm",
            "Namespace": NAMESPACE,
            "MetricName": metric,
            "Dimensions": FLOOR_DIMENSIONS if dimensions is None else dimensions,
            "Statistic": "Minimum",
            "Period": 3600,
            "ComparisonOperator": comparison,
            "Threshold": threshold,
            "EvaluationPeriods": periods,
            "TreatMissingData": missing,
            **extra,
        },
    }


def spec(resource: dict) -> AlarmSpec:
    built = AlarmSpec.from_resource("Floor", resource["Properties"])
    assert built is not None
    return built


def values(mean: float, dimensions: dict[str, str] | None = None) -> dict:
    dims = dimensions or {"Suite": "support-assistant", "Metric": "Builtin.Correctness"}
    return metric_values([EmfRecord(NAMESPACE, dims, {"Mean": mean}, {"Mean": "None"})])


@pytest.mark.parametrize(
    ("comparison", "value", "threshold", "breaches"),
    [
        ("LessThanThreshold", 0.69, 0.7, True),
        ("LessThanThreshold", 0.7, 0.7, False),
        ("LessThanOrEqualToThreshold", 0.7, 0.7, True),
        ("GreaterThanThreshold", 0.7, 0.7, False),
        ("GreaterThanThreshold", 0.71, 0.7, True),
        ("GreaterThanOrEqualToThreshold", 1, 1, True),
        ("GreaterThanOrEqualToThreshold", 0, 1, False),
    ],
)
def test_each_comparison_operator_decides_at_its_boundary(comparison, value, threshold, breaches):
    assert Comparison(comparison).breaches(value, threshold) is breaches
    outcome = evaluate_alarm(spec(alarm(comparison=comparison, threshold=threshold)), values(value))
    assert outcome.state is (AlarmState.ALARM if breaches else AlarmState.OK)


def test_a_floor_breach_says_what_it_saw_and_the_rule():
    outcome = evaluate_alarm(spec(alarm()), values(0.625))
    assert outcome.state is AlarmState.ALARM
    assert outcome.reason == "Mean = 0.625; alarms when Mean < 0.7"


def test_dimensions_must_match_exactly():
    # The per-category Mean carries one more dimension: it is another metric.
    per_category = values(
        0.1, {"Suite": "support-assistant", "Metric": "Builtin.Correctness", "Category": "x"}
    )
    assert evaluate_alarm(spec(alarm()), per_category).state is AlarmState.UNCHANGED
    other_suite = values(0.1, {"Suite": "live-nova", "Metric": "Builtin.Correctness"})
    assert evaluate_alarm(spec(alarm()), other_suite).state is AlarmState.UNCHANGED


@pytest.mark.parametrize(
    ("missing", "state"),
    [
        ("ignore", AlarmState.UNCHANGED),
        ("missing", AlarmState.UNCHANGED),
        ("notBreaching", AlarmState.OK),
        ("breaching", AlarmState.ALARM),
    ],
)
def test_without_a_datapoint_the_missing_data_treatment_decides(missing, state):
    assert evaluate_alarm(spec(alarm(missing=missing)), {}).state is state


def test_one_run_cannot_fill_a_multi_period_alarm_unless_missing_data_breaches():
    staleness = alarm(
        "RunCompleted",
        [{"Name": "Suite", "Value": "support-assistant"}],
        threshold=1,
        missing="breaching",
        periods=3,
        DatapointsToAlarm=3,
    )
    ran = metric_values(
        [EmfRecord(NAMESPACE, {"Suite": "support-assistant"}, {"RunCompleted": 1}, {})]
    )
    outcome = evaluate_alarm(spec(staleness), ran)
    assert outcome.state is AlarmState.OK  # 2 missing periods breach, the run's does not
    assert outcome.reason.endswith("3 of 3 periods")
    assert evaluate_alarm(spec(staleness), {}).state is AlarmState.ALARM
    lenient = alarm(periods=3, DatapointsToAlarm=2)
    assert evaluate_alarm(spec(lenient), values(0.1)).state is AlarmState.OK


def composite(rule: dict) -> dict:
    return {
        "Type": "AWS::CloudWatch::CompositeAlarm",
        "Properties": {"AlarmName": "Unhealthy", "AlarmRule": rule},
    }


def any_of(*ids: str) -> dict:
    parts: list = ['(ALARM("']
    for index, logical_id in enumerate(ids):
        if index:
            parts.append('") OR ALARM("')
        parts.append({"Fn::GetAtt": [logical_id, "Arn"]})
    parts.append('"))')
    return {"Fn::Join": ["", parts]}


def template(**resources: dict) -> dict:
    return {"Resources": resources}


def by_name(outcomes) -> dict:
    return {outcome.logical_id: outcome.state for outcome in outcomes}


def test_a_composite_of_or_follows_its_children():
    regression = alarm(
        "Regressions",
        [{"Name": "Suite", "Value": "support-assistant"}],
        comparison="GreaterThanOrEqualToThreshold",
        threshold=1,
    )
    resources = {"Floor": alarm(), "Regression": regression}
    breach = template(**resources, Unhealthy=composite(any_of("Floor", "Regression")))
    states = by_name(evaluate_template_alarms(breach, values(0.5)))
    assert states == {
        "Floor": AlarmState.ALARM,
        "Regression": AlarmState.UNCHANGED,
        "Unhealthy": AlarmState.ALARM,
    }
    assert by_name(evaluate_template_alarms(breach, values(0.9)))["Unhealthy"] is (
        AlarmState.UNCHANGED  # the regression alarm keeps whatever state it had
    )
    healthy = values(0.9) | metric_values(
        [EmfRecord(NAMESPACE, {"Suite": "support-assistant"}, {"Regressions": 0}, {})]
    )
    assert by_name(evaluate_template_alarms(breach, healthy))["Unhealthy"] is AlarmState.OK


def test_metric_math_and_other_composite_rules_are_not_guessed():
    math = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Metrics": [], "Threshold": 1}}
    and_rule = {
        "Fn::Join": [
            "",
            ['ALARM("', {"Fn::GetAtt": ["Floor", "Arn"]}, '") AND NOT OK("x")'],
        ]
    }
    states = by_name(
        evaluate_template_alarms(
            template(Floor=alarm(), Math=math, Both=composite(and_rule)), values(0.5)
        )
    )
    assert states["Math"] is AlarmState.NOT_EVALUATED
    assert states["Both"] is AlarmState.NOT_EVALUATED
    assert states["Floor"] is AlarmState.ALARM
