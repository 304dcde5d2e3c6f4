"""An SQS queue subscribed to the notification topic in moto: what a subscriber would receive."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from evalctl.simulation.clients import plumbing_client

NOTIFICATION_TOPIC = "pipeline-notifications"


@dataclass(frozen=True)
class Received:
    subject: str
    message: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Inbox:
    topic_arn: str
    queue_url: str

    def messages(self) -> list[Received]:
        """Every message delivered so far (and removes them from the queue)."""
        sqs = plumbing_client("sqs")
        received: list[Received] = []
        while True:
            batch = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            if not batch.get("Messages"):
                return received
            for item in batch["Messages"]:
                envelope = json.loads(item["Body"])  # SNS's JSON envelope (raw delivery off)
                attributes = {
                    name: value["Value"]
                    for name, value in (envelope.get("MessageAttributes") or {}).items()
                }
                received.append(Received(envelope["Subject"], envelope["Message"], attributes))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=item["ReceiptHandle"])


def subscribe_inbox(topic_arn: str | None = None) -> Inbox:
    """Subscribe a new queue to `topic_arn` (created when not given) inside an active moto."""
    if topic_arn is None:
        topic_arn = plumbing_client("sns").create_topic(Name=NOTIFICATION_TOPIC)["TopicArn"]
    sqs = plumbing_client("sqs")
    queue_url = sqs.create_queue(QueueName="notification-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    plumbing_client("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return Inbox(topic_arn=topic_arn, queue_url=queue_url)
