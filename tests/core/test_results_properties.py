"""Property: any output file yields records or malformed lines, and aggregates, never raising."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from evalcore.aggregate import ScoreAggregator
from evalcore.results import (
    MalformedLine,
    ResultRecord,
    _decode,
    _records_from_row,
    iter_result_records,
)
from tests.properties import as_line, byte_lines, json_values, property_settings

ROW_KEYS = st.sampled_from(
    [
        "automatedEvaluationResult",
        "scores",
        "metricName",
        "result",
        "evaluatorDetails",
        "explanation",
        "inputRecord",
        "prompt",
        "category",
        "modelResponses",
        "response",
        "conversationTurns",
        "results",
        "output",
        "text",
        "content",
    ]
)
ANY = json_values(ROW_KEYS, max_leaves=8)
SCORE = st.fixed_dictionaries(
    {"metricName": st.sampled_from(["Builtin.Correctness", "Builtin.Harmfulness"]) | ANY},
    optional={"result": st.floats(0, 1) | ANY, "evaluatorDetails": ANY},
)
INPUT_RECORD = st.fixed_dictionaries(
    {}, optional={"prompt": ANY, "category": ANY, "modelResponses": ANY}
)
MODEL_ROW = st.fixed_dictionaries(
    {
        "automatedEvaluationResult": st.fixed_dictionaries({"scores": st.lists(SCORE, max_size=4)})
        | ANY
    },
    optional={"inputRecord": INPUT_RECORD | ANY},
)
RAG_ROW = st.fixed_dictionaries(
    {
        "conversationTurns": st.lists(
            max_size=3,
            elements=st.fixed_dictionaries(
                {"results": st.lists(SCORE, max_size=4) | ANY},
                optional={"inputRecord": INPUT_RECORD | ANY, "output": ANY},
            ),
        )
        | ANY
    },
    optional={"category": ANY},
)
DEEP_PROMPT = (
    b'{"automatedEvaluationResult": {"scores": []}, "inputRecord": {"prompt": '
    + b"[" * 1020
    + b"]" * 1020
    + b"}}"
)


def read_and_aggregate(lines: list) -> ScoreAggregator:
    items = list(iter_result_records(lines, "f.jsonl"))
    for item in items:
        assert isinstance(item, ResultRecord | MalformedLine)
        assert 1 <= item.line <= len(lines)
        if isinstance(item, ResultRecord):
            assert item.category is None or isinstance(item.category, str)
            assert isinstance(item.prompt, str) and isinstance(item.response, str)
            for score in item.scores:
                assert score.result is None or isinstance(score.result, float | str)
                assert not isinstance(score.result, float) or math.isfinite(score.result)
    aggregator = ScoreAggregator().add_all(items)
    results = aggregator.metric_results()
    by_category = aggregator.category_results()
    low = aggregator.low_scores
    # The summary is JSON: everything aggregated must serialise without NaN or Infinity.
    json.dumps(
        [
            {name: vars(result) for name, result in results.items()},
            {c: {n: vars(r) for n, r in m.items()} for c, m in by_category.items()},
            [vars(entry) for entry in low],
        ],
        allow_nan=False,
    )
    assert aggregator.records + aggregator.malformed_count >= 0
    return aggregator


@property_settings
@given(byte_lines())
@example([DEEP_PROMPT])
@example([b"[" * 100_000])
def test_any_bytes_yield_records_or_malformed_lines(lines):
    read_and_aggregate(lines)


@pytest.mark.slow
@property_settings
@given(st.lists(MODEL_ROW | RAG_ROW | ANY, max_size=6), st.booleans())
@example(
    [{"automatedEvaluationResult": {"scores": []}, "inputRecord": {"category": 3}}] * 2
    + [{"automatedEvaluationResult": {"scores": []}, "inputRecord": {"category": "b"}}],
    True,
)
@example(
    [{"automatedEvaluationResult": {"scores": []}, "inputRecord": {"category": {"a": 1}}}], False
)
@example(
    [{"automatedEvaluationResult": {"scores": []}, "inputRecord": {"modelResponses": {"a": 1}}}],
    False,
)
def test_any_json_rows_yield_records_or_malformed_lines(rows, as_bytes):
    lines = [as_line(row).encode() if as_bytes else as_line(row) for row in rows]
    aggregator = read_and_aggregate(lines)
    assert aggregator.records >= sum(
        1
        for row in rows
        if isinstance(row, dict)
        # Exactly this shape: orjson refuses a line with a >64-bit integer anywhere in it.
        and row.get("automatedEvaluationResult") == {"scores": []}
        and isinstance(row.get("inputRecord", {}), dict)
        and set(row.get("inputRecord", {})) <= {"category"}
        and isinstance(row.get("inputRecord", {}).get("category"), str | None)
    )
    assert aggregator.malformed_count >= sum(
        1
        for row in rows
        if not isinstance(row, dict)
        or not ({"automatedEvaluationResult", "conversationTurns"} & set(row))
    )


def _general_reading(raw: str) -> list[tuple] | str:
    """What the dict-based reader (every shape) makes of a line: records, or why it refused."""
    try:
        records = _records_from_row(_decode(raw), "f.jsonl", 1)  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError, LookupError, RecursionError) as error:
        return type(error).__name__
    return [_comparable(record) for record in records]


def _comparable(record: ResultRecord) -> tuple:
    scores = tuple((s.metric, s.result, s.explanation) for s in record.scores)
    return (record.prompt, record.category, record.response, scores)


WELL_TYPED_SCORE = st.fixed_dictionaries(
    {"metricName": st.text(max_size=6)},
    optional={
        "result": st.none() | st.floats(0, 1) | st.integers(0, 5) | st.text(max_size=4),
        "evaluatorDetails": st.lists(
            st.fixed_dictionaries({}, optional={"explanation": st.text(max_size=8)}), max_size=2
        ),
    },
)
WELL_TYPED_ROW = st.fixed_dictionaries(
    {"automatedEvaluationResult": st.fixed_dictionaries({"scores": st.lists(WELL_TYPED_SCORE)})},
    optional={
        "inputRecord": st.fixed_dictionaries(
            {},
            optional={
                "prompt": st.text(max_size=8),
                "category": st.none() | st.text(max_size=4),
                "modelResponses": st.lists(
                    st.fixed_dictionaries({}, optional={"response": st.text(max_size=8)}),
                    max_size=2,
                ),
            },
        ),
        "modelResponses": st.lists(
            st.fixed_dictionaries({}, optional={"response": st.text(max_size=8)}), max_size=2
        ),
    },
)


@property_settings
@given(WELL_TYPED_ROW | MODEL_ROW)
@example(  # orjson (the dict reader's decoder) refuses an integer beyond 64 bits anywhere
    {"automatedEvaluationResult": {"scores": []}, "inputRecord": {"prompt": 10**300}}
)
def test_the_typed_fast_path_reads_every_row_as_the_general_reader_does(row):
    """The msgspec path takes well-typed model rows; anything it refuses falls to the dict
    reader. Either way a line must read exactly as the dict reader alone would read it."""
    raw = json.dumps(row)
    (item,) = iter_result_records([raw], "f.jsonl")
    general = _general_reading(raw)
    if isinstance(item, MalformedLine):
        assert isinstance(general, str), (item, general)
    else:
        assert isinstance(item, ResultRecord)
        assert [_comparable(item)] == general
