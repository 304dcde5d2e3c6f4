"""The run summary (`summary.json`) as types: one shape for the bucket, the CLI and the CI gate.

Users' own tooling reads this file, so its JSON form is a published interface, described by
`schemas/summary.schema.json` at the repository root and checked against it in the tests.
Means are kept exact: rounding is for display only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from evalcore.metrics import Direction
from evalcore.model_comparison import ModelComparison
from evalcore.results import MalformedLine
from evalcore.run_state import DatasetRef

SCHEMA_VERSION = 2
# Score distributions are kept as this many equal-width bins over 0-1 (Bedrock normalises every
# judge score to 0-1), so a report can draw them from summary.json alone, in bounded space.
HISTOGRAM_BINS = 10


def histogram_bin(score: float) -> int:
    """Bin i holds [i/10, (i+1)/10); 1.0 joins the top bin; out-of-range scores are clamped.

    The small epsilon keeps 0.3 (stored as 0.29999...) in the bin a reader expects.
    """
    return min(HISTOGRAM_BINS - 1, max(0, int(score * HISTOGRAM_BINS + 1e-9)))


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class MetricResult:
    """One metric's statistics over a run (or one category of it); N/A never counts as 0."""

    mean: float | None
    count: int
    scored: int
    na_count: int
    minimum: float | None
    maximum: float | None
    low_count: int = 0
    labels: Mapping[str, int] = field(default_factory=dict)
    # Counts of numeric scores per bin (see histogram_bin), for the run's metrics; empty in a
    # category's table and in a summary written before histograms were added.
    histogram: tuple[int, ...] = ()

    @property
    def na_rate(self) -> float:
        return self.na_count / self.count if self.count else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "count": self.count,
            "scored": self.scored,
            "naCount": self.na_count,
            "naRate": self.na_rate,
            "min": self.minimum,
            "max": self.maximum,
            "lowCount": self.low_count,
            "labels": dict(self.labels),
            "histogram": list(self.histogram),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MetricResult:
        return cls(
            mean=data["mean"],
            count=data["count"],
            scored=data["scored"],
            na_count=data["naCount"],
            minimum=data["min"],
            maximum=data["max"],
            low_count=data.get("lowCount", 0),
            labels=dict(data.get("labels") or {}),
            histogram=tuple(data.get("histogram") or ()),
        )


@dataclass(frozen=True)
class LowScore:
    """A record that scored badly on one metric, with the judge's reasoning (clipped)."""

    metric: str
    score: float
    prompt: str
    response: str
    explanation: str
    category: str | None
    source: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "score": self.score,
            "category": self.category,
            "prompt": self.prompt,
            "response": self.response,
            "explanation": self.explanation,
            "source": self.source,
            "line": self.line,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LowScore:
        return cls(
            metric=data["metric"],
            score=data["score"],
            prompt=data["prompt"],
            response=data["response"],
            explanation=data["explanation"],
            category=data["category"],
            source=data["source"],
            line=data["line"],
        )


@dataclass(frozen=True)
class ThresholdBreach:
    metric: str
    mean: float | None
    minimum: float | None
    maximum: float | None
    # The compared model whose mean this is (a model comparison checks every model's).
    model: str | None = None

    @property
    def label(self) -> str:
        """`Builtin.Correctness`, or `Builtin.Correctness of <model>` in a comparison."""
        return self.metric if self.model is None else f"{self.metric} of {self.model}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "metric": self.metric,
            "mean": self.mean,
            "minimum": self.minimum,
            "maximum": self.maximum,
        }
        if self.model is not None:
            data["model"] = self.model
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ThresholdBreach:
        return cls(
            data["metric"], data["mean"], data["minimum"], data["maximum"], data.get("model")
        )


