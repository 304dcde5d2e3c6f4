"""Property: any input to the dataset reader yields stats or problems, never an exception."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from evalcore.dataset import DatasetStats, split_lines, validate_dataset
from evalcore.errors import Problem
from evalcore.suite import load_suite
from tests.properties import as_line, byte_lines, json_values, property_settings

SUITES = {name: load_suite(name) for name in ("support-assistant", "live-nova")}
RECORD_KEYS = st.sampled_from(
    [
        "prompt",
        "referenceResponse",
        "category",
        "modelResponses",
        "response",
        "modelIdentifier",
        "conversationTurns",
        "support-assistant-v1",
    ]
)


def assert_well_formed(stats: DatasetStats, line_count: int) -> None:
    assert stats.ok == (not stats.problems)
    for problem in [*stats.problems, *stats.warnings]:
        assert isinstance(problem, Problem)
        assert problem.field and problem.message and problem.fix
        assert problem.line is None or 1 <= problem.line <= line_count
        str(problem)
    assert stats.records <= line_count
    if stats.ok:
        assert stats.records >= 1 and sum(stats.categories.values()) == stats.records


@property_settings
@given(byte_lines(), st.sampled_from(sorted(SUITES)))
@example([b"[" * 100_000], "live-nova")
@example([b'{"prompt": "caf\xe9"}'], "live-nova")
def test_any_bytes_yield_stats_or_problems(lines, suite):
    assert_well_formed(validate_dataset(lines, SUITES[suite], "d.jsonl"), len(lines))


@property_settings
@given(st.binary(max_size=400), st.integers(min_value=1, max_value=64))
def test_any_byte_stream_splits_into_bounded_lines(data, cap):
    chunks = [data[i : i + 7] for i in range(0, len(data), 7)]
    segments = data.split(b"\n")
    if segments[-1] == b"":
        segments.pop()
    expected = [seg[: cap + 1] if len(seg) > cap else seg.removesuffix(b"\r") for seg in segments]
    assert list(split_lines(chunks, max_line_bytes=cap)) == expected


@property_settings
@given(
    st.lists(json_values(RECORD_KEYS, max_leaves=12), max_size=6), st.sampled_from(sorted(SUITES))
)
def test_any_json_records_yield_stats_or_problems(values, suite):
    lines = [as_line(value) for value in values]
    assert_well_formed(validate_dataset(lines, SUITES[suite], "d.jsonl"), len(lines))
    encoded = [line.encode() for line in lines]
    assert (
        validate_dataset(encoded, SUITES[suite], "d.jsonl").problems
        == validate_dataset(lines, SUITES[suite], "d.jsonl").problems
    )
