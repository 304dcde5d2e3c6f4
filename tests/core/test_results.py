from evalcore.aggregate import ScoreAggregator
from evalcore.results import MalformedLine, ResultRecord, find_output_keys, iter_result_records
from evalctl.simulation.bedrock_output import jsonl, live_model_row, model_row, rag_row

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


def test_live_inference_low_scores_show_the_generated_response():
    (record,) = iter_result_records(
        jsonl([live_model_row("p", {"Builtin.Correctness": 0.1}, "generated answer")]).splitlines(),
        "out.jsonl",
    )
    assert record.response == "generated answer"


def test_categorical_custom_metric_results_are_counted_per_label():
    rows = [
        model_row(f"p{i}", {"brand_voice": label})
        for i, label in enumerate(["on-brand", "neutral", "on-brand"])
    ]
    stats = (
        ScoreAggregator()
        .add_all(iter_result_records(jsonl(rows).splitlines(), "o"))
        .metric_results()
    )
    assert stats["brand_voice"].labels == {"neutral": 1, "on-brand": 2}
    assert stats["brand_voice"].mean is None


def test_programmatic_rows_without_judge_details_are_aggregated_by_direction():
    """Automatic jobs write the same row shape with no evaluatorDetails (no judge)."""
    row = {
        "automatedEvaluationResult": {
            "scores": [
                {"metricName": "Builtin.Accuracy", "result": 0.8},
                {"metricName": "Builtin.Toxicity", "result": 0.9},
                {"metricName": "Builtin.Robustness", "result": 0.1},
            ]
        },
        "inputRecord": {"prompt": "p", "referenceResponse": "r"},
        "modelResponses": [{"response": "generated", "modelIdentifier": "m.x"}],
    }
    aggregator = ScoreAggregator().add_all(iter_result_records(jsonl([row]).splitlines(), "o"))
    assert aggregator.metric_results()["Builtin.Accuracy"].mean == 0.8
    (low,) = aggregator.low_scores  # a toxicity of 0.9 is bad; a robustness delta of 0.1 is not
    assert (low.metric, low.response, low.explanation) == ("Builtin.Toxicity", "generated", "")
