"""A new suite file, metric, ceiling or model gets its alarms and widgets with no code change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalcore.suite import load_all_suites
from tests.infra.assembly import Synthesized, cached_assembly
from tests.infra.test_observability import (
    STACK,
    alarms_by_name,
    check_composite,
    check_quality_widgets,
    check_suite_alarms,
    dashboard,
    expect_alarm,
    expected_model_alarms,
    expected_suite_alarms,
    topic_ref,
    widgets_with,
)

EXTRA_JUDGE = "anthropic.claude-3-haiku-20240307-v1:0"
EXTRA_SUITE = {
    "name": "extra",
    "description": "A suite the code has never heard of",
    "evaluatorModel": EXTRA_JUDGE,
    "inference": {"mode": "precomputed", "sourceIdentifier": "extra-app"},
    "metrics": ["Builtin.Correctness", "Builtin.Stereotyping", "Builtin.Relevance"],
    "thresholds": {"Builtin.Correctness": {"min": 0.8}, "Builtin.Stereotyping": {"max": 0.1}},
    "maxDaysBetweenRuns": 3,
}
CONTEXT = {
    "alarmEmail": "team@example.com",
    "bedrockInvocationLogGroup": "bedrock/invocations",
    "bedrockLatencyP90Milliseconds": "12000",
    "bedrockServerErrorsPerPeriod": 2,
    "bedrockThrottlesPerPeriod": 7,
}


def write_suite(directory: Path, suite: dict) -> None:
    (directory / f"{suite['name']}.json").write_text(json.dumps(suite), encoding="utf-8")


@pytest.fixture(scope="module")
def extra_dir(tmp_path_factory) -> Path:
    suites_dir = tmp_path_factory.mktemp("suites")
    write_suite(suites_dir, EXTRA_SUITE)
    return suites_dir


@pytest.fixture(scope="module")
def extra(extra_dir) -> Synthesized:
    """The stack with the extra suite and CONTEXT, synthesized once per content key (the
    suite file's content, not its tmp folder, is in the key). The alarms, queries and
    subscription these tests read need no asset, so none is bundled."""
    return cached_assembly(
        "observability-extra",
        suites_dir=extra_dir,
        stack_name=STACK,
        context={**CONTEXT, "aws:cdk:bundling-stacks": []},
    )


def test_an_extra_suite_metric_and_ceiling_get_alarms_and_widgets(extra, extra_dir):
    (suite,) = load_all_suites(extra_dir)
    names = set(alarms_by_name(extra))
    assert expected_suite_alarms(suite) <= names
    assert f"{STACK}-extra-Stereotyping-Ceiling" in names
    assert f"{STACK}-extra-Stale" in names
    check_suite_alarms(extra, suite)
    check_composite(extra, suite)
    check_quality_widgets(dashboard(extra, "EvaluationQuality"), suite)
    assert expected_model_alarms(EXTRA_JUDGE) <= names
    assert widgets_with(
        dashboard(extra, "BedrockRuntime"),
        "AWS/Bedrock",
        "InvocationCount",
        {"ModelId": EXTRA_JUDGE},
    )


def test_context_values_set_the_bedrock_bounds(extra):
    alarms = alarms_by_name(extra)
    prefix = f"{STACK}-Bedrock-{EXTRA_JUDGE}"
    assert alarms[f"{prefix}-Latency"]["Threshold"] == 12000
    assert alarms[f"{prefix}-ServerErrors"]["Threshold"] == 2
    assert alarms[f"{prefix}-Throttles"]["Threshold"] == 7
    expect_alarm(
        alarms[f"{prefix}-Throttles"],
        namespace="AWS/Bedrock",
        metric="InvocationThrottles",
        dimensions=[{"Name": "ModelId", "Value": EXTRA_JUDGE}],
        statistic="Sum",
        period=300,
        threshold=7,
        comparison="GreaterThanThreshold",
        missing="notBreaching",
        topic=topic_ref(extra),
    )


def test_alarm_email_subscribes_to_the_topic(extra):
    (subscription,) = extra.resources("AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == "team@example.com"
    assert subscription["Properties"]["TopicArn"] == topic_ref(extra)


def test_bedrock_invocation_log_queries_read_the_named_log_group(extra):
    queries = {
        resource["Properties"]["Name"].split("/", 1)[1]: resource["Properties"]
        for resource in extra.resources("AWS::Logs::QueryDefinition").values()
    }
    bedrock = {"BedrockSlowInvocations", "BedrockErrorsByModel", "BedrockTokensByModel"}
    assert bedrock <= set(queries)
    for name in bedrock:
        assert queries[name]["LogGroupNames"] == ["bedrock/invocations"]
    assert "by modelId, errorCode" in queries["BedrockErrorsByModel"]["QueryString"]
    assert "sum(output.outputTokenCount)" in queries["BedrockTokensByModel"]["QueryString"]
    assert "sort latencyMs desc" in queries["BedrockSlowInvocations"]["QueryString"]


@pytest.mark.cdk_app
def test_staleness_beyond_what_cloudwatch_can_evaluate_is_refused(tmp_path):
    """Refused by SuiteAlarms, which the stack builds for every suite file (the test above):
    only it is constructed here, not the whole stack, to reach the refusal."""
    import aws_cdk as cdk
    from aws_cdk import aws_sns as sns

    from infra.observability.alarms import SuiteAlarms

    write_suite(tmp_path, {**EXTRA_SUITE, "maxDaysBetweenRuns": 8})
    (suite,) = load_all_suites(tmp_path)
    stack = cdk.Stack(cdk.App(), STACK)
    topic = sns.Topic(stack, "Topic")
    with pytest.raises(ValueError, match=r"extra\.json: maxDaysBetweenRuns is 8.*1 to 7"):
        SuiteAlarms(stack, "SuiteExtra", suite=suite, topic=topic, name_prefix=STACK)


@pytest.mark.cdk_app
@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"alarmEmail": "not-an-address"}, "alarmEmail must be an e-mail address"),
        ({"bedrockLatencyP90Milliseconds": "fast"}, "must be a whole number"),
        ({"bedrockThrottlesPerPeriod": 0}, "must be positive"),
    ],
)
def test_bad_context_values_are_named(context, message):
    import aws_cdk as cdk

    from infra.observability.settings import ObservabilitySettings

    app = cdk.App(context=context)
    with pytest.raises(ValueError, match=message):
        ObservabilitySettings.from_context(app)


@pytest.mark.cdk_app
def test_defaults_without_context():
    import aws_cdk as cdk

    from infra.observability.settings import ObservabilitySettings

    settings = ObservabilitySettings.from_context(cdk.App())
    assert settings == ObservabilitySettings()
