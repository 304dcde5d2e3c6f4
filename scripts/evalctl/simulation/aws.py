"""The AWS world the handlers see in a simulation or a test: moto, and the fake for Bedrock."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any
from unittest.mock import patch

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext
from moto import mock_aws

from evalcore.job_slots import LEDGER_TABLE_ENV
from evalcore.notification import TOPIC_ARN_VARIABLE
from evalctl.simulation.bedrock_service import ACCOUNT, FakeBedrockEvaluations, Scorer
from evalctl.simulation.clients import plumbing_client
from evalctl.simulation.inbox import Inbox, subscribe_inbox
from evalctl.simulation.moto_requests import botocore_only_mocks, lighter_requests
from evalctl.simulation.summary_schema import assert_valid_summary
from handlers.runtime import bedrock_client

BUCKET = "pipeline-data-bucket"
LEDGER_TABLE = "pipeline-ledger"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/bedrock-evaluation"


def lambda_context(function_name: str = "test-function") -> LambdaContext:
    """A Powertools LambdaContext with the fields its logger reads, as the runtime fills them."""
    context = LambdaContext()
    context._function_name = function_name
    context._memory_limit_in_mb = 256
    context._invoked_function_arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function_name}"
    context._aws_request_id = "00000000-0000-0000-0000-000000000000"
    return context


@dataclass
class World:
    s3: Any
    bedrock: FakeBedrockEvaluations
    inbox: Inbox
    bucket: str = BUCKET
    ledger_table: str = LEDGER_TABLE

    def upload(self, key: str, lines: list[dict] | str | bytes) -> str:
        """Records as JSON lines; text or bytes exactly as given (a BOM, CRLF, blank lines)."""
        if isinstance(lines, list):
            lines = "".join(json.dumps(r) + "\n" for r in lines)
        body = lines.encode() if isinstance(lines, str) else lines
        return self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)["VersionId"]

    def read_bytes(self, key: str, version_id: str | None = None) -> bytes:
        extra = {"VersionId": version_id} if version_id else {}
        return self.s3.get_object(Bucket=self.bucket, Key=key, **extra)["Body"].read()

    def read_json(self, key: str) -> dict:
        return json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def read_summary(self, key: str) -> dict:
        """A summary.json the pipeline wrote, checked against the published schema."""
        return assert_valid_summary(self.read_json(key))

    def keys(self, prefix: str = "") -> list[str]:
        listing = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return [item["Key"] for item in listing.get("Contents", [])]


def create_ledger_table(name: str = LEDGER_TABLE) -> str:
    """The ledger table as infra/ledger.py declares it (pk/sk strings, on demand)."""
    plumbing_client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@cache
def _simulation_session() -> boto3.Session:
    """One boto3 session for every simulated world of the process.

    moto starts each mock with a fresh default session, whose loader reads every service model
    from disk again: about four fifths of a world's set-up. The models do not change between
    worlds, and moto's own state is reset by each mock, so the worlds share this session (made
    after moto is imported, so its clients carry moto's request hook). Only the default
    session is swapped, and only while the world lasts; the clients themselves are new.
    """
    return boto3.Session()


@contextmanager
def fake_aws(scorer: Scorer, mock_config: Any = None, **bedrock_options: Any) -> Iterator[World]:
    """moto for everything moto has; the handlers' own Bedrock client wears the fake."""
    with ExitStack() as mocks:
        mocks.enter_context(botocore_only_mocks())
        mocks.enter_context(mock_aws(config=mock_config) if mock_config else mock_aws())
        mocks.enter_context(patch("boto3.DEFAULT_SESSION", _simulation_session()))
        mocks.enter_context(lighter_requests())
        s3 = plumbing_client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        create_ledger_table()
        fake = FakeBedrockEvaluations(bedrock_client(), s3, scorer=scorer, **bedrock_options)
        fake.activate()
        inbox = subscribe_inbox()
        settings = {TOPIC_ARN_VARIABLE: inbox.topic_arn, LEDGER_TABLE_ENV: LEDGER_TABLE}
        saved = {name: os.environ.get(name) for name in settings}
        os.environ.update(settings)
        try:
            yield World(s3=s3, bedrock=fake, inbox=inbox)
        finally:
            fake.deactivate()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
