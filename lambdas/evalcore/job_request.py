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
from evalcore.suite import InferenceConfig, Suite


def _target_label(target: InferenceConfig) -> str:
    """What tells one model-comparison job from another in its name and token."""
    return target.model_identifier or target.source_identifier


def build_create_job_requests(
    suite: Suite,
    dataset: DatasetRef,
    role_arn: str,
    output_bucket: str | None = None,
) -> list[dict[str, Any]]:
    """One request per job: several for a model comparison (one per target model), else one."""
    jobs = job_specs.jobs_for(suite)
    if len(jobs) == 1:
        return [build_create_job_request(suite, dataset, role_arn, output_bucket)]
    return [
        build_create_job_request(suite, dataset, role_arn, output_bucket, targets=targets)
        for targets in jobs
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

    `targets` picks one job of a model comparison; its model is part of the job's name and
    idempotency token, so each model's job is distinct and each is still retried safely. All
    of a comparison's jobs read the one staged copy.
    """
    output_bucket = output_bucket or dataset.bucket
    version = dataset.version_id
    comparing = targets is not None
    if targets is None:
        (targets,) = job_specs.jobs_for(suite)[:1]
    label = "-".join(_target_label(t) for t in targets) if comparing else ""
    qualifier = naming.short_model_label(label) if comparing else ""
    identity = f"{version or 'null'}#{label}" if comparing else version
    name = naming.job_name(suite.name, dataset.bucket, dataset.key, identity, qualifier)
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
        "clientRequestToken": naming.client_request_token(dataset.bucket, dataset.key, identity),
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
