"""`evalctl collect`: hold each scenario's conversation with the application and write the
evaluation dataset (Bedrock's pre-computed format) for `plan` and upload.

Resumable: next to DATASET.jsonl, DATASET.jsonl.scenario-ids lists the scenarios already
written, one id per line, so a re-run after an interruption or a throttling storm calls the
application only for the rest and appends their lines.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from evalcore.errors import InputError, Problem
from evalcore.suite import InferenceMode, load_suite
from evalctl.commands import add_command_parser
from evalctl.console import progress_bar
from evalctl.retry import Backoff
from evalctl.runners import (
    BedrockConverseRunner,
    ConverseSettings,
    HttpRunner,
    PythonRunner,
    Runner,
    ScenarioFailed,
    load_callable,
)
from evalctl.scenarios import Scenario, fold_prompt, load_scenarios

RUNNERS = ("bedrock", "http", "python")
IDS_SUFFIX = ".scenario-ids"


def register(commands: argparse._SubParsersAction) -> None:
    parser = add_command_parser(commands, "collect", __doc__)
    parser.add_argument("scenarios", type=Path, nargs="+", help="scenario files (JSON or JSONL)")
    parser.add_argument("--out", type=Path, required=True, help="dataset JSONL to append to")
    parser.add_argument("--runner", choices=RUNNERS, default="bedrock", help="default: bedrock")
    who = parser.add_argument_group("modelIdentifier written on every line (one of)")
    who.add_argument("--suite", help="a pre-computed suite: its sourceIdentifier")
    who.add_argument("--source-identifier", help="the identifier itself")
    bedrock = parser.add_argument_group("--runner bedrock (Converse)")
    bedrock.add_argument("--model-id", help="model or inference profile id")
    bedrock.add_argument("--system-prompt", help="system prompt text")
    bedrock.add_argument("--system-prompt-file", type=Path, help="system prompt from a file")
    bedrock.add_argument("--tools", type=Path, help='toolConfig JSON ({"tools": [...]})')
    bedrock.add_argument("--tool-handler", help="module:function(name, input) answering tools")
    bedrock.add_argument("--max-tool-rounds", type=int, default=5, help="default: 5")
    bedrock.add_argument("--max-tokens", type=int, help="inferenceConfig.maxTokens")
    bedrock.add_argument("--temperature", type=float, help="inferenceConfig.temperature")
    bedrock.add_argument("--region", help="AWS Region (else the configured default)")
    http = parser.add_argument_group("--runner http")
    http.add_argument("--url", help="endpoint receiving a JSON POST per user turn")
    http.add_argument("--response-field", default="response", help="dotted path of the answer")
    http.add_argument("--header", action="append", default=[], help="NAME:VALUE, repeatable")
    python = parser.add_argument_group("--runner python")
    python.add_argument("--callable", help="module:function(request) -> str")
    parser.add_argument("--concurrency", type=int, default=4, help="scenarios at once (4)")
    parser.add_argument("--max-attempts", type=int, default=6, help="per call on throttling (6)")
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class Collected:
    scenario: Scenario
    line: dict


def collect_scenario(runner: Runner, scenario: Scenario, model_identifier: str) -> Collected:
    """Hold one conversation; the dataset line scores the answer to the last turn."""
    session = runner.session(scenario)
    answers = [session.ask(turn) for turn in scenario.turns]
    if not answers[-1]:
        raise ScenarioFailed("the application's answer is empty (after removing <thinking>)")
    line: dict = {"prompt": fold_prompt(scenario.context, scenario.turns, answers[:-1])}
    if scenario.reference_response is not None:
        line["referenceResponse"] = scenario.reference_response
    if scenario.category is not None:
        line["category"] = scenario.category
    line["modelResponses"] = [{"response": answers[-1], "modelIdentifier": model_identifier}]
    return Collected(scenario, line)


def collected_ids(out: Path) -> set[str]:
    """Ids already written; refuses a dataset and id list that disagree."""
    ids_path = out.with_name(out.name + IDS_SUFFIX)
    ids = ids_path.read_text(encoding="utf-8").split() if ids_path.exists() else []
    lines = (
        sum(1 for text in out.read_text("utf-8").splitlines() if text.strip())
        if (out.exists())
        else 0
    )
    if lines != len(ids):
        raise InputError(
            [
                Problem(
                    str(ids_path),
                    "<file>",
                    f"lists {len(ids)} collected scenarios but {out} holds {lines} lines",
                    f"delete both files to collect from scratch, or {ids_path.name} alone "
                    "if the dataset was edited by hand",
                )
            ]
        )
    return set(ids)


class DatasetAppender:
    """Appends a dataset line and its scenario id together, from any worker thread."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.ids = out.with_name(out.name + IDS_SUFFIX)
        self._lock = threading.Lock()

    def append(self, collected: Collected) -> None:
        with self._lock:
            with self.out.open("a", encoding="utf-8") as dataset:
                dataset.write(json.dumps(collected.line, ensure_ascii=False) + "\n")
            with self.ids.open("a", encoding="utf-8") as ids:
                ids.write(collected.scenario.id + "\n")


