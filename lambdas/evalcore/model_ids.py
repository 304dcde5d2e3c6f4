"""What a Bedrock model identifier says about itself, shared by the cost estimate and IAM."""

from __future__ import annotations

# Geography prefixes of system-defined (cross-region) inference profiles. "us-gov." is listed
# on its own: "us-gov.x" does not start with "us.".
INFERENCE_PROFILE_PREFIXES = ("us.", "us-gov.", "eu.", "apac.", "ca.", "jp.", "au.", "global.")


def inference_profile_geography(model_id: str) -> str | None:
    """The geography (without the dot) of a system inference profile id, else None."""
    for prefix in INFERENCE_PROFILE_PREFIXES:
        if model_id.startswith(prefix) and len(model_id) > len(prefix):
            return prefix[:-1]
    return None


def base_model_id(model_id: str) -> str:
    """`us.amazon.nova-lite-v1:0` -> `amazon.nova-lite-v1:0`; other identifiers unchanged."""
    geography = inference_profile_geography(model_id)
    return model_id if geography is None else model_id[len(geography) + 1 :]
