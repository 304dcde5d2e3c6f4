"""The CreateEvaluationJob request, built from a suite and a dataset location.

Field names follow botocore's service model (not the articles the product was specified
from): tests send every request built here through a botocore Stubber, which rejects any
field the real API does not have.
"""

from __future__ import annotations

from typing import Any

from evalcore import job_specs, layout, naming
from evalcore.errors import Problem, SuiteError
from evalcore.job_kinds import application_type
from evalcore.run_state import DatasetRef
from evalcore.shards import shard_job_request
from evalcore.suite import InferenceConfig, Suite


def build_create_job_requests(
    suite: Suite,
    dataset: DatasetRef,
    role_arn: str,
    output_bucket: str | None = None,
) -> list[dict[str, Any]]:
    """One request per job of an unsharded run: one per target model for a model comparison
    (each named `<run>-m<i>`, as the pipeline's Map items are), else the run's own."""
    jobs = job_specs.jobs_for(suite)
    staged_uri = naming.s3_uri(dataset.bucket, staged_key_for(suite, dataset))
    return [
        shard_job_request(
            build_create_job_request(suite, dataset, role_arn, output_bucket, targets=targets),
            index=0,
            count=1,
            dataset_uri=staged_uri,
            model_index=index,
            model_count=len(jobs),
        )
        for index, targets in enumerate(jobs)
    ]


def staged_key_for(suite: Suite, dataset: DatasetRef) -> str:
    """The pipeline-owned key the job reads the validated copy of `dataset` from."""
    name = naming.job_name(suite.name, dataset.bucket, dataset.key, dataset.version_id)
    return layout.staged_dataset_key(suite.name, name, naming.dataset_name(dataset.key))


def build_create_job_request(
    suite: Suite,
    dataset: DatasetRef,
    role_arn: str,
    output_bucket: str | None = None,
    *,
    targets: tuple[InferenceConfig, ...] | None = None,
) -> dict[str, Any]:
    """Everything CreateEvaluationJob needs, with names stable across retries.

    The job reads the staged copy (`staged_key_for`), never the upload: the upload key may hold
    characters Bedrock's S3 URI pattern refuses, and may be overwritten while the job queues.
    Both keys checked here are built from names whose patterns Bedrock accepts; the check
    stays so a future change to the layout cannot slip a bad URI through.

    `targets` picks the model of one job of a model comparison; the request keeps the run's
    name, token and output, which `evalcore.shards.shard_job_request` then makes the job's
    own (`<run>-m<i>`), so every job of a run follows one naming rule. All of a comparison's
    jobs read the one staged copy (or its shards).
    """
    output_bucket = output_bucket or dataset.bucket
    version = dataset.version_id
    jobs = job_specs.jobs_for(suite)
    if targets is None:
        targets = jobs[0]
    label = job_specs.target_label(targets) if len(jobs) > 1 else ""
    name = naming.job_name(suite.name, dataset.bucket, dataset.key, version)
    output_key = layout.results_prefix(suite.name, name)
    output_uri = naming.s3_uri(output_bucket, output_key)
    staged_key = staged_key_for(suite, dataset)
    staged_uri = naming.s3_uri(dataset.bucket, staged_key)
    problems = [
        Problem(dataset.key, field, f"{key!r} {reason}", "rename the dataset file or suite")
        for field, key, uri in (
            ("datasetLocation.s3Uri", staged_key, staged_uri),
            ("outputDataConfig.s3Uri", output_key, output_uri),
        )
        if (reason := naming.check_s3_uri(uri))
    ]
    if problems:
        raise SuiteError(problems)
    description = f"{suite.name}: {dataset.key}" + (f" ({label})" if label else "")
    tags = [
        {"key": "evaluation-suite", "value": suite.name},
        {"key": "dataset-version", "value": (dataset.version_id or "null")[:256]},
    ]
    request: dict[str, Any] = {
        "jobName": name,
        "jobDescription": description[:200],
        "roleArn": role_arn,
        "clientRequestToken": naming.client_request_token(dataset.bucket, dataset.key, version),
        "applicationType": application_type(suite.kind).value,
        "evaluationConfig": job_specs.evaluation_config(
            suite, naming.dataset_name(dataset.key), staged_uri
        ),
        "inferenceConfig": job_specs.inference_config(suite, targets),
        "outputDataConfig": {"s3Uri": output_uri},
        "jobTags": tags,
    }
    if suite.output_kms_key_id:
        request["customerEncryptionKeyId"] = suite.output_kms_key_id
    return request
