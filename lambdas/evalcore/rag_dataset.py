"""Validation of RAG evaluation datasets (`conversationTurns` JSONL), streamed line by line.

The shape (user guide: knowledge-base-evaluation-prompt-retrieve.html,
knowledge-base-evaluation-prompt-retrieve-generate.html and the BYOI pages for pre-computed
responses):

    {"conversationTurns": [{"prompt": {"content": [{"text": "..."}]},
                            "referenceResponses": [{"content": [{"text": "..."}]}],
                            "referenceContexts": [{"content": [{"text": "..."}]}],
                            "output": {...}}]}

Retrieve-only jobs take one turn per record, retrieve-and-generate up to five. `output` is
what a pre-computed RAG source returned and must be absent when Bedrock queries the
knowledge base itself. Counts feed the same DatasetStats as model-evaluation datasets.
"""

from __future__ import annotations

from collections.abc import Iterable

from evalcore.dataset import DatasetStats, validate_records
from evalcore.defaults import UNCATEGORIZED
from evalcore.errors import Problem
from evalcore.job_kinds import RagMode
from evalcore.suite_kinds import RagConfig, RagSource

MAX_TURNS = {RagMode.RETRIEVE: 1, RagMode.RETRIEVE_AND_GENERATE: 5}
TURN_KEYS = frozenset({"prompt", "referenceResponses", "referenceContexts", "output"})
# Metrics whose judge compares with the ground truth: without it they cannot be scored.
NEEDS_REFERENCE = frozenset(
    {"Builtin.Correctness", "Builtin.Completeness", "Builtin.ContextCoverage"}
)
TEXT_EXAMPLE = '{"content": [{"text": "..."}]}'


def _content_text(value: object) -> str | None:
    """The text of `{"content": [{"text": ...}]}`, or None when the shape is wrong."""
    if not isinstance(value, dict):
        return None
    content = value.get("content")
    if not isinstance(content, list) or not content:
        return None
    texts = [item.get("text") for item in content if isinstance(item, dict)]
    if len(texts) != len(content) or not all(isinstance(t, str) and t.strip() for t in texts):
        return None
    return " ".join(str(t) for t in texts)


def _check_text_list(
    value: object, where: str, source: str, line: int, problems: list[Problem]
) -> int:
    if not isinstance(value, list) or not value:
        problems.append(
            Problem(source, where, "must be a non-empty list", f"[{TEXT_EXAMPLE}]", line)
        )
        return 0
    for index, item in enumerate(value):
        if _content_text(item) is None:
            problems.append(
                Problem(source, f"{where}[{index}]", "has no text content", TEXT_EXAMPLE, line)
            )
    return len(value)


def _check_results(value: object, where: str, source: str, line: int, problems: list[Problem]):
    results = value.get("retrievalResults") if isinstance(value, dict) else None
    if not isinstance(results, list):
        problems.append(
            Problem(
                source,
                where,
                'must be {"retrievalResults": [...]}',
                'e.g. {"retrievalResults": [{"content": {"text": "passage"}}]}',
                line,
            )
        )
        return
    for index, item in enumerate(results):
        content = item.get("content") if isinstance(item, dict) else None
        text = content.get("text") if isinstance(content, dict) else None
        if not isinstance(text, str):
            problems.append(
                Problem(
                    source,
                    f"{where}.retrievalResults[{index}].content.text",
                    "is missing",
                    'each passage is {"content": {"text": "..."}, "name"?: "...", "metadata"?: {}}',
                    line,
                )
            )


def _check_output(
    output: object, rag: RagConfig, where: str, source: str, line: int, problems: list[Problem]
) -> int:
    if not isinstance(output, dict):
        problems.append(
            Problem(
                source,
                where,
                "is missing",
                "a pre-computed RAG dataset carries each turn's retrieval (and answer) in output",
                line,
            )
        )
        return 0
    identifier = output.get("knowledgeBaseIdentifier")
    if identifier != rag.source_identifier:
        problems.append(
            Problem(
                source,
                f"{where}.knowledgeBaseIdentifier",
                f"is {identifier!r} but the suite's rag.sourceIdentifier is "
                f"{rag.source_identifier!r}",
                f'set it to "{rag.source_identifier}" (or change the suite)',
                line,
            )
        )
    if rag.mode is RagMode.RETRIEVE:
        _check_results(
            output.get("retrievedResults"), f"{where}.retrievedResults", source, line, problems
        )
        return 0
    text = output.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(
            Problem(
                source, f"{where}.text", "is missing or empty", "add the generated answer", line
            )
        )
        text = ""
    _check_results(
        output.get("retrievedPassages"), f"{where}.retrievedPassages", source, line, problems
    )
    citations = output.get("citations", [])
    if not isinstance(citations, list):
        problems.append(Problem(source, f"{where}.citations", "must be a list", "[]", line))
    return len(text)


