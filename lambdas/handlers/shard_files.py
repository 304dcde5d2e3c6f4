"""Splitting a validated dataset into the shard objects the run's jobs read.

Runs inside the submit step, once the dataset is valid and staged: a dataset of at most
1,000 prompts is its own single shard; a larger one is cut into contiguous slices of its
lines (evalcore.shards.plan_shards), written beside the staged copy.
"""

from __future__ import annotations

from collections.abc import Iterable

from evalcore import layout
from evalcore.run_state import DatasetRef, RunState
from evalcore.shards import MAX_SHARDS_ENV, MAX_SHARDS_PER_RUN, plan_shards, shard_job_name
from handlers import s3io
from handlers.runtime import int_setting, logger, s3_client


def max_shards() -> int:
    return int_setting(MAX_SHARDS_ENV, MAX_SHARDS_PER_RUN)


def _write_shard(bucket: str, key: str, lines: Iterable[bytes]) -> None:
    body = b"".join(line.rstrip(b"\r\n") + b"\n" for line in lines)
    s3_client().put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/x-ndjson")


def write_shards(state: RunState, source: DatasetRef, records: int) -> RunState:
    """Plan the run's shards and, when there are several, write each as its own object.

    `source` is the validated dataset the jobs read; its non-blank lines are the records, in
    order. A single shard reads `source` itself. Returns the state with `shards` set: the
    state each Map iteration starts from.
    """
    state.require("suite", "job_name")
    assert state.suite is not None and state.job_name is not None
    plan = plan_shards(records, max_shards=max_shards(), source=source.uri)
    keys = [source.key]
    if plan.sharded:
        keys = [layout.shard_key(state.suite, state.job_name, i) for i in range(plan.count)]
        lines = (
            line
            for line in s3io.iter_lines(source.bucket, source.key, source.version_id)
            if line.strip()
        )
        for (start, end), key in zip(plan.ranges, keys, strict=True):
            _write_shard(source.bucket, key, (next(lines) for _ in range(end - start)))
        logger.info("Split the dataset into shards", extra={"shards": plan.ranges})
    shards = tuple(
        state.evolve(
            shard_index=index,
            shard_count=plan.count,
            shard_key=key,
            job_name=shard_job_name(state.job_name, index, plan.count),
            job_arn=None,
            status=None,
        )
        for index, key in enumerate(keys)
    )
    return state.evolve(shards=shards)
