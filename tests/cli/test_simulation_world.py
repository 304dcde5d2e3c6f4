"""A simulated world (evalctl.simulation.aws.fake_aws) starts clean, whatever ran before it in
the process: the clients it keeps carry nothing from one world to the next."""

from __future__ import annotations

from moto.core.models import responses_mock

from evalctl.simulation.aws import fake_aws
from evalctl.simulation.bedrock_output import judge_by_prompt
from handlers.runtime import bedrock_client

JUDGE = judge_by_prompt({"p1": 1.0})
MODEL = "amazon.nova-pro-v1:0"


def lifecycle_status() -> str:
    details = bedrock_client().get_foundation_model(modelIdentifier=MODEL)["modelDetails"]
    return details["modelLifecycle"]["status"]


def stand_ins_hooked(client) -> set[object]:
    """The stand-ins whose hooks are on the client's Bedrock calls."""
    hooks = client.meta.events._emitter._handlers.prefix_search("before-call.bedrock.X")
    return {getattr(hook, "__self__", None) for hook in hooks} - {None}


def test_the_kept_bedrock_client_answers_from_the_current_worlds_stand_in_only():
    with fake_aws(JUDGE, lifecycles={MODEL: "LEGACY"}) as first:
        client = bedrock_client()
        assert lifecycle_status() == "LEGACY"
    with fake_aws(JUDGE) as second:
        assert bedrock_client() is client  # kept, as a warm Lambda container keeps it
        assert lifecycle_status() == "ACTIVE"  # this world's stand-in, not the last one's
        assert stand_ins_hooked(client) == {second.bedrock}
    assert [name for name, _ in first.bedrock.calls] == ["GetFoundationModel"]
    assert [name for name, _ in second.bedrock.calls] == ["GetFoundationModel"]
    assert stand_ins_hooked(client) == set()


def test_a_world_serves_botocore_without_registering_anything_with_responses():
    with fake_aws(JUDGE) as world:
        assert responses_mock.registered() == []
        world.upload("datasets/a.jsonl", [{"prompt": "p1"}])
        assert world.keys("datasets/") == ["datasets/a.jsonl"]
