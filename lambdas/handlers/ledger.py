"""The pipeline's DynamoDB ledger: the job semaphore, parse markers and latest-run pointers.

One table (`pk`, `sk`, both strings) holds three kinds of item, each written only with a
condition so concurrent executions and repeated deliveries cannot corrupt it:

- the semaphore (`pk = semaphore#evaluation-jobs`): `holders` maps each job name holding a
  slot to when it took it, `held` counts them. A slot is taken with one conditional
  UpdateItem (`held < limit` and this job not already a holder) and given back with one
  (`this job is a holder`), the pattern AWS describes for controlling concurrency with Step
  Functions and DynamoDB. Holders are job names, so a retried or restarted run asks for the
  slot its job already holds and gets it, never a second one.
- parse markers (`pk = parsed#<job name>`): put once, with `attribute_not_exists`, by the
  parse step that publishes a run's metrics and messages; a repeated parse finds it and
  publishes nothing.
- latest pointers (`pk = latest#<suite>#<dataset path>`): which run of a dataset is the
  newest; moved only forward, by a conditional write on the run's order key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from evalcore.job_slots import LEDGER_TABLE_ENV
from handlers.runtime import dynamodb_client, setting

SEMAPHORE_PK = "semaphore#evaluation-jobs"
SINGLE_SK = "-"
CONDITION_FAILED = "ConditionalCheckFailedException"


def _key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": SINGLE_SK}}


def _condition_failed(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == CONDITION_FAILED


@dataclass(frozen=True)
class Ledger:
    """The table, named by the function's environment; tests pass their own name."""

    table: str

    @classmethod
    def from_environment(cls) -> Ledger:
        return cls(setting(LEDGER_TABLE_ENV))

    # Semaphore ------------------------------------------------------------------------------
    def _create_semaphore(self) -> None:
        """Create the semaphore item the first time; a nested SET needs the map to exist."""
        try:
            dynamodb_client().put_item(
                TableName=self.table,
                Item={**_key(SEMAPHORE_PK), "held": {"N": "0"}, "holders": {"M": {}}},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if not _condition_failed(error):
                raise

    def acquire(self, holder: str, limit: int, now: datetime) -> bool:
        """Take a slot for `holder` unless `limit` are taken; True if `holder` holds one.

        One request per ask, however long a run waits (`_take`); only the very first ask,
        before the semaphore exists, creates it and asks again.
        """
        taken = self._take(holder, limit, now)
        if taken is None:
            self._create_semaphore()
            taken = self._take(holder, limit, now)
        return bool(taken)

    def _take(self, holder: str, limit: int, now: datetime) -> bool | None:
        """One conditional UpdateItem. When the condition fails, DynamoDB returns the semaphore
        as it stood (ReturnValuesOnConditionCheckFailure=ALL_OLD): it says whether `holder`
        already holds a slot (a retried or restarted run) or must wait, with no second read.
        None: there is no semaphore yet."""
        try:
            dynamodb_client().update_item(
                TableName=self.table,
                Key=_key(SEMAPHORE_PK),
                UpdateExpression="SET #holders.#holder = :now ADD #held :one",
                ConditionExpression="#held < :limit AND attribute_not_exists(#holders.#holder)",
                ExpressionAttributeNames={
                    "#holders": "holders",
                    "#holder": holder,
                    "#held": "held",
                },
                ExpressionAttributeValues={
                    ":now": {"S": now.isoformat(timespec="seconds")},
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return True
        except ClientError as error:
            if not _condition_failed(error):
                raise
            semaphore = error.response.get("Item")
            return None if semaphore is None else holder in semaphore["holders"]["M"]

    def release(self, holder: str) -> bool:
        """Give back `holder`'s slot; False when it held none (already released)."""
        try:
            dynamodb_client().update_item(
                TableName=self.table,
                Key=_key(SEMAPHORE_PK),
                UpdateExpression="REMOVE #holders.#holder ADD #held :minus_one",
                ConditionExpression="attribute_exists(#holders.#holder)",
                ExpressionAttributeNames={
                    "#holders": "holders",
                    "#holder": holder,
                    "#held": "held",
                },
                ExpressionAttributeValues={":minus_one": {"N": "-1"}},
            )
            return True
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise

    def holders(self) -> dict[str, str]:
        """Job name -> when it took its slot."""
        item = (
            dynamodb_client()
            .get_item(TableName=self.table, Key=_key(SEMAPHORE_PK), ConsistentRead=True)
            .get("Item")
        )
        if not item:
            return {}
        return {name: value["S"] for name, value in item["holders"]["M"].items()}

    # Parse markers --------------------------------------------------------------------------
    def mark_parsed(self, job_name: str, summary_key: str, now: datetime) -> bool:
        """Record that `job_name`'s results were published; False if they already were."""
        try:
            dynamodb_client().put_item(
                TableName=self.table,
                Item={
                    **_key(f"parsed#{job_name}"),
                    "summaryKey": {"S": summary_key},
                    "parsedAt": {"S": now.isoformat(timespec="seconds")},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
            return True
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise

    def parsed_summary_key(self, job_name: str) -> str | None:
        item = (
            dynamodb_client()
            .get_item(TableName=self.table, Key=_key(f"parsed#{job_name}"), ConsistentRead=True)
            .get("Item")
        )
        return item["summaryKey"]["S"] if item else None

    # Latest pointers ------------------------------------------------------------------------
    def advance_latest(self, suite: str, dataset_path: str, order: str, summary_key: str) -> bool:
        """Point the dataset's history at `summary_key` unless a later run already is.

        `order` sorts like time (the job's creation instant, then its name), so a run that
        finishes late but started earlier never replaces a newer result. Re-pointing at the
        same run is allowed, so a repeated parse agrees with the first.
        """
        try:
            dynamodb_client().put_item(
                TableName=self.table,
                Item={
                    **_key(f"latest#{suite}#{dataset_path}"),
                    "runOrder": {"S": order},
                    "summaryKey": {"S": summary_key},
                },
                ConditionExpression="attribute_not_exists(pk) OR runOrder <= :order",
                ExpressionAttributeValues={":order": {"S": order}},
            )
            return True
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise

    def latest(self, suite: str, dataset_path: str) -> Mapping[str, str] | None:
        item = (
            dynamodb_client()
            .get_item(
                TableName=self.table,
                Key=_key(f"latest#{suite}#{dataset_path}"),
                ConsistentRead=True,
            )
            .get("Item")
        )
        if not item:
            return None
        return {"runOrder": item["runOrder"]["S"], "summaryKey": item["summaryKey"]["S"]}
