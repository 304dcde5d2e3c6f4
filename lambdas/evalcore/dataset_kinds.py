"""Which validator reads a suite's dataset: prompt records or RAG conversation turns.

The two shapes are validated by their own modules (`evalcore.dataset`, `evalcore.rag_dataset`);
callers (the submit Lambda, `evalctl plan` and `estimate`) ask here, so a knowledge-base suite
can never have its dataset read as prompt records or the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable

from evalcore.dataset import MAX_PROMPTS_PER_JOB, DatasetStats, validate_dataset
from evalcore.job_kinds import JobKind
from evalcore.rag_dataset import validate_rag_dataset
from evalcore.suite import Suite


def validate_for_suite(
    lines: Iterable[str | bytes],
    suite: Suite,
    source: str = "<dataset>",
    max_records: int = MAX_PROMPTS_PER_JOB,
) -> DatasetStats:
    """`max_records` is what a run may split across jobs (evalcore.shards); RAG datasets keep
    Bedrock's per-job limit: a conversation is not split across jobs yet."""
    if suite.kind is JobKind.KNOWLEDGE_BASE:
        assert suite.rag is not None  # parse_suite guarantees it for this kind
        return validate_rag_dataset(lines, suite.rag, suite.metrics, source)
    return validate_dataset(lines, suite, source, max_records=max_records)
