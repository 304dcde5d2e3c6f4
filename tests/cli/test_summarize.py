"""evalctl summarize on a downloaded results folder: the Lambda's summary shape, exact means."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalctl.cli import main
from evalctl.simulation.bedrock_output import jsonl, model_row, rag_row
from evalctl.simulation.summary_schema import assert_valid_summary


@pytest.fixture
def results_dir(tmp_path) -> Path:
    nested = tmp_path / "job" / "abcdefghijkl" / "models" / "app" / "taskTypes" / "General"
    first = nested / "datasets" / "ds" / "1_output.jsonl"
    second = nested / "datasets" / "ds" / "2_output.jsonl"
    first.parent.mkdir(parents=True)
    first.write_text(jsonl([model_row("a", {"Builtin.Correctness": 1.0}, category="x")]))
    second.write_text(
        jsonl([model_row("b", {"Builtin.Correctness": 0.2}, category="y")])
        + "{broken\n"
        + jsonl([model_row("c", {"Builtin.Correctness": None}, category="y")])
    )
    (tmp_path / "job" / "abcdefghijkl" / "custom_metrics").mkdir()
    (tmp_path / "job" / "abcdefghijkl" / "custom_metrics" / "m_output.jsonl").write_text("{}")
    return tmp_path


def test_summarize_json_is_the_published_shape_with_exact_means(results_dir, capsys):
    assert main(["summarize", str(results_dir), "--json"]) == 0
    out = capsys.readouterr()
    summary = assert_valid_summary(json.loads(out.out))
    assert summary["records"] == 3
    assert summary["malformedLines"] == 1
    assert summary["metrics"]["Builtin.Correctness"]["mean"] == 0.6
    assert summary["metrics"]["Builtin.Correctness"]["naRate"] == 1 / 3
    assert summary["categories"]["y"]["Builtin.Correctness"]["mean"] == 0.2
    assert summary["source"]["resultsDir"] == str(results_dir)
    assert (summary["job"], summary["dataset"]) == (None, None)
    assert "[2/2] reading" in out.err


def test_summarize_compares_with_a_previous_summary(results_dir, tmp_path, capsys):
    assert main(["summarize", str(results_dir), "--json"]) == 0
    previous = json.loads(capsys.readouterr().out)
    previous["metrics"]["Builtin.Correctness"]["mean"] = 0.9
    previous_file = tmp_path / "previous.json"
    previous_file.write_text(json.dumps(previous))
    assert main(["summarize", str(results_dir), "--json", "--previous", str(previous_file)]) == 0
    summary = assert_valid_summary(json.loads(capsys.readouterr().out))
    assert summary["comparison"]["regressions"] == ["Builtin.Correctness"]
    assert summary["comparison"]["previousSummaryKey"] == str(previous_file)


def test_summarize_text_with_suite_thresholds(results_dir, capsys):
    assert main(["summarize", str(results_dir), "--suite", "support-assistant"]) == 0
    text = capsys.readouterr().out
    assert "Builtin.Correctness" in text and "0.600" in text
    assert "OUT OF BOUNDS: Builtin.Correctness mean 0.600, required >= 0.7" in text
    assert "Builtin.Correctness reasoning" not in text
    assert text.rstrip().endswith("FAILED")


def test_summarize_an_empty_folder_says_what_to_do(tmp_path, capsys):
    assert main(["summarize", str(tmp_path)]) == 1
    assert "aws s3 sync" in capsys.readouterr().err


def test_an_unreadable_previous_summary_is_named(results_dir, tmp_path, capsys):
    broken = tmp_path / "prev.json"
    broken.write_text("{nope")
    assert main(["summarize", str(results_dir), "--previous", str(broken)]) == 1
    assert "prev.json: <file>: is not a readable summary.json" in capsys.readouterr().err


def test_summarize_reads_a_single_file_under_any_name(tmp_path, capsys):
    path = tmp_path / "run-3.jsonl"
    path.write_text("{broken\n" + jsonl([model_row("a", {"Builtin.Correctness": 0.5})]))
    assert main(["summarize", str(path), "--json"]) == 0
    summary = assert_valid_summary(json.loads(capsys.readouterr().out))
    assert (summary["records"], summary["malformedLines"]) == (1, 1)


def test_summarize_finds_results_under_other_names_and_skips_datasets(tmp_path, capsys):
    (tmp_path / "downloaded.jsonl").write_text(jsonl([rag_row("q", {"Builtin.Faithfulness": 1})]))
    (tmp_path / "dataset.jsonl").write_text(jsonl([{"prompt": "not a result"}]))
    rag_dataset = {"conversationTurns": [{"prompt": {"content": [{"text": "q"}]}}]}
    (tmp_path / "rag-dataset.jsonl").write_text(jsonl([rag_dataset]))
    assert main(["summarize", str(tmp_path), "--json"]) == 0
    summary = assert_valid_summary(json.loads(capsys.readouterr().out))
    assert summary["source"]["outputFiles"] == [str(tmp_path / "downloaded.jsonl")]
    assert summary["metrics"]["Builtin.Faithfulness"]["mean"] == 1.0


def test_summarize_refuses_a_folder_without_results(tmp_path, capsys):
    (tmp_path / "dataset.jsonl").write_text(jsonl([{"prompt": "not a result"}]))
    assert main(["summarize", str(tmp_path)]) != 0
    assert "holds no evaluation results" in capsys.readouterr().err


def _job_output(root: Path, job: str, model: str, rows: list[dict]) -> None:
    folder = root / job / "abcdefghijkl" / "models" / model / "taskTypes" / "General"
    path = folder / "datasets" / "ds" / f"{job}_output.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text(jsonl(rows))


def test_a_folder_of_several_jobs_is_merged_with_a_warning(tmp_path, capsys):
    _job_output(tmp_path, "job-a", "m.a", [model_row("p", {"Builtin.Correctness": 1.0})])
    _job_output(tmp_path, "job-b", "m.b", [model_row("p", {"Builtin.Correctness": 0.0})])
    assert main(["summarize", str(tmp_path), "--json"]) == 0
    out = capsys.readouterr()
    assert "outputs of 2 jobs (job-a/abcdefghijkl, job-b/abcdefghijkl)" in out.err
    assert json.loads(out.out)["modelComparison"] is None


def test_a_model_comparison_puts_models_side_by_side_and_names_the_best(tmp_path, capsys):
    rows = {
        "us.amazon.nova-lite-v1:0": (0.5, 0.1, "billing"),
        "us.amazon.nova-pro-v1:0": (0.9, 0.0, "billing"),
    }
    for index, (model, (correct, harm, category)) in enumerate(rows.items()):
        scores = {"Builtin.Correctness": correct, "Builtin.Harmfulness": harm}
        _job_output(tmp_path, f"job-{index}", model, [model_row("p", scores, category=category)])
    assert main(["summarize", str(tmp_path), "--json", "--suite", "model-comparison"]) == 0
    out = capsys.readouterr()
    assert "warning" not in out.err
    comparison = assert_valid_summary(json.loads(out.out))["modelComparison"]
    assert comparison["metrics"]["Builtin.Correctness"] == {
        "us.amazon.nova-lite-v1:0": 0.5,
        "us.amazon.nova-pro-v1:0": 0.9,
    }
    assert comparison["bestByMetric"]["Builtin.Harmfulness"] == "us.amazon.nova-pro-v1:0"
    assert (
        comparison["categories"]["billing"]["Builtin.Correctness"]["us.amazon.nova-lite-v1:0"]
        == 0.5
    )
    assert comparison["bestModel"] == "us.amazon.nova-pro-v1:0"
    assert main(["summarize", str(tmp_path), "--compare"]) == 0
    assert "Best model: us.amazon.nova-pro-v1:0" in capsys.readouterr().out


def test_a_comparison_checks_every_models_thresholds_like_the_pipeline(tmp_path, capsys):
    # A downloaded comparison run: `<run>/<run>-m<i>/<run>-m<i>/<job-id>/models/<model>/...`,
    # two shards for the second model; each model is aggregated over its own jobs.
    jobs = [
        ("run/run-m1/run-m1", "us.amazon.nova-lite-v1:0", [("p", 0.5), ("q", 0.6)]),
        ("run/run-m2-s1/run-m2-s1", "us.amazon.nova-pro-v1:0", [("p", 0.9)]),
        ("run/run-m2-s2/run-m2-s2", "us.amazon.nova-pro-v1:0", [("q", 0.7)]),
    ]
    for job, model, scores in jobs:
        rows = [model_row(p, {"Builtin.Correctness": s}, category="c") for p, s in scores]
        _job_output(tmp_path, job, model, rows)
    assert main(["summarize", str(tmp_path), "--json", "--suite", "model-comparison"]) == 0
    summary = assert_valid_summary(json.loads(capsys.readouterr().out))
    assert summary["modelComparison"]["metrics"]["Builtin.Correctness"] == {
        "us.amazon.nova-lite-v1:0": pytest.approx(0.55),
        "us.amazon.nova-pro-v1:0": pytest.approx(0.8),
    }
    assert [(b["metric"], b["model"]) for b in summary["thresholdBreaches"]] == [
        ("Builtin.Correctness", "us.amazon.nova-lite-v1:0")
    ]
    assert summary["records"] == 4 and summary["verdict"] == "failed"
