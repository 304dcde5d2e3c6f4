"""The simulation's own AWS clients (the world's bucket and table, the inbox, the deployed
pipeline's Lambda and Step Functions), made once per process instead of once per world.

A botocore client costs milliseconds to make (its event hooks are copied, its endpoint and
TLS settings built) and holds no state of the AWS it talks to: moto keeps that in its
backends, which each world's mock resets, and routes every client's requests through the
hook it installed when it was imported, whichever world is active. So one client per service
(and Region) serves every world of the process. Only the simulation's own plumbing uses these,
and no hook is ever registered on them (an upload hook goes on a client of the test's own, the
Bedrock stand-in's handler on the handlers' client): code given one (`evalctl simulate`'s
follow) only calls it, so a world sees nothing another left on them. The handlers' clients
stay theirs (handlers.runtime), kept across worlds too, as a warm Lambda container keeps them:
Bedrock's included, which each world's stand-in hooks while the world lasts and unhooks when
it ends (evalctl.simulation.aws.fake_aws).
"""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3

_MADE: dict[tuple[str, str | None], Any] = {}
_MAKING = threading.Lock()


def plumbing_client(service: str) -> Any:
    """The process's client for `service` in the current default Region."""
    key = (service, os.environ.get("AWS_DEFAULT_REGION"))
    with _MAKING:
        if key not in _MADE:
            _MADE[key] = boto3.client(service)
        return _MADE[key]
