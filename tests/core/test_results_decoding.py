"""Edge cases of the orjson-based decoding that the stdlib decoder handled the same way."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from evalcore.results import MalformedLine, ResultRecord, Score, iter_result_records
from evalctl.simulation.bedrock_output import model_row


def line(row: dict) -> bytes:
    return json.dumps(row).encode()


def test_a_line_with_invalid_utf8_is_read_with_replacement_characters():
    raw = line(model_row("q", {"Builtin.Correctness": 1}, response="caf\u00e9"))
    broken = raw.replace(b"caf\\u00e9", b"caf\xe9")
    (record,) = iter_result_records([broken], "f.jsonl")
    assert isinstance(record, ResultRecord)
    assert record.response == "caf\ufffd"


def test_blank_and_whitespace_lines_are_skipped_but_counted():
    good = line(model_row("q", {"Builtin.Correctness": 0}))
    items = list(iter_result_records([b"", b"  \r", good, "\t", good.decode()], "f.jsonl"))
    assert [item.line for item in items] == [3, 5]


def test_booleans_and_objects_are_not_scores():
    for result in (True, {"value": 1}):
        row = model_row("q", {"Builtin.Correctness": 0.5})
        row["automatedEvaluationResult"]["scores"][0]["result"] = result
        (item,) = iter_result_records([line(row)], "f.jsonl")
        assert isinstance(item, MalformedLine)
        assert "Builtin.Correctness" in item.reason


def test_several_judges_explanations_are_joined_and_a_non_text_one_is_malformed():
    row = model_row("q", {"Builtin.Correctness": 1})
    details = row["automatedEvaluationResult"]["scores"][0]["evaluatorDetails"]
    details.append({"modelIdentifier": "second", "explanation": "agreed "})
    (record,) = iter_result_records([line(row)], "f.jsonl")
    assert record.scores[0].explanation == "Judged Builtin.Correctness. agreed"
    details[:] = [{"explanation": None}]
    (item,) = iter_result_records([line(row)], "f.jsonl")
    assert isinstance(item, MalformedLine)


results = st.one_of(
    st.none(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
)


@given(st.dictionaries(st.text(min_size=1, max_size=8), results, min_size=1, max_size=6))
def test_scores_match_a_stdlib_reading_of_the_same_line(scores):
    raw = line(model_row("q", scores, explanations={m: f" why {m} " for m in scores}))
    (record,) = iter_result_records([raw], "f.jsonl")
    expected = tuple(
        Score(
            s["metricName"],
            float(s["result"]) if isinstance(s["result"], int) else s["result"],
            s["evaluatorDetails"][0]["explanation"].strip(),
        )
        for s in json.loads(raw)["automatedEvaluationResult"]["scores"]
    )
    assert record.scores == expected
