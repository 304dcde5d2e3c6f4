"""Aggregate the jobs' output, compare with the dataset's previous run, write the report, tell
the team: once per run, however often the step runs.

A run of several jobs (shards) is aggregated shard by shard and merged
(ScoreAggregator.merge), which gives the summary one job over the whole dataset would have.
A model comparison runs the shards once per target model: each model's jobs are matched
against the staged dataset and aggregated on their own, and the summary puts the models side
by side (evalcore.report.build_comparison_summary).
The ledger (handlers.ledger) makes the step idempotent: the first parse of a run puts its
`parsed` marker and only that parse moves the dataset's latest pointer and publishes
metrics and the message; a repeated parse (a retried step, a restarted execution) returns
the summary already written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from evalcore import job_specs, layout, naming
from evalcore.aggregate import ScoreAggregator
from evalcore.matching import MatchReport, ResultMatcher
from evalcore.notification import success_message
from evalcore.report import build_comparison_summary, build_summary
from evalcore.results import find_output_keys, iter_result_records
from evalcore.run_limit import parse_instant
from evalcore.run_metrics import succeeded_run_datapoints, success_outcome
from evalcore.run_state import RunState
from evalcore.suite import Suite, load_suite
from evalcore.summary import Baseline, JobRef, ResultsSource, Summary
from handlers import s3io
from handlers.ledger import Ledger
from handlers.run_end import log_run_finished, notify, publish_metrics
from handlers.runtime import CLOCK, logger, tracer


class ResultsNotFound(Exception):
    """The job completed but wrote no `_output.jsonl` under its output prefix."""


def _baseline(
    ledger: Ledger, bucket: str, suite: str, dataset_key: str, job_name: str
) -> Baseline | None:
    """The summary of this dataset's latest other run, found by the ledger's pointer.

    A re-run of this job finds itself as the latest and must not compare with itself, so it
    follows the pointer to the run that was its baseline when it first ran.
    """
    pointer = ledger.latest(suite, layout.dataset_path(dataset_key))
    latest = None if pointer is None else s3io.get_json(bucket, pointer["summaryKey"])
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


def shard_outputs(state: RunState, outputs: list[str]) -> list[list[str]]:
    """The run's output files grouped by the shard job that wrote them, in shard order.

    Each shard's job writes below its own output prefix, inside the run's; a run of one job
    is one group.
    """
    prefixes = [
        naming.split_s3_uri(outcome.output_s3_uri)[1]
        for outcome in state.shard_outcomes
        if outcome.output_s3_uri
    ]
    if len(prefixes) <= 1:
        return [outputs]
    groups = [[key for key in outputs if key.startswith(prefix)] for prefix in prefixes]
    stray = sorted(set(outputs) - {key for group in groups for key in group})
    if stray:
        raise ResultsNotFound(f"output files outside every shard's output prefix: {stray[:5]}")
    return groups


def aggregate_matched(
    bucket: str,
    groups: Sequence[list[str]],
    staged_key: str,
    aggregator: ScoreAggregator,
    job: str = "the job",
    matcher: ResultMatcher | None = None,
) -> MatchReport:
    """Feed every output row to the aggregator while matching it to its staged dataset line.

    Each group (one shard's files) is aggregated on its own and merged in, exactly as one
    aggregation of every row would have been. One read of each output file serves both.
    Raises `ResultsMismatch`, listing the dataset lines and output rows and naming `job`,
    unless each staged line came back exactly once. `matcher`, a fresh one over the staged
    dataset, spares reading it again (a comparison matches each model against one read).
    """
    if matcher is None:
        matcher = ResultMatcher(s3io.iter_lines(bucket, staged_key))
    for group in groups:
        shard = ScoreAggregator(
            low_score_threshold=aggregator.low_score_threshold,
            max_low_scores=aggregator.max_low_scores,
        )
        for key in group:
            lines = matcher.observe(s3io.iter_lines(bucket, key), source=key)
            shard.add_all(iter_result_records(lines, source=key))
        aggregator.merge(shard)
    report = matcher.report()
    report.raise_if_incomplete(naming.s3_uri(bucket, staged_key), job=job)
    return report


def model_groups(
    state: RunState, groups: Sequence[list[str]], models: Sequence[str]
) -> dict[str, list[list[str]]]:
    """A comparison's output groups (one per job, in the order of `state.shard_outcomes`)
    gathered per model, in the suite's order of models."""
    per_model: dict[str, list[list[str]]] = {model: [] for model in models}
    for outcome, group in zip(state.shard_outcomes, groups, strict=True):
        if outcome.model_index is None or not 0 <= outcome.model_index < len(models):
            raise ValueError(
                f"job {outcome.job_name} has model index {outcome.model_index}, but the suite "
                f"compares {len(models)} models: the run was planned for another suite"
            )
        per_model[models[outcome.model_index]].append(group)
    return per_model


def summarize_outputs(
    state: RunState, suite: Suite, bucket: str, outputs: list[str], baseline: Baseline | None
) -> Summary:
    """The run's summary from its output files: each staged line matched once per job's
    model, the models side by side when the suite compares several."""
    assert state.staged_key is not None and state.job_name is not None
    groups = shard_outputs(state, outputs)
    models = job_specs.compared_models(suite)
    source = ResultsSource(output_files=tuple(outputs))
    job, dataset = JobRef(state.job_name, state.job_arn), state.dataset
    if not models:
        aggregator = ScoreAggregator(low_score_threshold=suite.low_score_threshold)
        reports = [aggregate_matched(bucket, groups, state.staged_key, aggregator)]
        summary = build_summary(
            aggregator, suite=suite, source=source, job=job, dataset=dataset, baseline=baseline
        )
        malformed = aggregator.malformed
    else:
        per_model = {
            model: ScoreAggregator(low_score_threshold=suite.low_score_threshold)
            for model in models
        }
        staged = ResultMatcher(s3io.iter_lines(bucket, state.staged_key))
        reports = [
            aggregate_matched(
                bucket,
                model_outputs,
                state.staged_key,
                per_model[model],
                f"model {model}'s jobs",
                matcher=staged.fresh(),
            )
            for model, model_outputs in model_groups(state, groups, models).items()
        ]
        summary = build_comparison_summary(
            per_model, suite=suite, source=source, job=job, dataset=dataset, baseline=baseline
        )
        malformed = [bad for aggregator in per_model.values() for bad in aggregator.malformed]
    for bad in malformed[:10]:
        logger.warning("Malformed output line", extra={"source": bad.source, "line": bad.line})
    return replace(
        summary,
        prompts_submitted=sum(report.prompts_submitted for report in reports),
        results_received=sum(report.results_received for report in reports),
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = RunState.from_json(event)
    state.require("suite", "job_name", "output_s3_uri", "staged_key")
    assert state.suite and state.job_name and state.output_s3_uri and state.staged_key
    ledger = Ledger.from_environment()
    already = ledger.parsed_summary_key(state.job_name)
    if already is not None:
        return _already_parsed(state, already)
    suite = load_suite(state.suite)
    bucket, output_prefix = naming.split_s3_uri(state.output_s3_uri)
    listed = list(s3io.list_keys(bucket, output_prefix))
    outputs = find_output_keys(listed, output_prefix)
    if not outputs:
        raise ResultsNotFound(
            f"no *_output.jsonl under {state.output_s3_uri} ({len(listed)} objects listed: "
            f"{listed[:5]}); the job reported Completed, so check its output location"
        )
    summary_key = layout.report_prefix(suite.name, state.job_name) + layout.SUMMARY_FILE
    baseline = _baseline(ledger, bucket, suite.name, state.dataset.key, state.job_name)
    summary = replace(
        summarize_outputs(state, suite, bucket, outputs, baseline), summary_key=summary_key
    )
    document = summary.to_json()
    s3io.put_json(bucket, summary_key, document)
    logger.info("Wrote summary", extra={"summaryKey": summary_key, "passed": summary.passed})
    if not ledger.mark_parsed(state.job_name, summary_key, CLOCK.now()):
        # Another parse of this run got there first and published; this one stays silent.
        return _already_parsed(state, summary_key)
    order = run_order(state, summary.generated_at)
    dataset_path = layout.dataset_path(state.dataset.key)
    if ledger.advance_latest(suite.name, dataset_path, order, summary_key):
        s3io.put_json(bucket, layout.latest_summary_key(suite.name, state.dataset.key), document)
    else:
        logger.info("A newer run of this dataset is already the latest", extra={"order": order})
    _finish(suite, summary, state, bucket)
    return state.evolve(summary_key=summary_key, passed=summary.passed).to_json()


def run_order(state: RunState, generated_at: str) -> str:
    """Sorts like the runs' starts: the execution's start (milliseconds), else the job's
    creation, else the summary's time; the job name breaks ties."""
    instant = parse_instant(state.started_at or state.job_created_at or generated_at)
    return f"{instant.astimezone(UTC).isoformat(timespec='microseconds')}|{state.job_name}"


def _already_parsed(state: RunState, summary_key: str) -> dict[str, Any]:
    """The state a repeated parse returns: the first parse's summary, nothing published."""
    written = s3io.get_json(state.dataset.bucket, summary_key) or {}
    logger.info("The run was already parsed; publishing nothing", extra={"summaryKey": summary_key})
    return state.evolve(
        summary_key=summary_key, passed=written.get("verdict") == "passed"
    ).to_json()
