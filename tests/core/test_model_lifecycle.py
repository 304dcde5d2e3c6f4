"""Lifecycle rules on plain GetFoundationModel / GetInferenceProfile answers, and the client
adapter against a Stubber-wrapped Bedrock client (botocore validates each request)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from evalcore.model_lifecycle import (
    EXAMPLE_EVALUATOR,
    ClientModelCatalog,
    Lifecycle,
    check_suite_models,
    lifecycle_of,
)

NOW = datetime(2026, 11, 27, tzinfo=UTC)
HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0"
OLD_SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0"


def model(model_id: str, status: str | None = "ACTIVE", end: datetime | None = None) -> dict:
    lifecycle: dict = {} if status is None else {"status": status}
    if end is not None:
        lifecycle["endOfLifeTime"] = end
    return {
        "modelDetails": {
            "modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{model_id}",
            "modelId": model_id,
            "modelLifecycle": lifecycle,
        }
    }


def profile(profile_id: str) -> dict:
    base = profile_id.split(".", 1)[1]
    return {
        "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:123:inference-profile/{profile_id}",
        "models": [
            {"modelArn": f"arn:aws:bedrock:{region}::foundation-model/{base}"}
            for region in ("us-east-1", "us-west-2")
        ],
    }


class AnswerTable:
    """Bedrock's answers by identifier; a missing entry is ResourceNotFound (None)."""

    def __init__(self, models: dict[str, dict], profiles: dict[str, dict]) -> None:
        self.models, self.profiles = models, profiles
        self.asked: list[str] = []

    def foundation_model(self, model_id: str) -> dict | None:
        self.asked.append(model_id)
        return self.models.get(model_id)

    def inference_profile(self, profile_id: str) -> dict | None:
        self.asked.append(profile_id)
        return self.profiles.get(profile_id)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (model(HAIKU), Lifecycle.ACTIVE),
        (model(HAIKU, status=None), Lifecycle.ACTIVE),
        (model(OLD_SONNET, "LEGACY", end=datetime(2099, 1, 1, tzinfo=UTC)), Lifecycle.LEGACY),
        (model(OLD_SONNET, "LEGACY", end=datetime(2026, 3, 1, tzinfo=UTC)), Lifecycle.END_OF_LIFE),
        (model(OLD_SONNET, "ACTIVE", end=datetime(2026, 3, 1, tzinfo=UTC)), Lifecycle.END_OF_LIFE),
        (None, Lifecycle.NOT_FOUND),
    ],
)
def test_each_answer_is_classified(answer, expected):
    assert lifecycle_of(answer, NOW) is expected


def test_an_active_profile_and_model_pass(precomputed_suite, live_suite):
    judge = precomputed_suite.evaluator_model
    table = AnswerTable(
        {HAIKU: model(HAIKU), "amazon.nova-lite-v1:0": model("amazon.nova-lite-v1:0")},
        {judge: profile(judge), "us.amazon.nova-lite-v1:0": profile("us.amazon.nova-lite-v1:0")},
    )
    assert check_suite_models(precomputed_suite, table, NOW) == []
    assert check_suite_models(live_suite, table, NOW) == []
    assert "us.amazon.nova-lite-v1:0" in table.asked  # the live model is checked too


def test_a_legacy_judge_is_refused_with_the_suite_file_field_and_a_replacement(
    precomputed_suite,
):
    suite = replace(precomputed_suite, evaluator_model=OLD_SONNET)
    end = datetime(2099, 1, 1, tzinfo=UTC)
    table = AnswerTable({OLD_SONNET: model(OLD_SONNET, "LEGACY", end=end)}, {})
    (problem,) = check_suite_models(suite, table, NOW)
    assert problem.source == suite.source
    assert problem.field == "evaluatorModel"
    assert "LEGACY" in problem.message and "2099-01-01" in problem.message
    assert EXAMPLE_EVALUATOR in problem.fix
    assert "model-lifecycle" in problem.fix


def test_a_legacy_model_behind_a_profile_is_refused_once_per_model(live_suite):
    table = AnswerTable(
        {
            HAIKU: model(HAIKU),
            "amazon.nova-lite-v1:0": model("amazon.nova-lite-v1:0", "LEGACY"),
        },
        {
            live_suite.evaluator_model: profile(live_suite.evaluator_model),
            "us.amazon.nova-lite-v1:0": profile("us.amazon.nova-lite-v1:0"),
        },
    )
    (problem,) = check_suite_models(live_suite, table, NOW)
    assert problem.field == "inference.modelIdentifier"
    assert "through inference profile 'us.amazon.nova-lite-v1:0'" in problem.message
    assert "successor" in problem.fix


def test_an_unknown_profile_or_end_of_life_model_is_refused(precomputed_suite):
    (missing_profile,) = check_suite_models(precomputed_suite, AnswerTable({}, {}), NOW)
    assert "does not exist in this Region" in missing_profile.message
    judge = precomputed_suite.evaluator_model
    (gone,) = check_suite_models(precomputed_suite, AnswerTable({}, {judge: profile(judge)}), NOW)
    assert "not offered by Amazon Bedrock" in gone.message
    # The refused model is the example, so the fix does not suggest it again.
    assert EXAMPLE_EVALUATOR not in gone.fix


def test_the_client_catalog_maps_not_found_and_propagates_other_errors():
    client = boto3.client("bedrock", region_name="us-east-1")
    catalog = ClientModelCatalog(client)
    with Stubber(client) as stub:
        stub.add_response(
            "get_foundation_model", model(HAIKU), expected_params={"modelIdentifier": HAIKU}
        )
        stub.add_client_error(
            "get_foundation_model", "ResourceNotFoundException", http_status_code=404
        )
        stub.add_client_error("get_inference_profile", "ValidationException", http_status_code=400)
        stub.add_client_error("get_foundation_model", "AccessDeniedException", http_status_code=403)
        answer = catalog.foundation_model(HAIKU)
        assert answer is not None and answer["modelDetails"]["modelId"] == HAIKU
        assert catalog.foundation_model(OLD_SONNET) is None
        assert catalog.inference_profile("us.nope-v1:0") is None
        with pytest.raises(Exception, match="AccessDenied"):
            catalog.foundation_model(HAIKU)
        stub.assert_no_pending_responses()
