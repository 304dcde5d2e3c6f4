import pytest

from evalcore.model_ids import base_model_id, inference_profile_geography


def test_geographies_are_read_from_system_profile_ids():
    assert inference_profile_geography("us-gov.anthropic.claude-3-haiku-20240307-v1:0") == "us-gov"
    assert inference_profile_geography("us.anthropic.claude-3-haiku-20240307-v1:0") == "us"
    assert inference_profile_geography("global.amazon.nova-lite-v1:0") == "global"


@pytest.mark.parametrize(
    "model_id", ["anthropic.claude-3-haiku-20240307-v1:0", "us.", "arn:aws:bedrock:x"]
)
def test_other_identifiers_have_no_geography(model_id):
    assert inference_profile_geography(model_id) is None
    assert base_model_id(model_id) == model_id


def test_the_base_model_of_a_profile():
    assert base_model_id("eu.amazon.nova-lite-v1:0") == "amazon.nova-lite-v1:0"
