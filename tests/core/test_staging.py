"""Normalisation: what the staged copy holds, and line numbers given back in upload numbering."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalcore.dataset import validate_dataset
from evalcore.errors import Problem
from evalcore.staging import UTF8_BOM, DatasetNormaliser

RECORDS = [b'{"prompt": "a"}', b'{"prompt": "b"}', b'{"prompt": "c"}']


def staged(body: bytes, chunks: int = 1) -> tuple[bytes, DatasetNormaliser]:
    """Feed `body` as a file read from disk would arrive (lines with their endings)."""
    sink = io.BytesIO()
    normaliser = DatasetNormaliser(io.BytesIO(body), sink=sink)
    list(normaliser)
    return sink.getvalue(), normaliser


def test_bom_crlf_and_blank_lines_are_normalised_and_nothing_else():
    body = UTF8_BOM + b'{"prompt": "a"}\r\n\r\n  \t\r\n{"prompt": "b"}\r\n\n{"prompt": "c"}'
    copy, normaliser = staged(body)
    assert copy == b"\n".join(RECORDS) + b"\n"
    assert normaliser.bom_removed
    assert normaliser.blank_lines == [2, 3, 5]
    assert normaliser.records == 3
    assert normaliser.bytes_written == len(copy)


def test_a_lone_cr_ends_a_line_as_it_does_for_botocore():
    copy, _ = staged(b'{"prompt": "a"}\r{"prompt": "b"}\n')
    assert copy == b'{"prompt": "a"}\n{"prompt": "b"}\n'


def test_record_bytes_are_kept_exactly_including_inner_spaces_and_escapes():
    line = '{"prompt":  "caf\\u00e9 ☕\\r\\n",  "referenceResponse": "x"}'.encode()
    copy, _ = staged(line + b"\r\n")
    assert copy == line + b"\n"


def test_a_bom_is_only_removed_at_the_start_of_the_file():
    copy, normaliser = staged(b'{"prompt": "a"}\n' + UTF8_BOM + b'{"prompt": "b"}\n')
    assert not normaliser.bom_removed
    assert copy.endswith(UTF8_BOM + b'{"prompt": "b"}\n')


def test_lines_split_by_s3_arrive_without_endings_and_give_the_same_copy():
    body = UTF8_BOM + b'{"prompt": "a"}\r\n\r\n{"prompt": "b"}\r\n'
    from_disk, _ = staged(body)
    sink = io.BytesIO()
    list(DatasetNormaliser(body.splitlines(), sink=sink))  # what botocore's iter_lines yields
    assert sink.getvalue() == from_disk


def test_problems_are_numbered_as_in_the_uploaded_file(precomputed_suite):
    body = b'\n\n{"prompt": "a"}\n\n' + b'{"prompt": 7}\n'
    normaliser = DatasetNormaliser(io.BytesIO(body))
    stats = validate_dataset(normaliser, precomputed_suite, "d.jsonl")
    lines = {normaliser.in_upload_numbering(p).line for p in stats.problems if p.line}
    assert lines == {3, 5}  # the records sit on uploaded lines 3 and 5
    file_level = Problem("d.jsonl", "<file>", "x")
    assert normaliser.in_upload_numbering(file_level) == file_level


@given(
    st.lists(
        st.one_of(st.just(b""), st.just(b"  "), st.just(b"\t"), st.just(b'{"prompt": "p"}')),
        max_size=30,
    )
)
def test_every_normalised_line_maps_back_to_its_uploaded_line(lines):
    normaliser = DatasetNormaliser(lines)
    kept = list(normaliser)
    uploaded_numbers = [i for i, line in enumerate(lines, start=1) if line.strip()]
    assert [normaliser.original_line(n) for n in range(1, len(kept) + 1)] == uploaded_numbers


@pytest.mark.parametrize("body", [b"", b"\n\n", UTF8_BOM, UTF8_BOM + b"\r\n"])
def test_an_empty_upload_stages_nothing(body):
    copy, normaliser = staged(body)
    assert (copy, normaliser.records) == (b"", 0)
    assert json.dumps(normaliser.describe())
