"""Reading runs: local folders and the pipeline bucket (moto)."""

import json
import subprocess
import sys
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from evalcore.aggregate import ScoreAggregator
from evalcore.errors import InputError
from evalcore.report import build_summary
from evalcore.summary import ResultsSource
from evalctl.runs import (
    aggregate_and_pair,
    bucket_summary_keys,
    iter_local_records,
    local_outputs,
    read_bucket_summary,
    read_summary_file,
)
from evalctl.simulation.bedrock_output import model_row, write_results


def test_a_folder_is_read_once_for_both_statistics_and_per_record_scores(tmp_path):
    folder = write_results(
        tmp_path, [model_row("a", {"m": 1.0}), model_row("pipeline-bucket", {"m": 0.5})]
    )
    aggregator, scores = aggregate_and_pair(iter_local_records(local_outputs(folder), "run"))
    assert aggregator.records == 2 and aggregator.metric_results()["m"].mean == 0.75
    assert scores == {"m": {("(none)", "a"): 1.0, ("(none)", "pipeline-bucket"): 0.5}}


def test_a_missing_folder_or_file_is_explained(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        local_outputs(tmp_path / "nope")
    with pytest.raises(InputError, match="holds no evaluation results"):
        local_outputs(tmp_path)
    with pytest.raises(InputError, match="is not readable JSON"):
        read_summary_file(tmp_path / "nope.json")


@mock_aws
def test_the_suites_run_summaries_are_listed_without_the_latest_pointer():
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="pipeline-bucket")
    summary = build_summary(
        ScoreAggregator(),
        suite=None,
        source=ResultsSource(()),
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    for job in ("s-zz-first", "s-aa-second"):
        s3.put_object(
            Bucket="pipeline-bucket",
            Key=f"reports/s/{job}/summary.json",
            Body=json.dumps(summary.to_json()),
        )
    s3.put_object(Bucket="pipeline-bucket", Key="reports/s/latest-summary.json", Body=b"{}")
    s3.put_object(Bucket="pipeline-bucket", Key="reports/other/j/summary.json", Body=b"{}")
    assert sorted(bucket_summary_keys(s3, "pipeline-bucket", "s")) == [
        "reports/s/s-aa-second/summary.json",
        "reports/s/s-zz-first/summary.json",
    ]
    assert (
        read_bucket_summary(s3, "pipeline-bucket", "reports/s/s-zz-first/summary.json") == summary
    )
    with pytest.raises(InputError, match=r"failure\.json instead of summary\.json"):
        read_bucket_summary(s3, "pipeline-bucket", "reports/s/missing/summary.json")


def test_importing_the_run_readers_leaves_pairing_and_the_stack_reader_to_their_callers():
    """evalctl summarize imports this module for `local_outputs`; it never pairs records or
    asks CloudFormation for the bucket, so it must not pay for either module."""
    probe = (
        "import sys, evalctl.runs\n"
        "print(sorted({'evalcore.paired', 'evalctl.stack', 'evalctl.console'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
