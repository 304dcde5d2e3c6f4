"""Which of a synthesized stack's alarms one run's datapoints would move, and where to.

Pure: the AWS::CloudWatch::Alarm resources of a template are read into `AlarmSpec`s and judged
against the datapoints a run published (namespace, metric name, dimensions -> value), the way
CloudWatch evaluates a metric alarm (comparison operator, threshold, M out of N datapoints,
missing-data treatment; AWS docs, "Configuring how CloudWatch alarms treat missing data"):

- the alarm's metric is the datapoint with the same namespace, name and exactly the same
  dimensions; one run publishes one value per metric, so every statistic of it is that value
- the run's datapoint fills the latest period; the earlier periods of a multi-period alarm
  are missing (a fresh deployment), and count as breaching only under `breaching`
- ALARM when at least DatapointsToAlarm periods breach; otherwise OK when the run published
  the metric or missing data counts as `notBreaching`/`breaching`; otherwise (`ignore`,
  `missing`) the run leaves the alarm as it was (`missing` would move a fresh alarm to
  INSUFFICIENT_DATA, the state it starts in)
- a composite alarm built with AlarmRule.any_of (`ALARM(a) OR ALARM(b) ...`) is in ALARM when
  a child is, OK when every child is OK, and otherwise keeps its state

Alarms on metric math (a `Metrics` list) and composite rules other than OR are not evaluated;
they are listed as such rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from evalctl.simulation.emf import EmfRecord
from evalctl.simulation.template import resources_of

# (namespace, metric name, sorted (dimension, value) pairs) -> the value one run published.
MetricKey = tuple[str, str, tuple[tuple[str, str], ...]]


class Comparison(StrEnum):
    GREATER_OR_EQUAL = "GreaterThanOrEqualToThreshold"
    GREATER = "GreaterThanThreshold"
    LESS = "LessThanThreshold"
    LESS_OR_EQUAL = "LessThanOrEqualToThreshold"

    def breaches(self, value: float, threshold: float) -> bool:
        tests: dict[Comparison, Callable[[float, float], bool]] = {
            Comparison.GREATER_OR_EQUAL: lambda v, t: v >= t,
            Comparison.GREATER: lambda v, t: v > t,
            Comparison.LESS: lambda v, t: v < t,
            Comparison.LESS_OR_EQUAL: lambda v, t: v <= t,
        }
        return tests[self](value, threshold)

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]


_SYMBOLS = {
    Comparison.GREATER_OR_EQUAL: ">=",
    Comparison.GREATER: ">",
    Comparison.LESS: "<",
    Comparison.LESS_OR_EQUAL: "<=",
}


class MissingData(StrEnum):
    BREACHING = "breaching"
    NOT_BREACHING = "notBreaching"
    IGNORE = "ignore"
    MISSING = "missing"


class AlarmState(StrEnum):
    ALARM = "ALARM"
    OK = "OK"
    UNCHANGED = "unchanged"  # the run publishes nothing this alarm reads
    NOT_EVALUATED = "not evaluated"  # metric math or a composite rule this module cannot read


@dataclass(frozen=True)
class AlarmSpec:
    logical_id: str
    name: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    comparison: Comparison
    threshold: float
    evaluation_periods: int
    datapoints_to_alarm: int
    missing_data: MissingData

    @property
    def key(self) -> MetricKey:
        return (self.namespace, self.metric, self.dimensions)

    @classmethod
    def from_resource(cls, logical_id: str, properties: Mapping[str, Any]) -> AlarmSpec | None:
        """None for an alarm on metric math (no single metric to look up)."""
        if "MetricName" not in properties:
            return None
        periods = int(properties["EvaluationPeriods"])
        return cls(
            logical_id=logical_id,
            name=str(properties.get("AlarmName", logical_id)),
            namespace=properties["Namespace"],
            metric=properties["MetricName"],
            dimensions=tuple(
                sorted((d["Name"], str(d["Value"])) for d in properties.get("Dimensions", []))
            ),
            comparison=Comparison(properties["ComparisonOperator"]),
            threshold=float(properties["Threshold"]),
            evaluation_periods=periods,
            datapoints_to_alarm=int(properties.get("DatapointsToAlarm", periods)),
            missing_data=MissingData(properties.get("TreatMissingData", "missing")),
        )


@dataclass(frozen=True)
class AlarmOutcome:
    logical_id: str
    name: str
    state: AlarmState
    reason: str
    # The run published what the alarm reads (for a composite: what a child reads); without
    # it the state comes from missing-data treatment alone, whatever the run did.
    from_run: bool = False


def metric_values(records: Iterable[EmfRecord]) -> dict[MetricKey, float]:
    """The EMF records a run printed, keyed the way an alarm names its metric."""
    values: dict[MetricKey, float] = {}
    for record in records:
        dimensions = tuple(sorted(record.dimensions.items()))
        for name, value in record.values.items():
            values[(record.namespace, name, dimensions)] = value
    return values


def evaluate_alarm(spec: AlarmSpec, values: Mapping[MetricKey, float]) -> AlarmOutcome:
    value = values.get(spec.key)
    missing_periods = spec.evaluation_periods - (0 if value is None else 1)
    breaching = missing_periods if spec.missing_data is MissingData.BREACHING else 0
    if value is not None and spec.comparison.breaches(value, spec.threshold):
        breaching += 1
    rule = f"{spec.metric} {spec.comparison.symbol} {spec.threshold:g}"
    seen = "no datapoint" if value is None else f"{spec.metric} = {value:g}"
    if breaching >= spec.datapoints_to_alarm:
        state = AlarmState.ALARM
    elif value is not None or spec.missing_data in (
        MissingData.BREACHING,
        MissingData.NOT_BREACHING,
    ):
        state = AlarmState.OK
    else:
        return AlarmOutcome(
            spec.logical_id, spec.name, AlarmState.UNCHANGED, f"{seen}; missing data ignored"
        )
    periods = (
        f", {spec.datapoints_to_alarm} of {spec.evaluation_periods} periods"
        if spec.evaluation_periods > 1
        else ""
    )
    reason = f"{seen}; alarms when {rule}{periods}"
    return AlarmOutcome(spec.logical_id, spec.name, state, reason, from_run=value is not None)


# What an OR-only rule's text is made of once the child alarms' ARNs are taken out.
_OR_RULE_TOKENS = re.compile(r'ALARM\("|"\)|\bOR\b|[()\s]')


def _composite_children(rule: Any) -> list[str] | None:
    """The child alarms' logical ids of an OR-only rule (CDK's AlarmRule.any_of), else None."""
    if not (isinstance(rule, dict) and set(rule) == {"Fn::Join"}):
        return None
    separator, parts = rule["Fn::Join"]
    children, text = [], separator.join(p for p in parts if isinstance(p, str))
    for part in parts:
        if isinstance(part, dict) and set(part) == {"Fn::GetAtt"}:
            children.append(part["Fn::GetAtt"][0])
        elif not isinstance(part, str):
            return None
    if _OR_RULE_TOKENS.sub("", text):  # AND, NOT, OK(...), TRUE: not an OR of ALARM states
        return None
    return children


def evaluate_composite(
    logical_id: str, properties: Mapping[str, Any], children: Mapping[str, AlarmOutcome]
) -> AlarmOutcome:
    name = str(properties.get("AlarmName", logical_id))
    ids = _composite_children(properties.get("AlarmRule"))
    if ids is None or any(child not in children for child in ids):
        return AlarmOutcome(logical_id, name, AlarmState.NOT_EVALUATED, "rule not understood")
    states = [children[child].state for child in ids]
    from_run = any(children[child].from_run for child in ids)
    if AlarmState.ALARM in states:
        firing = [children[c].name for c in ids if children[c].state is AlarmState.ALARM]
        reason = "in ALARM: " + ", ".join(firing)
        return AlarmOutcome(logical_id, name, AlarmState.ALARM, reason, from_run)
    if all(state is AlarmState.OK for state in states):
        reason = "every child alarm is OK"
        return AlarmOutcome(logical_id, name, AlarmState.OK, reason, from_run)
    reason = "some child alarms keep their state"
    return AlarmOutcome(logical_id, name, AlarmState.UNCHANGED, reason, from_run)


def evaluate_template_alarms(
    template: Mapping[str, Any], values: Mapping[MetricKey, float]
) -> list[AlarmOutcome]:
    """Every metric and composite alarm of the template, in template order."""
    outcomes: dict[str, AlarmOutcome] = {}
    for logical_id, resource in resources_of(dict(template), "AWS::CloudWatch::Alarm").items():
        spec = AlarmSpec.from_resource(logical_id, resource["Properties"])
        if spec is None:
            name = str(resource["Properties"].get("AlarmName", logical_id))
            outcomes[logical_id] = AlarmOutcome(
                logical_id, name, AlarmState.NOT_EVALUATED, "metric math"
            )
        else:
            outcomes[logical_id] = evaluate_alarm(spec, values)
    composites = resources_of(dict(template), "AWS::CloudWatch::CompositeAlarm")
    metric_outcomes = dict(outcomes)
    for logical_id, resource in composites.items():
        outcomes[logical_id] = evaluate_composite(
            logical_id, resource["Properties"], metric_outcomes
        )
    return list(outcomes.values())
