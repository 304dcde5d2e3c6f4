"""moto's Step Functions interpreter as the simulation runs it: the same states, the same calls
into Lambda, less of moto's own bookkeeping and no real waits.

Every patch here leaves what an execution does unchanged (which states run, with which input,
what each Lambda task sends and how its result or error is read); each says why it is sound.
`interpreter_patches` applies them while a pipeline is deployed (evalctl.simulation.pipeline).

Importing this module imports moto's Step Functions parser, and with it moto.batch and
moto.ec2 (whose models read large tables at import); import it through
`evalctl.simulation.pipeline.step_functions`, which loads only the part of moto.batch the
parser uses.
"""

from __future__ import annotations

import copy
import io
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from types import ModuleType, SimpleNamespace
from typing import Any
from unittest.mock import patch

from moto.stepfunctions.parser import models as stepfunctions_models
from moto.stepfunctions.parser.asl.component.common.path import result_path
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.common.string import string_expression
from moto.stepfunctions.parser.asl.component.component import Component
from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.exec.state_map import state_map
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service,
)
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import (
    WaitFunction,
)
from moto.stepfunctions.parser.asl.eval import environment, states
from moto.stepfunctions.parser.asl.eval.event import event_manager
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.utils import json_path
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from evalctl.simulation.clock import ScaledClock
from handlers.runtime import CLOCK


def _scaled_waits(scale: float) -> Callable[[WaitFunction, Any, int], None]:
    """moto's Wait state, its clock sped up: a `Wait 60 s` lasts 60 x scale seconds."""

    def wait_interval(self: WaitFunction, env: Any, wait_seconds: int) -> None:
        if wait_seconds > 0:
            env.program_state_event.wait(wait_seconds * scale)

    return wait_interval


class _ScaledSleep:
    """moto's Retry back-off sleeps through the `time` module; this one sleeps `scale` of it."""

    def __init__(self, scale: float) -> None:
        self.scale = scale

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * self.scale)


def _assign_heap_keys(root: Component) -> None:
    """Give every component of a parsed program its heap key now (moto assigns it on first
    use), so executions sharing the program never race to assign two."""
    seen: set[int] = set()
    pending: list[Any] = [root]
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, list | tuple):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, Component):
            if isinstance(item, EvalComponent):
                item.heap_key  # noqa: B018 - the property assigns the key
            pending.extend(vars(item).values())


# Parsed programs by definition text, for every pipeline the process deploys.
_PROGRAMS: dict[str, EvalComponent] = {}
_PARSING = threading.Lock()


def _parsed_once(definition: str) -> EvalComponent:
    """moto parses a state machine's definition (with ANTLR, a fifth of a second for the
    pipeline's) when the machine is created, only to validate it, and again for every
    execution; this parses each definition once per process, whichever test or pipeline
    deploys it. moto's components keep no state of an evaluation (that lives in each
    execution's Environment; moto itself evaluates one Map iterator's states in several
    threads at once), so executions can share a program; a parse depends on the text alone.
    A definition that fails to parse is not remembered: it fails, with moto's error, each time."""
    with _PARSING:
        if definition not in _PROGRAMS:
            program, _ = AmazonStateLanguageParser.parse(definition)
            _assign_heap_keys(program)
            _PROGRAMS[definition] = program
        return _PROGRAMS[definition]


def _program_parsed_once(worker: ExecutionWorker) -> EvalComponent:
    """An execution's program (ExecutionWorker._get_evaluation_entrypoint), parsed once."""
    return _parsed_once(worker._evaluation_details.state_machine_details.definition)


class _ParserParsingOnce:
    """The parser as create_state_machine's validation calls it (it keeps only the exceptions,
    which moto turns into InvalidDefinition): the parse it makes is the executions' too."""

    @staticmethod
    def parse(definition: str) -> tuple[EvalComponent, None]:
        return _parsed_once(definition), None


# What runs a function: (name or ARN, qualifier, payload, response headers to fill) -> the
# function's response payload, as moto's Lambda backend `invoke` has it.
Invoke = Callable[[str, str | None, bytes | str, dict[str, str]], bytes]
# moto's Lambda answers a response payload larger than this with an error instead.
_MAX_PAYLOAD = 6_000_000


class InProcessLambda:
    """The Lambda service as moto's Lambda task reaches it, without an HTTP round trip.

    moto's task calls `invoke` on a boto3 Lambda client: botocore serializes and signs the
    request, moto routes it back to its Lambda responses, whose backend runs the function
    (evalctl.simulation.template_runtime.InProcessFunctions), then botocore parses the
    answer, a sixth of an execution's cost. This object is that client's `invoke` without the
    round trip: the task's own Payload goes to the same `invoke` moto's Lambda backend calls,
    and the task gets what botocore would have parsed from moto's answer (StatusCode 200, the
    payload as a stream, FunctionError when the function raised, moto's error for a response
    over 6 MB), which it reads as before: result, error and cause alike.
    """

    def __init__(self, run: Invoke) -> None:
        self.run = run

    def invoke(
        self, FunctionName: str, Payload: bytes | str = b"", Qualifier: str | None = None
    ) -> dict[str, Any]:
        headers: dict[str, str] = {}
        payload = self.run(FunctionName, Qualifier, Payload, headers)
        if sys.getsizeof(payload) > _MAX_PAYLOAD:  # as moto's LambdaResponse.invoke measures it
            headers["x-amz-function-error"] = "Unhandled"
            payload = json.dumps(
                {
                    "errorMessage": "Response payload size exceeded maximum allowed payload "
                    "size (6291556 bytes).",
                    "errorType": "Function.ResponseSizeTooLarge",
                }
            ).encode()
        response: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(payload)}
        if "x-amz-function-error" in headers:
            response["FunctionError"] = headers["x-amz-function-error"]
        return response


