"""The safety rails of issue 8: each mistake is refused before submission, with its fix."""

import pytest

from evalcore.errors import SuiteError
from evalcore.job_kinds import JobKind, RagMode
from evalcore.suite import InferenceMode, parse_suite
from evalcore.suite_kinds import RagSource, RatingMethod

JUDGE = "anthropic.claude-3-5-sonnet-20240620-v1:0"


def judge_suite(**overrides) -> dict:
    data = {
        "name": "demo",
        "evaluatorModel": JUDGE,
        "inference": {"mode": "precomputed", "sourceIdentifier": "demo-app-v1"},
        "metrics": ["Builtin.Correctness"],
    }
    data.update(overrides)
    return data


def rag_suite(**overrides) -> dict:
    data = {
        "name": "rag",
        "kind": "knowledge-base",
        "evaluatorModel": JUDGE,
        "rag": {"mode": "retrieve", "source": "knowledge-base", "knowledgeBaseId": "KB12345678"},
        "metrics": ["Builtin.ContextRelevance"],
    }
    data.update(overrides)
    return data


def problems(data: dict) -> dict[str, str]:
    """Each field's problems, joined: a field may have several."""
    with pytest.raises(SuiteError) as raised:
        parse_suite(data, source="suites/x.json")
    found: dict[str, str] = {}
    for p in raised.value.problems:
        found[p.field] = found.get(p.field, "") + f"{p.message} (fix: {p.fix}) | "
    return found


def test_a_metric_of_another_kind_names_the_kind_it_belongs_to():
    found = problems(judge_suite(metrics=["Builtin.ContextRelevance", "Builtin.Accuracy"]))
    assert "knowledge-base (retrieve)" in found["metrics[0]"]
    assert "automatic" in found["metrics[1]"]
    assert "Builtin.Correctness" in found["metrics[1]"]  # the fix lists the judge metrics


def test_rag_generate_uses_logical_coherence_not_coherence():
    rag = {
        "mode": "retrieve-and-generate",
        "source": "knowledge-base",
        "knowledgeBaseId": "KB12345678",
        "generatorModel": "anthropic.claude-3-haiku-20240307-v1:0",
    }
    found = problems(rag_suite(rag=rag, metrics=["Builtin.Coherence"]))
    assert "did you mean 'Builtin.LogicalCoherence'" in found["metrics[0]"]


def test_a_custom_metric_must_be_in_both_places():
    only_defined = problems(judge_suite(customMetrics=["response_brevity"]))
    assert "not listed in metrics" in only_defined["customMetrics.response_brevity"]
    only_listed = problems(judge_suite(metrics=["Builtin.Correctness", "response_brevity"]))
    assert "add 'response_brevity' to customMetrics" in only_listed["metrics[1]"]


def test_an_unknown_custom_metric_suggests_the_closest_library_name():
    found = problems(judge_suite(customMetrics=["response_brevety"], metrics=["response_brevety"]))
    assert "did you mean 'response_brevity'" in found["<file>"]


def test_a_template_variable_the_kind_does_not_substitute_is_refused():
    # rag_comprehensiveness uses {{context}}, which model-evaluation jobs do not fill in.
    found = problems(
        judge_suite(customMetrics=["rag_comprehensiveness"], metrics=["rag_comprehensiveness"])
    )
    assert "{{context}}" in found["instructions"]
    assert "judge jobs do not substitute" in found["instructions"]


def test_retrieve_only_custom_metrics_need_the_context_variable():
    found = problems(rag_suite(customMetrics=["response_brevity"], metrics=["response_brevity"]))
    assert "{{prediction}}" in found["instructions"]  # not substituted when nothing is generated
    assert any("{{context}}" in message for message in found.values())


def test_the_evaluator_is_required_for_judge_rag_and_custom_metrics():
    data = judge_suite()
    del data["evaluatorModel"]
    assert "scored by a judge model" in problems(data)["evaluatorModel"]
    automatic = {
        "name": "auto",
        "kind": "automatic",
        "taskType": "QuestionAndAnswer",
        "inference": {"mode": "bedrock", "modelIdentifier": "us.amazon.nova-lite-v1:0"},
        "metrics": ["Builtin.Accuracy"],
    }
    assert parse_suite(automatic).evaluator_model == ""
    with_custom = {**automatic, "customMetrics": ["response_brevity"]}
    assert "do not take custom metrics" in problems(with_custom)["customMetrics.response_brevity"]
    assert "use no judge" in problems({**automatic, "evaluatorModel": JUDGE})["evaluatorModel"]


@pytest.mark.parametrize(
    "judge",
    [
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6",
        "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/a1b2c3d4e5f6",
    ],
)
def test_identifiers_bedrock_refuses_as_judge_are_refused(judge):
    message = problems(judge_suite(evaluatorModel=judge))["evaluatorModel"]
    assert "not as a judge" in message or "does not accept as a judge" in message
    assert "system inference profile" in message


