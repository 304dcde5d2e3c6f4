from evalcore.errors import Problem
from evalcore.jsonl import json_lines


def test_records_keep_their_line_numbers_and_bad_lines_become_problems():
    problems: list[Problem] = []
    lines = ['{"a": 1}', "", "   ", "{oops", "[1, 2]"]
    assert list(json_lines(lines, "cases.jsonl", problems)) == [(1, {"a": 1}), (5, [1, 2])]
    (problem,) = problems
    assert (problem.source, problem.line, problem.field) == ("cases.jsonl", 4, "<json>")
    assert "is not valid JSON" in problem.message and "column 2" in problem.message
    assert problem.fix == "write one JSON object per line"
