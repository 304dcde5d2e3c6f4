import dataclasses
import itertools
import json
from pathlib import Path

import pytest

from evalcore.dataset import (
    MAX_DATASET_BYTES,
    MAX_LINE_BYTES,
    MAX_PROMPTS_PER_JOB,
    MAX_RECORDS_READ,
    split_lines,
    validate_dataset,
)
from evalcore.suite import load_suite


def record(prompt="What is 2+2?", source_id="support-assistant-v1", **extra) -> str:
    data = {
        "prompt": prompt,
        "referenceResponse": "4",
        "modelResponses": [{"response": "4", "modelIdentifier": source_id}],
        **extra,
    }
    return json.dumps(data)


def test_valid_precomputed_dataset_counts_records_and_categories(precomputed_suite):
    lines = [record(category="math"), record(category="math"), record(prompt="Hi?")]
    stats = validate_dataset(lines, precomputed_suite, "d.jsonl")
    assert stats.ok
    assert stats.records == 3
    assert stats.categories == {"math": 2, "(none)": 1}
    assert stats.with_reference == 3


def test_problems_name_line_field_and_fix(precomputed_suite):
    lines = [
        record(),
        "{not json",
        json.dumps({"referenceResponse": "x"}),
        record(source_id="other-app"),
        json.dumps({"prompt": "p", "modelResponses": []}),
    ]
    stats = validate_dataset(lines, precomputed_suite, "d.jsonl")
    found = {(p.line, p.field) for p in stats.problems}
    assert (2, "<json>") in found
    assert (3, "prompt") in found
    assert (4, "modelResponses[0].modelIdentifier") in found
    assert (5, "modelResponses") in found
    mismatch = next(p for p in stats.problems if p.line == 4)
    assert "support-assistant-v1" in mismatch.fix
    assert str(mismatch).startswith("d.jsonl:4: modelResponses[0].modelIdentifier:")


def test_live_inference_rejects_precomputed_responses(live_suite):
    stats = validate_dataset([record()], live_suite, "d.jsonl")
    assert [p.field for p in stats.problems] == ["modelResponses"]
    assert validate_dataset([json.dumps({"prompt": "p"})], live_suite).ok


def test_more_than_a_thousand_prompts_is_rejected(live_suite):
    lines = (json.dumps({"prompt": f"p{i}"}) for i in range(MAX_PROMPTS_PER_JOB + 1))
    stats = validate_dataset(lines, live_suite, "big.jsonl")
    assert stats.records == MAX_PROMPTS_PER_JOB + 1
    assert any("at most 1000" in p.message for p in stats.problems)


def test_exactly_a_thousand_prompts_is_fine(live_suite):
    lines = (json.dumps({"prompt": f"p{i}"}) for i in range(MAX_PROMPTS_PER_JOB))
    assert validate_dataset(lines, live_suite).ok


def test_blank_lines_inside_are_errors_but_a_trailing_newline_is_not(live_suite):
    ok = validate_dataset(['{"prompt": "a"}', "", "  "], live_suite)
    assert ok.ok
    bad = validate_dataset(['{"prompt": "a"}', "", '{"prompt": "b"}'], live_suite)
    assert [(p.line, p.message) for p in bad.problems] == [(2, "is blank")]


def test_empty_file_and_unknown_fields(live_suite):
    assert not validate_dataset([], live_suite).ok
    stats = validate_dataset([json.dumps({"prompt": "p", "reference_response": "x"})], live_suite)
    assert stats.ok
    assert [w.field for w in stats.warnings] == ["reference_response"]


def test_bytes_lines_are_accepted(precomputed_suite):
    stats = validate_dataset([record().encode()], precomputed_suite)
    assert stats.ok and stats.records == 1


def test_invalid_utf8_is_refused_with_line_and_byte_offset(live_suite):
    lines = [b'{"prompt": "ok"}', b'{"prompt": "caf\xe9"}']
    stats = validate_dataset(lines, live_suite, "d.jsonl")
    (problem,) = stats.problems
    assert (problem.line, problem.field) == (2, "<encoding>")
    assert "byte 15 of the line (0xe9" in problem.message
    assert "UTF-8" in problem.fix


@pytest.mark.parametrize(
    "prompt,message",
    [
        (42, "must be a string, got number"),
        (["a"], "must be a string, got array"),
        (None, "must be a string, got null"),
        (True, "must be a string, got boolean"),
        ("  ", "is empty"),
    ],
)
def test_a_prompt_of_the_wrong_type_says_so(live_suite, prompt, message):
    stats = validate_dataset([json.dumps({"prompt": prompt})], live_suite)
    assert [(p.field, p.message) for p in stats.problems] == [("prompt", message)]
    assert validate_dataset(["{}"], live_suite).problems[0].message == "is missing"


