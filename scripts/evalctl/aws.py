"""How evalctl reaches AWS: one factory for boto3 clients and one clock for back-off waits.

Commands take both from `Services` (handed to `main`, carried on the parsed arguments), so a
test passes real clients wrapped in a botocore Stubber and a recorded sleep instead of patching
modules.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


def client(
    service: str, region: str | None = None, *, own_retries: bool = False, pool: int = 10
) -> Any:
    """A boto3 client; `own_retries` turns botocore's retries off for callers that back off
    themselves (evalctl.retry), so a throttled call is not retried twice over."""
    import boto3  # here: commands that never call AWS (summarize, --help) skip its import
    from botocore.config import Config

    retries: dict[str, Any] = {"mode": "standard"}
    if own_retries:
        retries["max_attempts"] = 1
    return boto3.client(
        service, region_name=region, config=Config(retries=retries, max_pool_connections=pool)
    )


class ClientFactory(Protocol):
    def __call__(
        self, service: str, region: str | None = None, *, own_retries: bool = False, pool: int = 10
    ) -> Any: ...


@dataclass(frozen=True)
class Services:
    client: ClientFactory = client
    sleep: Callable[[float], None] = time.sleep