def collect_all(
    runner: Runner,
    scenarios: Iterable[Scenario],
    model_identifier: str,
    appender: DatasetAppender,
    concurrency: int,
) -> dict[str, str]:
    """Collect in a bounded thread pool; returns failures (scenario id -> reason)."""
    todo = list(scenarios)
    failures: dict[str, str] = {}
    with progress_bar() as progress, ThreadPoolExecutor(max_workers=concurrency) as pool:
        task = progress.add_task("collecting", total=len(todo))
        futures = {pool.submit(collect_scenario, runner, s, model_identifier): s for s in todo}
        for future in as_completed(futures):
            scenario = futures[future]
            try:
                appender.append(future.result())
            except Exception as error:  # one scenario's failure must not lose the others
                failures[scenario.id] = f"{type(error).__name__}: {error}"
            progress.advance(task)
    return failures


def _usage(message: str) -> int:
    print(f"evalctl collect: {message}", file=sys.stderr)
    return 2


def _model_identifier(args: argparse.Namespace) -> str | None:
    if args.source_identifier:
        return args.source_identifier
    if args.suite:
        suite = load_suite(args.suite)
        if suite.inference.mode is not InferenceMode.PRECOMPUTED:
            raise InputError(
                [
                    Problem(
                        suite.source,
                        "inference.mode",
                        "is not precomputed, so the suite takes no collected responses",
                        "collect for a pre-computed suite, or pass --source-identifier",
                    )
                ]
            )
        return suite.inference.source_identifier
    return None


def _json_file(path: Path, flag: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError([Problem(str(path), flag, f"cannot be read ({error})", "")]) from None
    if isinstance(data, list):
        data = {"tools": data}
    if not isinstance(data, dict) or not isinstance(data.get("tools"), list):
        raise InputError(
            [Problem(str(path), "tools", "is missing", 'write {"tools": [{"toolSpec": ...}]}')]
        )
    return data


def build_runner(args: argparse.Namespace, backoff: Backoff) -> Runner | str:
    """The runner the flags describe, or a usage message."""
    if args.runner == "http":
        if not args.url:
            return "--url is required with --runner http"
        headers = {}
        for header in args.header:
            name, sep, value = header.partition(":")
            if not sep:
                return f"--header {header!r} is not NAME:VALUE"
            headers[name.strip()] = value.strip()
        return HttpRunner(
            args.url, args.response_field, headers, backoff=backoff, sleep=args.services.sleep
        )
    if args.runner == "python":
        if not args.callable:
            return "--callable is required with --runner python"
        return PythonRunner(
            load_callable(args.callable, "--callable"), backoff=backoff, sleep=args.services.sleep
        )
    if not args.model_id:
        return "--model-id is required with --runner bedrock"
    system = args.system_prompt
    if args.system_prompt_file:
        system = args.system_prompt_file.read_text(encoding="utf-8")
    inference = {
        key: value
        for key, value in (("maxTokens", args.max_tokens), ("temperature", args.temperature))
        if value is not None
    }
    settings = ConverseSettings(
        model_id=args.model_id,
        system_prompt=system,
        tool_config=_json_file(args.tools, "--tools") if args.tools else None,
        max_tool_rounds=args.max_tool_rounds,
        inference_config=inference,
    )
    handler = load_callable(args.tool_handler, "--tool-handler") if args.tool_handler else None
    client = args.services.client(
        "bedrock-runtime", args.region, own_retries=True, pool=max(10, args.concurrency)
    )
    return BedrockConverseRunner(client, settings, handler, backoff, args.services.sleep)


def run(args: argparse.Namespace) -> int:
    if args.concurrency < 1 or args.max_attempts < 1 or args.max_tool_rounds < 0:
        return _usage("--concurrency and --max-attempts must be >= 1, --max-tool-rounds >= 0")
    model_identifier = _model_identifier(args)
    if model_identifier is None:
        return _usage("pass --suite (a pre-computed suite) or --source-identifier")
    scenarios = load_scenarios(args.scenarios)
    runner = build_runner(args, Backoff(attempts=args.max_attempts))
    if isinstance(runner, str):
        return _usage(runner)
    done = collected_ids(args.out)
    todo = [s for s in scenarios if s.id not in done]
    print(
        f"{len(scenarios)} scenarios: {len(scenarios) - len(todo)} already in {args.out}, "
        f"collecting {len(todo)}",
        file=sys.stderr,
    )
    failures = collect_all(
        runner, todo, model_identifier, DatasetAppender(args.out), args.concurrency
    )
    for scenario_id, reason in sorted(failures.items()):
        print(f"failed: {scenario_id}: {reason}", file=sys.stderr)
    print(
        f"wrote {len(todo) - len(failures)} lines to {args.out}"
        + (f"; {len(failures)} failed, re-run to retry them" if failures else ""),
        file=sys.stderr,
    )
    return 1 if failures else 0
