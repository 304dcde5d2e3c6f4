import pytest

from infra.model_arns import ModelArns, invoke_model_resources, model_arns

ENV = {"partition": "aws", "region": "us-east-1", "account": "123456789012"}


def test_a_plain_model_id_is_a_foundation_model_in_every_region():
    arns = model_arns("anthropic.claude-haiku-4-5-20251001-v1:0", **ENV)
    assert arns.all == (
        "arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
    )
    assert arns.inference_profiles == ()


@pytest.mark.parametrize("geography", ["us", "eu", "apac", "us-gov", "ca", "jp", "au", "global"])
def test_a_system_inference_profile_needs_the_profile_and_its_foundation_model(geography):
    arns = model_arns(f"{geography}.amazon.nova-lite-v1:0", **ENV)
    assert arns.inference_profiles == (
        f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{geography}.amazon.nova-lite-v1:0",
    )
    assert arns.foundation_models == ("arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0",)


@pytest.mark.parametrize("model_id", ["amazon.nova-lite-v1:0", "usual.model-v1", "us."])
def test_ids_that_only_look_like_profiles_are_foundation_models(model_id):
    assert model_arns(model_id, **ENV).inference_profiles == ()


def test_the_partition_comes_from_the_caller():
    (arn,) = model_arns("amazon.titan-text-express-v1", **{**ENV, "partition": "aws-cn"}).all
    assert arn.startswith("arn:aws-cn:bedrock:*::")


def test_an_arn_is_used_as_it_is():
    arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123"
    assert model_arns(arn, **ENV).all == (arn,)


def test_an_empty_id_is_rejected():
    with pytest.raises(ValueError):
        model_arns("", **ENV)


def test_the_union_is_deduplicated_and_sorted():
    arns = invoke_model_resources(
        ["us.amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0", "eu.amazon.nova-lite-v1:0"], **ENV
    )
    assert arns.foundation_models == ("arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0",)
    assert [arn.rsplit("/", 1)[1] for arn in arns.inference_profiles] == [
        "eu.amazon.nova-lite-v1:0",
        "us.amazon.nova-lite-v1:0",
    ]


def test_a_foundation_model_arn_is_that_model_in_every_region():
    arns = model_arns(
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
        partition="aws",
        region="us-east-1",
        account="123456789012",
    )
    assert arns == ModelArns(
        foundation_models=("arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0",)
    )


def test_an_application_inference_profile_is_a_profile():
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6"
    arns = model_arns(arn, partition="aws", region="us-east-1", account="123456789012")
    assert arns == ModelArns(inference_profiles=(arn,))
