"""The synthesized stack deployed into moto for the end-to-end tests: upload, start, wait."""

from __future__ import annotations

import json
import time
from pathlib import Path

import aws_cdk as cdk
import boto3
from aws_cdk.assertions import Template
from moto.awslambda_simple.models import LambdaSimpleBackend

from evalcore.suite import DEFAULT_SUITES_DIR
from evalctl.simulation.bedrock_output import oriented
from evalctl.simulation.template import resources_of
from evalctl.simulation.template_runtime import (
    InProcessFunctions,
    Resolver,
    deploy_functions,
    event_pattern_matches,
    transform_input,
)
from infra.settings import PipelineSettings
from infra.stack import EvaluationPipelineStack

MOTO_CONFIG = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}
KEY = "datasets/support-assistant/release-42.jsonl"
MACHINE_NAME = "evaluation-pipeline"
# The quality the judge finds per prompt (oriented per metric); p3 is N/A for every metric.
QUALITY = {"p1": 1.0, "p2": 0.75, "p3": None, "p4": 0.25, "p5": 0.5}
CATEGORIES = {"p1": "billing", "p2": "billing", "p3": "account", "p4": "account", "p5": "account"}


# Every answer good enough for every floor of the suite.
GOOD_QUALITY = {"p1": 1.0, "p2": 0.9, "p3": None, "p4": 0.8, "p5": 0.9}
SUITE = (("Suite", "support-assistant"),)


def scorer_for(quality: dict[str, float | None]):
    def scorer(record: dict, metric: str):
        return oriented(metric, quality[record["prompt"]])

    return scorer


def dataset_rows() -> list[dict]:
    return [
        {
            "prompt": prompt,
            "referenceResponse": "reference",
            "category": CATEGORIES[prompt],
            "modelResponses": [
                {"response": f"answer to {prompt}", "modelIdentifier": "support-assistant-v1"}
            ],
        }
        for prompt in QUALITY
    ]


# moto's Wait states really sleep: every wait is a second, and a run may take two minutes.
E2E_SETTINGS = PipelineSettings(
    poll_min_wait_seconds=1,
    poll_max_wait_seconds=1,
    slot_wait_seconds=1,
    run_limit_seconds=120,
    cleanup_allowance_seconds=60,
    execution_timeout_hours=1,
    max_shards_per_run=3,
)


def synthesize(settings: PipelineSettings, suites_dir: Path = DEFAULT_SUITES_DIR) -> dict:
    stack = EvaluationPipelineStack(cdk.App(), "E2E", settings=settings, suites_dir=suites_dir)
    return Template.from_stack(stack).to_json()


def s3_object_created(bucket: str, key: str, version: str) -> dict:
    """The event S3 sends to EventBridge (AWS docs' example, trimmed)."""
    return {
        "version": "0",
        "id": "17793124-05d4-b198-2fde-7ededc63b103",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "region": "us-east-1",
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": 5, "etag": "b1946ac9", "version-id": version},
            "request-id": "N4N7GDK58NMKJ12R",
            "reason": "PutObject",
        },
    }


