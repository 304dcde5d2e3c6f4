"""The example CI workflow (.github/workflows/evaluate.yml): its triggers, credentials, artifact,
and every evalctl command line in it parsed by evalctl's own argparse parser."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from evalctl.commands import COMMANDS, build_parser

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "evaluate.yml"
SHELL_OPERATORS = {"||", "&&", "|", ";", ">>", ">"}


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps() -> list[dict]:
    (job,) = load()["jobs"].values()
    return list(job["steps"])


def evalctl_lines() -> list[list[str]]:
    """Every `evalctl ...` command of every run step, continuation lines joined, as argv."""
    found = []
    for step in steps():
        script = re.sub(r"\\\n\s*", " ", step.get("run", ""))
        for line in script.splitlines():
            words = shlex.split(line.strip())
            if words[:1] != ["evalctl"]:
                continue
            argv = []
            for word in words[1:]:
                if word in SHELL_OPERATORS:
                    break
                argv.append(word)
            found.append(argv)
    return found


def test_it_runs_weekly_and_on_demand_with_oidc_credentials():
    document = load()
    triggers = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"schedule", "workflow_dispatch"} <= set(triggers)
    (schedule,) = triggers["schedule"]
    *_, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday != "*"  # once a week
    assert document["permissions"]["id-token"] == "write"
    (credentials,) = [
        s for s in steps() if s.get("uses", "").startswith("aws-actions/configure-aws-credentials")
    ]
    assert "role-to-assume" in credentials["with"]
    assert "aws-access-key-id" not in credentials["with"]


def test_it_collects_runs_reports_and_gates_in_that_order_and_keeps_the_report():
    commands = [argv[0] for argv in evalctl_lines()]
    order = [commands.index(name) for name in ("collect", "run", "report", "gate")]
    assert order == sorted(order)
    (upload,) = [s for s in steps() if s.get("uses", "").startswith("actions/upload-artifact")]
    assert "report/" in upload["with"]["path"]


@pytest.mark.parametrize("argv", evalctl_lines(), ids=lambda argv: " ".join(argv[:1]))
def test_each_evalctl_command_line_parses(argv):
    assert argv[0] in COMMANDS, f"the workflow calls evalctl {argv[0]}, which does not exist"
    args = build_parser(argv).parse_args(argv)  # argparse exits 2 on a wrong option
    assert args.command == argv[0]
