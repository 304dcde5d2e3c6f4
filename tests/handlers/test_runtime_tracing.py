"""X-Ray SDK tracing is a switch: off, a handler's cold start never imports the SDK."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aws_lambda_powertools import Tracer

from handlers.runtime import TRACING_ENV_VAR, TracingOff, build_tracer

LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"


def test_tracing_is_off_unless_switched_on():
    assert isinstance(build_tracer({}), TracingOff)
    assert isinstance(build_tracer({TRACING_ENV_VAR: "false"}), TracingOff)
    assert isinstance(
        build_tracer({TRACING_ENV_VAR: "true", "POWERTOOLS_TRACE_DISABLED": "1"}), Tracer
    )


def test_tracing_off_keeps_the_decorated_handler_itself():
    def handler(event: dict, context: object) -> dict:
        return event

    off = TracingOff()
    assert off.capture_lambda_handler(handler) is handler
    assert off.capture_method(handler) is handler
    off.put_annotation("jobArn", "arn")
    off.put_metadata("job", {"status": "Completed"})


def test_importing_every_handler_with_tracing_off_leaves_the_xray_sdk_unloaded():
    probe = (
        "import sys, handlers.submit, handlers.poll, handlers.parse, handlers.record_failure;"
        "print(any(m.startswith('aws_xray_sdk') for m in sys.modules))"
    )
    environment = {k: v for k, v in os.environ.items() if k != TRACING_ENV_VAR} | {
        "PYTHONPATH": str(LAMBDAS),
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
