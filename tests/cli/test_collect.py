"""`evalctl collect` against a Stubber-wrapped bedrock-runtime, a real HTTP server and a
real Python module, writing real files."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from evalcore.dataset import validate_dataset
from evalcore.suite import load_suite
from evalctl.retry import Backoff, Throttled, call_with_backoff
from evalctl.scenarios import fold_prompt, strip_thinking

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
SOURCE_ID = "support-assistant-v1"  # the shipped support-assistant suite's sourceIdentifier
TOOLS = {
    "tools": [
        {
            "toolSpec": {
                "name": name,
                "description": f"{name} for an order",
                "inputSchema": {
                    "json": {
                        "type": "object",
                        "properties": {"orderId": {"type": "string"}},
                        "required": ["orderId"],
                    }
                },
            }
        }
        for name in ("get_order", "get_eta")
    ]
}


@pytest.fixture
def sleeps(stubbed_aws) -> list[float]:
    waited: list[float] = stubbed_aws.waited
    return waited


def _reply(content: list[dict], stop: str) -> dict:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 1},
    }


def _tool_use(use_id: str, name: str) -> dict:
    return {"toolUse": {"toolUseId": use_id, "name": name, "input": {"orderId": "42"}}}


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_multi_turn_scenario_with_two_tool_calls_writes_the_documented_line(
    tmp_path, monkeypatch, runtime, evalctl
):
    (tmp_path / "shop_tools.py").write_text(
        "def answer(name, tool_input):\n"
        "    assert name == 'get_eta'\n"
        "    return {'orderId': tool_input['orderId'], 'eta': 'Friday'}\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    scenarios = _write(
        tmp_path / "scenarios.jsonl",
        [
            {
                "id": "order-status",
                "category": "orders",
                "context": "Customer tier: gold",
                "turns": ["Where is my order 42?", "When will it arrive?"],
                "referenceResponse": "It arrives on Friday.",
                "toolResults": {"get_order": {"status": "shipped", "carrier": "UPS"}},
            }
        ],
    )
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps(TOOLS))
    system = [{"text": "You are a support agent."}, {"text": "Context: Customer tier: gold"}]
    common = {
        "modelId": MODEL,
        "system": system,
        "toolConfig": TOOLS,
        "inferenceConfig": {"maxTokens": 256, "temperature": 0.0},
    }
    user1 = {"role": "user", "content": [{"text": "Where is my order 42?"}]}
    use1 = {"role": "assistant", "content": [_tool_use("t1", "get_order")]}
    result1 = {
        "role": "user",
        "content": [
            {
                "toolResult": {
                    "toolUseId": "t1",
                    "content": [{"json": {"status": "shipped", "carrier": "UPS"}}],
                }
            }
        ],
    }
    answer1 = {
        "role": "assistant",
        "content": [
            {"text": "<thinking>It shipped.</thinking>Your order 42 has shipped with UPS."}
        ],
    }
    user2 = {"role": "user", "content": [{"text": "When will it arrive?"}]}
    use2 = {"role": "assistant", "content": [{"text": "Let me check."}, _tool_use("t2", "get_eta")]}
    result2 = {
        "role": "user",
        "content": [
            {
                "toolResult": {
                    "toolUseId": "t2",
                    "content": [{"json": {"orderId": "42", "eta": "Friday"}}],
                }
            }
        ],
    }
    answer2 = {"role": "assistant", "content": [{"text": "It arrives on Friday."}]}
    exchange = [
        ([user1], use1, "tool_use"),
        ([user1, use1, result1], answer1, "end_turn"),
        ([user1, use1, result1, answer1, user2], use2, "tool_use"),
        ([user1, use1, result1, answer1, user2, use2, result2], answer2, "end_turn"),
    ]
    for messages, reply, stop in exchange:
        runtime.add_response(
            "converse", _reply(reply["content"], stop), {**common, "messages": messages}
        )
    out = tmp_path / "dataset.jsonl"

    code = evalctl(
        [
            "collect",
            str(scenarios),
            "--out",
            str(out),
            "--suite",
            "support-assistant",
            "--model-id",
            MODEL,
            "--system-prompt",
            "You are a support agent.",
            "--tools",
            str(tools),
            "--tool-handler",
            "shop_tools:answer",
            "--max-tokens",
            "256",
            "--temperature",
            "0",
        ]
    )

    assert code == 0
    assert _lines(out) == [
        {
            "prompt": "Context: Customer tier: gold\n\nUser: Where is my order 42?\n"
            "Assistant: Your order 42 has shipped with UPS.\nUser: When will it arrive?",
            "referenceResponse": "It arrives on Friday.",
            "category": "orders",
            "modelResponses": [{"response": "It arrives on Friday.", "modelIdentifier": SOURCE_ID}],
        }
    ]
    stats = validate_dataset(out.open("rb"), load_suite("support-assistant"), str(out))
    assert stats.problems == [] and stats.warnings == []


def test_throttling_is_retried_with_backoff(tmp_path, runtime, sleeps, evalctl):
    scenarios = _write(tmp_path / "s.jsonl", [{"id": "a", "prompt": "Hi"}])
    request = {"modelId": MODEL, "messages": [{"role": "user", "content": [{"text": "Hi"}]}]}
    runtime.add_client_error("converse", "ThrottlingException", "slow down", 429)
    runtime.add_client_error("converse", "ThrottlingException", "slow down", 429)
    runtime.add_response("converse", _reply([{"text": "Hello"}], "end_turn"), request)
    out = tmp_path / "d.jsonl"
    code = evalctl(
        [
            "collect",
            str(scenarios),
            "--out",
            str(out),
            "--source-identifier",
            "app",
            "--model-id",
            MODEL,
        ]
    )
    assert code == 0
    assert len(sleeps) == 2 and 0 <= sleeps[0] <= 1 and 0 <= sleeps[1] <= 2
    assert _lines(out)[0]["modelResponses"] == [{"response": "Hello", "modelIdentifier": "app"}]


def test_tool_loop_stops_at_the_round_limit(tmp_path, runtime, capsys, evalctl):
    scenarios = _write(
        tmp_path / "s.jsonl",
        [{"id": "loop", "prompt": "Order?", "toolResults": {"get_order": "pending"}}],
    )
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps(TOOLS))
    for index in range(2):
        runtime.add_response("converse", _reply([_tool_use(f"t{index}", "get_order")], "tool_use"))
    out = tmp_path / "d.jsonl"
    code = evalctl(
        [
            "collect",
            str(scenarios),
            "--out",
            str(out),
            "--source-identifier",
            "app",
            "--model-id",
            MODEL,
            "--tools",
            str(tools),
            "--max-tool-rounds",
            "1",
        ]
    )
    assert code == 1
    assert "failed: loop: ScenarioFailed: still calling tools after 1 rounds" in (
        capsys.readouterr().err
    )
    assert not out.exists() or out.read_text() == ""


APP_MODULE = """
calls = []

