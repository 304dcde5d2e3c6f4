"""Splitting a run into its jobs: one per shard of the dataset, for each compared model.

A dataset too large for one Bedrock evaluation job is split into shards, one job each.

Bedrock takes at most 1,000 prompts per evaluation job (judge, programmatic, human and RAG
jobs alike), so a larger dataset runs as several jobs whose outputs are merged into one
summary (evalcore.aggregate.ScoreAggregator.merge). The shards are contiguous runs of the
dataset's lines in their order, as equal in size as possible, so a summary built from them
is the one a single job would have given. A model comparison (a suite naming several target
models) runs every shard once per model, so a run holds models x shards jobs, each a Map
item; `maxShardsPerRun` caps that product, not the shards alone, because it is what the
execution's history budget (infra.history_budget) was sized for. Pure: the handlers do the
reading and writing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from evalcore import api_patterns

# Bedrock's per-job limit, for every job kind the pipeline submits.
from evalcore.dataset import MAX_PROMPTS_PER_JOB

# How many jobs one run may have (models x shards): each polls in the same execution's
# history, which infra.history_budget checks against Step Functions' 25,000-event limit at
# synth time.
MAX_SHARDS_PER_RUN = 5
MAX_SHARDS_ENV = "MAX_SHARDS_PER_RUN"


class TooManyShards(ValueError):
    """The run needs more jobs than it may hold; `problem` and `fix` are for a person."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}; {fix}")
        self.problem = problem
        self.fix = fix


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
    models: int = 1,
) -> ShardPlan:
    """As few shards as the per-job limit allows, sizes differing by at most one line.

    `models` is how many target models a comparison runs each shard for; the run's jobs
    (models x shards) must fit `max_shards`.
    """
    if models > max_shards:
        raise TooManyShards(
            f"the suite compares {models} models, one evaluation job each, and a run may start "
            f"at most {max_shards} jobs (maxShardsPerRun)",
            f"compare at most {max_shards} models per suite, or raise the setting",
        )
    if records <= 0:
        return ShardPlan(((0, 0),))
    count = -(-records // per_job)
    if count * models > max_shards:
        per_model = max_shards // models
        jobs = f"{count} evaluation jobs of at most {per_job}" + (
            f" for each of {models} models: {count * models} jobs" if models > 1 else ""
        )
        raise TooManyShards(
            f"{source} has {records} prompts: that is {jobs}, and a run may start at most "
            f"{max_shards} (maxShardsPerRun)",
            f"split it into files of at most {per_job * per_model} lines"
            + (", compare fewer models" if models > 1 else "")
            + " or raise the setting",
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


def _suffix(model_index: int, model_count: int, shard_index: int, shard_count: int) -> str:
    """`-m<i>` for a compared model, `-s<j>` for a shard; nothing for a run of one job."""
    model = f"-m{model_index + 1}" if model_count > 1 else ""
    shard = f"-s{shard_index + 1}" if shard_count > 1 else ""
    return model + shard


def shard_job_name(
    run_name: str, index: int, count: int, *, model_index: int = 0, model_count: int = 1
) -> str:
    """The job name of shard `index` of `count` for model `model_index` of `model_count`.

    A run of one job keeps the run's own name; otherwise `<run>-m<i>` (a compared model),
    `<run>-s<j>` (a shard) or `<run>-m<i>-s<j>`, the readable head trimmed to fit. The run
    name ends with the dataset version's digest, which is kept whole so two uploads never
    share a job's name.
    """
    suffix = _suffix(model_index, model_count, index, count)
    if not suffix:
        return run_name
    rule = api_patterns.job_name()
    readable, _, digest = run_name.rpartition("-")
    head = readable[: (rule.max_length or 63) - len(digest) - len(suffix) - 1].rstrip("-")
    name = f"{head}-{digest}{suffix}" if head else f"{digest}{suffix}"
    assert rule.violation(name) is None, name
    return name


def run_job_names(run_name: str, max_jobs: int = MAX_SHARDS_PER_RUN) -> list[str]:
    """Every job name a run could hold a job slot under, for any split of it into at most
    `max_jobs` jobs (models x shards): what a clean-up looks for without the run's plan."""
    names = {run_name}
    for models in range(1, max_jobs + 1):
        for shards in range(1, max_jobs // models + 1):
            names.update(
                shard_job_name(run_name, s, shards, model_index=m, model_count=models)
                for m in range(models)
                for s in range(shards)
            )
    return sorted(names)


def shard_job_request(
    run_request: dict[str, Any],
    *,
    index: int,
    count: int,
    dataset_uri: str,
    model_index: int = 0,
    model_count: int = 1,
) -> dict[str, Any]:
    """The CreateEvaluationJob request of one job of the run, derived from the run's own request.

    `run_request` is the request one job over the whole dataset would send, already holding
    this job's model as its target (a comparison builds one per model). A run of one job
    sends it unchanged. Every other job gets its own name, idempotency token, dataset (its
    shard) and an output folder below the run's, so the run's output prefix still holds every
    result file, each job's files lie under a prefix of their own, and a retry of one job
    finds its own job.
    """
    suffix = _suffix(model_index, model_count, index, count)
    if not suffix:
        return run_request
    request = copy.deepcopy(run_request)
    name = shard_job_name(
        run_request["jobName"], index, count, model_index=model_index, model_count=model_count
    )
    request["jobName"] = name
    token_suffix = (f"-m{model_index + 1:02d}" if model_count > 1 else "") + (
        f"-s{index + 1:02d}" if count > 1 else ""
    )
    token = run_request["clientRequestToken"]
    request["clientRequestToken"] = f"{token[: 64 - len(token_suffix)]}{token_suffix}"
    run_output = run_request["outputDataConfig"]["s3Uri"]
    request["outputDataConfig"] = {"s3Uri": run_output.rstrip("/") + f"/{name}/"}
    for config in request["evaluationConfig"]["automated"]["datasetMetricConfigs"]:
        config["dataset"]["datasetLocation"] = {"s3Uri": dataset_uri}
    position = ", ".join(
        part
        for part in (
            f"model {model_index + 1}/{model_count}" if model_count > 1 else "",
            f"shard {index + 1}/{count}" if count > 1 else "",
        )
        if part
    )
    description = run_request.get("jobDescription", "")[: 198 - len(position) - 3]
    request["jobDescription"] = f"{description} ({position})"
    return request
