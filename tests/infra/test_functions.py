"""Handlers, runtime, environment, log groups and the pinned dependency layer."""

from __future__ import annotations

import re

import pytest

from infra.asset_layout import LAMBDAS_DIR
from tests.infra.conftest import SETTINGS
from tests.pins import lambda_pins

HANDLERS = {
    "submit": "handlers.submit.handler",
    "acquire_slot": "handlers.slots.acquire",
    "submit_job": "handlers.shards.submit_job",
    "poll": "handlers.poll.handler",
    "stop_job": "handlers.stop.handler",
    "release_slot": "handlers.slots.release",
    "collect_shards": "handlers.shards.collect",
    "parse": "handlers.parse.handler",
    "record_failure": "handlers.record_failure.handler",
    "release_leaked_slots": "handlers.slots.release_leaked",
    "start": "handlers.start.handler",
}
COMMON_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "bedrock-eval-pipeline",
    "POWERTOOLS_METRICS_NAMESPACE": "BedrockEvaluation",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}


def function_properties(synthesized, name: str) -> dict:
    logical_id = synthesized.logical_id(synthesized.parts.functions[name].path)
    return synthesized.json["Resources"][logical_id]["Properties"]


def test_the_stack_exposes_exactly_the_pipelines_functions(synthesized):
    parts = synthesized.parts
    assert [function.path.rsplit("/", 1)[-1] for function in parts.all_functions] == [
        "SubmitFunction",
        "AcquireSlotFunction",
        "SubmitJobFunction",
        "PollFunction",
        "StopJobFunction",
        "ReleaseSlotFunction",
        "CollectShardsFunction",
        "ParseFunction",
        "RecordFailureFunction",
        "ReleaseLeakedSlotsFunction",
        "StartFunction",
    ]
    assert all(parts.functions[name] in parts.all_functions for name in HANDLERS)


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_each_function_runs_its_handler_on_python_3_12_with_tracing_and_the_layer(
    synthesized, name
):
    properties = function_properties(synthesized, name)
    assert properties["Handler"] == HANDLERS[name]
    assert properties["Runtime"] == "python3.12"
    assert properties["Architectures"] == ["x86_64"]
    assert properties["TracingConfig"] == {"Mode": "Active"}
    (layer_id,) = synthesized.resources("AWS::Lambda::LayerVersion")
    assert properties["Layers"] == [{"Ref": layer_id}]
    assert "ReservedConcurrentExecutions" not in properties
    handler_file = LAMBDAS_DIR / (HANDLERS[name].rsplit(".", 1)[0].replace(".", "/") + ".py")
    assert handler_file.is_file()


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_each_function_has_the_pipeline_environment(synthesized, name):
    variables = function_properties(synthesized, name)["Environment"]["Variables"]
    expected = {
        **COMMON_ENVIRONMENT,
        "DATA_BUCKET": {"Ref": synthesized.logical_id(synthesized.parts.bucket)},
        "POLL_MIN_WAIT_SECONDS": str(SETTINGS.poll_min_wait_seconds),
        "POLL_MAX_WAIT_SECONDS": str(SETTINGS.poll_max_wait_seconds),
        "RUN_LIMIT_SECONDS": str(SETTINGS.run_limit_seconds),
        "POLL_HUMAN_MAX_WAIT_SECONDS": str(SETTINGS.human_poll_max_wait_seconds),
        "HUMAN_RUN_LIMIT_SECONDS": str(SETTINGS.human_run_limit_seconds),
        "MAX_CONCURRENT_JOBS": str(SETTINGS.max_concurrent_jobs),
        "SLOT_WAIT_SECONDS": str(SETTINGS.slot_wait_seconds),
        "MAX_SHARDS_PER_RUN": str(SETTINGS.max_shards_per_run),
        "LEDGER_TABLE": {"Ref": synthesized.logical_id(synthesized.parts.ledger)},
    }
    if name == "start":
        machine = synthesized.logical_id(synthesized.parts.state_machine)
        expected["STATE_MACHINE_ARN"] = {"Ref": machine}
    if name in ("submit", "submit_job"):
        role_id = synthesized.logical_id(synthesized.parts.service_role)
        expected["EVALUATION_ROLE_ARN"] = {"Fn::GetAtt": [role_id, "Arn"]}
    if name in ("parse", "record_failure"):  # the Lambdas that end a run notify
        topic = synthesized.parts.topic
        expected["NOTIFICATION_TOPIC_ARN"] = {"Ref": synthesized.logical_id(topic)}
    assert variables == expected


@pytest.mark.parametrize(
    ("name", "memory", "timeout"),
    [("submit", 512, 120), ("poll", 256, 60), ("parse", 1024, 300), ("record_failure", 256, 60)],
)
def test_memory_and_timeouts(synthesized, name, memory, timeout):
    properties = function_properties(synthesized, name)
    assert (properties["MemorySize"], properties["Timeout"]) == (memory, timeout)


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_each_function_logs_to_its_own_log_group_with_retention(synthesized, name):
    log_group_id = function_properties(synthesized, name)["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = synthesized.json["Resources"][log_group_id]
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert log_group["Properties"]["RetentionInDays"] == 30


def test_all_functions_share_one_code_asset_without_tests_or_caches(synthesized):
    keys = {function_properties(synthesized, name)["Code"]["S3Key"] for name in HANDLERS}
    (key,) = keys
    staged = synthesized.assembly_dir / f"asset.{key.removesuffix('.zip')}"
    assert (staged / "handlers" / "submit.py").is_file()
    assert (staged / "evalcore" / "suite.py").is_file()
    assert list((staged / "suites").glob("*.json"))
    assert not list(staged.rglob("__pycache__"))
    assert not list(staged.rglob("*.pyc"))
    assert not (staged / "requirements.txt").exists()


def test_the_layer_contains_the_pinned_dependencies_for_python_3_12(synthesized):
    (layer,) = synthesized.resources("AWS::Lambda::LayerVersion").values()
    properties = layer["Properties"]
    assert properties["CompatibleRuntimes"] == ["python3.12"]
    assert properties["CompatibleArchitectures"] == ["x86_64"]
    staged = (
        synthesized.assembly_dir / f"asset.{properties['Content']['S3Key'].removesuffix('.zip')}"
    )
    site = staged / "python"
    assert (site / "boto3" / "__init__.py").is_file()
    for package, version in lambda_pins().items():
        dist = package.replace("-", "_")
        assert (site / f"{dist}-{version}.dist-info").is_dir(), f"{package}=={version}"
    boto3_version = re.search(
        r"__version__ = '([^']+)'", (site / "boto3" / "__init__.py").read_text()
    )
    assert boto3_version and boto3_version.group(1) == lambda_pins()["boto3"]


def test_the_requirements_pin_what_the_layer_is_for():
    assert set(lambda_pins()) == {
        "boto3",
        "aws-lambda-powertools",
        "aws-xray-sdk",
        "orjson",
        "msgspec",
    }
