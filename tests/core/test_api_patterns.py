import gzip
import json
import re
from pathlib import Path

import botocore
import pytest

from evalcore import api_patterns

MODEL_FILE = Path(botocore.__file__).parent / "data" / "bedrock" / "2023-04-20" / "service-2.json"


def raw_model() -> dict:
    """The service model read straight from disk, independently of botocore's loader."""
    gz = MODEL_FILE.with_suffix(".json.gz")
    text = gzip.decompress(gz.read_bytes()) if gz.exists() else MODEL_FILE.read_bytes()
    return json.loads(text)


def test_every_rule_is_the_service_models_own_shape():
    shapes = raw_model()["shapes"]
    for field in api_patterns.PATHS:
        rule = api_patterns.rule(field)
        shape = shapes[rule.shape]
        assert rule.model_pattern == shape.get("pattern"), field
        assert (rule.min_length, rule.max_length) == (shape.get("min"), shape.get("max")), field
        assert rule.enum == tuple(shape.get("enum", ())), field


def test_the_values_this_project_relies_on():
    """If botocore's model changes these, the suite and naming checks change with it: read why."""
    assert api_patterns.job_name().model_pattern == "[a-z0-9](-*[a-z0-9]){0,62}"
    assert api_patterns.job_name().max_length == 63
    assert api_patterns.dataset_name().model_pattern == "[0-9a-zA-Z-_.]+"
    assert api_patterns.s3_uri().max_length == 1024
    assert set(api_patterns.task_type().enum) == {
        "Summarization",
        "Classification",
        "QuestionAndAnswer",
        "Generation",
        "Custom",
    }
    assert api_patterns.inference_params().max_length == 1023
    assert api_patterns.inference_source_identifier().max_length == 256


@pytest.mark.parametrize(
    "field,good,bad",
    [
        ("jobName", "support-assistant-1a2b", "Support_Assistant"),
        ("datasetName", "My-Data_v2.1", "My Data"),
        ("s3Uri", "s3://my-bucket/datasets/s/ok_file.jsonl", "s3://my-bucket/datasets/a b=c.jsonl"),
        ("evaluatorModelIdentifier", "anthropic.claude-3-5-sonnet-20240620-v1:0", "claude"),
        ("evaluatorModelIdentifier", "us.anthropic.claude-sonnet-4-20250514-v1:0", "x y"),
        ("modelIdentifier", "us.amazon.nova-lite-v1:0", "Amazon Nova Lite"),
        ("inferenceSourceIdentifier", "support-assistant-v1", "-leading-hyphen"),
    ],
)
def test_rules_accept_real_values_and_refuse_bad_ones(field, good, bad):
    rule = api_patterns.rule(field)
    assert rule.violation(good) is None
    assert "pattern" in (rule.violation(bad) or "")


def test_the_whole_value_must_match_not_a_prefix():
    rule = api_patterns.job_name()
    assert rule.violation("ok-name\n") is not None
    assert rule.pattern is not None and not rule.pattern.match("ok-name\n")
    assert "longer than 63" in (rule.violation("a" * 64) or "")
    assert "shorter" in (api_patterns.inference_params().violation("") or "")


def test_long_patterns_are_pointed_to_not_printed():
    assert api_patterns.job_name().describe_pattern() == "[a-z0-9](-*[a-z0-9]){0,62}"
    reason = api_patterns.evaluator_model_identifier().violation("claude") or ""
    assert "shape EvaluatorModelIdentifier in botocore's bedrock service model" in reason


def test_patterns_are_python_regexes():
    for field in api_patterns.PATHS:
        rule = api_patterns.rule(field)
        if rule.model_pattern is not None:
            assert isinstance(re.compile(rule.model_pattern), re.Pattern)
