"""The applications `evalctl collect` can talk to: Bedrock Converse, an HTTP endpoint, a callable.

Each runner opens one session per scenario; a session answers the user turns in order and
keeps the conversation, so a multi-turn scenario is a real conversation with the application.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from evalcore.errors import InputError, Problem
from evalctl.retry import Backoff, Throttled, call_with_backoff
from evalctl.scenarios import Scenario, strip_thinking

ToolHandler = Callable[[str, dict], Any]
THROTTLING_HTTP_STATUSES = frozenset({429, 503})


class ScenarioFailed(Exception):
    """The application could not answer this scenario; the others go on."""


class Session(Protocol):
    def ask(self, text: str) -> str: ...


class Runner(Protocol):
    def session(self, scenario: Scenario) -> Session: ...


def load_callable(spec: str, flag: str) -> Callable[..., Any]:
    """`package.module:function`, imported with the working directory on the path."""
    module_name, _, attribute = spec.partition(":")
    fix = f"pass {flag} as module:function, e.g. myapp.eval_hooks:answer"
    if not module_name or not attribute:
        raise InputError([Problem(flag, spec, "is not of the form module:function", fix)])
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise InputError([Problem(flag, spec, f"cannot be loaded ({error})", fix)]) from None
    if not callable(target):
        raise InputError([Problem(flag, spec, "is not callable", fix)])
    return target


# Bedrock Converse ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConverseSettings:
    model_id: str
    system_prompt: str | None = None
    tool_config: dict | None = None
    max_tool_rounds: int = 5
    inference_config: dict = field(default_factory=dict)


def _tool_result_content(result: Any) -> list[dict]:
    if isinstance(result, dict):
        return [{"json": result}]
    return [{"text": result if isinstance(result, str) else json.dumps(result)}]


class ConverseSession:
    def __init__(self, runner: BedrockConverseRunner, scenario: Scenario) -> None:
        self.runner = runner
        self.scenario = scenario
        self.messages: list[dict] = []

    def _request(self) -> dict:
        settings = self.runner.settings
        request: dict[str, Any] = {"modelId": settings.model_id, "messages": self.messages}
        system = [{"text": settings.system_prompt}] if settings.system_prompt else []
        if self.scenario.context:
            system.append({"text": f"Context: {self.scenario.context}"})
        if system:
            request["system"] = system
        if settings.tool_config:
            request["toolConfig"] = settings.tool_config
        if settings.inference_config:
            request["inferenceConfig"] = settings.inference_config
        return request

    def _answer_tool(self, use: dict) -> dict:
        name, tool_input = use["name"], use.get("input", {})
        result: dict[str, Any] = {"toolUseId": use["toolUseId"]}
        if name in self.scenario.tool_results:
            result["content"] = _tool_result_content(self.scenario.tool_results[name])
        elif self.runner.tool_handler is not None:
            try:
                result["content"] = _tool_result_content(self.runner.tool_handler(name, tool_input))
            except Exception as error:  # the application's tool failed: the model is told
                result["content"] = [{"text": f"{type(error).__name__}: {error}"}]
                result["status"] = "error"
        else:
            raise ScenarioFailed(
                f"the model called tool {name!r} but the scenario has no toolResults.{name} "
                "and no --tool-handler was given"
            )
        return {"toolResult": result}

    def ask(self, text: str) -> str:
        client, settings = self.runner.client, self.runner.settings
        self.messages.append({"role": "user", "content": [{"text": text}]})
        for tool_round in range(settings.max_tool_rounds + 1):
            request = self._request()

            def converse(request: dict = request) -> dict:
                return client.converse(**request)

            response = call_with_backoff(converse, self.runner.backoff, self.runner.sleep)
            message = response["output"]["message"]
            self.messages.append(message)
            uses = [block["toolUse"] for block in message["content"] if "toolUse" in block]
            if response["stopReason"] != "tool_use" or not uses:
                return strip_thinking(
                    "".join(block["text"] for block in message["content"] if "text" in block)
                )
            if tool_round == settings.max_tool_rounds:
                break
            self.messages.append(
                {"role": "user", "content": [self._answer_tool(use) for use in uses]}
            )
        raise ScenarioFailed(
            f"still calling tools after {settings.max_tool_rounds} rounds "
            "(raise --max-tool-rounds if that is expected)"
        )


@dataclass
class BedrockConverseRunner:
    client: Any
    settings: ConverseSettings
    tool_handler: ToolHandler | None = None
    backoff: Backoff = field(default_factory=Backoff)
    sleep: Callable[[float], None] | None = None

    def session(self, scenario: Scenario) -> ConverseSession:
        return ConverseSession(self, scenario)


# HTTP endpoint and Python callable ------------------------------------------------------------


def application_request(scenario: Scenario, messages: list[dict]) -> dict:
    """What an HTTP endpoint or a Python callable receives: one shape for both."""
    return {
        "scenarioId": scenario.id,
        "messages": messages,
        "context": scenario.context,
        "category": scenario.category,
    }


class RequestSession:
    def __init__(
        self, send: Callable[[dict], str], scenario: Scenario, backoff: Backoff, sleep: Any
    ) -> None:
        self.send, self.scenario, self.backoff, self.sleep = send, scenario, backoff, sleep
        self.messages: list[dict] = []

    def ask(self, text: str) -> str:
        self.messages.append({"role": "user", "content": text})
        request = application_request(self.scenario, list(self.messages))
        raw = call_with_backoff(lambda: self.send(request), self.backoff, self.sleep)
        if not isinstance(raw, str):
            raise ScenarioFailed(f"the application answered {type(raw).__name__}, not text")
        self.messages.append({"role": "assistant", "content": raw})
        return strip_thinking(raw)


def dig(document: Any, dotted: str) -> Any:
    """`output.text` -> document["output"]["text"]; list indexes are numbers."""
    for part in dotted.split("."):
        if isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        elif isinstance(document, dict) and part in document:
            document = document[part]
        else:
            raise ScenarioFailed(f"the response has no field {dotted!r}")
    return document


@dataclass
class HttpRunner:
    """POSTs `application_request(...)` as JSON; the answer is `response_field` of the reply."""

    url: str
    response_field: str = "response"
    headers: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 60.0
    backoff: Backoff = field(default_factory=Backoff)
    sleep: Callable[[float], None] | None = None

    def _send(self, request: dict) -> str:
        body = json.dumps(request).encode("utf-8")
        headers = {"Content-Type": "application/json", **self.headers}
        http_request = urllib.request.Request(self.url, body, headers, method="POST")
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout_seconds) as reply:
                document = json.loads(reply.read())
        except urllib.error.HTTPError as error:
            if error.code in THROTTLING_HTTP_STATUSES:
                raise Throttled(f"HTTP {error.code}") from error
            raise ScenarioFailed(f"{self.url} answered HTTP {error.code}") from error
        except (urllib.error.URLError, json.JSONDecodeError, TimeoutError) as error:
            raise ScenarioFailed(f"{self.url}: {error}") from error
        return dig(document, self.response_field)

    def session(self, scenario: Scenario) -> RequestSession:
        return RequestSession(self._send, scenario, self.backoff, self.sleep)


@dataclass
class PythonRunner:
    """Calls `function(request) -> str` with the same request an HTTP endpoint receives."""

    function: Callable[[dict], str]
    backoff: Backoff = field(default_factory=Backoff)
    sleep: Callable[[float], None] | None = None

    def session(self, scenario: Scenario) -> RequestSession:
        return RequestSession(self.function, scenario, self.backoff, self.sleep)
