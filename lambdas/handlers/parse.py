"""Aggregate the job's output, compare with the previous run, write the report, emit metrics."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from evalcore import layout
from evalcore.aggregate import ScoreAggregator
from evalcore.report import build_summary
from evalcore.results import find_output_keys, iter_result_records
from evalcore.suite import load_suite
from handlers import s3io
from handlers.runtime import logger, metrics, tracer


class ResultsNotFound(Exception):
    """The job completed but wrote no `_output.jsonl` under its output prefix."""


def _split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _previous_summary(bucket: str, suite: str, job_name: str) -> tuple[dict | None, str | None]:
    """The last other run's summary and its immutable key.

    A re-run of this job finds itself in latest-summary.json and must not compare with
    itself, so it follows the pointer to the run that was previous when it first ran.
    """
    latest = s3io.get_json(bucket, layout.latest_summary_key(suite))
    if latest and latest.get("jobName") == job_name:
        key = latest.get("previousSummaryKey")
        return (s3io.get_json(bucket, key), key) if key else (None, None)
    return latest, (latest or {}).get("summaryKey")


def _publish(summary: dict) -> None:
    for metric, stats in summary["metrics"].items():
        if stats["mean"] is not None:
            metrics.add_metric(name=metric, unit=MetricUnit.NoUnit, value=stats["mean"])
        metrics.add_metric(name=f"{metric}.NARate", unit=MetricUnit.NoUnit, value=stats["naRate"])
    comparison = summary["comparison"] or {"regressions": []}
    metrics.add_metric(name="RecordsEvaluated", unit=MetricUnit.Count, value=summary["records"])
    metrics.add_metric(name="LowScoreCount", unit=MetricUnit.Count, value=summary["lowScoreCount"])
    metrics.add_metric(
        name="ThresholdBreaches", unit=MetricUnit.Count, value=len(summary["thresholdBreaches"])
    )
    metrics.add_metric(
        name="Regressions", unit=MetricUnit.Count, value=len(comparison["regressions"])
    )
    metrics.add_metric(name="EvaluationPassed", unit=MetricUnit.Count, value=int(summary["passed"]))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: object) -> dict:
    suite = load_suite(event["suite"])
    metrics.add_dimension(name="Suite", value=suite.name)
    bucket, output_prefix = _split_s3_uri(event["outputS3Uri"])
    listed = list(s3io.list_keys(bucket, output_prefix))
    outputs = find_output_keys(listed, output_prefix)
    if not outputs:
        raise ResultsNotFound(
            f"no *_output.jsonl under {event['outputS3Uri']} ({len(listed)} objects listed: "
            f"{listed[:5]}); the job reported Completed, so check its output location"
        )
    aggregator = ScoreAggregator(low_score_threshold=suite.low_score_threshold)
    for key in outputs:
        aggregator.add_all(iter_result_records(s3io.iter_lines(bucket, key), source=key))
    for bad in aggregator.malformed[:10]:
        logger.warning("Malformed output line", extra={"source": bad.source, "line": bad.line})

    previous, previous_key = _previous_summary(bucket, suite.name, event["jobName"])
    summary = build_summary(
        aggregator,
        suite=suite,
        job={
            "jobName": event["jobName"],
            "jobArn": event.get("jobArn"),
            "dataset": {k: event.get(k) for k in ("bucket", "key", "versionId")},
        },
        output_files=outputs,
        previous=previous,
    )
    summary["previousSummaryKey"] = previous_key
    summary_key = layout.report_prefix(suite.name, event["jobName"]) + layout.SUMMARY_FILE
    s3io.put_json(bucket, summary_key, summary)
    latest = {**summary, "summaryKey": summary_key}
    s3io.put_json(bucket, layout.latest_summary_key(suite.name), latest)
    _publish(summary)
    logger.info("Wrote summary", extra={"summaryKey": summary_key, "passed": summary["passed"]})
    return {
        **event,
        "summaryKey": summary_key,
        "passed": summary["passed"],
        "records": summary["records"],
        "means": {m: s["mean"] for m, s in summary["metrics"].items()},
        "thresholdBreaches": summary["thresholdBreaches"],
        "regressions": (summary["comparison"] or {}).get("regressions", []),
    }
