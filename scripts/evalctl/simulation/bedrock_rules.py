"""The rules of CreateEvaluationJob that botocore leaves to the service, checked like it would.

botocore validates types, required members and lengths client-side, but not the `pattern` of a
string nor enums, nor the rules between fields the user guide states. The fake Bedrock service
and the request tests both call `service_violations`: every string is held against its shape's
pattern from the service model, and the cross-field rules are checked from the documentation.
"""

from __future__ import annotations

import re
from typing import Any

from botocore.model import Shape

from evalcore.metrics import BUILTIN_PREFIX


def _pattern_violations(value: Any, shape: Shape, path: str) -> list[str]:
    found: list[str] = []
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                found += _pattern_violations(value[name], member, f"{path}.{name}")
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            found += _pattern_violations(item, shape.member, f"{path}[{index}]")
    elif shape.type_name == "string" and isinstance(value, str):
        pattern = shape.metadata.get("pattern")
        if pattern and not re.fullmatch(f"(?:{pattern})", value):
            found.append(f"{path}: {value!r} does not match {shape.name}'s pattern")
    return found


def service_violations(client, request: dict) -> list[str]:
    """Why the service would refuse a request botocore accepted (empty when it would not)."""
    shape = client.meta.service_model.operation_model("CreateEvaluationJob").input_shape
    found = _pattern_violations(request, shape, "")
    config = request["evaluationConfig"]
    inference = request["inferenceConfig"]
    if len(config) != 1 or len(inference) != 1:
        found.append("evaluationConfig and inferenceConfig each take exactly one member")
    rag = "ragConfigs" in inference
    if (request.get("applicationType") == "RagEvaluation") != rag:
        found.append(
            "applicationType RagEvaluation goes with ragConfigs, ModelEvaluation with models"
        )
    if "automated" in config:
        automated = config["automated"]
        if len(inference.get("models", [])) > 1:
            found.append("automated jobs evaluate one model")
        names = {n for c in automated["datasetMetricConfigs"] for n in c["metricNames"]}
        custom_config = automated.get("customMetricConfig")
        custom = {
            m["customMetricDefinition"]["name"]
            for m in (custom_config or {}).get("customMetrics", [])
        }
        if custom - names:
            found.append(f"custom metrics {sorted(custom - names)} are not in metricNames")
        if {n for n in names if not n.startswith(BUILTIN_PREFIX)} - custom:
            found.append("a metric name is neither built-in nor a custom metric")
        judged = any(n.startswith(BUILTIN_PREFIX) for n in names) and (
            rag or any(not n.endswith(("Accuracy", "Robustness", "Toxicity")) for n in names)
        )
        if judged and "evaluatorModelConfig" not in automated:
            found.append("judge metrics need evaluatorModelConfig")
        blocks = (
            automated.get("evaluatorModelConfig"),
            (custom_config or {}).get("evaluatorModelConfig"),
        )
        evaluators = [
            e["modelIdentifier"] for b in blocks if b for e in b["bedrockEvaluatorModels"]
        ]
        for evaluator in evaluators:
            if ":application-inference-profile/" in evaluator:
                found.append(f"{evaluator} cannot be the evaluator")
    if "human" in config and len(inference.get("models", [])) > 2:
        found.append("human jobs compare at most two models")
    return found
