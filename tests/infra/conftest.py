"""One synthesized pipeline stack shared by every infra test: synthesis takes seconds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from evalctl.simulation.template import resources_of
from infra.nag import logical_id
from infra.settings import PipelineSettings
from infra.stack import EvaluationPipelineStack

SETTINGS = PipelineSettings(
    poll_min_wait_seconds=20,
    poll_max_wait_seconds=300,
    run_limit_seconds=6 * 3600,
    execution_timeout_hours=12,
    results_retention_days=200,
)


@dataclass
class Synthesized:
    stack: EvaluationPipelineStack
    template: Template
    json: dict[str, Any]
    assembly_dir: Path

    def resources(self, resource_type: str) -> dict[str, dict]:
        return resources_of(self.json, resource_type)

    def logical_id(self, construct) -> str:
        return logical_id(construct)

    def policy_statements(self, role_construct) -> list[dict]:
        """Every statement of the inline and attached policies of one role."""
        role_id = self.logical_id(role_construct)
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


@pytest.fixture(scope="package")
def synthesized(tmp_path_factory) -> Synthesized:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = cdk.App(outdir=str(outdir))
    stack = EvaluationPipelineStack(
        app,
        "Pipeline",
        settings=SETTINGS,
    )
    assembly = app.synth()
    template_file = Path(assembly.get_stack_by_name("Pipeline").template_full_path)
    return Synthesized(
        stack=stack,
        template=Template.from_json(json.loads(template_file.read_text())),
        json=json.loads(template_file.read_text()),
        assembly_dir=outdir,
    )


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def render(value: Any) -> Any:
    """CloudFormation intrinsics as readable text: Ref X -> ${X}, GetAtt X.Arn -> ${X.Arn}."""
    if isinstance(value, list):
        return [render(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return "${" + value["Ref"] + "}"
    if set(value) == {"Fn::GetAtt"}:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    if set(value) == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        return separator.join(str(render(part)) for part in parts)
    return {key: render(item) for key, item in value.items()}
