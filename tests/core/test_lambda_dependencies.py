"""The Lambdas run the boto3 the tests validated against, and it knows the fields we send."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import boto3
import botocore.session

REPO = Path(__file__).resolve().parents[2]


def pins(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        match = re.match(r"^\s*([A-Za-z0-9_.\-\[\],]+)==([^\s;#]+)", line)
        if match:
            found[re.sub(r"\[.*\]", "", match.group(1)).lower()] = match.group(2)
    return found


def test_layer_pins_match_the_project_and_the_tested_boto3():
    layer = pins((REPO / "lambdas" / "requirements.txt").read_text().splitlines())
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    runtime = pins(project["project"]["dependencies"])
    assert layer["boto3"] == runtime["boto3"] == boto3.__version__
    assert layer["aws-lambda-powertools"] == runtime["aws-lambda-powertools"]
    assert layer["orjson"] == runtime["orjson"]


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