def answer(request):
    calls.append(request["scenarioId"])
    if request["scenarioId"] == "flaky" and calls.count("flaky") == 1:
        raise RuntimeError("backend down")
    return "<thinking>draft</thinking>Answer to " + request["messages"][-1]["content"]
"""


def test_resume_calls_only_scenarios_not_yet_collected(tmp_path, monkeypatch, capsys, evalctl):
    (tmp_path / "app_under_test.py").write_text(APP_MODULE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "app_under_test", raising=False)
    scenarios = _write(
        tmp_path / "s.jsonl", [{"id": "steady", "prompt": "one"}, {"id": "flaky", "prompt": "two"}]
    )
    out = tmp_path / "d.jsonl"
    argv = [
        "collect",
        str(scenarios),
        "--out",
        str(out),
        "--runner",
        "python",
        "--callable",
        "app_under_test:answer",
        "--source-identifier",
        "app",
    ]

    assert evalctl(argv) == 1
    assert "failed: flaky: RuntimeError: backend down" in capsys.readouterr().err
    assert [line["prompt"] for line in _lines(out)] == ["one"]

    assert evalctl(argv) == 0
    assert sorted(sys.modules["app_under_test"].calls) == ["flaky", "flaky", "steady"]
    assert [line["modelResponses"][0]["response"] for line in _lines(out)] == [
        "Answer to one",
        "Answer to two",
    ]
    assert (tmp_path / "d.jsonl.scenario-ids").read_text().split() == ["steady", "flaky"]

    assert evalctl(argv) == 0
    assert len(sys.modules["app_under_test"].calls) == 3  # nothing left to call
    assert "2 already in" in capsys.readouterr().err


def test_resume_refuses_a_dataset_and_id_list_that_disagree(tmp_path, capsys, evalctl):
    scenarios = _write(tmp_path / "s.jsonl", [{"prompt": "one"}])
    out = _write(tmp_path / "d.jsonl", [{"prompt": "edited by hand"}])
    code = evalctl(
        [
            "collect",
            str(scenarios),
            "--out",
            str(out),
            "--runner",
            "http",
            "--url",
            "http://127.0.0.1:9/",
            "--source-identifier",
            "app",
        ]
    )
    assert code == 1
    assert "d.jsonl.scenario-ids: <file>: lists 0 collected scenarios but" in (
        capsys.readouterr().err
    )


class _App(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []
    throttle_next = True

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"body": body, "auth": self.headers["Authorization"]})
        if type(self).throttle_next:
            type(self).throttle_next = False
            self.send_response(429)
            self.end_headers()
            return
        turn = body["messages"][-1]["content"]
        reply = json.dumps({"output": {"text": f"<thinking>plan</thinking> Re: {turn}"}})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply.encode())

    def log_message(self, *args):
        pass


def test_http_runner_against_a_real_server(tmp_path, sleeps, evalctl):
    server = HTTPServer(("127.0.0.1", 0), _App)
    # shutdown() waits for the serving loop to notice it; at the default half-second poll
    # interval that wait, not the requests, was most of this test's time.
    thread = threading.Thread(target=server.serve_forever, args=(0.005,), daemon=True)
    thread.start()
    try:
        scenarios = tmp_path / "s.json"  # a JSON array file
        scenarios.write_text(
            json.dumps([{"id": "two-turns", "turns": ["Hi", "Bye"], "category": "smalltalk"}])
        )
        out = tmp_path / "d.jsonl"
        code = evalctl(
            [
                "collect",
                str(scenarios),
                "--out",
                str(out),
                "--runner",
                "http",
                "--url",
                f"http://127.0.0.1:{server.server_port}/chat",
                "--response-field",
                "output.text",
                "--header",
                "Authorization: Bearer x",
                "--source-identifier",
                "app",
            ]
        )
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0
    assert len(sleeps) == 1  # the 429 was retried
    bodies = [r["body"] for r in _App.received]
    assert {r["auth"] for r in _App.received} == {"Bearer x"}
    assert bodies[-1] == {
        "scenarioId": "two-turns",
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "<thinking>plan</thinking> Re: Hi"},
            {"role": "user", "content": "Bye"},
        ],
        "context": None,
        "category": "smalltalk",
    }
    assert _lines(out) == [
        {
            "prompt": "User: Hi\nAssistant: Re: Hi\nUser: Bye",
            "category": "smalltalk",
            "modelResponses": [{"response": "Re: Bye", "modelIdentifier": "app"}],
        }
    ]


def test_bad_scenarios_are_reported_with_file_line_and_fix(tmp_path, capsys, evalctl):
    scenarios = tmp_path / "s.jsonl"
    scenarios.write_text('{"prompt": "ok"}\n{"turns": []}\n{"prompt": "x", "contxt": "y"}\n')
    code = evalctl(
        [
            "collect",
            str(scenarios),
            "--out",
            str(tmp_path / "d.jsonl"),
            "--source-identifier",
            "app",
            "--model-id",
            MODEL,
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert f"{scenarios}:2: turns: must be a non-empty string" in err
    assert f"{scenarios}:3: contxt: is not a scenario field" in err


def test_runner_flags_missing_is_a_usage_error(tmp_path, capsys, evalctl):
    scenarios = _write(tmp_path / "s.jsonl", [{"prompt": "one"}])
    code = evalctl(
        [
            "collect",
            str(scenarios),
            "--out",
            str(tmp_path / "d.jsonl"),
            "--source-identifier",
            "app",
        ]
    )
    assert code == 2
    assert "--model-id is required with --runner bedrock" in capsys.readouterr().err


def test_strip_thinking_and_fold_prompt():
    assert strip_thinking("<thinking>a\nb</thinking>\nAnswer <THINKING>x</THINKING>!") == (
        "Answer !"
    )
    assert strip_thinking("Answer<thinking>never closed") == "Answer"
    assert fold_prompt(None, ["only"], []) == "only"
    assert fold_prompt("ctx", ["a", "b"], ["A"]) == "Context: ctx\n\nUser: a\nAssistant: A\nUser: b"


def test_backoff_gives_up_after_its_attempts_and_ignores_other_errors():
    waited: list[float] = []
    calls = []

    def throttled():
        calls.append(1)
        raise Throttled("429")

    with pytest.raises(Throttled):
        call_with_backoff(throttled, Backoff(attempts=3, base_seconds=0.5), waited.append)
    assert len(calls) == 3 and len(waited) == 2 and waited[1] <= 1.0

    def broken():
        calls.append(1)
        raise ValueError("not throttling")

    with pytest.raises(ValueError):
        call_with_backoff(broken, Backoff(attempts=3), waited.append)
    assert len(calls) == 4
    assert Backoff(base_seconds=1, cap_seconds=4).delay(10, lambda lo, hi: hi) == 4
