"""The CreateEvaluationJob request, built from a suite and a dataset location.

Field names follow botocore's service model (not the articles the product was specified
from): tests send every request built here through a botocore Stubber, which rejects any
field the real API does not have.
"""

from __future__ import annotations

import json
from typing import Any

from evalcore import layout, naming
from evalcore.errors import Problem, SuiteError
from evalcore.run_state import DatasetRef
from evalcore.suite import InferenceMode, Suite

APPLICATION_TYPE_MODEL = "ModelEvaluation"


def _inference_config(suite: Suite) -> dict[str, Any]:
    if suite.inference.mode is InferenceMode.PRECOMPUTED:
        model = {
            "precomputedInferenceSource": {
                "inferenceSourceIdentifier": suite.inference.source_identifier
            }
        }
    else:
        bedrock_model: dict[str, Any] = {"modelIdentifier": suite.inference.model_identifier}
        if suite.inference.inference_params:
            bedrock_model["inferenceParams"] = json.dumps(
                suite.inference.inference_params, separators=(",", ":")
            )
        model = {"bedrockModel": bedrock_model}
    return {"models": [model]}


def staged_key_for(suite: Suite, dataset: DatasetRef) -> str:
    """The pipeline-owned key the job reads the validated copy of `dataset` from."""
    name = naming.job_name(suite.name, dataset.bucket, dataset.key, dataset.version_id)
    return layout.staged_dataset_key(suite.name, name, naming.dataset_name(dataset.key))


def build_create_job_request(
    suite: Suite,
    dataset: DatasetRef,
    role_arn: str,
    output_bucket: str | None = None,
) -> dict[str, Any]:
    """Everything CreateEvaluationJob needs, with names stable across retries.

    The job reads the staged copy (`staged_key_for`), never the upload: the upload key may hold
    characters Bedrock's S3 URI pattern refuses, and may be overwritten while the job queues.
    Both keys checked here are built from names whose patterns Bedrock accepts; the check
    stays so a future change to the layout cannot slip a bad URI through.
    """
    output_bucket = output_bucket or dataset.bucket
    name = naming.job_name(suite.name, dataset.bucket, dataset.key, dataset.version_id)
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
    description = f"{suite.name}: {dataset.key}"
    return {
        "jobName": name,
        "jobDescription": description[:200],
        "roleArn": role_arn,
        "clientRequestToken": naming.client_request_token(
            dataset.bucket, dataset.key, dataset.version_id
        ),
        "applicationType": APPLICATION_TYPE_MODEL,
        "evaluationConfig": {
            "automated": {
                "datasetMetricConfigs": [
                    {
                        "taskType": suite.task_type,
                        "dataset": {
                            "name": naming.dataset_name(dataset.key),
                            "datasetLocation": {"s3Uri": staged_uri},
                        },
                        "metricNames": list(suite.metrics),
                    }
                ],
                "evaluatorModelConfig": {
                    "bedrockEvaluatorModels": [{"modelIdentifier": suite.evaluator_model}]
                },
            }
        },
        "inferenceConfig": _inference_config(suite),
        "outputDataConfig": {"s3Uri": output_uri},
        "jobTags": [
            {"key": "evaluation-suite", "value": suite.name},
            {"key": "dataset-version", "value": (dataset.version_id or "null")[:256]},
        ],
    }