def test_an_application_inference_profile_is_a_target_that_names_its_model():
    profile = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6"
    target = {"mode": "bedrock", "modelIdentifier": profile}
    assert (
        "get-inference-profile" in problems(judge_suite(inference=target))["inference.profileModel"]
    )
    suite = parse_suite(
        judge_suite(inference={**target, "profileModel": "us.amazon.nova-lite-v1:0"})
    )
    # IAM covers the profile and the model it routes to (and, through that system profile, the
    # foundation model in every Region).
    assert {profile, "us.amazon.nova-lite-v1:0"} <= suite.model_identifiers
    plain = {"mode": "bedrock", "modelIdentifier": "amazon.nova-lite-v1:0", "profileModel": "x.y"}
    assert "only applies" in problems(judge_suite(inference=plain))["inference.profileModel"]


def test_task_types_follow_the_kind():
    assert "did you mean 'General'" in problems(judge_suite(taskType="general"))["taskType"]
    automatic = {
        "name": "auto",
        "kind": "automatic",
        "inference": {"mode": "bedrock", "modelIdentifier": "us.amazon.nova-lite-v1:0"},
        "metrics": ["Builtin.Toxicity"],
    }
    assert "QuestionAndAnswer" in problems(automatic)["taskType"]


def test_sections_of_another_kind_are_refused():
    found = problems(judge_suite(rag={"mode": "retrieve"}))
    assert 'set "kind": "knowledge-base"' in found["rag"]
    found = problems(rag_suite(inference={"mode": "bedrock", "modelIdentifier": "m.x"}))
    assert "rag.generatorModel" in found["inference"]


def test_rag_sections_are_parsed_per_source():
    suite = parse_suite(rag_suite())
    assert (suite.kind, suite.rag.mode, suite.rag.source) == (
        JobKind.KNOWLEDGE_BASE,
        RagMode.RETRIEVE,
        RagSource.KNOWLEDGE_BASE,
    )
    assert suite.model_identifiers == {JUDGE}
    found = problems(
        rag_suite(
            rag={
                "mode": "retrieve-and-generate",
                "source": "knowledge-base",
                "knowledgeBaseId": "KB1",
            }
        )
    )
    assert "rag.generatorModel" in found
    found = problems(
        rag_suite(rag={"mode": "retrieve", "source": "precomputed", "knowledgeBaseId": "K"})
    )
    assert {"rag.knowledgeBaseId", "rag.sourceIdentifier"} <= set(found)


def test_a_model_comparison_needs_live_targets():
    two = [
        {"mode": "bedrock", "modelIdentifier": "us.amazon.nova-lite-v1:0"},
        {"mode": "bedrock", "modelIdentifier": "us.amazon.nova-pro-v1:0"},
    ]
    suite = parse_suite(judge_suite(inference=two))
    assert [t.model_identifier for t in suite.target_models] == [
        "us.amazon.nova-lite-v1:0",
        "us.amazon.nova-pro-v1:0",
    ]
    mixed = [two[0], {"mode": "precomputed", "sourceIdentifier": "app-v1"}]
    assert "one suite per source" in problems(judge_suite(inference=mixed))["inference"]
    assert "same target twice" in problems(judge_suite(inference=[two[0], two[0]]))["inference"]


def test_human_suites_take_one_or_two_models_and_comparison_methods_need_two():
    human = {
        "name": "people",
        "kind": "human",
        "taskType": "Generation",
        "inference": {"mode": "bedrock", "modelIdentifier": "us.amazon.nova-lite-v1:0"},
        "human": {
            "flowDefinitionArn": "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/f",
            "metrics": [{"name": "Pick", "ratingMethod": "ComparisonChoice"}],
        },
    }
    assert "compares two models" in problems(human)["human.metrics.Pick"]
    human["human"]["metrics"] = [{"name": "Good", "ratingMethod": "ThumbsUpDown"}]
    suite = parse_suite(human)
    assert suite.metrics == ("Good",)
    assert suite.human.metrics[0].rating_method is RatingMethod.THUMBS_UP_DOWN
    three = [{"mode": "precomputed", "sourceIdentifier": f"s{i}"} for i in range(3)]
    assert "1-2" in problems({**human, "inference": three})["inference"]
    bad_arn = {**human, "human": {**human["human"], "flowDefinitionArn": "my-flow"}}
    assert "README" in problems(bad_arn)["human.flowDefinitionArn"]


def test_the_output_key_must_be_a_kms_key_arn():
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert parse_suite(judge_suite(outputKmsKeyId=key)).output_kms_key_id == key
    assert "key policy" in problems(judge_suite(outputKmsKeyId="alias/mine"))["outputKmsKeyId"]


def test_an_unknown_kind_lists_the_kinds():
    assert "'knowledge-base'" in problems(judge_suite(kind="rag"))["kind"]


def test_precomputed_targets_keep_their_mode():
    suite = parse_suite(judge_suite())
    assert suite.target_models[0].mode is InferenceMode.PRECOMPUTED
