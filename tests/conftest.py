"""Test-wide settings: no real AWS is ever reachable, and Powertools stays local."""

from __future__ import annotations

import os

import pytest

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "bedrock-eval-pipeline",
        "POWERTOOLS_METRICS_NAMESPACE": "BedrockEvaluation",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
)

from evalcore.suite import load_suite


@pytest.fixture
def precomputed_suite():
    return load_suite("support-assistant")


@pytest.fixture
def live_suite():
    return load_suite("live-nova")
