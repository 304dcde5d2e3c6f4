"""The kind-specific parts of a CreateEvaluationJob request: evaluationConfig and inferenceConfig.

`evalcore.job_request` builds what every job has (name, token, role, output, tags) and asks
this module for the two parts that differ by kind of job:

- judge and programmatic ("automatic") model evaluation: `automated` with the metric names,
  the judge (`evaluatorModelConfig`) when the kind uses one, custom metrics with their own
  judge (`customMetricConfig`), and `models` (one target per job);
- knowledge-base (RAG) evaluation: the same `automated` block and one `ragConfigs` entry,
  a knowledge base to query or a pre-computed RAG source;
- human evaluation: `human` (flow definition, instructions, human metrics) and up to two
  `models`.

Field names are botocore's (tests send every request through a Stubber-wrapped client).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from evalcore.defaults import RAG_NUMBER_OF_RESULTS
from evalcore.inference import InferenceMode
from evalcore.job_kinds import JobKind, RagMode
from evalcore.suite_kinds import RagSource

if TYPE_CHECKING:  # annotations only: `evalctl summarize` imports this without parsing a suite
    from evalcore.inference import InferenceConfig
    from evalcore.suite import Suite
    from evalcore.suite_kinds import RagConfig


def model_config(target: InferenceConfig) -> dict[str, Any]:
    """One `inferenceConfig.models` entry: a live Bedrock model or a pre-computed source."""
    if target.mode is InferenceMode.PRECOMPUTED:
        return {
            "precomputedInferenceSource": {"inferenceSourceIdentifier": target.source_identifier}
        }
    bedrock_model: dict[str, Any] = {"modelIdentifier": target.model_identifier}
    if target.inference_params:
        bedrock_model["inferenceParams"] = json.dumps(
            target.inference_params, separators=(",", ":")
        )
    return {"bedrockModel": bedrock_model}


def _retrieval_configuration(rag: RagConfig) -> dict[str, Any]:
    return {
        "vectorSearchConfiguration": {
            "numberOfResults": rag.number_of_results or RAG_NUMBER_OF_RESULTS
        }
    }


def rag_config(rag: RagConfig) -> dict[str, Any]:
    """The one `inferenceConfig.ragConfigs` entry of a RAG evaluation."""
    if rag.source is RagSource.PRECOMPUTED:
        key = (
            "retrieveSourceConfig"
            if rag.mode is RagMode.RETRIEVE
            else "retrieveAndGenerateSourceConfig"
        )
        return {"precomputedRagSourceConfig": {key: {"ragSourceIdentifier": rag.source_identifier}}}
    if rag.mode is RagMode.RETRIEVE:
        return {
            "knowledgeBaseConfig": {
                "retrieveConfig": {
                    "knowledgeBaseId": rag.knowledge_base_id,
                    "knowledgeBaseRetrievalConfiguration": _retrieval_configuration(rag),
                }
            }
        }
    return {
        "knowledgeBaseConfig": {
            "retrieveAndGenerateConfig": {
                "type": "KNOWLEDGE_BASE",
                "knowledgeBaseConfiguration": {
                    "knowledgeBaseId": rag.knowledge_base_id,
                    "modelArn": rag.generator_model,
                    "retrievalConfiguration": _retrieval_configuration(rag),
                },
            }
        }
    }


def inference_config(suite: Suite, targets: tuple[InferenceConfig, ...]) -> dict[str, Any]:
    if suite.kind is JobKind.KNOWLEDGE_BASE:
        assert suite.rag is not None  # parse_suite guarantees a rag section for this kind
        return {"ragConfigs": [rag_config(suite.rag)]}
    return {"models": [model_config(target) for target in targets]}


def _evaluator(model_id: str) -> dict[str, Any]:
    return {"bedrockEvaluatorModels": [{"modelIdentifier": model_id}]}


def evaluation_config(suite: Suite, dataset_name: str, dataset_uri: str) -> dict[str, Any]:
    dataset = {"name": dataset_name, "datasetLocation": {"s3Uri": dataset_uri}}
    if suite.kind is JobKind.HUMAN:
        assert suite.human is not None  # parse_suite guarantees a human section for this kind
        human = suite.human
        workflow: dict[str, Any] = {"flowDefinitionArn": human.flow_definition_arn}
        if human.instructions:
            workflow["instructions"] = human.instructions
        metrics = []
        for metric in human.metrics:
            entry = {"name": metric.name, "ratingMethod": metric.rating_method.value}
            if metric.description:
                entry["description"] = metric.description
            metrics.append(entry)
        return {
            "human": {
                "humanWorkflowConfig": workflow,
                "customMetrics": metrics,
                "datasetMetricConfigs": [
                    {
                        "taskType": suite.task_type,
                        "dataset": dataset,
                        "metricNames": [metric.name for metric in human.metrics],
                    }
                ],
            }
        }
    automated: dict[str, Any] = {
        "datasetMetricConfigs": [
            {"taskType": suite.task_type, "dataset": dataset, "metricNames": list(suite.metrics)}
        ]
    }
    if suite.scope.needs_evaluator:
        automated["evaluatorModelConfig"] = _evaluator(suite.evaluator_model)
    if suite.custom_metrics:
        automated["customMetricConfig"] = {
            "customMetrics": [metric.to_request() for metric in suite.custom_metrics],
            "evaluatorModelConfig": _evaluator(suite.evaluator_model),
        }
    return {"automated": automated}


def jobs_for(suite: Suite) -> tuple[tuple[InferenceConfig, ...], ...]:
    """The targets of each job the suite starts: one job per model for a model comparison,
    one job for a human comparison of two models, one job for RAG."""
    if suite.kind in (JobKind.HUMAN, JobKind.KNOWLEDGE_BASE):
        return (suite.target_models,)
    return tuple((target,) for target in suite.target_models)


def target_label(targets: tuple[InferenceConfig, ...]) -> str:
    """What names one job's model(s) to people: the model identifier (or pre-computed source)
    Bedrock also names the job's `models/<id>/` output folder after."""
    return "-".join(t.model_identifier or t.source_identifier for t in targets)


def compared_models(suite: Suite) -> tuple[str, ...]:
    """The label of each job's model when the suite is a model comparison (one job per target
    model), in the suite's order; empty when the suite runs one job."""
    jobs = jobs_for(suite)
    return tuple(target_label(targets) for targets in jobs) if len(jobs) > 1 else ()
