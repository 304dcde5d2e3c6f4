"""moto's handling of one request, without the work it repeats on every request for nothing.

A simulated run is thousands of AWS calls (each handler's S3, DynamoDB and Bedrock calls,
Step Functions' calls into Lambda), and for each moto redoes work whose answer cannot have
changed since the last. `lighter_requests` patches four such places while a world lasts;
what a request does and answers is unchanged, each patch says why. `botocore_only_mocks` makes
starting a mock cheap.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType
from unittest.mock import patch

from cryptography.hazmat.primitives.asymmetric import rsa
from moto.core import models, responses, utils
from moto.moto_api._internal.moto_random import MotoRandom
from moto.s3.models import S3Backend
from moto.sns.models import Subscription


def _s3_urls_read_once() -> property:
    """moto's S3 backend re-imports its URL module (importlib.reload) on every request, so a
    change of MOTO_S3_CUSTOM_ENDPOINTS between requests is seen: a tenth of a handler's time.
    A world's environment does not change those endpoints while it lasts, so the module is
    reloaded once when the world starts, and every request of the world reads that one."""
    import moto.s3.urls

    urls: ModuleType = importlib.reload(moto.s3.urls)
    return property(lambda backend: urls)


# A class's functions are fixed once the class is made (moto's response classes are never
# changed after import), so the names of its actions are listed once per class, not once per
# request as moto's dispatch does (inspect.getmembers over a few hundred attributes).
_method_names = cache(utils.method_names_from_class)

_STRING_CHARACTERS = string.ascii_letters + string.digits


def _random_string(
    self: MotoRandom, length: int = 20, include_digits: bool = True, lower_case: bool = False
) -> str:
    """MotoRandom.get_random_string drawing the whole string at once (`choices`) instead of
    one `choice` per character: the same alphabet and distribution, from the same (seedable)
    generator. moto makes a 52-character request id for every response."""
    pool = _STRING_CHARACTERS if include_digits else string.ascii_letters
    text = "".join(self.choices(pool, k=length))
    return text.lower() if lower_case else text


@cache
def _signing_key() -> rsa.RSAPrivateKey:
    """One key for the process, made as moto makes each of its own."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _shared_signing_key(_subscription: Subscription) -> rsa.RSAPrivateKey:
    """moto signs each message SNS delivers to a queue (the inbox) with a key of the
    subscription's own: a new RSA-2048 key, found by a prime search of 30 ms or more, for
    every world that publishes. The signature is still made and checkable (moto serves the
    certificate); only the key is the same from world to world."""
    return _signing_key()


@contextmanager
def lighter_requests() -> Iterator[None]:
    """The patches above, while the context lasts (each is restored on exit)."""
    with (
        patch.object(S3Backend, "_url_module", _s3_urls_read_once()),
        patch.object(responses, "method_names_from_class", _method_names),
        patch.object(MotoRandom, "get_random_string", _random_string),
        patch.object(Subscription, "private_key", _shared_signing_key),
    ):
        yield


@contextmanager
def botocore_only_mocks() -> Iterator[None]:
    """moto mocks started while this lasts answer botocore's requests only.

    Each start of a mock registers a callback for every URL pattern of every moto service
    and HTTP method (about 2,000) with the `responses` library, which intercepts calls made
    through `requests`: about 2 ms a start, for nothing here. The handlers, the CLI and the
    simulation reach AWS through botocore, which moto serves through its own before-send hook
    whatever `responses` holds; a `requests` call to AWS would now fail loudly (Connection
    refused by Responses) instead of reaching moto.
    """
    with patch.object(models, "RESPONSES_METHODS", []):
        yield
