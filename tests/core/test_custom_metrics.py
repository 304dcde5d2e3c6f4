"""Custom metrics: the library loads, and every Bedrock rule is checked with file, field and fix."""

import json

import boto3
import pytest
from botocore.validate import ParamValidator

from evalcore.custom_metrics import (
    MAX_INSTRUCTIONS,
    ScaleKind,
    library,
    load_metric,
    load_metric_file,
    parse_metric,
)
from evalcore.errors import SuiteError

ARTICLE_METRICS = {
    "response_brevity",
    "confirmation_check",
    "missing_info_followup",
    "brand_voice",
    "rag_comprehensiveness",
}
END = "\n\nPrompt: {{prompt}}\nResponse: {{prediction}}"


def scale(*values) -> list[dict]:
    key = "stringValue" if isinstance(values[0], str) else "floatValue"
    return [{"definition": f"level {v}", "value": {key: v}} for v in values]


def problems_of(data: dict, instructions: str = "Rate it." + END) -> dict[str, str]:
    with pytest.raises(SuiteError) as raised:
        parse_metric(data, instructions, "metrics/m.json")
    return {p.field: f"{p.message} (fix: {p.fix})" for p in raised.value.problems}


def test_the_library_holds_the_articles_metrics_and_every_scale_kind():
    names = set(library())
    assert names >= ARTICLE_METRICS
    metrics = {name: load_metric(name) for name in names}
    assert {m.scale_kind for m in metrics.values()} == set(ScaleKind)
    assert metrics["brand_voice"].scale_kind is ScaleKind.CATEGORICAL
    assert metrics["confirmation_check"].rating_scale[0].value == -1.0  # N/A, recorded as null
    assert metrics["escalation_notes"].rating_scale == ()


def test_library_metrics_are_accepted_by_botocore():
    client = boto3.client("bedrock", region_name="us-east-1")
    shape = client.meta.service_model.shape_for("AutomatedEvaluationCustomMetricSource")
    for name in library():
        request = load_metric(name).to_request()
        report = ParamValidator().validate(request, shape)
        assert not report.has_errors(), report.generate_report()
        assert "metricName" not in json.dumps(request)


def test_names_follow_bedrocks_pattern_and_leave_builtin_alone():
    assert "not a valid custom metric name" in problems_of({"name": "my metric"})["name"]
    assert "reserves" in problems_of({"name": "Builtin.Mine"})["name"]


def test_rating_definitions_are_at_most_100_characters():
    long = [{"definition": "x" * 101, "value": {"floatValue": 1}}]
    message = problems_of({"name": "m", "ratingScale": long})["ratingScale[0].definition"]
    assert "101 characters" in message and "at most 100" in message


def test_scales_have_1_to_10_levels_of_one_type_without_repeats():
    assert "1-10" in problems_of({"name": "m", "ratingScale": scale(*range(11))})["ratingScale"]
    mixed = scale(1.0) + scale("good")
    assert "mixes" in problems_of({"name": "m", "ratingScale": mixed})["ratingScale"]
    assert "same value" in problems_of({"name": "m", "ratingScale": scale(1.0, 1.0)})["ratingScale"]
    bad = [{"definition": "ok", "value": {"floatValue": "1"}}]
    assert (
        "neither a number" in problems_of({"name": "m", "ratingScale": bad})["ratingScale[0].value"]
    )


def test_instructions_are_at_most_5000_characters():
    text = "x" * (MAX_INSTRUCTIONS + 1) + END
    assert "at most 5000" in problems_of({"name": "m"}, text)["instructions"]


def test_variables_come_last_and_must_be_ones_bedrock_substitutes():
    late = (
        "Prompt: {{prompt}}\nResponse: {{prediction}}\nNow rate the response on clarity and tone."
    )
    assert "input variables last" in problems_of({"name": "m"}, late)["instructions"]
    typo = "Rate it.\n\nResponse: {{predicton}}"
    assert "did you mean {{prediction}}" in problems_of({"name": "m"}, typo)["instructions"]


def test_metric_files_must_match_their_names_and_keys(tmp_path):
    (tmp_path / "good.md").write_text("Rate it." + END)
    (tmp_path / "good.json").write_text(json.dumps({"name": "good", "instructionsFile": "good.md"}))
    assert load_metric_file(tmp_path / "good.json").instructions.endswith("{{prediction}}")
    (tmp_path / "other.json").write_text(
        json.dumps({"name": "good", "instructionsFile": "good.md"})
    )
    with pytest.raises(SuiteError, match="differs from the file name"):
        load_metric_file(tmp_path / "other.json")
    (tmp_path / "typo.json").write_text(json.dumps({"name": "typo", "instructionFile": "good.md"}))
    with pytest.raises(SuiteError, match="instructionsFile"):
        load_metric_file(tmp_path / "typo.json")
    (tmp_path / "extra.json").write_text(
        json.dumps({"name": "extra", "instructionsFile": "good.md", "ratingscale": []})
    )
    with pytest.raises(SuiteError, match="did you mean 'ratingScale'"):
        load_metric_file(tmp_path / "extra.json")


# Pages: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CustomMetricDefinition.html
# ("Your prompt must include a task description and input variables") and
# https://docs.aws.amazon.com/bedrock/latest/userguide/kb-evaluation-custom-metrics-prompt-formats.html
# (role (optional), task description, rubric (optional), input variables: "Include these
# elements in your prompt in the order given in the list").
@pytest.mark.parametrize(
    "instructions",
    [
        "Prompt: {{prompt}}\nResponse: {{prediction}}",
        "\n\nResponse: {{prediction}}",
        "{{prediction}}",
        "Model response: {{prediction}}",
    ],
)
def test_instructions_start_with_a_task_description(instructions):
    message = problems_of({"name": "m"}, instructions)["instructions"]
    assert "no task description before the first input variable" in message
    assert "at least 15 words" in message


@pytest.mark.parametrize(
    "instructions",
    [
        "Rate it." + END,
        "Rate whether the response answers every part of the question: {{prediction}}",
        "Rate the brevity of this response: {{prediction}}",
        "You are an editor.\nJudge the tone only.\nResponse: {{prediction}}",
    ],
)
def test_a_task_description_before_the_labelled_variables_is_enough(instructions):
    assert parse_metric({"name": "m"}, instructions, "metrics/m.json").instructions == instructions
