"""`evalctl jobs list|show|stop`: this stack's Bedrock evaluation jobs.

"This stack's" means: the job was started with the stack's EvaluationServiceRoleArn. Names
alone do not prove it (the same suites may be deployed in two stacks of one account, and
anyone may name a job "support-assistant-..."), while the service role is created by this
stack and passed only by its submit Lambda. The role is not in ListEvaluationJobs' summaries,
so `list` first keeps jobs named `<suite>-...` after a suite in lambdas/suites (how
evalcore.naming names every job) and then confirms each with GetEvaluationJob's roleArn.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from rich.table import Table

from evalcore.errors import InputError, Problem
from evalcore.suite import load_all_suites
from evalctl.commands import add_command_parser
from evalctl.console import progress_bar, stderr
from evalctl.stack import DEFAULT_STACK_NAME, stack_outputs

STOPPABLE = frozenset({"InProgress"})


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "jobs", __doc__)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--stack-name", default=DEFAULT_STACK_NAME, help="default: %(default)s")
    common.add_argument("--region", help="AWS Region (else the configured default)")
    listing = actions.add_parser("list", parents=[common], help="newest first")
    listing.add_argument("--status", help="only jobs in this status, e.g. InProgress")
    listing.add_argument("--max", type=int, default=100, help="jobs inspected (100)")
    for name, text in (("show", "one job's details"), ("stop", "stop a running job")):
        action = actions.add_parser(name, parents=[common], help=text)
        action.add_argument("job", help="job name or ARN")
        if name == "show":
            action.add_argument("--json", action="store_true", help="GetEvaluationJob as JSON")
    parser.set_defaults(run=run)


def suite_prefixes(suite_names: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{name}-" for name in suite_names)


def iter_job_summaries(bedrock: Any, status: str | None, limit: int) -> Iterator[dict]:
    """Newest first, at most `limit` summaries."""
    kwargs: dict[str, Any] = {"sortBy": "CreationTime", "sortOrder": "Descending"}
    if status:
        kwargs["statusEquals"] = status
    seen = 0
    for page in bedrock.get_paginator("list_evaluation_jobs").paginate(**kwargs):
        for summary in page.get("jobSummaries", []):  # absent when empty
            if seen == limit:
                return
            seen += 1
            yield summary


def stack_jobs(
    bedrock: Any, role_arn: str, prefixes: tuple[str, ...], status: str | None, limit: int
) -> list[dict]:
    """GetEvaluationJob answers for this stack's jobs among the newest `limit`."""
    candidates = [
        s for s in iter_job_summaries(bedrock, status, limit) if s["jobName"].startswith(prefixes)
    ]
    jobs = []
    with progress_bar() as progress:
        task = progress.add_task("checking job roles", total=len(candidates))
        for summary in candidates:
            job = bedrock.get_evaluation_job(jobIdentifier=summary["jobArn"])
            if job["roleArn"] == role_arn:
                jobs.append(job)
            progress.advance(task)
    return jobs


def resolve_job_arn(bedrock: Any, job: str) -> str:
    """GetEvaluationJob takes only ARNs; a name is looked up."""
    if job.startswith("arn:"):
        return job
    for page in bedrock.get_paginator("list_evaluation_jobs").paginate(nameContains=job):
        for summary in page.get("jobSummaries", []):  # absent when empty
            if summary["jobName"] == job:
                return summary["jobArn"]
    raise InputError(
        [
            Problem(
                f"job {job}",
                "<name>",
                "no evaluation job has this name",
                "run `evalctl jobs list` for names, or pass the job ARN",
            )
        ]
    )


def _models(job: dict) -> str:
    inference = job.get("inferenceConfig", {}).get("models", [{}])[0]
    if "precomputedInferenceSource" in inference:
        return inference["precomputedInferenceSource"]["inferenceSourceIdentifier"]
    return inference.get("bedrockModel", {}).get("modelIdentifier", "?")


def jobs_table(jobs: list[dict]) -> Table:
    table = Table(title=f"{len(jobs)} evaluation job(s)")
    for column in ("name", "status", "created", "responses"):
        table.add_column(column)
    for job in jobs:
        table.add_row(
            job["jobName"], job["status"], f"{job['creationTime']:%Y-%m-%d %H:%M}", _models(job)
        )
    return table


def describe(job: dict, owned: bool) -> str:
    automated = job.get("evaluationConfig", {}).get("automated", {})
    configs = automated.get("datasetMetricConfigs", [])
    lines = [
        f"name:      {job['jobName']}",
        f"arn:       {job['jobArn']}",
        f"status:    {job['status']}",
        f"created:   {job['creationTime']:%Y-%m-%d %H:%M:%S %Z}",
        f"stack's:   {'yes' if owned else 'no (another role started it)'}",
        f"responses: {_models(job)}",
    ]
    for config in configs:
        location = config["dataset"].get("datasetLocation", {}).get("s3Uri", "?")
        lines.append(f"dataset:   {location}")
        lines.append(f"metrics:   {', '.join(config['metricNames'])}")
    lines.append(f"output:    {job['outputDataConfig']['s3Uri']}")
    lines += [f"failure:   {message}" for message in job.get("failureMessages", [])]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    outputs = stack_outputs(args.services.client("cloudformation", args.region), args.stack_name)
    role = outputs.evaluation_service_role_arn
    bedrock = args.services.client("bedrock", args.region)
    if args.action == "list":
        prefixes = suite_prefixes(suite.name for suite in load_all_suites())
        jobs = stack_jobs(bedrock, role, prefixes, args.status, args.max)
        stderr.print(jobs_table(jobs))
        for job in jobs:
            print(f"{job['jobName']}\t{job['status']}\t{job['jobArn']}")
        return 0
    job = bedrock.get_evaluation_job(jobIdentifier=resolve_job_arn(bedrock, args.job))
    owned = job["roleArn"] == role
    if args.action == "show":
        print(json.dumps(job, indent=2, default=str) if args.json else describe(job, owned))
        return 0
    if not owned:
        raise InputError(
            [
                Problem(
                    f"job {job['jobName']}",
                    "roleArn",
                    f"is {job['roleArn']}, not the role of stack {outputs.stack_name}",
                    "stop it where it was started "
                    "(aws bedrock stop-evaluation-job), or pass the right --stack-name",
                )
            ]
        )
    if job["status"] not in STOPPABLE:
        print(
            f"evalctl jobs stop: {job['jobName']} is {job['status']}; only running jobs stop",
            file=sys.stderr,
        )
        return 1
    bedrock.stop_evaluation_job(jobIdentifier=job["jobArn"])
    print(f"stopping {job['jobName']} ({job['jobArn']})")
    return 0
