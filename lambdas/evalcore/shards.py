"""Splitting a dataset too large for one Bedrock evaluation job into shards, one job each.

Bedrock takes at most 1,000 prompts per evaluation job (judge, programmatic, human and RAG
jobs alike), so a larger dataset runs as several jobs whose outputs are merged into one
summary (evalcore.aggregate.ScoreAggregator.merge). The shards are contiguous runs of the
dataset's lines in their order, as equal in size as possible, so a summary built from them
is the one a single job would have given. Pure: the handlers do the reading and writing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from evalcore import api_patterns

# Bedrock's per-job limit, for every job kind the pipeline submits.
from evalcore.dataset import MAX_PROMPTS_PER_JOB

# How many shards one run may have: each polls in the same execution's history, which
# infra.history_budget checks against Step Functions' 25,000-event limit at synth time.
MAX_SHARDS_PER_RUN = 5
MAX_SHARDS_ENV = "MAX_SHARDS_PER_RUN"


class TooManyShards(ValueError):
    """The dataset needs more jobs than one run may hold."""


@dataclass(frozen=True)
class ShardPlan:
    """Line ranges [start, end) of each shard, in dataset order."""

    ranges: tuple[tuple[int, int], ...]

    @property
    def count(self) -> int:
        return len(self.ranges)

    @property
    def sharded(self) -> bool:
        return self.count > 1


def plan_shards(
    records: int,
    per_job: int = MAX_PROMPTS_PER_JOB,
    max_shards: int = MAX_SHARDS_PER_RUN,
    source: str = "the dataset",
) -> ShardPlan:
    """As few shards as the per-job limit allows, sizes differing by at most one line."""
    if records <= 0:
        return ShardPlan(((0, 0),))
    count = -(-records // per_job)
    if count > max_shards:
        raise TooManyShards(
            f"{source} has {records} prompts: that is {count} evaluation jobs of at most "
            f"{per_job}, and a run may start at most {max_shards} (maxShardsPerRun); split it "
            f"into files of at most {per_job * max_shards} lines or raise the setting"
        )
    base, extra = divmod(records, count)
    ranges, start = [], 0
    for index in range(count):
        end = start + base + (1 if index < extra else 0)
        ranges.append((start, end))
        start = end
    return ShardPlan(tuple(ranges))


def shard_of_line(plan: ShardPlan, line_index: int) -> int:
    """Which shard a 0-based record index belongs to."""
    for shard, (start, end) in enumerate(plan.ranges):
        if start <= line_index < end:
            return shard
    raise IndexError(f"record {line_index} is outside the plan {plan.ranges}")


def shard_job_name(run_name: str, index: int, count: int) -> str:
    """The run's own job name when it has one shard; `<run>-s<n>` (trimmed to fit) otherwise.

    The run name ends with the dataset version's digest, which is kept whole so two uploads
    never share a shard's name.
    """
    if count == 1:
        return run_name
    suffix = f"-s{index + 1}"
    rule = api_patterns.job_name()
    readable, _, digest = run_name.rpartition("-")
    head = readable[: (rule.max_length or 63) - len(digest) - len(suffix) - 1].rstrip("-")
    name = f"{head}-{digest}{suffix}" if head else f"{digest}{suffix}"
    assert rule.violation(name) is None, name
    return name


def shard_job_request(
    run_request: dict[str, Any], *, index: int, count: int, dataset_uri: str
) -> dict[str, Any]:
    """The CreateEvaluationJob request of one shard, derived from the run's own request.

    One shard keeps the run's request unchanged. Several get their own name, idempotency
    token, dataset and an output folder below the run's, so the run's output prefix still
    holds every result file and a retry of one shard finds its own job.
    """
    if count == 1:
        return run_request
    request = copy.deepcopy(run_request)
    name = shard_job_name(run_request["jobName"], index, count)
    request["jobName"] = name
    request["clientRequestToken"] = f"{run_request['clientRequestToken'][:60]}-s{index + 1:02d}"
    run_output = run_request["outputDataConfig"]["s3Uri"]
    request["outputDataConfig"] = {"s3Uri": run_output.rstrip("/") + f"/{name}/"}
    for config in request["evaluationConfig"]["automated"]["datasetMetricConfigs"]:
        config["dataset"]["datasetLocation"] = {"s3Uri": dataset_uri}
    description = run_request.get("jobDescription", "")[:180]
    request["jobDescription"] = f"{description} (shard {index + 1}/{count})"
    return request
