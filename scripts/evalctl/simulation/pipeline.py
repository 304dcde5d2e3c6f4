"""The synthesized template deployed into moto: upload a dataset, get an execution's outcome.

moto runs the state machine with its Step Functions interpreter and invokes the real handlers
in-process (InProcessFunctions), but it does not deliver S3's or Step Functions' events to
EventBridge. The pipeline therefore does what the stack's two rules do, with the rules' own
patterns and input transformers read from the template: `rule_input` turns an upload into the
execution input, `attach_upload_hook` starts that execution whenever a given S3 client puts a
dataset (what a deployed stack does for `evalctl run`), and `status_changed` hands an
execution's end to the status rule's target.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType
from typing import Any
from unittest.mock import patch

import boto3
from moto.awslambda_simple.models import LambdaSimpleBackend

from evalctl.simulation.aws import World
from evalctl.simulation.bedrock_service import ACCOUNT
from evalctl.simulation.clients import plumbing_client
from evalctl.simulation.template import resources_of
from evalctl.simulation.template_runtime import (
    REGION,
    InProcessFunctions,
    Resolver,
    deploy_functions,
    event_pattern_matches,
    transform_input,
)

# What moto needs to run executions and call functions without Docker.
MOTO_CONFIG = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}
STATE_MACHINE_NAME = "evaluation-pipeline"
# Where the upload hook keeps a PutObject's bucket and key between botocore's two events.
_UPLOADED_OBJECT = "simulation.uploaded_object"


def s3_object_created(bucket: str, key: str, version: str) -> dict:
    """The event S3 sends to EventBridge (AWS docs' example, trimmed)."""
    return {
        "version": "0",
        "id": "17793124-05d4-b198-2fde-7ededc63b103",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": ACCOUNT,
        "region": REGION,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": 5, "etag": "b1946ac9", "version-id": version},
            "request-id": "N4N7GDK58NMKJ12R",
            "reason": "PutObject",
        },
    }


def execution_status_change(execution: dict, status: str) -> dict:
    """The event Step Functions sends to EventBridge when an execution ends (AWS docs' shape)."""
    started = execution["startDate"]
    return {
        "version": "0",
        "id": "315c1398-40ff-a850-213b-158f73e60175",
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "account": ACCOUNT,
        "region": REGION,
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


class Pipeline:
    """The template's functions, state machine and rules, live in an active moto."""

    def __init__(self, template: dict, world: World, runner: InProcessFunctions) -> None:
        self.world = world
        self.runner = runner
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
        self.machine_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{STATE_MACHINE_NAME}"
        self.resolver.refs[machine_id] = self.machine_arn
        # One client for every call the rules' targets get (Step Functions' tasks reach the
        # functions without one, evalctl.simulation.stepfunctions.InProcessLambda): a botocore
        # client is thread-safe, and building one costs more than most invocations.
        self.lambda_client = plumbing_client("lambda")
        deploy_functions(
            template, self.resolver, self.lambda_client, plumbing_client("iam"), runner
        )
        definition = self.resolver(machine["Properties"]["DefinitionString"])
        self.sfn = plumbing_client("stepfunctions")
        created = self.sfn.create_state_machine(
            name=STATE_MACHINE_NAME,
            definition=definition,
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/states",
        )["stateMachineArn"]
        assert created == self.machine_arn, (created, self.machine_arn)

    def rule_input(self, key: str, version: str, bucket: str | None = None) -> dict | None:
        """The execution input the upload rule makes of S3's event; None when it ignores it."""
        event = s3_object_created(bucket or self.world.bucket, key, version)
        rule = self.rule["Properties"]
        if not event_pattern_matches(self.resolver(rule["EventPattern"]), event):
            return None
        (target,) = rule["Targets"]
        return transform_input(target["InputTransformer"], event)

    def upload(self, key: str, rows: list[dict] | str | bytes) -> dict:
        """Put the dataset, then do what the EventBridge rule does with S3's event."""
        version = self.world.upload(key, rows)
        execution_input = self.rule_input(key, version)
        assert execution_input is not None, f"the upload rule ignores {key}"
        return execution_input

    def attach_upload_hook(self, s3_client: Any) -> None:
        """Start an execution whenever `s3_client` puts an object the upload rule matches.

        A botocore after-call handler on that one client: what S3 and EventBridge do for a
        deployed stack, so code under test uploads with an ordinary client and finds the
        execution the way it would in AWS.
        """

        def remember_object(params: dict, context: dict, **_: Any) -> None:
            context[_UPLOADED_OBJECT] = (params["Bucket"], params["Key"])

        def started_by_upload(parsed: dict, context: dict, **_: Any) -> None:
            bucket, key = context[_UPLOADED_OBJECT]
            execution_input = self.rule_input(key, parsed.get("VersionId", "null"), bucket)
            if execution_input is not None:
                self.start(execution_input)

        s3_client.meta.events.register("before-parameter-build.s3.PutObject", remember_object)
        s3_client.meta.events.register("after-call.s3.PutObject", started_by_upload)

    def start(self, execution_input: dict) -> str:
        """Deliver the upload rule's input to its target, the start function, which starts the
        execution under the dataset version's name (or finds it already ran); its ARN."""
        (target,) = self.rule["Properties"]["Targets"]
        response = self.lambda_client.invoke(
            FunctionName=self.resolver(target["Arn"]), Payload=json.dumps(execution_input)
        )
        started = json.loads(response["Payload"].read())
        if "FunctionError" in response:
            raise RuntimeError(f"the start function failed: {started}")
        executions = self.machine_arn.replace(":stateMachine:", ":execution:")
        return f"{executions}:{started['executionName']}"

    def wait(self, arn: str, timeout: float = 60, interval: float = 0.05) -> dict:
        """The execution once it has left RUNNING: asked again whenever an execution ends
        (evalctl.simulation.stepfunctions announces it), and every `interval` seconds."""
        ended = step_functions().EXECUTION_ENDED
        deadline = time.monotonic() + timeout
        while True:
            with ended:
                execution = self.sfn.describe_execution(executionArn=arn)
                if execution["status"] != "RUNNING":
                    return dict(execution)
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"execution {arn} did not finish in {timeout} s")
                ended.wait(interval)

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
            self.lambda_client.invoke(FunctionName=function, Payload=json.dumps(event))
        return True


