from evalcore.summary import Baseline
from evalctl.reporting.model import build_report
from tests.cli.reporting_summaries import summary


def test_the_trend_is_history_oldest_first_then_this_run_without_duplicates_or_later_runs():
    current = summary([0.5], day=10, job="run-10")
    history = [summary([0.7], day=5, job="run-5"), current, summary([0.9], day=1, job="run-1")]
    history.append(summary([0.1], day=20, job="run-20"))
    report = build_report(current, history=history)
    assert [p.label for p in report.trend] == ["run-1", "run-5", "run-10"]
    assert report.trend_of("Builtin.Correctness") == [
        ("run-1", 0.9),
        ("run-5", 0.7),
        ("run-10", 0.5),
    ]


def test_a_named_baseline_replaces_the_summarys_comparison():
    current = summary([0.5, 0.5])
    report = build_report(
        current, baseline=Baseline("v1", None, None, {"Builtin.Correctness": 0.9})
    )
    assert report.comparison is not None and report.comparison.previous_job_name == "v1"
    assert report.comparison.regressions == ("Builtin.Correctness",)
    assert build_report(current).comparison is None


def test_only_the_requested_number_of_lowest_records_is_shown():
    report = build_report(summary([0.0, 0.1, 0.2, 0.3]), lowest=2)
    assert [low.score for low in report.lowest] == [0.0, 0.1]
