import json

from evalcore.dataset import MAX_PROMPTS_PER_JOB, validate_dataset


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
