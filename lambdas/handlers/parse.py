"""Aggregate the job's output, compare with the previous run, write the report, tell the team."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from evalcore import layout, naming
from evalcore.aggregate import ScoreAggregator
from evalcore.notification import success_message
from evalcore.report import build_summary
from evalcore.results import find_output_keys, iter_result_records
from evalcore.run_metrics import succeeded_run_datapoints, success_outcome
from evalcore.run_state import RunState
from evalcore.suite import Suite, load_suite
from evalcore.summary import Baseline, JobRef, ResultsSource, Summary
from handlers import s3io
from handlers.run_end import log_run_finished, notify, publish_metrics
from handlers.runtime import logger, tracer


class ResultsNotFound(Exception):
    """The job completed but wrote no `_output.jsonl` under its output prefix."""


def _baseline(bucket: str, suite: str, job_name: str) -> Baseline | None:
    """The last other run's summary.

    A re-run of this job finds itself in latest-summary.json and must not compare with
    itself, so it follows the pointer to the run that was its baseline when it first ran.
    """
    latest = s3io.get_json(bucket, layout.latest_summary_key(suite))
    if latest is None:
        return None
    if (latest.get("job") or {}).get("name") != job_name:
        return Baseline.from_summary_json(latest, latest.get("summaryKey"))
    key = (latest.get("comparison") or {}).get("previousSummaryKey")
    previous = s3io.get_json(bucket, key) if key else None
    return None if previous is None else Baseline.from_summary_json(previous, key)


def _finish(suite: Suite, summary: Summary, state: RunState, bucket: str) -> None:
    """Once per run: the contract's metrics, the run-finished line and the SNS message."""
    outcome = success_outcome(summary)
    publish_metrics(succeeded_run_datapoints(suite, summary, state))
    log_run_finished(suite.name, outcome)
    notify(success_message(summary, state, outcome, bucket))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = RunState.from_json(event)
    state.require("suite", "job_name", "output_s3_uri")
    assert state.suite and state.job_name and state.output_s3_uri  # narrowed by require()
    suite = load_suite(state.suite)
    bucket, output_prefix = naming.split_s3_uri(state.output_s3_uri)
    listed = list(s3io.list_keys(bucket, output_prefix))
    outputs = find_output_keys(listed, output_prefix)
    if not outputs:
        raise ResultsNotFound(
            f"no *_output.jsonl under {state.output_s3_uri} ({len(listed)} objects listed: "
            f"{listed[:5]}); the job reported Completed, so check its output location"
        )
    aggregator = ScoreAggregator(low_score_threshold=suite.low_score_threshold)
    for key in outputs:
        aggregator.add_all(iter_result_records(s3io.iter_lines(bucket, key), source=key))
    for bad in aggregator.malformed[:10]:
        logger.warning("Malformed output line", extra={"source": bad.source, "line": bad.line})

    summary_key = layout.report_prefix(suite.name, state.job_name) + layout.SUMMARY_FILE
    summary = build_summary(
        aggregator,
        suite=suite,
        source=ResultsSource(output_files=tuple(outputs)),
        job=JobRef(state.job_name, state.job_arn),
        dataset=state.dataset,
        baseline=_baseline(bucket, suite.name, state.job_name),
    )
    summary = replace(summary, summary_key=summary_key)
    document = summary.to_json()
    s3io.put_json(bucket, summary_key, document)
    s3io.put_json(bucket, layout.latest_summary_key(suite.name), document)
    logger.info("Wrote summary", extra={"summaryKey": summary_key, "passed": summary.passed})
    _finish(suite, summary, state, bucket)
    return state.evolve(summary_key=summary_key, passed=summary.passed).to_json()
