#!/usr/bin/env python3
"""CDK entry point: the evaluation pipeline stack, checked by cdk-nag on every synth.

Deploy-time settings come from CDK context (cdk.json or `-c key=value`); their names and
defaults are in infra/settings.py.
"""

from __future__ import annotations

import os

import aws_cdk as cdk

from infra.nag import add_aws_solutions_checks
from infra.settings import PipelineSettings
from infra.stack import EvaluationPipelineStack


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
        settings=PipelineSettings.from_context(app.node),
    )
    add_aws_solutions_checks(app)
    app.synth()


if __name__ == "__main__":
    main()