def _in_process_lambda(lambda_service: InProcessLambda) -> Callable[..., Any]:
    """moto's Lambda task asks `boto_client_for` for a new boto3 Lambda client for every
    invocation, which costs more than the invocation itself; this hands it `lambda_service`
    instead (the module asks for no other service; any other would get moto's own client)."""
    original = lambda_eval_utils.boto_client_for

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        if service == "lambda":
            return lambda_service
        return original(region=region, service=service, state_credentials=state_credentials)

    return boto_client_for


# Notified whenever an execution has ended (moto has recorded its status and output).
EXECUTION_ENDED = threading.Condition()


def _announced(
    terminated: Callable[[BaseExecutionWorkerCommunication], None],
) -> Callable[[BaseExecutionWorkerCommunication], None]:
    """moto's record of an execution's end, then a notice to whoever waits for one, so a test
    waiting for an execution learns of its end at once instead of at its next poll."""

    def terminated_and_announced(self: BaseExecutionWorkerCommunication) -> None:
        terminated(self)
        with EXECUTION_ENDED:
            EXECUTION_ENDED.notify_all()

    return terminated_and_announced


_ATOMS = (str, int, float, bool, type(None))


def json_copy(value: Any, memo: Any = None) -> Any:
    """`copy.deepcopy` for JSON values, several times faster; anything else is deep-copied.

    An execution's data (its input, each state's input and output, the context object, the
    history events' details) are JSON values: dicts with string keys, lists, strings, numbers,
    booleans and null. A copy of such a value built afresh is equal to deepcopy's and shares
    nothing with the original, which is all moto copies it for (a state must not change
    another's data). Only the sharing of one sub-value by two places is not kept, and JSON
    has no such sharing: what moto parsed or will serialize holds none.
    """
    kind = type(value)
    if kind is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if kind is list:
        return [json_copy(item) for item in value]
    if kind in _ATOMS:
        return value
    return copy.deepcopy(value, memo)


# The interpreter's modules that deep-copy execution data (each through its module `copy`).
_COPYING_MODULES: tuple[ModuleType, ...] = (
    states,
    environment,
    execute_state,
    event_manager,
    result_path,
    string_expression,
    state_map,
    state_task_service,
)


@contextmanager
def interpreter_patches(wait_scale: float, scaled_clock: bool, functions: Invoke) -> Iterator[None]:
    """The patches above, while the context lasts: Lambda tasks run `functions`; `wait_scale`
    and `scaled_clock` as `evalctl.simulation.pipeline.deployed_pipeline` documents them."""
    json_copying = SimpleNamespace(**{**vars(copy), "deepcopy": json_copy})
    with ExitStack() as patches:
        patches.enter_context(
            patch.object(WaitFunction, "_wait_interval", _scaled_waits(wait_scale))
        )
        patches.enter_context(patch.object(retrier_decl, "time", _ScaledSleep(wait_scale)))
        patches.enter_context(
            patch.object(
                lambda_eval_utils, "boto_client_for", _in_process_lambda(InProcessLambda(functions))
            )
        )
        # moto parses each JSONPath afresh, building jsonpath-ng's parser tables every time; a
        # parsed path is immutable, so one per path string serves every state of every run.
        patches.enter_context(patch.object(json_path, "parse", cache(json_path.parse)))
        # ResultPath parses its path with jsonpath-ng's own `parse`, once per state it ends.
        patches.enter_context(patch.object(result_path, "parse", cache(result_path.parse)))
        patches.enter_context(
            patch.object(ExecutionWorker, "_get_evaluation_entrypoint", _program_parsed_once)
        )
        patches.enter_context(
            patch.object(stepfunctions_models, "AmazonStateLanguageParser", _ParserParsingOnce)
        )
        patches.enter_context(
            patch.object(
                BaseExecutionWorkerCommunication,
                "terminated",
                _announced(BaseExecutionWorkerCommunication.terminated),
            )
        )
        for module in _COPYING_MODULES:
            patches.enter_context(patch.object(module, "copy", json_copying))
        if scaled_clock:
            clock = ScaledClock(wait_scale)
            patches.enter_context(
                patch.object(stepfunctions_models, "datetime", clock.as_datetime_module())
            )
            patches.enter_context(CLOCK.replaced(clock.now))
        yield
