"""Alarms, dashboards, the alarm topic and saved queries, all generated from the suite files.

Every alarm of the synthesized stack is checked field by field (namespace, metric, dimensions,
statistic, period, threshold, comparison, missing-data treatment, action), and the set of
alarms must be exactly the expected one, so an alarm added without a test fails here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from evalcore.run_metrics import Dimension, PipelineMetric, RunMetric, ScoreMetric
from evalcore.suite import load_all_suites
from infra.observability.bedrock_runtime import BedrockRuntimeMetric
from infra.observability.settings import (
    DEFAULT_LATENCY_P90_MS,
    DEFAULT_SERVER_ERRORS,
    DEFAULT_THROTTLES,
)
from tests.infra.conftest import as_list, render

NAMESPACE = "BedrockEvaluation"
STACK = "Pipeline"
HOUR = 3600
FIVE_MINUTES = 300
FUNCTIONS = (
    "submit",
    "acquire_slot",
    "submit_job",
    "poll",
    "stop_job",
    "release_slot",
    "collect_shards",
    "parse",
    "record_failure",
    "release_leaked_slots",
    "start",
)


def alarms_by_name(synthesized) -> dict[str, dict[str, Any]]:
    return {
        resource["Properties"]["AlarmName"]: resource["Properties"]
        for resource in synthesized.resources("AWS::CloudWatch::Alarm").values()
    }


def topic_ref(synthesized) -> dict[str, str]:
    return {"Ref": synthesized.logical_id(synthesized.parts.topic)}


def dims(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"Name": name, "Value": value} for name, value in pairs]


def expect_alarm(
    alarm: dict[str, Any],
    *,
    namespace: str,
    metric: str,
    dimensions: list[dict[str, Any]],
    statistic: str,
    period: int,
    threshold: float,
    comparison: str,
    missing: str,
    topic: dict[str, str],
    evaluation_periods: int = 1,
) -> None:
    got_stat = alarm.get("Statistic") or alarm.get("ExtendedStatistic")
    assert (alarm["Namespace"], alarm["MetricName"]) == (namespace, metric)
    assert sorted(alarm["Dimensions"], key=lambda d: d["Name"]) == sorted(
        dimensions, key=lambda d: d["Name"]
    )
    assert (got_stat, alarm["Period"]) == (statistic, period)
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (threshold, comparison)
    assert alarm["TreatMissingData"] == missing
    assert alarm["EvaluationPeriods"] == evaluation_periods
    assert alarm.get("DatapointsToAlarm", evaluation_periods) == evaluation_periods
    assert alarm["AlarmActions"] == [topic]
    assert len(alarm["AlarmDescription"]) > 40, "the description says what to do"


def expected_suite_alarms(suite) -> set[str]:
    names = {f"{STACK}-{suite.name}-Regression", f"{STACK}-{suite.name}-RunFailed"}
    for threshold in suite.thresholds:
        short = threshold.metric.removeprefix("Builtin.")
        if threshold.minimum is not None:
            names.add(f"{STACK}-{suite.name}-{short}-Floor")
        if threshold.maximum is not None:
            names.add(f"{STACK}-{suite.name}-{short}-Ceiling")
    if suite.max_days_between_runs is not None:
        names.add(f"{STACK}-{suite.name}-Stale")
    return names


def check_suite_alarms(synthesized, suite) -> None:
    alarms = alarms_by_name(synthesized)
    topic = topic_ref(synthesized)
    prefix = f"{STACK}-{suite.name}"
    for threshold in suite.thresholds:
        short = threshold.metric.removeprefix("Builtin.")
        score = dims((Dimension.SUITE, suite.name), (Dimension.METRIC, threshold.metric))
        if threshold.minimum is not None:
            expect_alarm(
                alarms[f"{prefix}-{short}-Floor"],
                namespace=NAMESPACE,
                metric="Mean",
                dimensions=score,
                statistic="Minimum",
                period=HOUR,
                threshold=threshold.minimum,
                comparison="LessThanThreshold",
                missing="ignore",
                topic=topic,
            )
        if threshold.maximum is not None:
            expect_alarm(
                alarms[f"{prefix}-{short}-Ceiling"],
                namespace=NAMESPACE,
                metric="Mean",
                dimensions=score,
                statistic="Maximum",
                period=HOUR,
                threshold=threshold.maximum,
                comparison="GreaterThanThreshold",
                missing="ignore",
                topic=topic,
            )
    per_suite = dims((Dimension.SUITE, suite.name))
    expect_alarm(
        alarms[f"{prefix}-Regression"],
        namespace=NAMESPACE,
        metric="Regressions",
        dimensions=per_suite,
        statistic="Maximum",
        period=HOUR,
        threshold=1,
        comparison="GreaterThanOrEqualToThreshold",
        missing="ignore",
        topic=topic,
    )
    expect_alarm(
        alarms[f"{prefix}-RunFailed"],
        namespace=NAMESPACE,
        metric="RunSucceeded",
        dimensions=per_suite,
        statistic="Minimum",
        period=HOUR,
        threshold=1,
        comparison="LessThanThreshold",
        missing="ignore",
        topic=topic,
    )
    if suite.max_days_between_runs is not None:
        expect_alarm(
            alarms[f"{prefix}-Stale"],
            namespace=NAMESPACE,
            metric="RunCompleted",
            dimensions=per_suite,
            statistic="Sum",
            period=86400,
            threshold=1,
            comparison="LessThanThreshold",
            missing="breaching",
            topic=topic,
            evaluation_periods=suite.max_days_between_runs,
        )


def check_composite(synthesized, suite) -> None:
    (composite,) = [
        resource["Properties"]
        for resource in synthesized.resources("AWS::CloudWatch::CompositeAlarm").values()
        if resource["Properties"]["AlarmName"] == f"{STACK}-{suite.name}-Unhealthy"
    ]
    rule = render(composite["AlarmRule"])
    children = expected_suite_alarms(suite)
    alarm_ids = {
        resource["Properties"]["AlarmName"]: logical_id
        for logical_id, resource in synthesized.resources("AWS::CloudWatch::Alarm").items()
    }
    for child in children:
        assert f'ALARM("${{{alarm_ids[child]}.Arn}}")' in rule
    assert rule.count("ALARM(") == len(children)
    topic = topic_ref(synthesized)
    assert composite["AlarmActions"] == [topic]
    assert composite["OKActions"] == [topic]


def model_ids(suites) -> set[str]:
    return set().union(*(suite.model_identifiers for suite in suites))


def expected_model_alarms(model_id: str) -> set[str]:
    return {
        f"{STACK}-Bedrock-{model_id}-{kind}" for kind in ("Latency", "ServerErrors", "Throttles")
    }


PIPELINE_ALARMS = {
    f"{STACK}-Workflow-Failure-Count-Failed": ("AWS/States", "ExecutionsFailed"),
    f"{STACK}-Workflow-TimedOut-Count-TimedOut": ("AWS/States", "ExecutionsTimedOut"),
    f"{STACK}-Workflow-Aborted-Count-Aborted": ("AWS/States", "ExecutionsAborted"),
    **{f"{STACK}-Lambda-{name}-Fault-Count-Errors": ("AWS/Lambda", "Errors") for name in FUNCTIONS},
}


@pytest.fixture(scope="module")
def shipped_suites():
    return load_all_suites()


def test_the_stack_has_exactly_the_expected_alarms(synthesized, shipped_suites):
    expected = set(PIPELINE_ALARMS) | {f"{STACK}-TriggerFailedInvocations"}
    for suite in shipped_suites:
        expected |= expected_suite_alarms(suite)
    for model_id in model_ids(shipped_suites):
        expected |= expected_model_alarms(model_id)
    assert set(alarms_by_name(synthesized)) == expected


def test_suite_alarms_follow_the_suite_files(synthesized, shipped_suites):
    assert any(suite.thresholds for suite in shipped_suites)
    for suite in shipped_suites:
        check_suite_alarms(synthesized, suite)
        check_composite(synthesized, suite)


def test_bedrock_alarms_for_every_model_the_suites_name(synthesized, shipped_suites):
    alarms = alarms_by_name(synthesized)
    topic = topic_ref(synthesized)
    assert len(model_ids(shipped_suites)) >= 2  # judge and live target
    for model_id in model_ids(shipped_suites):
        model = dims(("ModelId", model_id))
        prefix = f"{STACK}-Bedrock-{model_id}"
        common = {"namespace": "AWS/Bedrock", "dimensions": model, "period": FIVE_MINUTES}
        common |= {"comparison": "GreaterThanThreshold", "missing": "notBreaching"}
        expect_alarm(
            alarms[f"{prefix}-Latency"],
            metric="InvocationLatency",
            statistic="p90",
            threshold=DEFAULT_LATENCY_P90_MS,
            evaluation_periods=3,
            topic=topic,
            **common,
        )
        expect_alarm(
            alarms[f"{prefix}-ServerErrors"],
            metric="InvocationServerErrors",
            statistic="Sum",
            threshold=DEFAULT_SERVER_ERRORS,
            topic=topic,
            **common,
        )
        expect_alarm(
            alarms[f"{prefix}-Throttles"],
            metric="InvocationThrottles",
            statistic="Sum",
            threshold=DEFAULT_THROTTLES,
            topic=topic,
            **common,
        )


def test_pipeline_alarms_fire_on_the_first_failure(synthesized):
    alarms = alarms_by_name(synthesized)
    topic = topic_ref(synthesized)
    parts = synthesized.parts
    dimension_values = {
        "AWS/States": ("StateMachineArn", {"Ref": synthesized.logical_id(parts.state_machine)}),
        **{
            name: ("FunctionName", {"Ref": synthesized.logical_id(parts.functions[name].path)})
            for name in FUNCTIONS
        },
    }
    for name, (namespace, metric) in PIPELINE_ALARMS.items():
        alarm = alarms[name]
        # cdk-monitoring-constructs renders its alarms as a one-metric `Metrics` query.
        (query,) = alarm["Metrics"]
        stat = query["MetricStat"]
        assert (stat["Metric"]["Namespace"], stat["Metric"]["MetricName"]) == (namespace, metric)
        key = "AWS/States" if namespace == "AWS/States" else name.split("-")[2]
        assert stat["Metric"]["Dimensions"] == dims(dimension_values[key])
        assert (stat["Stat"], stat["Period"]) == ("Sum", FIVE_MINUTES)
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
        assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (1, 1)
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["AlarmActions"] == [topic]
        assert "failure.json" in alarm["AlarmDescription"]

    rule = synthesized.parts.upload_rule
    expect_alarm(
        alarms[f"{STACK}-TriggerFailedInvocations"],
        namespace="AWS/Events",
        metric="FailedInvocations",
        dimensions=dims(("RuleName", {"Ref": synthesized.logical_id(rule)})),
        statistic="Sum",
        period=FIVE_MINUTES,
        threshold=0,
        comparison="GreaterThanThreshold",
        missing="notBreaching",
        topic=topic,
    )


def dashboard(synthesized, name: str) -> dict[str, Any]:
    (body,) = [
        json.loads(render(resource["Properties"]["DashboardBody"]))
        for resource in synthesized.resources("AWS::CloudWatch::Dashboard").values()
        if resource["Properties"]["DashboardName"] == f"{STACK}-{name}"
    ]
    return body


def widget_metrics(widget: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """(namespace, name, dimensions) of each metric line; `"..."` repeats the line above."""
    found = []
    previous: list[Any] = []
    for line in widget["properties"].get("metrics", []):
        values = [value for value in line if not isinstance(value, dict)]
        if values and values[0] == "...":
            values = previous[: len(previous) - len(values) + 1] + values[1:]
        previous = values
        if len(values) >= 2 and not isinstance(line[0], dict):
            pairs = values[2:]
            found.append((values[0], values[1], dict(zip(pairs[::2], pairs[1::2], strict=True))))
    return found


def widgets_with(body, namespace: str, metric: str, dimensions: dict[str, str]) -> list[dict]:
    return [
        widget
        for widget in body["widgets"]
        if (namespace, metric, dimensions) in widget_metrics(widget)
    ]


def check_quality_widgets(body, suite) -> None:
    for metric in suite.metrics:
        score = {Dimension.SUITE.value: suite.name, Dimension.METRIC.value: metric}
        means = widgets_with(body, NAMESPACE, ScoreMetric.MEAN.value, score)
        kinds = {widget["properties"]["view"] for widget in means}
        assert kinds == {"timeSeries", "singleValue"}, (suite.name, metric)
        for name in (ScoreMetric.NA_RATE, ScoreMetric.LOW_SCORE_COUNT):
            assert widgets_with(body, NAMESPACE, name.value, score), (suite.name, metric, name)
        (category,) = [
            widget
            for widget in body["widgets"]
            if widget["properties"].get("title") == f"{suite.name}: {metric} by category"
        ]
        (expression,) = category["properties"]["metrics"]
        search = expression[0]["expression"]
        assert f'Suite="{suite.name}"' in search and f'Metric="{metric}"' in search
        assert "{BedrockEvaluation,Category,Metric,Suite}" in search
    for name in RunMetric:
        if name is RunMetric.RUN_COMPLETED:
            continue  # staleness only, shown by its alarm
        assert widgets_with(body, NAMESPACE, name.value, {"Suite": suite.name}), name


def test_quality_dashboard_has_widgets_for_every_suite_metric(synthesized, shipped_suites):
    body = dashboard(synthesized, "EvaluationQuality")
    for suite in shipped_suites:
        check_quality_widgets(body, suite)


def test_bedrock_dashboard_has_every_runtime_metric_of_every_model(synthesized, shipped_suites):
    body = dashboard(synthesized, "BedrockRuntime")
    for model_id in model_ids(shipped_suites):
        for name in BedrockRuntimeMetric:
            assert widgets_with(body, "AWS/Bedrock", name.value, {"ModelId": model_id}), (
                model_id,
                name,
            )


def test_pipeline_health_dashboard_shows_executions_functions_and_the_rule(synthesized):
    body = dashboard(synthesized, "PipelineHealth")
    parts = synthesized.parts
    machine = {"StateMachineArn": "${" + synthesized.logical_id(parts.state_machine) + "}"}
    for metric in (
        "ExecutionsStarted",
        "ExecutionsSucceeded",
        "ExecutionsFailed",
        "ExecutionsTimedOut",
        "ExecutionsAborted",
    ):
        assert widgets_with(body, "AWS/States", metric, machine), metric
    for name in FUNCTIONS:
        function = {"FunctionName": "${" + synthesized.logical_id(parts.functions[name].path) + "}"}
        for metric in ("Errors", "Throttles", "Duration"):
            assert widgets_with(body, "AWS/Lambda", metric, function), (name, metric)
    rule = parts.upload_rule
    assert widgets_with(
        body,
        "AWS/Events",
        "FailedInvocations",
        {"RuleName": "${" + synthesized.logical_id(rule) + "}"},
    )


def test_the_alarm_topic_is_encrypted_and_tls_only(synthesized):
    (topic,) = synthesized.resources("AWS::SNS::Topic").values()
    key_id = synthesized.logical_id(synthesized.parts.topic_key)
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    (policy,) = synthesized.resources("AWS::SNS::TopicPolicy").values()
    (deny,) = [
        statement
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Deny"
    ]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    key = synthesized.json["Resources"][key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    (cloudwatch,) = [
        statement
        for statement in key["KeyPolicy"]["Statement"]
        if statement.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert set(cloudwatch["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert not synthesized.resources("AWS::SNS::Subscription"), "no e-mail unless asked for"


def test_pipeline_queries_cover_every_pipeline_log_group(synthesized):
    queries = {
        resource["Properties"]["Name"]: resource["Properties"]
        for resource in synthesized.resources("AWS::Logs::QueryDefinition").values()
    }
    assert set(queries) == {
        f"{STACK}/{n}" for n in ("RunsBySuite", "FailuresByReason", "SlowestSteps")
    }
    parts = synthesized.parts
    groups = [
        {"Ref": synthesized.logical_id(parts.functions[name].log_group)} for name in FUNCTIONS
    ]
    for query in queries.values():
        assert all(group in query["LogGroupNames"] for group in groups)
    assert 'filter message = "Run finished"' in queries[f"{STACK}/RunsBySuite"]["QueryString"]
    assert (
        "stats count(*) as runs by suite, outcome" in queries[f"{STACK}/RunsBySuite"]["QueryString"]
    )
    assert '@type = "REPORT"' in queries[f"{STACK}/SlowestSteps"]["QueryString"]


def test_the_pipeline_metrics_are_charted(synthesized):
    body = dashboard(synthesized, "PipelineHealth")
    for name in PipelineMetric:
        assert widgets_with(body, NAMESPACE, name.value, {}), name


def test_the_lambdas_that_end_a_run_may_publish_to_the_topic(synthesized):
    parts = synthesized.parts
    topic = topic_ref(synthesized)
    key_arn = {
        "Fn::GetAtt": [
            synthesized.logical_id(parts.topic_key),
            "Arn",
        ]
    }
    functions = synthesized.resources("AWS::Lambda::Function")
    for name in FUNCTIONS:
        function = parts.functions[name]
        environment = functions[synthesized.logical_id(function.path)]["Properties"]["Environment"]
        statements = synthesized.policy_statements(function.role)
        publishes = [s for s in statements if "sns:Publish" in as_list(s["Action"])]
        if name in ("parse", "record_failure"):
            assert environment["Variables"]["NOTIFICATION_TOPIC_ARN"] == topic
            assert [s["Resource"] for s in publishes] == [topic]
            kms = [s for s in statements if "kms:GenerateDataKey" in as_list(s["Action"])]
            assert [s["Resource"] for s in kms] == [key_arn]
        else:
            assert "NOTIFICATION_TOPIC_ARN" not in environment["Variables"]
            assert publishes == []


def test_timed_out_and_aborted_executions_reach_record_failure(synthesized):
    parts = synthesized.parts
    rule = parts.unfinished_execution_rule
    properties = synthesized.json["Resources"][synthesized.logical_id(rule)]["Properties"]
    assert properties["EventPattern"] == {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {
            "status": ["TIMED_OUT", "ABORTED"],
            "stateMachineArn": [{"Ref": synthesized.logical_id(parts.state_machine)}],
        },
    }
    # record_failure writes failure.json and notifies; release_leaked_slots stops the
    # execution's jobs and frees their job slots.
    record_failure, release_leaked = properties["Targets"]
    queue = synthesized.logical_id(parts.dead_letter_queue)
    for target, function in (
        (record_failure, parts.functions["record_failure"].path),
        (release_leaked, parts.functions["release_leaked_slots"].path),
    ):
        assert target["Arn"] == {"Fn::GetAtt": [synthesized.logical_id(function), "Arn"]}
        assert "Input" not in target and "InputTransformer" not in target  # the whole event
        # the upload trigger's queue: one place for runs that never got going
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue, "Arn"]}}
        assert target["RetryPolicy"]["MaximumRetryAttempts"] == 8


def test_the_topic_is_a_stack_output(synthesized):
    assert synthesized.json["Outputs"]["AlarmTopicArn"]["Value"] == topic_ref(synthesized)