class Pipeline:
    """The template deployed into moto: upload a dataset, get an execution's outcome."""

    def __init__(self, template: dict, world, monkeypatch) -> None:
        self.world = world
        self.resolver = Resolver()
        rules = resources_of(template, "AWS::Events::Rule").values()
        (self.rule,) = [r for r in rules if r["Properties"]["EventPattern"]["source"] == ["aws.s3"]]
        (self.status_rule,) = [
            r for r in rules if r["Properties"]["EventPattern"]["source"] == ["aws.states"]
        ]
        (topic_id,) = resources_of(template, "AWS::SNS::Topic")
        self.resolver.refs[topic_id] = world.inbox.topic_arn
        # The data bucket is the one the rule listens to.
        (bucket_ref,) = self.rule["Properties"]["EventPattern"]["detail"]["bucket"]["name"]
        bucket_id = bucket_ref["Ref"]
        self.resolver.refs[bucket_id] = world.bucket
        self.resolver.attributes[(bucket_id, "Arn")] = f"arn:aws:s3:::{world.bucket}"
        (ledger_id,) = resources_of(template, "AWS::DynamoDB::Table")
        self.resolver.refs[ledger_id] = world.ledger_table
        # The start function names the state machine, so its ARN is known before it exists.
        ((machine_id, machine),) = resources_of(
            template, "AWS::StepFunctions::StateMachine"
        ).items()
        self.machine_arn = f"arn:aws:states:us-east-1:123456789012:stateMachine:{MACHINE_NAME}"
        self.resolver.refs[machine_id] = self.machine_arn
        self.runner = InProcessFunctions()
        monkeypatch.setattr(
            LambdaSimpleBackend,
            "invoke",
            lambda backend, *args: self.runner.invoke(backend, *args),
        )
        deploy_functions(
            template, self.resolver, boto3.client("lambda"), boto3.client("iam"), self.runner
        )
        for variable, value in self.runner.shared_environment().items():
            monkeypatch.setenv(variable, value)
        definition = self.resolver(machine["Properties"]["DefinitionString"])
        self.sfn = boto3.client("stepfunctions")
        created = self.sfn.create_state_machine(
            name=MACHINE_NAME,
            definition=definition,
            roleArn="arn:aws:iam::123456789012:role/states",
        )["stateMachineArn"]
        assert created == self.machine_arn

    def upload(self, key: str, rows: list[dict] | bytes) -> dict:
        """Put the dataset, then do what the EventBridge rule does with S3's event."""
        version = self.world.upload(key, rows)
        event = s3_object_created(self.world.bucket, key, version)
        rule = self.rule["Properties"]
        pattern = self.resolver(rule["EventPattern"])
        assert event_pattern_matches(pattern, event), f"rule {pattern} ignores {key}"
        (target,) = rule["Targets"]
        return transform_input(target["InputTransformer"], event)

    def start(self, execution_input: dict) -> str:
        """Deliver the upload rule's input to its target, the start function; the execution's
        ARN (the function starts it under the dataset version's name, or finds it ran)."""
        rule = self.rule["Properties"]
        (target,) = rule["Targets"]
        response = boto3.client("lambda").invoke(
            FunctionName=self.resolver(target["Arn"]), Payload=json.dumps(execution_input)
        )
        started = json.loads(response["Payload"].read())
        assert "FunctionError" not in response, started
        executions = self.machine_arn.replace(":stateMachine:", ":execution:")
        return f"{executions}:{started['executionName']}"

    def wait(self, arn: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while (execution := self.sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "execution did not finish"
            time.sleep(0.2)
        return execution

    def run(self, execution_input: dict, timeout: float = 60) -> dict:
        return self.wait(self.start(execution_input), timeout)

    def status_changed(self, execution: dict, status: str) -> bool:
        """Do what the execution-status rule does with Step Functions' event; False if ignored."""
        event = execution_status_change(execution, status)
        rule = self.status_rule["Properties"]
        if not event_pattern_matches(self.resolver(rule["EventPattern"]), event):
            return False
        for target in rule["Targets"]:  # record_failure, then release_leaked_slots
            assert "Input" not in target and "InputTransformer" not in target  # the whole event
            function = self.resolver(target["Arn"])
            boto3.client("lambda").invoke(FunctionName=function, Payload=json.dumps(event))
        return True


def execution_status_change(execution: dict, status: str) -> dict:
    """The event Step Functions sends to EventBridge when an execution ends (AWS docs' shape)."""
    started = execution["startDate"]
    return {
        "version": "0",
        "id": "315c1398-40ff-a850-213b-158f73e60175",
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "account": "123456789012",
        "region": "us-east-1",
        "resources": [execution["executionArn"]],
        "detail": {
            "executionArn": execution["executionArn"],
            "stateMachineArn": execution["stateMachineArn"],
            "name": execution["executionArn"].rsplit(":", 1)[-1],
            "status": status,
            "startDate": int(started.timestamp() * 1000),
            "stopDate": int(started.timestamp() * 1000) + 86_400_000,
            "input": execution["input"],
            "output": None,
            "error": None,
            "cause": None,
        },
    }