@dataclass(frozen=True)
class MetricChange:
    """A metric's mean against the baseline run; `regressed` follows the metric's direction."""

    previous: float | None
    current: float | None
    tolerance: float
    direction: Direction

    @property
    def delta(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous

    @property
    def regressed(self) -> bool:
        delta = self.delta
        return delta is not None and self.direction.worsening(delta) > self.tolerance

    def to_json(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "current": self.current,
            "delta": self.delta,
            "tolerance": self.tolerance,
            "direction": self.direction.value,
            "regressed": self.regressed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MetricChange:
        return cls(
            data["previous"], data["current"], data["tolerance"], Direction(data["direction"])
        )


@dataclass(frozen=True)
class Baseline:
    """What a comparison needs of an earlier run; read from a summary of any schema version."""

    job_name: str | None
    generated_at: str | None
    summary_key: str | None
    means: Mapping[str, float | None]

    @classmethod
    def from_summary_json(cls, data: Mapping[str, Any], summary_key: str | None) -> Baseline:
        job = data.get("job")
        metrics = data.get("metrics") or {}
        return cls(
            # Schema 1 kept the job's name at the top level.
            job_name=job.get("name") if isinstance(job, Mapping) else data.get("jobName"),
            generated_at=data.get("generatedAt"),
            summary_key=summary_key,
            means={
                name: stats.get("mean") if isinstance(stats, Mapping) else None
                for name, stats in metrics.items()
            },
        )


@dataclass(frozen=True)
class Comparison:
    previous_job_name: str | None
    previous_generated_at: str | None
    previous_summary_key: str | None
    metrics: Mapping[str, MetricChange]

    @property
    def regressions(self) -> tuple[str, ...]:
        return tuple(sorted(name for name, change in self.metrics.items() if change.regressed))

    def to_json(self) -> dict[str, Any]:
        return {
            "previousJobName": self.previous_job_name,
            "previousGeneratedAt": self.previous_generated_at,
            "previousSummaryKey": self.previous_summary_key,
            "metrics": {name: change.to_json() for name, change in self.metrics.items()},
            "regressions": list(self.regressions),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Comparison:
        return cls(
            previous_job_name=data["previousJobName"],
            previous_generated_at=data["previousGeneratedAt"],
            previous_summary_key=data["previousSummaryKey"],
            metrics={name: MetricChange.from_json(c) for name, c in data["metrics"].items()},
        )


@dataclass(frozen=True)
class JobRef:
    name: str
    arn: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "arn": self.arn}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JobRef:
        return cls(data["name"], data.get("arn"))


@dataclass(frozen=True)
class ResultsSource:
    """Where the judged records were read: S3 keys (the Lambda) or local files (the CLI)."""

    output_files: tuple[str, ...]
    results_dir: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"outputFiles": list(self.output_files), "resultsDir": self.results_dir}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResultsSource:
        return cls(tuple(data["outputFiles"]), data.get("resultsDir"))


def _metric_table(data: Mapping[str, Any]) -> dict[str, MetricResult]:
    return {name: MetricResult.from_json(stats) for name, stats in data.items()}


@dataclass(frozen=True)
class Summary:
    suite: str | None
    generated_at: str
    job: JobRef | None
    dataset: DatasetRef | None
    source: ResultsSource
    records: int
    malformed_lines: int
    malformed: tuple[MalformedLine, ...]
    metrics: Mapping[str, MetricResult]
    categories: Mapping[str, Mapping[str, MetricResult]]
    low_score_threshold: float
    low_score_count: int
    low_scores: tuple[LowScore, ...]
    threshold_breaches: tuple[ThresholdBreach, ...]
    comparison: Comparison | None
    verdict: Verdict
    summary_key: str | None = None
    # Lines of the staged dataset and rows Bedrock wrote, as matched by the parse step; None
    # when summarized outside the pipeline, where no staged dataset exists.
    prompts_submitted: int | None = None
    results_received: int | None = None
    schema_version: int = SCHEMA_VERSION
    # Several target models (one job each): their means side by side and the best one named.
    model_comparison: ModelComparison | None = None

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.PASSED

    @property
    def regressions(self) -> tuple[str, ...]:
        return self.comparison.regressions if self.comparison else ()

    def means(self) -> dict[str, float | None]:
        return {name: stats.mean for name, stats in self.metrics.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "schemaVersion": self.schema_version,
            "suite": self.suite,
            "generatedAt": self.generated_at,
            "summaryKey": self.summary_key,
            "job": None if self.job is None else self.job.to_json(),
            "dataset": None if self.dataset is None else self.dataset.to_json(),
            "source": self.source.to_json(),
            "records": self.records,
            "promptsSubmitted": self.prompts_submitted,
            "resultsReceived": self.results_received,
            "malformedLines": self.malformed_lines,
            "malformed": [
                {"source": m.source, "line": m.line, "reason": m.reason} for m in self.malformed
            ],
            "metrics": {name: stats.to_json() for name, stats in self.metrics.items()},
            "categories": {
                category: {name: stats.to_json() for name, stats in metrics.items()}
                for category, metrics in self.categories.items()
            },
            "lowScoreThreshold": self.low_score_threshold,
            "lowScoreCount": self.low_score_count,
            "lowScores": [low.to_json() for low in self.low_scores],
            "thresholdBreaches": [breach.to_json() for breach in self.threshold_breaches],
            "comparison": None if self.comparison is None else self.comparison.to_json(),
            "verdict": self.verdict.value,
            "modelComparison": None
            if self.model_comparison is None
            else self.model_comparison.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Summary:
        version = data.get("schemaVersion")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"summary schemaVersion {version!r} is not {SCHEMA_VERSION}; "
                "re-run evalctl summarize to regenerate it"
            )
        job, dataset, comparison = data["job"], data["dataset"], data["comparison"]
        return cls(
            suite=data["suite"],
            generated_at=data["generatedAt"],
            summary_key=data.get("summaryKey"),
            job=None if job is None else JobRef.from_json(job),
            dataset=None if dataset is None else DatasetRef.from_json(dataset),
            source=ResultsSource.from_json(data["source"]),
            records=data["records"],
            prompts_submitted=data.get("promptsSubmitted"),
            results_received=data.get("resultsReceived"),
            malformed_lines=data["malformedLines"],
            malformed=tuple(
                MalformedLine(m["source"], m["line"], m["reason"]) for m in data["malformed"]
            ),
            metrics=_metric_table(data["metrics"]),
            categories={
                category: _metric_table(metrics) for category, metrics in data["categories"].items()
            },
            low_score_threshold=data["lowScoreThreshold"],
            low_score_count=data["lowScoreCount"],
            low_scores=tuple(LowScore.from_json(low) for low in data["lowScores"]),
            threshold_breaches=tuple(
                ThresholdBreach.from_json(b) for b in data["thresholdBreaches"]
            ),
            comparison=None if comparison is None else Comparison.from_json(comparison),
            verdict=Verdict(data["verdict"]),
            model_comparison=None
            if data.get("modelComparison") is None
            else ModelComparison.from_json(data["modelComparison"]),
        )
