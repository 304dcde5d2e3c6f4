"""The pipeline stack the infra tests read: one cloud assembly, synthesized once for every
pytest-xdist worker and every later run until one of its inputs changes.

Constructing EvaluationPipelineStack is seconds of Python<->jsii round trips and importing the
CDK modules it uses is seconds more, so the tests do neither: `pipeline_assembly` synthesizes
the stack exactly as the tests used to (its own App, SETTINGS, asset bundling on, so the code
and layer assets are staged) into a content-addressed folder under build/template-cache
(evalctl.simulation.template.cached_directory), and keeps beside the assembly what the tests
used to ask the live stack: the construct path of each part (`StackParts`). A test then finds
a part's logical id by its path in the construct path -> logical id map CDK writes beside the
template (<stack>.metadata.json, `aws:cdk:logicalId`), as infra.nag.logical_id finds it on a
live construct (`Synthesized.logical_id`); the ids infra.nag.logical_id returned for the live
parts are recorded too, and test_assembly_cache checks the two agree for every part.

The entry's key (`assembly_key`) covers every input: SETTINGS (its repr), the stack's name,
the CDK context (none), the shipped suites, the source of infra/ and lambdas/, the CDK library
versions, and the code that synthesizes and records (evalctl/simulation/template.py and this
file). tests/infra/test_assembly_cache.py checks that changing an input changes the key.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalcore.suite import DEFAULT_SUITES_DIR
from evalctl.simulation.template import (
    cached_directory,
    cached_json,
    resources_of,
    synthesis_key,
)
from infra.settings import PipelineSettings

if TYPE_CHECKING:
    from aws_cdk.assertions import Template
    from constructs import IConstruct

    from infra.stack import EvaluationPipelineStack

STACK = "Pipeline"
SETTINGS = PipelineSettings(
    poll_min_wait_seconds=20,
    poll_max_wait_seconds=300,
    run_limit_seconds=6 * 3600,
    execution_timeout_hours=12,
    results_retention_days=200,
)
PARTS_FILE = "parts.json"
LOGICAL_ID = "aws:cdk:logicalId"


@dataclass(frozen=True)
class FunctionParts:
    """One pipeline Lambda function's construct path and those of its role and log group."""

    path: str
    role: str
    log_group: str


@dataclass(frozen=True)
class StackParts:
    """The construct path of every part of the stack a test looks up, recorded at synth time
    from the live stack's attributes: the one place these paths come from."""

    bucket: str
    access_logs: str
    service_role: str
    ledger: str
    state_machine: str
    state_machine_role: str
    upload_rule: str
    dead_letter_queue: str
    topic: str
    topic_key: str
    unfinished_execution_rule: str
    # PipelineFunctions.all, in its order, and every attribute of PipelineFunctions that is
    # a function, by attribute name (submit, poll, ...).
    all_functions: tuple[FunctionParts, ...]
    functions: dict[str, FunctionParts]

    @classmethod
    def of(cls, stack: EvaluationPipelineStack) -> StackParts:
        from aws_cdk import aws_lambda

        def path(construct: IConstruct) -> str:
            return construct.node.path

        trigger = stack.node.find_child("DatasetUploadTrigger")
        observability = stack.observability

        def function(value: aws_lambda.Function) -> FunctionParts:
            assert value.role is not None, f"{path(value)} has no role"
            return FunctionParts(path(value), path(value.role), path(value.log_group))

        functions = {
            name: function(value)
            for name, value in vars(stack.functions).items()
            if isinstance(value, aws_lambda.Function)
        }
        return cls(
            bucket=path(stack.bucket),
            access_logs=path(stack.node.find_child("Storage").access_logs),
            service_role=path(stack.service_role),
            ledger=path(stack.ledger),
            state_machine=path(stack.state_machine),
            state_machine_role=path(stack.state_machine.role),
            upload_rule=path(trigger.rule),
            dead_letter_queue=path(trigger.dead_letter_queue),
            topic=path(observability.topic),
            topic_key=path(observability.node.find_child("AlarmTopic").key),
            unfinished_execution_rule=path(observability.notifications.rule),
            all_functions=tuple(function(value) for value in stack.functions.all),
            functions=functions,
        )

    def paths(self) -> list[str]:
        """Every construct path recorded, once each."""
        paths = [value for value in vars(self).values() if isinstance(value, str)]
        for function in (*self.all_functions, *self.functions.values()):
            paths.extend((function.path, function.role, function.log_group))
        return list(dict.fromkeys(paths))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StackParts:
        return cls(
            **{
                **data,
                "all_functions": tuple(FunctionParts(**parts) for parts in data["all_functions"]),
                "functions": {
                    name: FunctionParts(**parts) for name, parts in data["functions"].items()
                },
            }
        )


