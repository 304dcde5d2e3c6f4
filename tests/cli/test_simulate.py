"""`evalctl simulate`: the synthesized stack run in moto with the stand-in judge.

The stack is synthesized once per test session (the `simulation_template` fixture, the way
`evalctl simulate` synthesizes it) and its waits run on the faked clock of tests/clock.py;
each simulated run below happens once per module: the example (passes) and the same records
with unrelated answers (breaks the correctness floor).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from statistics import mean

import pytest

from evalcore.suite import load_suite
from evalctl.cli import main
from evalctl.commands import build_parser
from evalctl.simulate import EXAMPLE_DATASET, execute
from evalctl.simulation.judge import simulated_score
from tests.clock import WAIT_SCALE

SUITE = load_suite("support-assistant")
FLOOR = "BedrockEvalPipeline-support-assistant-Correctness-Floor"
UNHEALTHY = "BedrockEvalPipeline-support-assistant-Unhealthy"


def simulate(template: dict, *argv: str) -> tuple[int, str]:
    arguments = ["simulate", *argv]
    out = io.StringIO()
    args = build_parser(arguments).parse_args(arguments)
    code = execute(args, out, template=template, wait_scale=WAIT_SCALE)
    return code, out.getvalue()


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def section(output: str, title: str) -> str:
    """One block of the printout, from its title to the next blank line."""
    start = output.index(title)
    end = output.find("\n\n", start)
    return output[start : end if end != -1 else None]


@pytest.fixture(scope="module")
def example(simulation_template) -> tuple[int, str]:
    return simulate(simulation_template)  # the shipped example by default


@pytest.fixture(scope="module")
def unrelated_answers(tmp_path_factory, simulation_template) -> tuple[int, str]:
    records = rows(EXAMPLE_DATASET)
    for record in records:
        record["modelResponses"][0]["response"] = "Please hold."
    path = tmp_path_factory.mktemp("datasets") / "unrelated.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return simulate(simulation_template, str(path), "--suite", "support-assistant")


def printed_means(output: str) -> dict[str, float]:
    table = section(output, "metric ")
    return {
        match[1]: float(match[2])
        for match in re.finditer(r"^(Builtin\.\w+)\s+([0-9.]+)\s", table, flags=re.M)
    }


def test_the_example_completes_and_prints_the_stand_in_judges_means(example):
    code, output = example
    assert code == 0
    expected = {
        metric: mean(simulated_score(record, metric) for record in rows(EXAMPLE_DATASET))
        for metric in SUITE.metrics
    }
    assert printed_means(output) == {m: round(v, 3) for m, v in expected.items()}
    assert "Execution: SUCCEEDED; states: StampStart -> SubmitEvaluationJob -> " in output
    assert "-> ParseEvaluationResults -> EvaluationSucceeded" in output
    assert "PASSED (SIMULATED: the stand-in judge's scores, not Bedrock's)" in output


def test_every_output_is_labelled_simulated(example):
    _, output = example
    assert output.startswith("=== SIMULATED RUN")
    metric_lines = section(output, "Metrics the run would publish").splitlines()[1:]
    assert len(metric_lines) > 10
    assert all(line.endswith("SIMULATED") for line in metric_lines)
    assert "Subject: [SIMULATED] [bedrock-eval] support-assistant: passed" in output
    assert "Alarms this run would set (SIMULATED" in output
    # The judge's reasoning (summary and message) says it is the stand-in's.
    assert "Judge: SIMULATED judge, not Bedrock" in output


def test_the_metrics_listed_are_the_ones_the_handlers_published(example):
    _, output = example
    correctness = mean(
        simulated_score(record, "Builtin.Correctness") for record in rows(EXAMPLE_DATASET)
    )
    listing = section(output, "Metrics the run would publish")
    line = next(
        line
        for line in listing.splitlines()
        if " Mean " in line and "[Metric=Builtin.Correctness, Suite=support-assistant]" in line
    )
    assert float(line.split()[2]) == pytest.approx(correctness, abs=1e-6)
    assert re.search(r"PromptsEvaluated\s+12\s+\[Suite=support-assistant\]", listing)
    assert re.search(r"RunSucceeded\s+1\s+\[Suite=support-assistant\]", listing)


def test_the_example_leaves_the_suites_alarms_ok(example):
    _, output = example
    alarms = section(output, "Alarms this run would set")
    assert re.search(rf"OK\s+{FLOOR}: Mean = 0\.708333; alarms when Mean < 0\.7", alarms)
    assert re.search(rf"OK\s+{UNHEALTHY}: every child alarm is OK", alarms)
    assert "ALARM " not in alarms


def test_a_floor_breach_shows_the_alarms_it_would_fire(unrelated_answers):
    code, output = unrelated_answers
    assert code == 0  # the simulated run completed; its verdict is in the output
    assert "FAILED (SIMULATED" in output
    assert "OUT OF BOUNDS: Builtin.Correctness" in output
    alarms = section(output, "Alarms this run would set")
    assert re.search(rf"ALARM\s+{FLOOR}: Mean = [0-9.]+; alarms when Mean < 0\.7", alarms)
    assert re.search(rf"ALARM\s+{UNHEALTHY}: in ALARM: .*{FLOOR}", alarms)
    assert "Subject: [SIMULATED] [bedrock-eval] support-assistant: failed-checks" in output


def test_an_invalid_dataset_exits_1_before_anything_runs(tmp_path, capsys):
    records = rows(EXAMPLE_DATASET)[:2]
    records[1]["modelResponses"][0]["modelIdentifier"] = "some-other-app"
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert main(["simulate", str(path)]) == 1
    error = capsys.readouterr().err
    assert f"{path}:2: modelResponses[0].modelIdentifier" in error
    assert "synthesized" not in error


def test_a_suite_the_stack_does_not_deploy_is_refused(tmp_path, capsys):
    suite = json.loads(Path(SUITE.source).read_text()) | {"name": "not-deployed"}
    path = tmp_path / "not-deployed.json"
    path.write_text(json.dumps(suite))
    assert main(["simulate", "--suite", str(path)]) == 1
    assert "add the suite file to lambdas/suites/" in capsys.readouterr().err
