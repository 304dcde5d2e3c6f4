"""Splitting a validated dataset into the shard objects the run's jobs read, and the run
into its Map items: one per (model, shard).

Runs inside the submit step, once the dataset is valid and staged: a dataset of at most
1,000 prompts is its own single shard; a larger one is cut into contiguous slices of its
lines (evalcore.shards.plan_shards), written beside the staged copy. A model comparison
runs every shard once per target model; the models share the shard objects.
"""

from __future__ import annotations

from collections.abc import Iterable

from evalcore import layout
from evalcore.run_state import DatasetRef, RunState
from evalcore.shards import MAX_SHARDS_ENV, MAX_SHARDS_PER_RUN, ShardPlan, shard_job_name
from handlers import s3io
from handlers.runtime import int_setting, logger, s3_client


def max_shards() -> int:
    return int_setting(MAX_SHARDS_ENV, MAX_SHARDS_PER_RUN)


def _write_shard(bucket: str, key: str, lines: Iterable[bytes]) -> None:
    body = b"".join(line.rstrip(b"\r\n") + b"\n" for line in lines)
    s3_client().put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/x-ndjson")


def write_shards(state: RunState, source: DatasetRef, plan: ShardPlan, models: int = 1) -> RunState:
    """Write each shard of `plan` as its own object when there are several, and lay out the
    run's Map items: every shard for each of `models` target models, model by model.

    `source` is the validated dataset the jobs read; its non-blank lines are the records, in
    order. A single shard reads `source` itself. Returns the state with `shards` set: the
    state each Map iteration starts from.
    """
    state.require("suite", "job_name")
    assert state.suite is not None and state.job_name is not None
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
    comparing = models > 1
    items = tuple(
        state.evolve(
            shard_index=index,
            shard_count=plan.count,
            shard_key=key,
            model_index=model if comparing else None,
            model_count=models if comparing else None,
            job_name=shard_job_name(
                state.job_name, index, plan.count, model_index=model, model_count=models
            ),
            job_arn=None,
            status=None,
        )
        for model in range(models)
        for index, key in enumerate(keys)
    )
    return state.evolve(shards=items)
