"""RAG datasets (conversationTurns) are validated as strictly as prompt datasets."""

import json
from pathlib import Path

import pytest

from evalcore.dataset_kinds import validate_for_suite
from evalcore.job_kinds import RagMode
from evalcore.rag_dataset import validate_rag_dataset
from evalcore.suite import load_suite
from evalcore.suite_kinds import RagConfig, RagSource

REPO = Path(__file__).resolve().parents[2]
KB = RagConfig(RagMode.RETRIEVE_AND_GENERATE, RagSource.KNOWLEDGE_BASE, "KB12345678", "m")
PRE = RagConfig(RagMode.RETRIEVE_AND_GENERATE, RagSource.PRECOMPUTED, source_identifier="rag-v1")
PRE_RETRIEVE = RagConfig(RagMode.RETRIEVE, RagSource.PRECOMPUTED, source_identifier="rag-v1")


def text(value: str) -> dict:
    return {"content": [{"text": value}]}


def turn(prompt="q?", **extra) -> dict:
    return {"prompt": text(prompt), "referenceResponses": [text("ref")], **extra}


def generated(**overrides) -> dict:
    output = {
        "text": "answer",
        "knowledgeBaseIdentifier": "rag-v1",
        "retrievedPassages": {"retrievalResults": [{"content": {"text": "passage"}}]},
        "citations": [],
    }
    output.update(overrides)
    return output


def check(rows, rag=KB, metrics=("Builtin.Faithfulness",)) -> dict[str, str]:
    lines = [json.dumps(row) if not isinstance(row, str) else row for row in rows]
    stats = validate_rag_dataset(lines, rag, metrics, "rag.jsonl")
    return {f"{p.line}:{p.field}": f"{p.message} (fix: {p.fix})" for p in stats.problems}


@pytest.mark.parametrize(
    "suite_name",
    ["rag-kb-retrieve", "rag-kb-generate", "rag-precomputed", "rag-precomputed-retrieve"],
)
def test_shipped_rag_examples_are_valid(suite_name):
    suite = load_suite(suite_name)
    path = REPO / "examples" / "datasets" / f"{suite_name}.jsonl"
    with path.open("rb") as lines:
        stats = validate_for_suite(lines, suite, str(path))
    assert stats.problems == [] and stats.warnings == []
    assert stats.records >= 3 and stats.prompt_chars > 0


def test_a_prompt_record_in_a_rag_dataset_says_which_kind_it_belongs_to():
    found = check([{"prompt": "q?", "referenceResponse": "r"}])
    assert "model-evaluation record" in found["1:conversationTurns"]
    assert "judge suite" in found["1:conversationTurns"]


def test_turn_counts_follow_the_mode():
    assert check([{"conversationTurns": [turn()] * 5}]) == {}
    assert "1-5 turns" in check([{"conversationTurns": [turn()] * 6}])["1:conversationTurns"]
    two = {"conversationTurns": [turn(output=generated()), turn(output=generated())]}
    assert "1-1 turns" in check([two], PRE_RETRIEVE)["1:conversationTurns"]


def test_prompts_and_references_need_text_content():
    found = check(
        [{"conversationTurns": [{"prompt": {"content": [{"txt": "q"}]}, "referenceResponses": []}]}]
    )
    assert "no text" in found["1:conversationTurns[0].prompt"]
    assert "non-empty list" in found["1:conversationTurns[0].referenceResponses"]


def test_metrics_that_compare_with_ground_truth_need_references():
    row = {"conversationTurns": [{"prompt": text("q?")}]}
    assert check([row]) == {}
    found = check([row], metrics=("Builtin.Correctness",))
    assert "ground truth" in found["1:conversationTurns[0].referenceResponses"]


def test_output_is_required_for_precomputed_and_refused_for_a_knowledge_base():
    assert (
        "query the knowledge base"
        in check([{"conversationTurns": [turn(output=generated())]}])[
            "1:conversationTurns[0].output"
        ]
    )
    assert (
        "is missing"
        in check([{"conversationTurns": [turn()]}], PRE)["1:conversationTurns[0].output"]
    )
    assert check([{"conversationTurns": [turn(output=generated())]}], PRE) == {}


def test_precomputed_outputs_name_the_suites_source_and_carry_passages():
    found = check(
        [
            {
                "conversationTurns": [
                    turn(output=generated(knowledgeBaseIdentifier="other", retrievedPassages={}))
                ]
            }
        ],
        PRE,
    )
    assert "rag-v1" in found["1:conversationTurns[0].output.knowledgeBaseIdentifier"]
    assert "retrievalResults" in found["1:conversationTurns[0].output.retrievedPassages"]
    retrieve = {
        "knowledgeBaseIdentifier": "rag-v1",
        "retrievedResults": {"retrievalResults": [{"content": {}}]},
    }
    found = check([{"conversationTurns": [turn(output=retrieve)]}], PRE_RETRIEVE)
    assert "content.text" in next(iter(found))


def test_bad_json_blank_lines_and_limits_are_reported_with_line_numbers():
    found = check(["{not json", "", json.dumps({"conversationTurns": [turn()]})])
    assert "not valid JSON" in found["1:<json>"]
    assert "blank" in found["2:<line>"]
    many = [json.dumps({"conversationTurns": [turn()]})] * 1001
    assert "at most 1000" in check(many)["None:<file>"]
