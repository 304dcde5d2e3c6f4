"""The parts of a suite that only some kinds of job have: RAG, human review, encryption.

`evalcore.suite` reads the keys every suite has and hands the kind-specific sections to the
parsers here, which report problems in the same file/field/fix form. Field names and limits
follow botocore's service model for CreateEvaluationJob (RetrieveConfig,
KnowledgeBaseRetrieveAndGenerateConfiguration, EvaluationPrecomputedRagSourceConfig,
HumanEvaluationConfig, customerEncryptionKeyId).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from evalcore.errors import Problem
from evalcore.job_kinds import MAX_CUSTOM_METRICS, JobKind, RagMode

RAG_SOURCE_ID_PATTERN = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9._-]){0,255}$")
KNOWLEDGE_BASE_ID_PATTERN = re.compile(r"^[0-9a-zA-Z]{1,10}$")
FLOW_DEFINITION_PATTERN = re.compile(
    r"^arn:aws(-[^:]+)?:sagemaker:[a-z0-9-]{1,20}:[0-9]{12}:flow-definition/.+$"
)
KMS_KEY_PATTERN = re.compile(
    r"^(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))$"
)
HUMAN_METRIC_NAME_PATTERN = re.compile(r"^[0-9a-zA-Z\-_.]{1,63}$")
MAX_NUMBER_OF_RESULTS = 100
MAX_HUMAN_INSTRUCTIONS = 5000


class RagSource(StrEnum):
    """Where the RAG responses come from."""

    KNOWLEDGE_BASE = "knowledge-base"  # Bedrock queries the knowledge base during the job
    PRECOMPUTED = "precomputed"  # the dataset carries each turn's retrieval (and answer)


class RatingMethod(StrEnum):
    """How human workers rate (the user guide's spelling; results use it in lower camel case)."""

    THUMBS_UP_DOWN = "ThumbsUpDown"
    INDIVIDUAL_LIKERT_SCALE = "IndividualLikertScale"
    COMPARISON_LIKERT_SCALE = "ComparisonLikertScale"
    COMPARISON_CHOICE = "ComparisonChoice"
    COMPARISON_RANK = "ComparisonRank"

    @property
    def compares_two_models(self) -> bool:
        return self.value.startswith("Comparison")


@dataclass(frozen=True)
class RagConfig:
    mode: RagMode
    source: RagSource
    knowledge_base_id: str = ""
    generator_model: str = ""  # retrieve-and-generate against a knowledge base
    number_of_results: int | None = None
    source_identifier: str = ""  # pre-computed: must equal each turn's knowledgeBaseIdentifier


@dataclass(frozen=True)
class HumanMetric:
    name: str
    rating_method: RatingMethod
    description: str = ""


@dataclass(frozen=True)
class HumanConfig:
    flow_definition_arn: str
    instructions: str
    metrics: tuple[HumanMetric, ...]


def parse_kind(raw: Any, source: str, problems: list[Problem]) -> JobKind:
    if raw is None:
        return JobKind.JUDGE
    try:
        return JobKind(raw)
    except ValueError:
        problems.append(
            Problem(
                source,
                "kind",
                f"{raw!r} is not a kind of evaluation job",
                "use one of " + ", ".join(repr(k.value) for k in JobKind) + " (default 'judge')",
            )
        )
        return JobKind.JUDGE


def _unknown_keys(
    raw: dict, allowed: tuple[str, ...], where: str, source: str, problems: list[Problem]
) -> None:
    for key in sorted(set(raw) - set(allowed)):
        close = difflib.get_close_matches(key, allowed, n=1)
        problems.append(
            Problem(
                source,
                f"{where}.{key}",
                "is not a key of this section",
                f"did you mean {close[0]!r}?" if close else "use " + ", ".join(allowed),
            )
        )


RAG_KEYS = {
    RagSource.KNOWLEDGE_BASE: (
        "mode",
        "source",
        "knowledgeBaseId",
        "generatorModel",
        "numberOfResults",
    ),
    RagSource.PRECOMPUTED: ("mode", "source", "sourceIdentifier"),
}
RAG_EXAMPLE = (
    '{"mode": "retrieve-and-generate", "source": "knowledge-base", '
    '"knowledgeBaseId": "KB12345678", "generatorModel": "<model id or ARN>"} or '
    '{"mode": "retrieve", "source": "precomputed", '
    '"sourceIdentifier": "my-rag-v1"}'
)


def parse_rag(raw: Any, source: str, problems: list[Problem]) -> RagConfig | None:
    if not isinstance(raw, dict):
        problems.append(Problem(source, "rag", "is missing or not an object", RAG_EXAMPLE))
        return None
    try:
        mode = RagMode(str(raw.get("mode")))
        rag_source = RagSource(str(raw.get("source")))
    except ValueError:
        problems.append(
            Problem(
                source,
                "rag.mode/rag.source",
                f"mode {raw.get('mode')!r} with source {raw.get('source')!r} is not a RAG set-up",
                "mode is 'retrieve' or 'retrieve-and-generate'; source is 'knowledge-base' or "
                "'precomputed'",
            )
        )
        return None
    _unknown_keys(raw, RAG_KEYS[rag_source], "rag", source, problems)
    if rag_source is RagSource.PRECOMPUTED:
        identifier = raw.get("sourceIdentifier")
        if not isinstance(identifier, str) or not RAG_SOURCE_ID_PATTERN.match(identifier):
            problems.append(
                Problem(
                    source,
                    "rag.sourceIdentifier",
                    f"{identifier!r} is not a valid RAG source identifier",
                    "1-256 letters, digits, '.', '_' or '-'; each turn's output."
                    "knowledgeBaseIdentifier must equal it",
                )
            )
            return None
        return RagConfig(mode, rag_source, source_identifier=identifier)
    kb_id = raw.get("knowledgeBaseId")
    if not isinstance(kb_id, str) or not KNOWLEDGE_BASE_ID_PATTERN.match(kb_id):
        problems.append(
            Problem(
                source,
                "rag.knowledgeBaseId",
                f"{kb_id!r} is not a knowledge base id",
                "use the 10-character id the Bedrock console shows, e.g. 'KB12345678'",
            )
        )
        return None
    generator = raw.get("generatorModel", "")
    if mode is RagMode.RETRIEVE_AND_GENERATE and (not isinstance(generator, str) or not generator):
        problems.append(
            Problem(
                source,
                "rag.generatorModel",
                "is missing",
                "name the model (id or ARN) that writes the answer from the retrieved passages",
            )
        )
        return None
    if mode is RagMode.RETRIEVE and generator:
        problems.append(
            Problem(
                source,
                "rag.generatorModel",
                "is set but a retrieve-only evaluation generates nothing",
                "remove it, or use mode 'retrieve-and-generate'",
            )
        )
    results = raw.get("numberOfResults")
    if results is not None and (
        isinstance(results, bool)
        or not isinstance(results, int)
        or not 1 <= results <= MAX_NUMBER_OF_RESULTS
    ):
        problems.append(
            Problem(
                source,
                "rag.numberOfResults",
                f"{results!r} is not a whole number from 1 to {MAX_NUMBER_OF_RESULTS}",
                "e.g. 5",
            )
        )
        results = None
    return RagConfig(
        mode,
        rag_source,
        knowledge_base_id=kb_id,
        generator_model=str(generator or ""),
        number_of_results=results,
    )


HUMAN_KEYS = ("flowDefinitionArn", "instructions", "metrics")
HUMAN_METRIC_KEYS = ("name", "description", "ratingMethod")


def parse_human(raw: Any, source: str, problems: list[Problem]) -> HumanConfig | None:
    example = (
        '{"flowDefinitionArn": "arn:aws:sagemaker:<region>:<account>:flow-definition/<name>", '
        '"instructions": "...", "metrics": [{"name": "Helpful", "ratingMethod": "ThumbsUpDown"}]}'
    )
    if not isinstance(raw, dict):
        problems.append(Problem(source, "human", "is missing or not an object", example))
        return None
    _unknown_keys(raw, HUMAN_KEYS, "human", source, problems)
    arn = raw.get("flowDefinitionArn")
    if not isinstance(arn, str) or not FLOW_DEFINITION_PATTERN.match(arn):
        problems.append(
            Problem(
                source,
                "human.flowDefinitionArn",
                f"{arn!r} is not a SageMaker flow definition ARN",
                "create one with your work team (README 'Human evaluation') and paste its ARN",
            )
        )
    instructions = raw.get("instructions", "")
    if not isinstance(instructions, str) or len(instructions) > MAX_HUMAN_INSTRUCTIONS:
        problems.append(
            Problem(
                source,
                "human.instructions",
                f"must be text of at most {MAX_HUMAN_INSTRUCTIONS} characters",
                "tell the workers what a good answer is",
            )
        )
        instructions = ""
    metrics: list[HumanMetric] = []
    raw_metrics = raw.get("metrics")
    if not isinstance(raw_metrics, list) or not 1 <= len(raw_metrics) <= MAX_CUSTOM_METRICS:
        problems.append(
            Problem(
                source,
                "human.metrics",
                f"must list 1-{MAX_CUSTOM_METRICS} metrics",
                '[{"name": "Helpful", "ratingMethod": "ThumbsUpDown"}]',
            )
        )
        raw_metrics = []
    for index, item in enumerate(raw_metrics):
        where = f"human.metrics[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem(source, where, "must be an object", example))
            continue
        _unknown_keys(item, HUMAN_METRIC_KEYS, where, source, problems)
        name = item.get("name")
        if not isinstance(name, str) or not HUMAN_METRIC_NAME_PATTERN.match(name):
            problems.append(
                Problem(
                    source,
                    f"{where}.name",
                    f"{name!r} is not a metric name",
                    "1-63 of [0-9a-zA-Z-_.]",
                )
            )
            continue
        try:
            method = RatingMethod(str(item.get("ratingMethod")))
        except ValueError:
            problems.append(
                Problem(
                    source,
                    f"{where}.ratingMethod",
                    f"{item.get('ratingMethod')!r} is not a rating method",
                    "use one of " + ", ".join(m.value for m in RatingMethod),
                )
            )
            continue
        description = item.get("description", "")
        if not isinstance(description, str) or len(description) > 63:
            problems.append(
                Problem(
                    source, f"{where}.description", "must be at most 63 characters", "shorten it"
                )
            )
            description = ""
        metrics.append(HumanMetric(name, method, description))
    if problems or not isinstance(arn, str):
        return None
    return HumanConfig(arn, instructions, tuple(metrics))


def parse_kms_key(raw: Any, source: str, problems: list[Problem]) -> str | None:
    """A key ARN or alias ARN: IAM needs an ARN to grant the service role on the key."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not KMS_KEY_PATTERN.match(raw):
        problems.append(
            Problem(
                source,
                "outputKmsKeyId",
                f"{raw!r} is not a KMS key ARN",
                "use arn:aws:kms:<region>:<account>:key/<key-id> (the README lists the key "
                "policy Bedrock needs)",
            )
        )
        return None
    return raw
