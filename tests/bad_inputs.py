"""Every bad input the pipeline has been tried with, and what it must answer.

One catalogue feeds both tests/test_bad_inputs.py (each case through the real validators) and
scripts/bad_input_table.py (the README's "Bad input and what happens" table), so the table
shows what the code does, not what someone remembered.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from evalcore.dataset import MAX_LINE_BYTES, MAX_PROMPTS_PER_JOB
from evalcore.dataset_kinds import validate_for_suite
from evalcore.errors import Problem, SuiteError
from evalcore.results import MalformedLine, iter_result_records
from evalcore.shards import MAX_SHARDS_PER_RUN
from evalcore.suite import load_suite, load_suite_file, parse_suite, suite_for_dataset_key


class Where(StrEnum):
    """Which reader meets the input."""

    SUITE = "suite file"
    DATASET = "dataset"
    DATASET_KEY = "upload key"
    RESULTS = "Bedrock output"


class Outcome(StrEnum):
    REFUSED = "refused before submission"
    WARNED = "warned, submitted"
    MALFORMED = "line counted as malformed, rest aggregated"


@dataclass(frozen=True)
class BadInput:
    name: str
    where: Where
    value: Any  # suite dict, suite file text, dataset lines, upload key or output lines
    field: str
    message: str  # a fragment the problem's message must contain
    outcome: Outcome = Outcome.REFUSED
    suite: str = "live-nova"  # the suite a dataset is validated against


def suite(**overrides: Any) -> dict[str, Any]:
    """A valid suite with some keys replaced (None removes a key)."""
    data: dict[str, Any] = {
        "name": "demo",
        "evaluatorModel": "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "inference": {"mode": "precomputed", "sourceIdentifier": "demo-app-v1"},
        "taskType": "General",
        "metrics": ["Builtin.Correctness", "Builtin.Helpfulness"],
        "thresholds": {"Builtin.Correctness": {"min": 0.7}},
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def lines(*records: Any) -> list[bytes]:
    return [r if isinstance(r, bytes) else json.dumps(r).encode() for r in records]


# What a deployment with the default maxShardsPerRun accepts in one upload.
MAX_PROMPTS_PER_RUN = MAX_PROMPTS_PER_JOB * MAX_SHARDS_PER_RUN
LIVE = {"mode": "bedrock", "modelIdentifier": "us.amazon.nova-lite-v1:0"}
RAG_TURN = {
    "prompt": {"content": [{"text": "q"}]},
    "referenceResponses": [{"content": [{"text": "r"}]}],
}
OK_ROW = {
    "automatedEvaluationResult": {"scores": [{"metricName": "Builtin.Correctness", "result": 1}]}
}

CATALOGUE: tuple[BadInput, ...] = (
    # Suite files
    BadInput("misspelt key", Where.SUITE, suite(thresholds=None, threshold={}), "threshold",
             "did you mean 'thresholds'?"),
    BadInput("custom metric defined inline", Where.SUITE,
             suite(customMetrics=[{"name": "brevity"}]),
             "customMetrics", "metric names from the metric library"),
    BadInput("RAG job named the API's way", Where.SUITE, suite(applicationType="RagEvaluation"),
             "applicationType", "not a suite key"),
    BadInput("human-evaluation block in a judge suite", Where.SUITE,
             suite(human={"flowDefinitionArn": "arn"}),
             "human", "only read by human suites"),
    BadInput("live-model key in a pre-computed suite", Where.SUITE,
             suite(inference={"mode": "precomputed", "sourceIdentifier": "a",
                              "modelIdentifier": "us.amazon.nova-lite-v1:0"}),
             "inference.modelIdentifier", "only applies when mode is 'bedrock'"),
    BadInput("misspelt inference key", Where.SUITE,
             suite(inference={"mode": "precomputed", "sourceIdentifer": "a"}),
             "inference.sourceIdentifer", "did you mean 'sourceIdentifier'?"),
    BadInput("unknown inference mode", Where.SUITE, suite(inference={"mode": "live"}),
             "inference.mode", "is not a known inference mode"),
    BadInput("threshold bound spelt out", Where.SUITE,
             suite(thresholds={"Builtin.Correctness": {"minimum": 0.7}}),
             "thresholds.Builtin.Correctness.minimum", "did you mean 'min'?"),
    BadInput("threshold on a metric not evaluated", Where.SUITE,
             suite(thresholds={"Builtin.Helpfulnes": 0.5}),
             "thresholds.Builtin.Helpfulnes", "did you mean 'Builtin.Helpfulness'?"),
    BadInput("metric of another kind of job", Where.SUITE,
             suite(metrics=["Builtin.ContextRelevance"], thresholds={}), "metrics[0]",
             "is not a built-in metric of judge jobs (it belongs to knowledge-base (retrieve)"),
    BadInput("custom metric defined but not in metrics", Where.SUITE,
             suite(customMetrics=["response_brevity"]), "customMetrics.response_brevity",
             "is defined but not listed in metrics"),
    BadInput("custom metric in metrics but not defined", Where.SUITE,
             suite(metrics=["Builtin.Correctness", "response_brevity"]), "metrics[1]",
             "nor one of the suite's customMetrics"),
    BadInput("template variable the job kind does not fill", Where.SUITE,
             suite(customMetrics=["rag_comprehensiveness"], metrics=["rag_comprehensiveness"],
                   thresholds={}),
             "instructions", "use {{context}}, which judge jobs do not substitute"),
    BadInput("judge missing", Where.SUITE, suite(evaluatorModel=None), "evaluatorModel",
             "is missing: judge jobs are scored by a judge model"),
    BadInput("application inference profile as judge", Where.SUITE,
             suite(evaluatorModel="arn:aws:bedrock:us-east-1:123456789012:"
                                  "application-inference-profile/a1b2c3d4e5f6"),
             "evaluatorModel", "accepts as a target, not as a judge"),
    BadInput("judge for a programmatic job", Where.SUITE,
             suite(kind="automatic", inference=LIVE, taskType="QuestionAndAnswer",
                   metrics=["Builtin.Accuracy"], thresholds={}),
             "evaluatorModel", "is set but automatic jobs use no judge model"),
    BadInput("metric without its prefix", Where.SUITE,
             suite(metrics=["Correctness"], thresholds={}),
             "metrics[0]", "did you mean 'Builtin.Correctness'?"),
    BadInput("metric of the wrong type", Where.SUITE, suite(metrics=[1], thresholds={}),
             "metrics[0]", "must be a string, got number"),
    BadInput("judge named in prose", Where.SUITE, suite(evaluatorModel="Claude 3.5 Sonnet"),
             "evaluatorModel", "does not match Bedrock's pattern"),
    BadInput("target model named in prose", Where.SUITE,
             suite(inference={"mode": "bedrock", "modelIdentifier": "nova lite"}),
             "inference.modelIdentifier", "does not match Bedrock's pattern"),
    BadInput("source identifier with a space", Where.SUITE,
             suite(inference={"mode": "precomputed", "sourceIdentifier": "my app"}),
             "inference.sourceIdentifier", "does not match Bedrock's pattern"),
    BadInput("inference parameters too long", Where.SUITE,
             suite(inference={**LIVE, "inferenceParams": {"stop": ["x" * 1100]}}),
             "inference.inferenceParams", "at most 1023 characters"),
    BadInput("task type in lower case", Where.SUITE, suite(taskType="general"), "taskType",
             "did you mean 'General'?"),
    BadInput("suite name with spaces", Where.SUITE, suite(name="Demo Suite"), "name",
             "is not a valid suite name"),
    BadInput("score outside 0-1", Where.SUITE, suite(lowScoreThreshold=5), "lowScoreThreshold",
             "is not a number between 0 and 1"),
    BadInput("floor above ceiling", Where.SUITE,
             suite(thresholds={"Builtin.Correctness": {"min": 0.9, "max": 0.1}}),
             "thresholds.Builtin.Correctness", "has min above max"),
    BadInput("description not text", Where.SUITE, suite(description=7), "description",
             "must be a string, got number"),
    BadInput("suite file with a syntax error", Where.SUITE, '{\n  "name": "demo",\n  oops\n}',
             "<json>", "is not valid JSON"),
    # Datasets
    BadInput("Latin-1 text (not UTF-8)", Where.DATASET, [b'{"prompt": "caf\xe9?"}'], "<encoding>",
             "is not valid UTF-8: byte 15 of the line"),
    BadInput("prompt is a number", Where.DATASET, lines({"prompt": 42}), "prompt",
             "must be a string, got number"),
    BadInput("prompt missing", Where.DATASET, lines({"question": "hi"}), "prompt", "is missing"),
    BadInput("prompt blank", Where.DATASET, lines({"prompt": " "}), "prompt", "is empty"),
    BadInput("prompt records for a knowledge-base suite", Where.DATASET,
             lines({"prompt": "q", "referenceResponse": "r"}), "conversationTurns",
             "this line is a model-evaluation record (prompt)", suite="rag-kb-retrieve"),
    BadInput("two turns for a retrieve-only evaluation", Where.DATASET,
             lines({"conversationTurns": [RAG_TURN, RAG_TURN]}), "conversationTurns",
             "must be a list of 1-1 turns for a retrieve evaluation", suite="rag-kb-retrieve"),
    BadInput("pre-computed RAG output from another source", Where.DATASET,
             lines({"conversationTurns": [{**RAG_TURN, "output": {
                 "knowledgeBaseIdentifier": "other",
                 "retrievedResults": {"retrievalResults": []}}}]}),
             "conversationTurns[0].output.knowledgeBaseIdentifier",
             "but the suite's rag.sourceIdentifier is 'docs-search-v1'",
             suite="rag-precomputed-retrieve"),
    BadInput("no reference answer for a programmatic accuracy job", Where.DATASET,
             lines({"prompt": "What is 2+2?"}), "referenceResponse",
             "is missing, but the suite's Builtin.Accuracy", suite="programmatic-qa"),
    BadInput("RAG dataset for a model-evaluation suite", Where.DATASET,
             lines({"conversationTurns": [{"prompt": {"content": [{"text": "q"}]}}]}), "<record>",
             "this is a RAG dataset (conversationTurns)"),
    BadInput("Bedrock's output uploaded as a dataset", Where.DATASET, lines(OK_ROW), "<record>",
             "Bedrock evaluation output row"),
    BadInput("batch-inference file", Where.DATASET, lines({"recordId": "1", "modelInput": {}}),
             "<record>", "batch-inference record"),
    BadInput("line is not JSON", Where.DATASET, [b"prompt: hello"], "<json>",
             "is not valid JSON"),
    BadInput("line is an array", Where.DATASET, [b'["hello"]'], "<record>",
             "must be a JSON object"),
    BadInput("JSON nested 100,000 deep", Where.DATASET, [b"[" * 100_000], "<json>",
             "nested too deeply"),
    BadInput("blank line between records", Where.DATASET,
             [b'{"prompt": "a"}', b"", b'{"prompt": "b"}'], "<line>", "is blank"),
    BadInput("line beyond the line cap", Where.DATASET, [b'{"prompt": "' + b"x" * MAX_LINE_BYTES],
             "<line>", f"is longer than {MAX_LINE_BYTES:,} bytes"),
    BadInput("more prompts than a run takes", Where.DATASET,
             lines(*({"prompt": "p"} for _ in range(MAX_PROMPTS_PER_RUN + 1))), "<file>",
             f"the pipeline accepts at most {MAX_PROMPTS_PER_RUN} per run"),
    BadInput("empty file", Where.DATASET, [], "<file>", "holds no records"),
    BadInput("pre-computed suite, no responses", Where.DATASET, lines({"prompt": "p"}),
             "modelResponses", "exactly one entry", suite="support-assistant"),
    BadInput("response labelled with another source", Where.DATASET,
             lines({"prompt": "p", "modelResponses": [{"response": "r", "modelIdentifier": "x"}]}),
             "modelResponses[0].modelIdentifier", "sourceIdentifier is 'support-assistant-v1'",
             suite="support-assistant"),
    BadInput("responses given to a live suite", Where.DATASET,
             lines({"prompt": "p", "modelResponses": [{"response": "r", "modelIdentifier": "x"}]}),
             "modelResponses", "asks Bedrock to generate responses"),
    BadInput("reference answer as a list", Where.DATASET,
             lines({"prompt": "p", "referenceResponse": ["a"]}), "referenceResponse",
             "must be a string, got array"),
    BadInput("misspelt optional field", Where.DATASET,
             lines({"prompt": "p", "referenceResponses": "a"}), "referenceResponses",
             "did you mean 'referenceResponse'?", outcome=Outcome.WARNED),
    # Upload keys
    BadInput("folder names no suite", Where.DATASET_KEY, "datasets/suport-assistant/q3.jsonl",
             "<key>", "did you mean 'support-assistant'?"),
    BadInput("no suite folder", Where.DATASET_KEY, "datasets/q3.jsonl", "<key>",
             "does not name a suite"),
    BadInput("folder that is a path, not a suite", Where.DATASET_KEY, "datasets/../x.jsonl",
             "<key>", "no suite named '..'"),
    # Bedrock output (a bad line must not stop the run, nor count as a score)
    BadInput("truncated output line", Where.RESULTS, [b'{"automatedEvaluationResult": {"sc'],
             "<line>", "", outcome=Outcome.MALFORMED),
    BadInput("result that is a list", Where.RESULTS,
             lines({"automatedEvaluationResult": {"scores": [{"metricName": "m", "result": [1]}]}}),
             "<line>", "is not a number or label", outcome=Outcome.MALFORMED),
    BadInput("category that is a number", Where.RESULTS,
             lines({**OK_ROW, "inputRecord": {"category": 3}}), "<line>", "is not a string",
             outcome=Outcome.MALFORMED),
    BadInput("modelResponses as an object", Where.RESULTS,
             lines({**OK_ROW, "inputRecord": {"modelResponses": {"a": 1}}}), "<line>",
             "unexpected shape", outcome=Outcome.MALFORMED),
    BadInput("prompt nested 1,020 deep", Where.RESULTS,
             [b'{"automatedEvaluationResult": {"scores": []}, "inputRecord": {"prompt": '
              + b"[" * 1020 + b"]" * 1020 + b"}}"],
             "<line>", "nested too deeply", outcome=Outcome.MALFORMED),
)  # fmt: skip


def _suite_problems(case: BadInput) -> list[Problem]:
    try:
        if isinstance(case.value, str):
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "demo.json"
                path.write_text(case.value, encoding="utf-8")
                load_suite_file(path)
        else:
            parse_suite(case.value, source="suites/demo.json")
    except SuiteError as error:
        return error.problems
    return []


def _dataset_problems(case: BadInput) -> list[Problem]:
    stats = validate_for_suite(
        case.value,
        load_suite(case.suite),
        f"datasets/{case.suite}/d.jsonl",
        max_records=MAX_PROMPTS_PER_RUN,
    )
    return stats.problems if case.outcome is not Outcome.WARNED else stats.warnings


def _key_problems(case: BadInput) -> list[Problem]:
    try:
        suite_for_dataset_key(case.value)
    except SuiteError as error:
        return error.problems
    return []


def _result_problems(case: BadInput) -> list[Problem]:
    return [
        Problem(item.source, "<line>", item.reason, "none: summary.json lists it", item.line)
        for item in iter_result_records(case.value, "results/.../x_output.jsonl")
        if isinstance(item, MalformedLine)
    ]


READERS: dict[Where, Callable[[BadInput], list[Problem]]] = {
    Where.SUITE: _suite_problems,
    Where.DATASET: _dataset_problems,
    Where.DATASET_KEY: _key_problems,
    Where.RESULTS: _result_problems,
}


def problems_for(case: BadInput) -> list[Problem]:
    """What the real reader for this kind of input answers."""
    return READERS[case.where](case)


def matching_problem(case: BadInput) -> Problem | None:
    """The problem the catalogue expects, when the reader raised it."""
    return next(
        (p for p in problems_for(case) if p.field == case.field and case.message in p.message),
        None,
    )
