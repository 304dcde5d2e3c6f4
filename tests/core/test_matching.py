"""Result rows matched to staged dataset lines by content, as a multiset."""

from __future__ import annotations

import json

import pytest

from evalcore.matching import ResultMatcher, ResultsMismatch
from evalctl.simulation.bedrock_output import jsonl, rag_row


def line(prompt: str, reference: str | None = "ref") -> str:
    record: dict = {"prompt": prompt}
    if reference is not None:
        record["referenceResponse"] = reference
    return json.dumps(record)


def row(prompt: str, reference: str | None = "ref") -> str:
    return json.dumps(
        {
            "automatedEvaluationResult": {"scores": []},
            "inputRecord": json.loads(line(prompt, reference)),
        }
    )


DATASET = [line("a"), line("b"), line("a"), line("c", None)]


def matched(files: dict[str, list[str]]):
    matcher = ResultMatcher(DATASET)
    for source, rows in files.items():
        passed = list(matcher.observe(rows, source))
        assert passed == rows  # lines pass through unchanged for the aggregator
    return matcher.report()


def test_a_complete_output_in_any_order_and_over_several_files_matches():
    report = matched({"one": [row("c", None), row("a")], "two": ["", row("b"), row("a")]})
    assert report.complete
    assert (report.prompts_submitted, report.results_received) == (4, 4)
    report.raise_if_incomplete("s3://b/staged.jsonl")


def test_a_missing_row_names_the_dataset_line():
    report = matched({"one": [row("a"), row("b"), row("c", None)]})
    assert report.missing == [3]  # the second "a"
    with pytest.raises(ResultsMismatch, match=r"3 result row\(s\) for 4 prompt\(s\).*line\(s\) 3"):
        report.raise_if_incomplete("s3://b/staged.jsonl")


def test_a_duplicated_row_names_the_output_row_and_the_line_it_repeats():
    report = matched({"one": [row("a"), row("b"), row("a"), row("c", None), row("b")]})
    assert report.missing == []
    assert [(str(r), n) for r, n in report.duplicated] == [("one:5", 2)]
    with pytest.raises(ResultsMismatch, match=r"second result .* one:5 \(line 2\)"):
        report.raise_if_incomplete("s3://b/staged.jsonl")


def test_unmatched_and_malformed_rows_are_listed_by_position_without_content():
    report = matched(
        {"one": [row("a"), row("b"), row("a"), row("c", "a different reference"), "{not json"]}
    )
    assert [str(r) for r in report.unmatched] == ["one:4", "one:5"]
    assert report.missing == [4]
    with pytest.raises(ResultsMismatch) as raised:
        report.raise_if_incomplete("s3://b/staged.jsonl")
    assert "different reference" not in str(raised.value)


def test_long_lists_are_cut_short():
    matcher = ResultMatcher([line(f"p{i}") for i in range(30)])
    with pytest.raises(ResultsMismatch, match="and 10 more"):
        matcher.report().raise_if_incomplete("s3://b/staged.jsonl")


def test_rag_rows_are_matched_by_their_turns():
    turn = {
        "prompt": {"content": [{"text": "q1"}]},
        "referenceResponses": [{"content": [{"text": "ref"}]}],
    }
    dataset = [
        json.dumps({"conversationTurns": [turn]}),
        json.dumps({"conversationTurns": [turn | {"prompt": {"content": [{"text": "q2"}]}}]}),
    ]
    matcher = ResultMatcher(dataset)
    rows = jsonl([rag_row("q1", {"Builtin.Faithfulness": 1.0}), rag_row("q3", {})]).splitlines()
    list(matcher.observe(rows, "out.jsonl"))
    report = matcher.report()
    assert report.missing == [2]
    assert [str(row) for row in report.unmatched] == ["out.jsonl:2"]


def test_a_mismatch_names_whose_output_it_is():
    report = matched({"m.pro/out.jsonl": [row("a"), row("b"), row("a")]})
    with pytest.raises(ResultsMismatch, match=r"^model m.pro's jobs returned 3 result row\(s\)"):
        report.raise_if_incomplete("s3://b/staged.jsonl", job="model m.pro's jobs")


def test_a_fresh_matcher_matches_the_same_dataset_from_the_start():
    """A comparison indexes the staged dataset once and matches each model on a fresh copy."""
    matcher = ResultMatcher(DATASET)
    complete = matcher.fresh()
    list(matcher.observe([row("a")], source="short"))
    list(complete.observe([row("a"), row("b"), row("a"), row("c", None)], source="full"))
    assert not matcher.report().complete
    assert complete.report().complete
    assert (complete.report().prompts_submitted, complete.report().results_received) == (4, 4)
    after = matcher.fresh()  # a fresh copy of a matcher that observed rows starts over
    assert after.report().missing == ResultMatcher(DATASET).report().missing
