from evalcore.results import MalformedLine, ResultRecord, find_output_keys, iter_result_records
from evalctl.simulation.bedrock_output import jsonl, model_row, rag_row

PREFIX = "results/suite/job-1/"


def test_finder_handles_every_documented_layout_and_ignores_noise():
    keys = [
        # AWS user guide: <job-name>/<job-id>/models/<source>/taskTypes/<type>/datasets/<name>/
        f"{PREFIX}job-1/abcdefghijkl/models/app-v1/taskTypes/General/datasets/ds/1_output.jsonl",
        # article: the job name twice and a random id
        f"{PREFIX}job-1/job-1/x7y8z9/models/app-v1/taskTypes/General/datasets/ds/2_output.jsonl",
        # RAG jobs
        f"{PREFIX}job-1/abcdefghijkl/inference_configs/0/datasets/ds/3_output.jsonl",
        f"{PREFIX}amazon-bedrock-evaluations-permission-check",
        f"{PREFIX}job-1/abcdefghijkl/custom_metrics/tone_output.jsonl",
        f"{PREFIX}job-1/abcdefghijkl/models/app-v1/dataset.jsonl",
        "results/suite/job-10/job-10/x/models/m/taskTypes/General/datasets/ds/4_output.jsonl",
    ]
    found = find_output_keys(keys, PREFIX)
    assert sorted(k.rsplit("/", 1)[-1] for k in found) == [
        "1_output.jsonl",
        "2_output.jsonl",
        "3_output.jsonl",
    ]


def test_model_rows_become_records_with_scores_and_explanations():
    text = jsonl(
        [
            model_row(
                "q1",
                {"Builtin.Correctness": 1, "Builtin.Refusal": None},
                category="billing",
                explanations={"Builtin.Correctness": "spot on"},
            )
        ]
    )
    (record,) = list(iter_result_records(text.splitlines(), "f.jsonl"))
    assert isinstance(record, ResultRecord)
    assert record.category == "billing"
    assert record.response == "an answer"
    scores = {s.metric: s for s in record.scores}
    assert scores["Builtin.Correctness"].result == 1.0
    assert scores["Builtin.Correctness"].explanation == "spot on"
    assert scores["Builtin.Refusal"].result is None


def test_rag_rows_yield_one_record_per_turn():
    text = jsonl([rag_row("what is x?", {"Builtin.ContextRelevance": 0.5})])
    (record,) = list(iter_result_records(text.splitlines(), "rag.jsonl"))
    assert record.prompt == "what is x?"
    assert record.response == "generated"
    assert record.scores[0].result == 0.5


def test_malformed_lines_are_reported_with_line_numbers_and_do_not_stop_reading():
    lines = [
        jsonl([model_row("ok", {"Builtin.Correctness": 0.5})]).strip(),
        "{truncated",
        "[1, 2]",
        '{"something": "else"}',
        '{"automatedEvaluationResult": {"scores": [{"metricName": "m", "result": [1]}]}}',
        "",
        jsonl([model_row("ok2", {"Builtin.Correctness": 1})]).strip(),
    ]
    items = list(iter_result_records(lines, "f.jsonl"))
    assert [type(i).__name__ for i in items] == [
        "ResultRecord",
        "MalformedLine",
        "MalformedLine",
        "MalformedLine",
        "MalformedLine",
        "ResultRecord",
    ]
    assert [i.line for i in items if isinstance(i, MalformedLine)] == [2, 3, 4, 5]
    assert items[-1].line == 7


def test_records_stream_lazily():
    def lines():
        yield jsonl([model_row("first", {"m": 1})]).strip()
        raise AssertionError("read past the first record")

    first = next(iter_result_records(lines(), "f"))
    assert first.prompt == "first"