def _check_turn(
    turn: object,
    rag: RagConfig,
    needs_reference: bool,
    where: str,
    stats: DatasetStats,
    line: int,
) -> None:
    source, problems = stats.source, stats.problems
    if not isinstance(turn, dict):
        problems.append(Problem(source, where, "must be an object", '{"prompt": ...}', line))
        return
    prompt = _content_text(turn.get("prompt"))
    if prompt is None:
        problems.append(
            Problem(source, f"{where}.prompt", "is missing or has no text", TEXT_EXAMPLE, line)
        )
    else:
        stats.prompt_chars += len(prompt)
    if "referenceResponses" in turn:
        if _check_text_list(
            turn["referenceResponses"], f"{where}.referenceResponses", source, line, problems
        ):
            stats.with_reference += 1
    elif needs_reference:
        problems.append(
            Problem(
                source,
                f"{where}.referenceResponses",
                "is missing but the suite's metrics compare with a ground truth",
                f"add [{TEXT_EXAMPLE}], or drop " + ", ".join(sorted(NEEDS_REFERENCE)),
                line,
            )
        )
    if "referenceContexts" in turn:
        _check_text_list(
            turn["referenceContexts"], f"{where}.referenceContexts", source, line, problems
        )
    if rag.source is RagSource.PRECOMPUTED:
        stats.response_chars += _check_output(
            turn.get("output"), rag, f"{where}.output", source, line, problems
        )
    elif "output" in turn:
        problems.append(
            Problem(
                source,
                f"{where}.output",
                "is present but the suite asks Bedrock to query the knowledge base",
                "remove output, or switch the suite's rag.source to 'precomputed'",
                line,
            )
        )
    for unknown in sorted(set(turn) - TURN_KEYS):
        stats.warnings.append(
            Problem(source, f"{where}.{unknown}", "is not a field Bedrock reads", "remove it", line)
        )


def _check_record(
    record: object, rag: RagConfig, metrics: frozenset[str], stats: DatasetStats, line: int
) -> None:
    source, problems = stats.source, stats.problems
    if not isinstance(record, dict):
        problems.append(
            Problem(
                source, "<record>", "must be a JSON object", '{"conversationTurns": [...]}', line
            )
        )
        return
    turns = record.get("conversationTurns")
    if turns is None:
        other = "a model-evaluation record (prompt)" if "prompt" in record else "not a RAG record"
        problems.append(
            Problem(
                source,
                "conversationTurns",
                f"is missing: this line is {other}",
                'a knowledge-base suite needs {"conversationTurns": [...]} per line; '
                "use a judge suite for prompt records",
                line,
            )
        )
        return
    limit = MAX_TURNS[rag.mode]
    if not isinstance(turns, list) or not 1 <= len(turns) <= limit:
        problems.append(
            Problem(
                source,
                "conversationTurns",
                f"must be a list of 1-{limit} turns for a {rag.mode} evaluation",
                "split longer conversations into several records",
                line,
            )
        )
        return
    needs_reference = bool(metrics & NEEDS_REFERENCE)
    for index, turn in enumerate(turns):
        _check_turn(turn, rag, needs_reference, f"conversationTurns[{index}]", stats, line)
    category = record.get("category")
    stats.categories[category if isinstance(category, str) else UNCATEGORIZED] += 1
    for unknown in sorted(set(record) - {"conversationTurns", "category"}):
        stats.warnings.append(
            Problem(source, unknown, "is not a field Bedrock reads", "remove it", line)
        )


def validate_rag_dataset(
    lines: Iterable[str | bytes],
    rag: RagConfig,
    metrics: frozenset[str] | tuple[str, ...],
    source: str = "<dataset>",
) -> DatasetStats:
    """Check every line of a RAG dataset; never raises for bad data. Reading (encoding, caps,
    blank and broken lines) is the model-evaluation validator's own."""
    metric_set = frozenset(metrics)

    def check(record: object, stats: DatasetStats, line: int, problems: list[Problem]) -> None:
        _check_record(record, rag, metric_set, stats, line)

    return validate_records(lines, check, source)
