"""Bedrock's own runtime metrics as CloudWatch publishes them: plain names, no aws_cdk import,
so the tests that read the synthesized dashboards and alarms use the same vocabulary as the
constructs that made them (infra.observability.metrics) without starting CDK."""

from __future__ import annotations

from enum import StrEnum

BEDROCK_NAMESPACE = "AWS/Bedrock"
BEDROCK_MODEL_DIMENSION = "ModelId"


class BedrockRuntimeMetric(StrEnum):
    """What AWS/Bedrock publishes per ModelId for every invocation, the judge's included."""

    INVOCATION_COUNT = "InvocationCount"
    INVOCATION_LATENCY = "InvocationLatency"
    INVOCATION_CLIENT_ERRORS = "InvocationClientErrors"
    INVOCATION_SERVER_ERRORS = "InvocationServerErrors"
    INVOCATION_THROTTLES = "InvocationThrottles"
    INPUT_TOKEN_COUNT = "InputTokenCount"
    OUTPUT_TOKEN_COUNT = "OutputTokenCount"
