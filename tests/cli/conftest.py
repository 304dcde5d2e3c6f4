"""evalctl with its AWS clients and back-off clock injected (`main(argv, services=...)`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from evalctl.aws import Services
from evalctl.cli import main


@dataclass
class StubbedAws:
    """Hands out the clients a test registered (real clients wrapped in Stubbers) and records
    which were asked for and every back-off wait instead of sleeping."""

    clients: dict[str, Any] = field(default_factory=dict)
    waited: list[float] = field(default_factory=list)
    asked: list[tuple[str, str | None]] = field(default_factory=list)

    def client(
        self, service: str, region: str | None = None, *, own_retries: bool = False, pool: int = 10
    ) -> Any:
        self.asked.append((service, region))
        return self.clients[service]

    @property
    def services(self) -> Services:
        return Services(client=self.client, sleep=self.waited.append)


@pytest.fixture
def stubbed_aws() -> StubbedAws:
    return StubbedAws()


@pytest.fixture
def evalctl(stubbed_aws: StubbedAws) -> Callable[[Sequence[str]], int]:
    """`evalctl ARGS` as a user runs it, talking to the stubbed AWS."""
    return lambda argv: main(argv, services=stubbed_aws.services)


@pytest.fixture
def runtime(stubbed_aws: StubbedAws) -> Iterator[Stubber]:
    """A real bedrock-runtime client whose answers come from a Stubber; evalctl gets it."""
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    stubbed_aws.clients["bedrock-runtime"] = client
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()
