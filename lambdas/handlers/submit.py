"""Validate an uploaded dataset against its suite, estimate the cost, start the Bedrock job."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from evalcore.cost import estimate_cost
from evalcore.dataset import DatasetStats, validate_dataset
from evalcore.errors import InputError, Problem, SuiteError
from evalcore.job_request import build_create_job_request
from evalcore.layout import suite_name_from_dataset_key
from evalcore.run_metrics import PipelineMetric, pipeline_count
from evalcore.run_state import RunState, RunStateError
from evalcore.suite import Suite, load_suite
from handlers import s3io
from handlers.run_end import publish_metrics
from handlers.runtime import (
    bedrock_client,
    call_bedrock,
    logger,
    polling_schedule,
    setting,
    tracer,
)


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


def _validated(event: dict[str, Any]) -> tuple[RunState, Suite, DatasetStats]:
    """The run state, suite and dataset of an upload, or the InputError saying what to fix."""
    state = RunState.from_json(event)
    dataset = state.dataset
    try:
        suite_name = suite_name_from_dataset_key(dataset.key)
    except ValueError as error:
        raise SuiteError([Problem(dataset.key, "<key>", str(error), "move the file")]) from None
    suite = load_suite(suite_name)
    stats = validate_dataset(
        s3io.iter_lines(dataset.bucket, dataset.key, dataset.version_id), suite, dataset.uri
    )
    for warning in stats.warnings[:20]:
        logger.warning(str(warning))
    stats.raise_for_problems()
    return state, suite, stats


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        state, suite, stats = _validated(event)
    except (InputError, RunStateError):
        publish_metrics([pipeline_count(PipelineMetric.RUNS_REJECTED)])
        raise
    estimate = estimate_cost(suite, stats)

    request = build_create_job_request(
        suite, state.dataset, role_arn=setting("EVALUATION_ROLE_ARN")
    )
    job_arn = create_job(request)
    publish_metrics([pipeline_count(PipelineMetric.RUNS_STARTED)])
    logger.info(
        "Submitted evaluation job",
        extra={"jobName": request["jobName"], "jobArn": job_arn, "records": stats.records},
    )
    return state.evolve(
        suite=suite.name,
        job_name=request["jobName"],
        job_arn=job_arn,
        output_s3_uri=request["outputDataConfig"]["s3Uri"],
        records=stats.records,
        cost_estimate=estimate,
        wait_seconds=polling_schedule().min_wait_seconds,
    ).to_json()
