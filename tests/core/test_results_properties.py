"""Property: any output file yields records or malformed lines, and aggregates, never raising."""

from __future__ import annotations

import json
import math

from hypothesis import example, given
from hypothesis import strategies as st

from evalcore.aggregate import ScoreAggregator
from evalcore.results import MalformedLine, ResultRecord, iter_result_records
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
