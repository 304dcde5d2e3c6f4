"""The deployed stack's outputs, read from CloudFormation so no one copies ARNs around."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evalcore.errors import InputError, Problem

# The name app.py gives the stack; `--stack-name` overrides it for a renamed deployment.
DEFAULT_STACK_NAME = "BedrockEvalPipeline"
OUTPUT_KEYS = ("BucketName", "StateMachineArn", "EvaluationServiceRoleArn")


@dataclass(frozen=True)
class StackOutputs:
    stack_name: str
    bucket_name: str
    state_machine_arn: str
    evaluation_service_role_arn: str


def parse_outputs(stack_name: str, stack: dict) -> StackOutputs:
    """Pure: one DescribeStacks `Stacks[]` entry to the outputs evalctl needs."""
    values = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    missing = [key for key in OUTPUT_KEYS if key not in values]
    if missing:
        raise InputError(
            [
                Problem(
                    f"stack {stack_name}",
                    "Outputs",
                    f"lacks {', '.join(missing)} (status {stack.get('StackStatus')})",
                    "deploy this project's stack (cdk deploy), or pass the right --stack-name",
                )
            ]
        )
    return StackOutputs(stack_name, *(values[key] for key in OUTPUT_KEYS))


def stack_outputs(cloudformation: Any, stack_name: str = DEFAULT_STACK_NAME) -> StackOutputs:
    import botocore.exceptions  # here, so importing this module (for its names) stays cheap

    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ValidationError":
            raise
        raise InputError(
            [
                Problem(
                    f"stack {stack_name}",
                    "<stack>",
                    "does not exist in this account and Region",
                    "check --stack-name and AWS_REGION, or deploy with cdk deploy",
                )
            ]
        ) from None
    return parse_outputs(stack_name, stacks[0])