@dataclass(frozen=True)
class Synthesized:
    """A synthesized cloud assembly, read back: the template, the parts' construct paths and
    the construct path -> logical id map CDK writes to <stack>.metadata.json."""

    json: dict[str, Any]
    parts: StackParts
    assembly_dir: Path
    logical_ids: dict[str, str]
    # What infra.nag.logical_id returned for each part's live construct at synth time: the
    # check that `logical_id` below finds the same resource by path.
    live_logical_ids: dict[str, str]

    @classmethod
    def read(cls, assembly_dir: Path, stack_name: str) -> Synthesized:
        def load(name: str) -> Any:
            return json.loads((assembly_dir / name).read_text(encoding="utf-8"))

        metadata = load(f"{stack_name}.metadata.json")
        logical_ids = {
            path.removeprefix("/"): entry["data"]
            for path, entries in metadata.items()
            for entry in entries
            if entry["type"] == LOGICAL_ID
        }
        recorded = load(PARTS_FILE)
        return cls(
            json=load(f"{stack_name}.template.json"),
            parts=StackParts.from_json(recorded["parts"]),
            assembly_dir=assembly_dir,
            logical_ids=logical_ids,
            live_logical_ids=recorded["live_logical_ids"],
        )

    @cached_property
    def template(self) -> Template:
        """aws_cdk.assertions over the same template, for the few tests that match with it."""
        from aws_cdk.assertions import Template

        return Template.from_json(self.json)

    def resources(self, resource_type: str) -> dict[str, dict]:
        return resources_of(self.json, resource_type)

    def logical_id(self, path: str) -> str:
        """The logical id of the resource at construct `path`, as infra.nag.logical_id finds
        it on a live construct: an L2's default child (`Resource`, else `Default`), or the L1
        itself."""
        for candidate in (f"{path}/Resource", f"{path}/Default", path):
            if candidate in self.logical_ids:
                return self.logical_ids[candidate]
        raise KeyError(f"{path} is not a CloudFormation resource of this assembly")

    def policy_statements(self, role_path: str) -> list[dict]:
        """Every statement of the inline and attached policies of one role."""
        role_id = self.logical_id(role_path)
        role = self.json["Resources"][role_id]
        statements = [
            statement
            for policy in role["Properties"].get("Policies", [])
            for statement in policy["PolicyDocument"]["Statement"]
        ]
        for policy in self.resources("AWS::IAM::Policy").values():
            if {"Ref": role_id} in policy["Properties"]["Roles"]:
                statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
        return statements


def synthesize_assembly(
    outdir: Path,
    stack_name: str,
    *,
    settings: PipelineSettings | None,
    suites_dir: Path,
    context: dict[str, Any],
) -> None:
    """Synthesize the stack into `outdir` and record its parts there (see `StackParts`),
    with each part's logical id as infra.nag.logical_id finds it on the live construct."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    import aws_cdk as cdk

    from infra.nag import logical_id
    from infra.stack import EvaluationPipelineStack

    app = cdk.App(outdir=str(outdir), context=context)
    stack = EvaluationPipelineStack(app, stack_name, settings=settings, suites_dir=suites_dir)
    app.synth()
    parts = StackParts.of(stack)
    constructs = {construct.node.path: construct for construct in stack.node.find_all()}
    recorded = {
        "parts": asdict(parts),
        "live_logical_ids": {path: logical_id(constructs[path]) for path in parts.paths()},
    }
    (outdir / PARTS_FILE).write_text(json.dumps(recorded, indent=1), encoding="utf-8")


def assembly_key(
    settings: PipelineSettings | None,
    suites_dir: Path,
    stack_name: str,
    context: dict[str, Any],
) -> str:
    return synthesis_key(
        settings or PipelineSettings(),
        suites_dir,
        stack_name,
        inputs={"context": context},
        code=(Path(__file__),),
    )


def cached_assembly(
    name: str,
    *,
    settings: PipelineSettings | None = None,
    suites_dir: Path = DEFAULT_SUITES_DIR,
    stack_name: str = STACK,
    context: dict[str, Any] | None = None,
) -> Synthesized:
    """The stack synthesized for these inputs, from the cache or synthesized once into it.

    `settings=None` is the stack's own default (PipelineSettings()), as `cdk synth` without
    context uses.
    """
    context = dict(context or {})
    key = assembly_key(settings, suites_dir, stack_name, context)
    folder = cached_directory(
        name,
        key,
        lambda outdir: synthesize_assembly(
            outdir, stack_name, settings=settings, suites_dir=suites_dir, context=context
        ),
    )
    return Synthesized.read(folder, stack_name)


def pipeline_assembly() -> Synthesized:
    """The shipped suites' stack with SETTINGS: what most infra tests read."""
    return cached_assembly("infra-assembly", settings=SETTINGS)


def cached_synthesis(name: str, build: Callable[[], Any], *, code: Path) -> Any:
    """What `build` returns (JSON), from the cache or built once into it: for a test module
    that synthesizes constructs of infra/ on their own (a role in a bare stack, say).

    `code` is the module defining `build`, so its source is in the key with infra/, lambdas/,
    the suites and the CDK versions; the default settings stand in for the settings `build`
    does not take.
    """
    return cached_json(name, synthesis_entry_key(name, code), build)


def synthesis_entry_key(name: str, code: Path) -> str:
    """`cached_synthesis`'s key for the entry `name` built by the module `code`."""
    return synthesis_key(PipelineSettings(), DEFAULT_SUITES_DIR, name, code=(code, Path(__file__)))
