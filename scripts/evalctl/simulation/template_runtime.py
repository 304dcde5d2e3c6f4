"""Bring a synthesized CloudFormation template to life in moto, for the end-to-end test.

The state machine definition, the functions' handlers and environment, and the EventBridge
rule's pattern and input transformer are all taken from the template, so the test exercises
what `cdk deploy` would deploy, not a hand-written copy of it.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import threading
import traceback
import zipfile
from typing import Any

from evalctl.simulation.aws import lambda_context
from evalctl.simulation.bedrock_service import ACCOUNT
from evalctl.simulation.template import resources_of

REGION = "us-east-1"
PSEUDO_PARAMETERS = {
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "E2E",
}


class Resolver:
    """Replaces Ref / Fn::GetAtt / Fn::Join / Fn::Select with values from the fake account."""

    def __init__(self) -> None:
        self.refs: dict[str, str] = dict(PSEUDO_PARAMETERS)
        self.attributes: dict[tuple[str, str], str] = {}

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self.refs[value["Ref"]]
        if set(value) == {"Fn::GetAtt"}:
            logical_id, attribute = value["Fn::GetAtt"]
            return self.attributes[(logical_id, attribute)]
        if set(value) == {"Fn::Join"}:
            separator, parts = value["Fn::Join"]
            return separator.join(str(self(p)) for p in parts)
        if set(value) == {"Fn::Select"}:
            index, items = value["Fn::Select"]
            return self(items)[int(index)]
        if set(value) == {"Fn::Split"}:
            separator, text = value["Fn::Split"]
            return self(text).split(separator)
        return {k: self(v) for k, v in value.items()}


def _dummy_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "")
    return buffer.getvalue()


class InProcessFunctions:
    """Runs the real handler of each synthesized function when moto's Lambda is invoked.

    moto runs each execution (and each Map iteration) in its own thread, while handlers share
    module-level state (Powertools' logger, cached clients, the Bedrock stand-in's call log).
    Invocations are therefore run one at a time; executions still interleave between their
    steps, which is where the concurrency a test exercises lives (job slots, quota, duplicate
    starts). The functions' environment variables are not swapped per invocation: other
    threads (moto's) read the process environment meanwhile, so the caller sets the union of
    every function's variables once (`shared_environment`) before any execution starts.
    """

    def __init__(self) -> None:
        self._one_at_a_time = threading.RLock()
        self.functions: dict[str, tuple[str, dict[str, str]]] = {}
        self.invocations: list[str] = []
        self.results: list[tuple[str, str]] = []

    def last_result(self, module: str) -> str:
        """The JSON the last invocation of a handler module returned."""
        return [result for name, result in self.results if name == module][-1]

    def add(self, name: str, handler: str, environment: dict[str, str]) -> None:
        self.functions[name] = (handler, environment)

    def shared_environment(self) -> dict[str, str]:
        """Every function's variables in one environment; two values for one name fail."""
        merged: dict[str, str] = {}
        for name, (_, environment) in self.functions.items():
            for variable, value in environment.items():
                if merged.setdefault(variable, value) != value:
                    raise ValueError(
                        f"{name} sets {variable}={value!r}, another function "
                        f"{merged[variable]!r}: the functions cannot share a process"
                    )
        return merged

    def invoke(self, backend, function_name, qualifier, body, headers, response_headers):
        with self._one_at_a_time:
            return self._invoke(function_name, body, response_headers)

    def _invoke(self, function_name, body, response_headers):
        name = function_name.rsplit(":", 1)[-1]
        handler_path, _ = self.functions[name]
        module_name, function = handler_path.rsplit(".", 1)
        handler = getattr(importlib.import_module(module_name), function)
        self.invocations.append(module_name.rsplit(".", 1)[-1])
        event = json.loads(body) if body else {}
        try:
            result = handler(event, lambda_context(name))
        except Exception as error:  # the Lambda runtime reports any exception this way
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(
                {
                    "errorType": type(error).__name__,
                    "errorMessage": str(error),
                    "stackTrace": traceback.format_tb(error.__traceback__),
                }
            ).encode()
        self.results.append((module_name.rsplit(".", 1)[-1], json.dumps(result)))
        return json.dumps(result).encode()


def deploy_functions(template: dict, resolver: Resolver, lambda_client, iam_client, runner):
    """Create every handler function of the template in moto, wired to the runner."""
    role_arn = iam_client.create_role(
        RoleName="e2e-lambda-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"})
    )["Role"]["Arn"]
    for logical_id in resources_of(template, "AWS::IAM::Role"):
        resolver.attributes[(logical_id, "Arn")] = f"arn:aws:iam::{ACCOUNT}:role/{logical_id}"
        resolver.refs[logical_id] = logical_id
    functions = {
        logical_id: resource["Properties"]
        for logical_id, resource in resources_of(template, "AWS::Lambda::Function").items()
        if str(resource["Properties"].get("Handler", "")).startswith("handlers.")
    }
    for logical_id, properties in functions.items():
        arn = lambda_client.create_function(
            FunctionName=logical_id,
            Runtime=properties["Runtime"],
            Role=role_arn,
            Handler=properties["Handler"],
            Code={"ZipFile": _dummy_zip()},
        )["FunctionArn"]
        resolver.attributes[(logical_id, "Arn")] = arn
        resolver.refs[logical_id] = logical_id
    for logical_id, properties in functions.items():
        environment = resolver(properties.get("Environment", {}).get("Variables", {}))
        runner.add(logical_id, properties["Handler"], environment)
    return functions


def _matches(pattern: Any, value: Any) -> bool:
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(
            _matches(sub, value.get(key)) for key, sub in pattern.items()
        )
    return any(_matches_one(rule, value) for rule in pattern)


def _matches_one(rule: Any, value: Any) -> bool:
    if isinstance(rule, dict):
        (operator, operand), *rest = rule.items()
        assert not rest, rule
        if operator == "wildcard":
            regex = ".*".join(re.escape(part) for part in operand.split("*"))
            return isinstance(value, str) and re.fullmatch(regex, value) is not None
        if operator == "prefix":
            return isinstance(value, str) and value.startswith(operand)
        if operator == "suffix":
            return isinstance(value, str) and value.endswith(operand)
        raise AssertionError(f"event pattern operator {operator} is not understood by the test")
    return rule == value


def event_pattern_matches(pattern: dict, event: dict) -> bool:
    """EventBridge matching for the operators the stack uses (exact, prefix, suffix, wildcard)."""
    return _matches(pattern, event)


def _json_path(document: Any, path: str) -> Any:
    value = document
    for part in path.removeprefix("$.").split("."):
        value = value[part]
    return value


def transform_input(transformer: dict, event: dict) -> dict:
    """EventBridge's input transformer: quoted placeholders take the raw text, bare ones JSON."""
    values = {name: _json_path(event, path) for name, path in transformer["InputPathsMap"].items()}
    text = transformer["InputTemplate"]
    for name, value in values.items():
        text = text.replace(f'"<{name}>"', json.dumps(value)).replace(
            f"<{name}>", json.dumps(value)
        )
    return json.loads(text)
