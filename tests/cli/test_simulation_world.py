"""A simulated world (evalctl.simulation.aws.fake_aws) starts clean, whatever ran before it in
the process: the clients it keeps carry nothing from one world to the next."""

from __future__ import annotations

import base64
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.models import responses_mock
from moto.sns.models import sns_backends

from evalctl.simulation.aws import fake_aws
from evalctl.simulation.bedrock_output import judge_by_prompt
from evalctl.simulation.clients import plumbing_client
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


def delivered_envelope(world) -> dict:
    """What SNS put on the inbox queue for one message: its JSON envelope, signature and all."""
    plumbing_client("sns").publish(TopicArn=world.inbox.topic_arn, Subject="s", Message="m")
    (item,) = plumbing_client("sqs").receive_message(QueueUrl=world.inbox.queue_url)["Messages"]
    return json.loads(item["Body"])


def signing_certificate(envelope: dict) -> x509.Certificate:
    """The certificate moto serves at the envelope's SigningCertURL."""
    key_name = envelope["SigningCertURL"].rsplit("/", 1)[-1]
    pem = sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]._message_public_keys[key_name]
    return x509.load_pem_x509_certificate(pem)


def test_each_worlds_notifications_are_signed_and_verify_with_their_certificate():
    keys = []
    for _ in range(2):
        with fake_aws(JUDGE) as world:
            envelope = delivered_envelope(world)
            certificate = signing_certificate(envelope)
        signed = "".join(
            f"{name}\n{envelope[name]}\n"
            for name in ("Message", "MessageId", "Timestamp", "TopicArn", "Type")
        )
        certificate.public_key().verify(
            base64.b64decode(envelope["Signature"]),
            signed.encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
        keys.append(certificate.public_key().public_numbers())
    assert keys[0] == keys[1]  # one key per process: no 2048-bit prime search per world