@contextmanager
def _batch_utils_alone() -> Iterator[None]:
    """moto.batch, while this lasts, as an empty package over its own folder.

    moto's Step Functions parser imports one enum from moto.batch.utils, and importing the
    package first runs its __init__, which loads Batch's models and with them EC2's (their
    module bodies read a 5 MB table of instance types: a fifth of a second of every process
    that deploys a pipeline). Here only utils.py and the exceptions it imports load; once
    the parser is imported the placeholder goes, and `import moto.batch` anywhere later runs
    the real __init__ (reusing the utils module already loaded)."""
    if "moto.batch" in sys.modules:
        yield
        return
    spec = importlib.util.find_spec("moto.batch")
    assert spec is not None and spec.submodule_search_locations is not None
    placeholder = ModuleType("moto.batch")
    placeholder.__path__ = list(spec.submodule_search_locations)
    sys.modules["moto.batch"] = placeholder
    try:
        yield
    finally:
        if sys.modules.get("moto.batch") is placeholder:
            del sys.modules["moto.batch"]


@cache
def step_functions() -> ModuleType:
    """evalctl.simulation.stepfunctions, imported on first use, without Batch's and EC2's
    models (`_batch_utils_alone`), and with EC2's Regions looked up without EC2's service model
    should anything import moto.ec2 meanwhile.

    moto.ec2's module body asks three new boto3 sessions for the Regions of EC2
    (`get_available_regions`): each reads the 3 MB EC2 service model from disk only to learn
    EC2's endpoint prefix, which is `ec2`, then asks the endpoint resolver. While the import
    runs, the Regions of `ec2` come straight from one session's endpoint resolver, the same
    answer without the model; any other lookup is left alone. Imported on first use, so a
    process that never deploys a pipeline pays nothing.
    """
    resolver = boto3.Session()._session._get_internal_component("endpoint_resolver")
    look_up = boto3.Session.get_available_regions

    def get_available_regions(
        session: boto3.Session,
        service_name: str,
        partition_name: str = "aws",
        allow_non_regional: bool = False,
    ) -> list[str]:
        if service_name != "ec2":
            return look_up(session, service_name, partition_name, allow_non_regional)
        return list(resolver.get_available_endpoints("ec2", partition_name, allow_non_regional))

    with (
        patch.object(boto3.Session, "get_available_regions", get_available_regions),
        _batch_utils_alone(),
    ):
        from evalctl.simulation import stepfunctions

    return stepfunctions


def sleep_until_an_execution_ends(seconds: float) -> None:
    """`time.sleep` for code that polls the simulation's executions (evalctl's follow): it
    returns early when any execution of the process ends (evalctl.simulation.stepfunctions
    announces each end), so the poller's next look finds the end at once instead of up to
    `seconds` later. Otherwise it lasts `seconds`, so progress is still reported at the
    poller's pace; an end announced just before the call is not waited for, only missed."""
    ended = step_functions().EXECUTION_ENDED
    with ended:
        ended.wait(seconds)


@contextmanager
def deployed_pipeline(
    template: dict, world: World, *, wait_scale: float = 1.0, scaled_clock: bool = False
) -> Iterator[Pipeline]:
    """The template deployed into `world`'s moto; moto's Lambda runs the real handlers while
    the context lasts (its invoke is patched on the class, and restored on exit).

    `wait_scale` below 1 shortens every Wait state and every Retry interval by that factor
    (tests fake the clock rather than sleep through it); the run's logic is unchanged, since the
    Bedrock stand-in finishes a job after a number of polls, not of seconds.

    `scaled_clock` also runs the clock that run limits are measured on (executions' start
    times and the handlers' now) that many times faster (evalctl.simulation.clock), so a run
    limit passes after as many scaled waits as it would in AWS.
    """
    runner = InProcessFunctions()
    with (
        patch.object(
            LambdaSimpleBackend,
            "invoke",
            lambda backend, *args: runner.invoke(backend, *args),
        ),
        step_functions().interpreter_patches(
            wait_scale,
            scaled_clock,
            lambda name, qualifier, payload, headers: runner.invoke(
                None, name, qualifier, payload, {}, headers
            ),
        ),
    ):
        pipeline = Pipeline(template, world, runner)
        # Set once, before any execution: moto's threads read the environment meanwhile.
        with patch.dict(os.environ, runner.shared_environment()):
            yield pipeline
