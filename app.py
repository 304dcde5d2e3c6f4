#!/usr/bin/env python3
"""CDK entry point: the evaluation pipeline stack, checked by cdk-nag on every synth.

Deploy-time settings come from CDK context (cdk.json or `-c key=value`):
  pollIntervalSeconds (60), executionTimeoutHours (24), resultsRetentionDays (365).
"""

from __future__ import annotations

import os

import aws_cdk as cdk

from infra.nag import add_aws_solutions_checks
from infra.stack import EvaluationPipelineStack

DEFAULTS = {"pollIntervalSeconds": 60, "executionTimeoutHours": 24, "resultsRetentionDays": 365}


def context_number(app: cdk.App, key: str) -> int:
    """A positive integer from context; values passed with -c arrive as strings."""
    raw = app.node.try_get_context(key)
    value = DEFAULTS[key] if raw is None else raw
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"context {key} must be a whole number, got {value!r}") from None
    if number <= 0:
        raise ValueError(f"context {key} must be positive, got {number}")
    return number


def environment() -> cdk.Environment | None:
    """Bound to the CLI's account and Region when it knows them, else environment-agnostic."""
    account = os.environ.get("CDK_DEFAULT_ACCOUNT")
    region = os.environ.get("CDK_DEFAULT_REGION")
    if account and region:
        return cdk.Environment(account=account, region=region)
    return None


def main() -> None:
    app = cdk.App()
    EvaluationPipelineStack(
        app,
        "BedrockEvalPipeline",
        env=environment(),
        poll_interval=cdk.Duration.seconds(context_number(app, "pollIntervalSeconds")),
        execution_timeout=cdk.Duration.hours(context_number(app, "executionTimeoutHours")),
        results_retention=cdk.Duration.days(context_number(app, "resultsRetentionDays")),
    )
    add_aws_solutions_checks(app)
    app.synth()


if __name__ == "__main__":
    main()
