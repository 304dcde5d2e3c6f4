"""Validate an uploaded dataset against its suite, check its models are still offered, stage
the validated copy the jobs read, estimate the cost, and plan the run's jobs: one per shard of
the dataset, for each target model of a model comparison.

The jobs themselves are created later, one per Map item, once each holds a slot of the
pipeline-wide job semaphore (handlers.shards.submit_job, which uses `create_job` below)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from typing import IO, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from evalcore import job_specs
from evalcore.cost import estimate_cost
from evalcore.dataset import MAX_PROMPTS_PER_JOB, DatasetStats
from evalcore.dataset_kinds import validate_for_suite
from evalcore.errors import DatasetError, InputError, Problem, SuiteError
from evalcore.job_request import build_create_job_request, staged_key_for
from evalcore.model_lifecycle import ClientModelCatalog, check_suite_models
from evalcore.run_metrics import PipelineMetric, pipeline_count
from evalcore.run_state import DatasetRef, RunState, RunStateError
from evalcore.shards import ShardPlan, TooManyShards, plan_shards
from evalcore.staging import DatasetNormaliser
from evalcore.suite import Suite, suite_for_dataset_key
from handlers import s3io
from handlers.run_end import publish_metrics
from handlers.runtime import (
    THROTTLING_CODES,
    BedrockThrottled,
    bedrock_client,
    call_bedrock,
    logger,
    run_limits,
    s3_client,
    setting,
    tracer,
)
from handlers.shard_files import max_shards, write_shards

# The staged copy is built in memory up to this size, then in /tmp; a valid dataset (at most
# 1,000 prompts) rarely needs the disk.
STAGING_SPOOL_BYTES = 8 * 1024 * 1024
STAGED_CONTENT_TYPE = "application/x-ndjson"


def _existing_job_arn(job_name: str) -> str | None:
    """The job a previous attempt already created under this deterministic name."""
    pages = bedrock_client().get_paginator("list_evaluation_jobs").paginate(nameContains=job_name)
    for page in pages:
        for job in page.get("jobSummaries", []):
            if job.get("jobName") == job_name:
                return str(job["jobArn"])
    return None


def create_job(request: dict[str, Any]) -> str:
    try:
        return str(call_bedrock(bedrock_client().create_evaluation_job, **request)["jobArn"])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConflictException":
            raise
        arn = _existing_job_arn(request["jobName"])
        if arn is None:
            raise
        logger.info("Evaluation job already exists; reusing it", extra={"jobArn": arn})
        return arn


def plan_jobs(suite: Suite, dataset: DatasetRef, records: int) -> ShardPlan:
    """The dataset's shards, refused with the fix when models x shards exceeds the run's
    maxShardsPerRun (the jobs one execution's history was sized for)."""
    try:
        return plan_shards(
            records,
            max_shards=max_shards(),
            source=dataset.uri,
            models=len(job_specs.jobs_for(suite)),
        )
    except TooManyShards as error:
        raise DatasetError([Problem(dataset.uri, "<file>", error.problem, error.fix)]) from None


def validate_into(dataset: DatasetRef, suite: Suite, sink: IO[bytes]) -> DatasetStats:
    """Validate the pinned version, writing the normalised lines it validated into `sink`.

    Problems carry the uploaded file's line numbers, not the normalised ones.
    """
    normaliser = DatasetNormaliser(
        s3io.iter_lines(dataset.bucket, dataset.key, dataset.version_id), sink=sink
    )
    try:
        stats = validate_for_suite(
            normaliser, suite, dataset.uri, max_records=MAX_PROMPTS_PER_JOB * max_shards()
        )
    except DatasetError as error:
        raise DatasetError([normaliser.in_upload_numbering(p) for p in error.problems]) from None
    for warning in stats.warnings[:20]:
        logger.warning(str(normaliser.in_upload_numbering(warning)))
    if stats.problems:
        raise DatasetError([normaliser.in_upload_numbering(p) for p in stats.problems])
    if normaliser.records != stats.records:
        raise RuntimeError(
            f"staging wrote {normaliser.records} records but validation counted {stats.records}"
        )
    logger.info("Normalised the dataset", extra={"normalised": normaliser.describe()})
    return stats


def check_models(suite: Suite) -> None:
    """Refuse legacy, end-of-life and unknown models before anything is staged or paid for."""
    catalog = ClientModelCatalog(bedrock_client())
    try:
        problems = check_suite_models(suite, catalog, datetime.now(UTC))
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in THROTTLING_CODES:
            raise BedrockThrottled(f"{code}: {error}") from error
        raise
    if problems:
        raise SuiteError(problems)


def stage(bucket: str, key: str, body: IO[bytes]) -> bool:
    """Write the validated copy once; a retried execution finds it already there.

    The key is unique per uploaded version (it holds the job name) and the bytes are a pure
    function of that version, so an existing object is this same copy: it is kept, never
    overwritten (`If-None-Match: *`). True when this call wrote it: the run's first start.
    """
    body.seek(0)
    try:
        s3_client().put_object(
            Bucket=bucket, Key=key, Body=body, IfNoneMatch="*", ContentType=STAGED_CONTENT_TYPE
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "PreconditionFailed":
            raise
        logger.info("Staged dataset already exists; keeping it", extra={"stagedKey": key})
        return False
    return True


def _accept(event: dict[str, Any]) -> tuple[RunState, dict[str, Any], ShardPlan, int, bool]:
    """Validate the upload, plan its jobs, check its models and stage the validated copy: the
    run state, the run's job request, its shards, how many models each shard runs for and
    whether this is the run's first start, or the InputError saying what to fix."""
    state = RunState.from_json(event)
    dataset = state.dataset
    suite = suite_for_dataset_key(dataset.key)
    staged_key = staged_key_for(suite, dataset)
    with tempfile.SpooledTemporaryFile(max_size=STAGING_SPOOL_BYTES) as staged:
        stats = validate_into(dataset, suite, staged)
        plan = plan_jobs(suite, dataset, stats.records)
        request = build_create_job_request(suite, dataset, role_arn=setting("EVALUATION_ROLE_ARN"))
        check_models(suite)
        first_start = stage(dataset.bucket, staged_key, staged)
    accepted = state.evolve(
        run_limit_seconds=run_limits().for_suite(suite.kind, suite.max_run_hours),
        suite=suite.name,
        staged_key=staged_key,
        records=stats.records,
        cost_estimate=estimate_cost(suite, stats),
    )
    return accepted, request, plan, len(job_specs.jobs_for(suite)), first_start


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        state, request, plan, models, first_start = _accept(event)
    except (InputError, RunStateError):
        publish_metrics([pipeline_count(PipelineMetric.RUNS_REJECTED)])
        raise
    state = state.evolve(
        job_name=request["jobName"], output_s3_uri=request["outputDataConfig"]["s3Uri"]
    )
    assert state.staged_key is not None and state.records is not None
    staged = DatasetRef(state.dataset.bucket, state.staged_key)
    state = write_shards(state, staged, plan, models)
    if first_start:  # a retried step or a restarted execution is the same run
        publish_metrics([pipeline_count(PipelineMetric.RUNS_STARTED)])
    logger.info(
        "Accepted the dataset",
        extra={"jobName": state.job_name, "records": state.records, "jobs": len(state.shards)},
    )
    return state.to_json()
