"""The Lambdas run the boto3 the tests validated against, and it knows the fields we send."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import botocore.session

from tests.pins import lambda_pins

REPO = Path(__file__).resolve().parents[2]


def test_the_project_takes_its_runtime_pins_from_the_layer_requirements():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "dependencies" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["dependencies"]["file"] == [
        "lambdas/requirements.txt"
    ]


def test_the_tests_run_against_exactly_the_pinned_versions():
    for package, version in lambda_pins().items():
        assert importlib.metadata.version(package) == version, package


def test_the_pinned_botocore_knows_every_field_the_pipeline_sends():
    model = botocore.session.get_session().get_service_model("bedrock")
    request = model.operation_model("CreateEvaluationJob").input_shape
    automated = request.members["evaluationConfig"].members["automated"]
    assert {"datasetMetricConfigs", "evaluatorModelConfig", "customMetricConfig"} <= set(
        automated.members
    )
    model_config = request.members["inferenceConfig"].members["models"].member
    assert {"bedrockModel", "precomputedInferenceSource"} <= set(model_config.members)
    assert "applicationType" in request.members