def test_a_dataset_of_another_kind_is_named(live_suite):
    rag = {"conversationTurns": [{"prompt": {"content": [{"text": "q"}]}}]}
    stats = validate_dataset([json.dumps(rag)], live_suite, "rag.jsonl")
    (problem,) = stats.problems
    assert problem.message == (
        'this is a RAG dataset (conversationTurns); model-evaluation suites take {"prompt": ...}'
    )
    output_row = {"automatedEvaluationResult": {"scores": []}, "inputRecord": {}}
    assert (
        "evaluation output row"
        in validate_dataset([json.dumps(output_row)], live_suite).problems[0].message
    )


def test_a_line_beyond_the_cap_is_refused_without_parsing(live_suite):
    line = json.dumps({"prompt": "x" * MAX_LINE_BYTES}).encode()
    stats = validate_dataset([line, b'{"prompt": "ok"}'], live_suite)
    assert [(p.line, p.field) for p in stats.problems] == [(1, "<line>")]
    assert f"{MAX_LINE_BYTES:,} bytes" in stats.problems[0].message


def test_reading_stops_once_a_file_cannot_be_valid(live_suite):
    consumed = []

    def endless():
        for number in itertools.count(1):
            consumed.append(number)
            yield b'{"prompt": "p"}'

    stats = validate_dataset(endless(), live_suite, "log.jsonl")
    assert len(consumed) == MAX_RECORDS_READ + 1
    assert "reading stopped at line" in stats.problems[-1].message
    line = b"x" * MAX_LINE_BYTES  # one line read again and again: 2 GB without making it
    big = (line for _ in range(MAX_DATASET_BYTES // MAX_LINE_BYTES + 5))
    stats = validate_dataset(big, live_suite)
    assert stats.records == MAX_DATASET_BYTES // MAX_LINE_BYTES


def test_split_lines_never_holds_more_than_the_cap_of_a_line():
    chunks = [b'{"a": 1}\r\n{"b"', b": 2}\n" + b"y" * 50, b"y" * 50 + b"\nlast"]
    assert list(split_lines(chunks, max_line_bytes=20)) == [
        b'{"a": 1}',
        b'{"b": 2}',
        b"y" * 21,
        b"last",
    ]
    endless_line = (b"z" * 1000 for _ in range(1000))
    assert [len(line) for line in split_lines(endless_line, max_line_bytes=100)] == [101]
    assert list(split_lines([b"a\n\nb\n"])) == [b"a", b"", b"b"]


def test_unknown_fields_get_a_suggestion(live_suite):
    stats = validate_dataset([json.dumps({"prompt": "p", "referenceResponses": "x"})], live_suite)
    assert "did you mean 'referenceResponse'?" in stats.warnings[0].message


# Page: https://docs.aws.amazon.com/bedrock/latest/userguide/model-evaluation-prompt-datasets-custom.html
# "referenceResponse - required to indicate the ground truth response against which your model is
# evaluated for the following tasks types: The answer for all prompts in question and answer
# tasks. The answer for all accuracy, and robustness evaluations."
@pytest.mark.parametrize(
    ("task_type", "metrics", "reason"),
    [
        ("QuestionAndAnswer", ("Builtin.Accuracy", "Builtin.Toxicity"), "Builtin.Accuracy"),
        ("Generation", ("Builtin.Robustness",), "Builtin.Robustness"),
        ("QuestionAndAnswer", ("Builtin.Toxicity",), "QuestionAndAnswer tasks"),
        ("Generation", ("Builtin.Toxicity",), None),
        ("Summarization", ("Builtin.Toxicity",), None),
    ],
)
def test_programmatic_records_need_a_reference_where_the_page_requires_one(
    task_type, metrics, reason
):
    suite = dataclasses.replace(load_suite("programmatic-qa"), task_type=task_type, metrics=metrics)
    lines = [
        json.dumps({"prompt": "What is 2+2?"}),
        json.dumps({"prompt": "What is 3+3?", "referenceResponse": "  "}),
        json.dumps({"prompt": "What is 4+4?", "referenceResponse": "8"}),
    ]
    stats = validate_dataset(lines, suite, "qa.jsonl")
    if reason is None:
        assert stats.ok, stats.problems
        return
    assert [(p.line, p.field) for p in stats.problems] == [
        (1, "referenceResponse"),
        (2, "referenceResponse"),
    ]
    missing, empty = stats.problems
    assert "is missing, but" in missing.message and "is empty, but" in empty.message
    assert reason in missing.message and reason in empty.message
    assert missing.fix == "add the expected answer as referenceResponse"


def test_the_shipped_programmatic_example_carries_its_references():
    suite = load_suite("programmatic-qa")
    path = Path(__file__).resolve().parents[2] / "examples" / "datasets" / "programmatic-qa.jsonl"
    stats = validate_dataset(path.read_text(encoding="utf-8").splitlines(), suite, str(path))
    assert stats.ok, stats.problems
    assert stats.with_reference == stats.records
