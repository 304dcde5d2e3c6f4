"""Custom metrics: a judge prompt of your own, kept in a reviewable file, checked before submission.

A metric lives in the metric library (`lambdas/metrics/`) as two files: `<name>.json` (name,
rating scale, which instructions file) and the instructions themselves in a Markdown file, so
a prompt change is a readable diff. Bedrock checks most of the rules below only once the job
runs (botocore checks lengths, not placement or variables), so each is checked here with the
file, the field and the fix:

- name: `[0-9a-zA-Z-_.]+`, at most 63 characters, not a `Builtin.` name;
- instructions: 1-5000 characters, a task description first ("Your prompt must include a task
  description and input variables"), only the template variables the job kind substitutes, the
  ones it requires present, and the variables placed after the instructions (the user guide's
  "input variables" come last in the prompt);
- rating scale (optional): 1-10 levels, each definition 1-100 characters, every value either
  a number (`floatValue`) or a label (`stringValue`, 1-100 characters), never mixed, no repeats.

Pages: model-evaluation-custom-metrics-prompt-formats.html and
kb-evaluation-custom-metrics-prompt-formats.html (user guide), CustomMetricDefinition and
RatingScaleItem (API reference).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from evalcore.errors import Problem, SuiteError
from evalcore.job_kinds import Scope, TemplateVariable
from evalcore.metrics import BUILTIN_PREFIX

DEFAULT_METRICS_DIR = Path(__file__).resolve().parent.parent / "metrics"

NAME_PATTERN = re.compile(r"^[0-9a-zA-Z\-_.]{1,63}$")
MAX_INSTRUCTIONS = 5000
MAX_RATING_LEVELS = 10
MAX_DEFINITION = 100
MAX_STRING_VALUE = 100
# Text allowed around the variables at the end of a prompt: a label such as "Response:".
MAX_LABEL_CHARS = 40
# A variable's own label ("Response:", "Model response:") is this many words at most; a longer
# line before the first variable ("Rate the brevity of this response:") is the task itself.
MAX_LABEL_WORDS = 3
_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
METRIC_FILE_KEYS = ("name", "description", "instructionsFile", "ratingScale")


class ScaleKind(StrEnum):
    NUMERICAL = "numerical"
    CATEGORICAL = "categorical"
    NONE = "none"


@dataclass(frozen=True)
class RatingLevel:
    definition: str
    value: float | str

    def to_request(self) -> dict[str, Any]:
        key = "stringValue" if isinstance(self.value, str) else "floatValue"
        return {"definition": self.definition, "value": {key: self.value}}


@dataclass(frozen=True)
class CustomMetric:
    name: str
    instructions: str
    rating_scale: tuple[RatingLevel, ...] = ()
    description: str = ""
    source: str = "<metric>"

    @property
    def scale_kind(self) -> ScaleKind:
        if not self.rating_scale:
            return ScaleKind.NONE
        if isinstance(self.rating_scale[0].value, str):
            return ScaleKind.CATEGORICAL
        return ScaleKind.NUMERICAL

    @property
    def variables(self) -> tuple[str, ...]:
        """Template variables in the order they appear."""
        return tuple(match.group(1) for match in _VARIABLE.finditer(self.instructions))

    def to_request(self) -> dict[str, Any]:
        """One `customMetrics` entry of CreateEvaluationJob (key `name`, not `metricName`)."""
        definition: dict[str, Any] = {"name": self.name, "instructions": self.instructions}
        if self.rating_scale:
            definition["ratingScale"] = [level.to_request() for level in self.rating_scale]
        return {"customMetricDefinition": definition}


def _check_name(name: object, source: str, problems: list[Problem]) -> str | None:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        problems.append(
            Problem(
                source,
                "name",
                f"{name!r} is not a valid custom metric name",
                "use 1-63 letters, digits, '-', '_' or '.'",
            )
        )
        return None
    if name.startswith(BUILTIN_PREFIX):
        problems.append(
            Problem(
                source,
                "name",
                f"{name!r} uses the {BUILTIN_PREFIX!r} prefix Bedrock reserves for its own metrics",
                "rename it without the prefix",
            )
        )
        return None
    return name


def _check_level(
    raw: object, where: str, source: str, problems: list[Problem]
) -> RatingLevel | None:
    fix = '{"definition": "Good", "value": {"floatValue": 1}} or {"stringValue": "Good"}'
    if not isinstance(raw, dict) or set(raw) != {"definition", "value"}:
        problems.append(Problem(source, where, "must have exactly definition and value", fix))
        return None
    definition, value = raw["definition"], raw["value"]
    ok = True
    if not isinstance(definition, str) or not definition.strip():
        problems.append(Problem(source, f"{where}.definition", "is missing or empty", fix))
        ok = False
    elif len(definition) > MAX_DEFINITION:
        problems.append(
            Problem(
                source,
                f"{where}.definition",
                f"has {len(definition)} characters; Bedrock accepts at most {MAX_DEFINITION}",
                "shorten it to a label and move the explanation into the instructions",
            )
        )
        ok = False
    if not isinstance(value, dict) or len(value) != 1:
        problems.append(Problem(source, f"{where}.value", "must hold exactly one value", fix))
        return None
    ((key, item),) = value.items()
    if key == "floatValue" and isinstance(item, int | float) and not isinstance(item, bool):
        return RatingLevel(definition, float(item)) if ok else None
    if key == "stringValue" and isinstance(item, str) and 1 <= len(item) <= MAX_STRING_VALUE:
        return RatingLevel(definition, item) if ok else None
    problems.append(
        Problem(
            source,
            f"{where}.value",
            f"{value!r} is neither a number in floatValue nor a 1-{MAX_STRING_VALUE} character "
            "label in stringValue",
            fix,
        )
    )
    return None


def _check_scale(raw: object, source: str, problems: list[Problem]) -> tuple[RatingLevel, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_RATING_LEVELS:
        problems.append(
            Problem(
                source,
                "ratingScale",
                f"must be a list of 1-{MAX_RATING_LEVELS} levels",
                "list the levels, or leave ratingScale out for free-form judgements",
            )
        )
        return ()
    levels = [
        level
        for index, item in enumerate(raw)
        if (level := _check_level(item, f"ratingScale[{index}]", source, problems))
    ]
    if len({isinstance(level.value, str) for level in levels}) > 1:
        problems.append(
            Problem(
                source,
                "ratingScale",
                "mixes floatValue and stringValue levels",
                "use numbers for a numerical scale or labels for a categorical one, not both",
            )
        )
    values = [level.value for level in levels]
    if len(set(values)) != len(values):
        problems.append(
            Problem(source, "ratingScale", "gives two levels the same value", "make them distinct")
        )
    return tuple(levels)


def _task_description(head: str) -> str:
    """The text before the first input variable, less that variable's own short label.

    The user guide lists a prompt's elements as an optional role, the task description, an
    optional rubric and the input variables, "in the order given", and the API reference says
    "Your prompt must include a task description and input variables" (CustomMetricDefinition).
    """
    before, _, label_line = head.rpartition("\n")
    if len(label_line.split()) <= MAX_LABEL_WORDS:
        head = before
    return head.strip()


def check_instructions(text: object, source: str, problems: list[Problem]) -> str | None:
    """Length and placement; which variables are allowed depends on the job (see check_for)."""
    if not isinstance(text, str) or not text.strip():
        problems.append(Problem(source, "instructions", "are empty", "write the judge's prompt"))
        return None
    if len(text) > MAX_INSTRUCTIONS:
        problems.append(
            Problem(
                source,
                "instructions",
                f"have {len(text)} characters; Bedrock accepts at most {MAX_INSTRUCTIONS}",
                "shorten the rubric",
            )
        )
    first = _VARIABLE.search(text)
    if first is None:
        return text
    if not _task_description(text[: first.start()]):
        problems.append(
            Problem(
                source,
                "instructions",
                f"have no task description before the first input variable ({first.group(0)})",
                "start with what the judge is to assess and how (the user guide recommends at "
                "least 15 words), then end with the labelled input variables",
            )
        )
    known = {variable.value for variable in TemplateVariable}
    for match in _VARIABLE.finditer(text):
        if match.group(1) not in known:
            close = difflib.get_close_matches(match.group(1), sorted(known), n=1)
            hint = f"did you mean {{{{{close[0]}}}}}? " if close else ""
            problems.append(
                Problem(
                    source,
                    "instructions",
                    f"use {match.group(0)}, which Bedrock does not substitute",
                    f"{hint}use only " + ", ".join(v.placeholder for v in TemplateVariable),
                )
            )
    tail = _VARIABLE.sub("", text[first.start() :])
    long_lines = [line.strip() for line in tail.splitlines() if len(line.strip()) > MAX_LABEL_CHARS]
    if long_lines:
        problems.append(
            Problem(
                source,
                "instructions",
                f"continue after the first template variable ({first.group(0)}) with "
                f"instructions such as {long_lines[0][:60]!r}",
                "put every instruction first and the input variables last, each after a short "
                "label (e.g. 'Response: {{prediction}}')",
            )
        )
    return text


def check_for(metric: CustomMetric, scope: Scope, where: str, problems: list[Problem]) -> None:
    """The rules that depend on the job kind: which variables it substitutes and requires."""
    if not scope.takes_custom_metrics:
        problems.append(
            Problem(
                where,
                f"customMetrics.{metric.name}",
                f"{scope.label} jobs do not take custom metrics",
                "remove customMetrics, or use a judge or knowledge-base suite",
            )
        )
        return
    allowed = {variable.value for variable in scope.allowed_variables}
    used = set(metric.variables)
    for name in sorted(used & {v.value for v in TemplateVariable} - allowed):
        problems.append(
            Problem(
                metric.source,
                "instructions",
                f"use {{{{{name}}}}}, which {scope.label} jobs do not substitute "
                f"(required by {where})",
                "use only " + ", ".join(sorted("{{" + v + "}}" for v in allowed)),
            )
        )
    for variable in sorted(
        scope.required_variables - {TemplateVariable(v) for v in used & allowed}
    ):
        problems.append(
            Problem(
                metric.source,
                "instructions",
                f"lack {variable.placeholder}, which {scope.label} jobs require (used by {where})",
                f"end the instructions with a labelled {variable.placeholder}",
            )
        )


def parse_metric(data: Any, instructions: str, source: str) -> CustomMetric:
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise SuiteError([Problem(source, "<root>", "must be a JSON object", "see README")])
    for key in sorted(set(data) - set(METRIC_FILE_KEYS)):
        close = difflib.get_close_matches(key, METRIC_FILE_KEYS, n=1)
        problems.append(
            Problem(
                source,
                key,
                "is not a metric file key",
                f"did you mean {close[0]!r}?" if close else "use " + ", ".join(METRIC_FILE_KEYS),
            )
        )
    name = _check_name(data.get("name"), source, problems)
    scale = _check_scale(data.get("ratingScale"), source, problems)
    text = check_instructions(instructions, source, problems)
    if problems or name is None or text is None:
        raise SuiteError(problems)
    return CustomMetric(
        name=name,
        instructions=text,
        rating_scale=scale,
        description=str(data.get("description", "")),
        source=source,
    )


def load_metric_file(path: Path) -> CustomMetric:
    """A metric's JSON and its instructions file (named by `instructionsFile`, beside it)."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError([Problem(source, "<file>", "does not exist", "check the name")]) from None
    except json.JSONDecodeError as error:
        raise SuiteError(
            [Problem(source, "<json>", f"is not valid JSON: {error.msg}", "fix it", error.lineno)]
        ) from None
    file_name = data.get("instructionsFile") if isinstance(data, dict) else None
    if not isinstance(file_name, str) or "/" in file_name or not file_name:
        raise SuiteError(
            [
                Problem(
                    source,
                    "instructionsFile",
                    "must name the instructions file beside it",
                    f'e.g. "{path.stem}.md"',
                )
            ]
        )
    instructions_path = path.with_name(file_name)
    try:
        instructions = instructions_path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise SuiteError(
            [Problem(source, "instructionsFile", f"{instructions_path} does not exist", "add it")]
        ) from None
    metric = parse_metric(data, instructions, source)
    if metric.name != path.stem:
        raise SuiteError(
            [
                Problem(
                    source,
                    "name",
                    f"{metric.name!r} differs from the file name {path.stem!r}",
                    "name the file <metric-name>.json",
                )
            ]
        )
    return metric


def library(metrics_dir: Path | None = None) -> tuple[str, ...]:
    directory = metrics_dir or DEFAULT_METRICS_DIR
    return tuple(sorted(path.stem for path in directory.glob("*.json")))


def load_metric(name: str, metrics_dir: Path | None = None) -> CustomMetric:
    directory = metrics_dir or DEFAULT_METRICS_DIR
    path = directory / f"{name}.json"
    if not path.exists():
        known = library(directory)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise SuiteError(
            [
                Problem(
                    str(path),
                    "<file>",
                    f"no custom metric named {name!r} in {directory}",
                    f"{hint}use one of: {', '.join(known) or 'none'}, or add {path.name}",
                )
            ]
        )
    return load_metric_file(path)
