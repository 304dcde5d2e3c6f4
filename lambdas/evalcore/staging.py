"""The dataset Bedrock reads: exactly the lines that were validated, normalised.

Bedrock reads its dataset by key when the job runs, not by version, and trips on things people
produce every day. So submit validates one pinned version and writes what it validated to a
pipeline-owned key (`layout.staged_dataset_key`); the job reads that copy. Normalisation, the
same in submit and in `evalctl plan`:

- a UTF-8 byte-order mark at the start of the file is removed;
- every line ending (CRLF, a lone CR, LF) becomes LF, and the file ends with one LF;
- blank lines (only spaces, tabs, CR or LF) are dropped, wherever they are.

Nothing else changes: each record line is written byte for byte as the validator read it.
Line numbers in problems are given back in the uploaded file's numbering (`original_line`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import IO

from evalcore.errors import Problem

UTF8_BOM = b"\xef\xbb\xbf"


class DatasetNormaliser:
    """Iterate once over an upload's lines to get the normalised record lines.

    Each yielded line is also written, LF-terminated, to `sink` when one is given, so the
    staged copy is built while the validator streams and never held as a whole in memory.
    """

    def __init__(self, lines: Iterable[bytes], sink: IO[bytes] | None = None) -> None:
        self._lines = lines
        self._sink = sink
        self.bom_removed = False
        self.blank_lines: list[int] = []  # uploaded-file line numbers, ascending
        self.records = 0
        self.bytes_written = 0

    def __iter__(self) -> Iterator[bytes]:
        number = 0
        for raw in self._lines:
            # bytes.splitlines splits on LF, CR and CRLF only, as botocore's iter_lines does,
            # so a file read from disk and the same object read from S3 number lines alike.
            for line in raw.splitlines() or [b""]:
                number += 1
                if number == 1 and line.startswith(UTF8_BOM):
                    line = line[len(UTF8_BOM) :]
                    self.bom_removed = True
                if not line.strip():
                    self.blank_lines.append(number)
                    continue
                self.records += 1
                if self._sink is not None:
                    self.bytes_written += self._sink.write(line + b"\n")
                yield line

    def original_line(self, line: int) -> int:
        """The uploaded file's number for the `line`-th normalised line (both from 1)."""
        original = line
        # Each dropped blank line at or before the answer pushes it one further down.
        while (dropped := bisect_right(self.blank_lines, original)) > original - line:
            original = line + dropped
        return original

    def in_upload_numbering(self, problem: Problem) -> Problem:
        if problem.line is None:
            return problem
        return replace(problem, line=self.original_line(problem.line))

    def describe(self) -> str:
        """What normalisation changed, for the log; no content."""
        changes = []
        if self.bom_removed:
            changes.append("removed a UTF-8 byte-order mark")
        if self.blank_lines:
            changes.append(f"dropped {len(self.blank_lines)} blank line(s)")
        return ", ".join(changes) or "no blank lines or byte-order mark"
