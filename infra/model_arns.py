"""Which IAM resources stand for a Bedrock model identifier.

Suites name models the way Bedrock's APIs accept them: a foundation-model id
(`anthropic.claude-haiku-4-5-20251001-v1:0`) or a system-defined cross-region inference
profile id (`us.amazon.nova-lite-v1:0`). IAM needs ARNs, and a profile needs two kinds: the
profile itself, and the foundation model behind it in every Region the profile may route to.
This module is pure (no CDK constructs) so the mapping is unit-tested on plain strings; the
stack passes CloudFormation pseudo-parameter tokens as partition, region and account.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evalcore.job_kinds import APPLICATION_PROFILE_MARKER
from evalcore.model_ids import base_model_id, inference_profile_geography


@dataclass(frozen=True)
class ModelArns:
    """The ARNs one model identifier needs, split by kind for statements and tests."""

    foundation_models: tuple[str, ...] = ()
    inference_profiles: tuple[str, ...] = ()
    other: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.inference_profiles + self.foundation_models + self.other


def foundation_model_arn(model_id: str, *, partition: str) -> str:
    """Foundation models are AWS-owned and Regional with no account; `*` covers every Region.

    Every Region, because a cross-region profile routes a request to any Region of its
    geography and IAM authorizes the foundation model in the Region that serves it.
    """
    return f"arn:{partition}:bedrock:*::foundation-model/{model_id}"


def model_arns(model_id: str, *, partition: str, region: str, account: str) -> ModelArns:
    """Map one identifier from a suite to the ARNs InvokeModel must be allowed on.

    - `arn:...:foundation-model/<id>` -> `<id>` as a foundation model in every Region;
    - `arn:...:application-inference-profile/...` is a profile, used as it is;
    - any other `arn:...` (a provisioned or imported model) is used as it is;
    - `us.amazon.nova-lite-v1:0` -> the profile in this account and Region, plus
      `amazon.nova-lite-v1:0` as a foundation model in every Region;
    - `anthropic.claude-...` -> the foundation model in every Region.
    """
    if not model_id:
        raise ValueError("a model identifier must not be empty")
    if ":foundation-model/" in model_id:
        # A foundation-model ARN (a RAG generator's modelArn) is the model in every Region.
        base = model_id.rsplit("/", 1)[-1]
        return ModelArns(foundation_models=(foundation_model_arn(base, partition=partition),))
    if APPLICATION_PROFILE_MARKER in model_id:
        # The models it routes to are not in its ARN: the suite's own grant is the profile;
        # its models are resolved with GetInferenceProfile (README "Inference profiles").
        return ModelArns(inference_profiles=(model_id,))
    if model_id.startswith("arn:"):
        return ModelArns(other=(model_id,))
    geography = inference_profile_geography(model_id)
    if geography is None:
        return ModelArns(foundation_models=(foundation_model_arn(model_id, partition=partition),))
    base_model = base_model_id(model_id)
    return ModelArns(
        foundation_models=(foundation_model_arn(base_model, partition=partition),),
        inference_profiles=(
            f"arn:{partition}:bedrock:{region}:{account}:inference-profile/{model_id}",
        ),
    )


def invoke_model_resources(
    model_ids: Iterable[str], *, partition: str, region: str, account: str
) -> ModelArns:
    """The union over many identifiers, de-duplicated and sorted so the template is stable."""
    foundation: set[str] = set()
    profiles: set[str] = set()
    other: set[str] = set()
    for model_id in model_ids:
        arns = model_arns(model_id, partition=partition, region=region, account=account)
        foundation.update(arns.foundation_models)
        profiles.update(arns.inference_profiles)
        other.update(arns.other)
    return ModelArns(
        foundation_models=tuple(sorted(foundation)),
        inference_profiles=tuple(sorted(profiles)),
        other=tuple(sorted(other)),
    )
