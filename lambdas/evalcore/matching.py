"""Every staged dataset line must come back as exactly one result row.

A job can complete with fewer rows than it was given prompts, and a short file would otherwise
summarise as a good run. Rows are matched by content, not by position: Bedrock splits its output
over several files with no documented order, so an order-preserving match would report a
reordered but complete output as broken. The content compared is what Bedrock echoes back in
each row's `inputRecord`: the prompt and the reference response (for a RAG row, those of every
conversation turn; text may be nested as `{"text"}` or `{"content": [{"text"}]}`). Dataset
lines with the same prompt and reference are interchangeable for this check, so they are
counted as a multiset: two such lines need two rows.

Mismatches are reported by line number only (dataset line, output file and line), never with
the prompt text, because the error is logged and recorded in failure.json.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

MatchKey = tuple[str, str | None]
MAX_LISTED = 20


class ResultsMismatch(Exception):
    """The job's output does not hold exactly one row per staged dataset line."""


def _text(value: Any) -> str | None:
    """Text in the shapes records use: a string, `{"text"}`, `{"content": [{"text"}]}` or a
    list of those (RAG references); None when there is none."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _text(value["text"] if "text" in value else value.get("content"))
    if isinstance(value, list) and value:
        texts = [_text(item) for item in value]
        return None if any(t is None for t in texts) else "\n".join(str(t) for t in texts)
    return None


def _key(record: Mapping[str, Any]) -> MatchKey | None:
    """Prompt and reference; for a RAG record, every turn's (the conversation is the unit)."""
    turns = record.get("conversationTurns")
    if isinstance(turns, list):
        if not turns or not all(isinstance(turn, dict) for turn in turns):
            return None
        prompts = [_text(turn.get("prompt")) for turn in turns]
        references = [_text(turn.get("referenceResponses")) for turn in turns]
        if any(prompt is None for prompt in prompts):
            return None
        return json.dumps(prompts), json.dumps(references)
    prompt = _text(record.get("prompt"))
    reference = record.get("referenceResponse")
    if prompt is None or not (reference is None or _text(reference) is not None):
        return None
    return prompt, None if reference is None else _text(reference)


def _echoed_record(row: Any) -> Any:
    """The dataset record a result row echoes: `inputRecord`, or for a RAG row its turns'."""
    if not isinstance(row, dict):
        return None
    turns = row.get("conversationTurns")
    if isinstance(turns, list):
        inputs = [turn.get("inputRecord") if isinstance(turn, dict) else None for turn in turns]
        return {"conversationTurns": inputs}
    return row.get("inputRecord")


def _loads(line: bytes | str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


@dataclass(frozen=True)
class OutputRow:
    source: str
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass
class MatchReport:
    prompts_submitted: int
    results_received: int
    missing: list[int] = field(default_factory=list)  # staged dataset lines without a row
    duplicated: list[tuple[OutputRow, int]] = field(default_factory=list)  # row, its line
    unmatched: list[OutputRow] = field(default_factory=list)  # rows matching no line

    @property
    def complete(self) -> bool:
        return not (self.missing or self.duplicated or self.unmatched)

    def raise_if_incomplete(self, dataset_source: str, job: str = "the job") -> None:
        """`job` says whose output this is (`model X's jobs` in a model comparison, whose
        every model must return each dataset line once)."""
        if self.complete:
            return

        def listed(items: list[Any]) -> str:
            more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
            return ", ".join(str(item) for item in items[:MAX_LISTED]) + more

        parts = []
        if self.missing:
            parts.append(f"no result for dataset line(s) {listed(self.missing)}")
        if self.duplicated:
            rows = [f"{row} (line {line})" for row, line in self.duplicated]
            parts.append(f"a second result for a dataset line at {listed(rows)}")
        if self.unmatched:
            parts.append(f"result row(s) matching no dataset line at {listed(self.unmatched)}")
        raise ResultsMismatch(
            f"{job} returned {self.results_received} result row(s) for "
            f"{self.prompts_submitted} prompt(s) in {dataset_source}: " + "; ".join(parts) + ". "
            "A short or padded output must not pass as a run: check the job's output files, "
            "then upload the dataset again to re-run it."
        )


class ResultMatcher:
    """Built from the staged dataset; `observe` passes output lines through while matching."""

    def __init__(self, dataset_lines: Iterable[bytes | str]) -> None:
        self._open: dict[MatchKey, deque[int]] = {}
        self._first_line: dict[MatchKey, int] = {}
        self._prompts = 0
        self._rows = 0
        self._duplicated: list[tuple[OutputRow, int]] = []
        self._unmatched: list[OutputRow] = []
        for number, line in enumerate(dataset_lines, start=1):
            record = _loads(line)
            key = _key(record) if isinstance(record, dict) else None
            if key is None:
                # The staged copy was validated: every line is a record with a prompt.
                raise ValueError(f"staged dataset line {number} is not a record with a prompt")
            self._prompts += 1
            self._open.setdefault(key, deque()).append(number)
            self._first_line.setdefault(key, number)
        # The dataset's lines per key as read, for `fresh` (observing consumes `_open`).
        self._dataset = {key: tuple(numbers) for key, numbers in self._open.items()}

    def fresh(self) -> ResultMatcher:
        """A matcher over the same dataset with nothing observed: a model comparison matches
        every model's rows against the one staged copy, which is read and indexed once."""
        clone = object.__new__(ResultMatcher)
        clone._dataset, clone._first_line, clone._prompts = (
            self._dataset,
            self._first_line,
            self._prompts,
        )
        clone._open = {key: deque(numbers) for key, numbers in self._dataset.items()}
        clone._rows, clone._duplicated, clone._unmatched = 0, [], []
        return clone

    def observe(self, lines: Iterable[bytes | str], source: str) -> Iterator[bytes | str]:
        """Yield `lines` unchanged, so one read of an output file feeds both the aggregator
        and the match; blank lines are not rows."""
        for number, line in enumerate(lines, start=1):
            yield line
            if line.strip():
                self._match(line, OutputRow(source, number))

    def _match(self, line: bytes | str, row: OutputRow) -> None:
        self._rows += 1
        input_record = _echoed_record(_loads(line))
        key = _key(input_record) if isinstance(input_record, dict) else None
        if key is None or key not in self._first_line:
            self._unmatched.append(row)
        elif self._open[key]:
            self._open[key].popleft()
        else:
            self._duplicated.append((row, self._first_line[key]))

    def report(self) -> MatchReport:
        missing = sorted(number for lines in self._open.values() for number in lines)
        return MatchReport(
            prompts_submitted=self._prompts,
            results_received=self._rows,
            missing=missing,
            duplicated=list(self._duplicated),
            unmatched=list(self._unmatched),
        )
