"""`evalctl guardrails`: check a Bedrock guardrail blocks what it should and nothing else.

CASES.jsonl holds one case per line: {"prompt": "...", "expect": "blocked" | "allowed",
"id": "optional name"}. Each prompt goes through ApplyGuardrail as user input (source
INPUT); exit 1 when any outcome differs from the expectation.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from rich.table import Table

from evalcore.errors import InputError, Problem
from evalcore.jsonl import json_lines
from evalctl.commands import add_command_parser
from evalctl.console import progress_bar, stderr
from evalctl.retry import Backoff, call_with_backoff

INTERVENED = "GUARDRAIL_INTERVENED"


class Outcome(StrEnum):
    BLOCKED = "blocked"
    ALLOWED = "allowed"


@dataclass(frozen=True)
class GuardrailCase:
    id: str
    prompt: str
    expect: Outcome
    line: int


@dataclass(frozen=True)
class CaseResult:
    case: GuardrailCase
    actual: Outcome
    reason: str

    @property
    def passed(self) -> bool:
        return self.actual == self.case.expect


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "guardrails", __doc__)
    parser.add_argument("cases", type=Path, help="JSONL of {prompt, expect, id?}")
    parser.add_argument("--guardrail-id", required=True, help="guardrail id or ARN")
    parser.add_argument("--guardrail-version", required=True, help='e.g. "1" or "DRAFT"')
    parser.add_argument("--region", help="AWS Region (else the configured default)")
    parser.set_defaults(run=run)


def parse_cases(lines: list[str], source: str) -> list[GuardrailCase]:
    problems: list[Problem] = []
    cases: list[GuardrailCase] = []
    choices = " or ".join(f'"{o.value}"' for o in Outcome)
    for number, record in json_lines(lines, source, problems):
        if not isinstance(record, dict):
            problems.append(
                Problem(
                    source,
                    "<case>",
                    "must be a JSON object",
                    '{"prompt": "...", "expect": "blocked"}',
                    number,
                )
            )
            continue
        prompt = record.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            problems.append(
                Problem(source, "prompt", "is missing or empty", "give the text to test", number)
            )
        expect = record.get("expect")
        if expect not in {o.value for o in Outcome}:
            problems.append(Problem(source, "expect", f"is {expect!r}", f"use {choices}", number))
        if problems and problems[-1].line == number:
            continue
        cases.append(
            GuardrailCase(
                str(record.get("id") or f"line {number}"), str(prompt), Outcome(str(expect)), number
            )
        )
    if not cases and not problems:
        problems.append(Problem(source, "<file>", "holds no cases", "add one case per line"))
    if problems:
        raise InputError(problems)
    return cases


def outcome_of(response: dict) -> tuple[Outcome, str]:
    """ApplyGuardrail's `action` to an outcome, with the reason when Bedrock gives one."""
    blocked = response["action"] == INTERVENED
    return (Outcome.BLOCKED if blocked else Outcome.ALLOWED), response.get("actionReason", "")


def check_cases(
    client: Any,
    cases: list[GuardrailCase],
    guardrail_id: str,
    version: str,
    sleep: Callable[[float], None] | None = None,
) -> list[CaseResult]:
    results = []
    with progress_bar() as progress:
        task = progress.add_task("applying guardrail", total=len(cases))
        for case in cases:

            def apply(case: GuardrailCase = case) -> dict:
                return client.apply_guardrail(
                    guardrailIdentifier=guardrail_id,
                    guardrailVersion=version,
                    source="INPUT",
                    content=[{"text": {"text": case.prompt}}],
                )

            response = call_with_backoff(apply, Backoff(), sleep)
            results.append(CaseResult(case, *outcome_of(response)))
            progress.advance(task)
    return results


def results_table(results: list[CaseResult]) -> Table:
    table = Table(title="Guardrail cases")
    for column in ("case", "expected", "actual", "result", "prompt"):
        table.add_column(column)
    for result in results:
        table.add_row(
            result.case.id,
            result.case.expect.value,
            result.actual.value,
            "[green]pass[/]" if result.passed else "[red]FAIL[/]",
            result.case.prompt[:60],
        )
    return table


def run(args: argparse.Namespace) -> int:
    if not args.cases.is_file():
        raise InputError([Problem(str(args.cases), "<file>", "does not exist", "check the path")])
    cases = parse_cases(args.cases.read_text(encoding="utf-8").splitlines(), str(args.cases))
    client = args.services.client("bedrock-runtime", args.region, own_retries=True)
    results = check_cases(
        client, cases, args.guardrail_id, args.guardrail_version, args.services.sleep
    )
    stderr.print(results_table(results))
    failed = [r for r in results if not r.passed]
    print(f"{len(results) - len(failed)}/{len(results)} cases match; {len(failed)} mismatched")
    for result in failed:
        print(
            f"mismatch: {args.cases}:{result.case.line} ({result.case.id}): expected "
            f"{result.case.expect.value}, the guardrail {result.actual.value} it"
            + (f" ({result.reason})" if result.reason else "")
        )
    return 1 if failed else 0
