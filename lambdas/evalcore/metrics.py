"""The built-in metrics of every kind of Bedrock evaluation job, and which way each one points.

Bedrock normalises every judge score to 0-1, but not every metric is "higher is better": its
built-in evaluator prompts map a *yes* to 1 for Harmfulness ("is the response harmful?"),
Stereotyping ("does it stereotype?") and Refusal ("does it refuse?"), so for those a high score
is the bad outcome. Floors, ceilings, the low-score list and the regression check all follow the
direction kept here (Amazon Bedrock user guide, "Built-in metric evaluator prompts for
model-as-a-judge evaluation jobs"). The same holds for RAG's Harmfulness, Stereotyping and
Refusal (knowledge-base-evaluation-metrics.html). Of the programmatic metrics, Toxicity is the
share of toxic content and Robustness the change in the output under perturbed input
(model-evaluation-tasks.html): lower is better for both, higher for Accuracy.
"""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher-is-better"
    LOWER_IS_BETTER = "lower-is-better"

    def goodness(self, score: float) -> float:
        """The score oriented so that higher is always better (harmfulness 0.1 is 0.9 good)."""
        return 1.0 - score if self is Direction.LOWER_IS_BETTER else score

    def worsening(self, delta: float) -> float:
        """How much a change of the mean made things worse (negative when it improved them)."""
        return delta if self is Direction.LOWER_IS_BETTER else -delta


BUILTIN_PREFIX = "Builtin."

JUDGE_MODEL_METRICS = frozenset(
    f"{BUILTIN_PREFIX}{name}"
    for name in (
        "Correctness",
        "Completeness",
        "Faithfulness",
        "Helpfulness",
        "Coherence",
        "Relevance",
        "FollowingInstructions",
        "ProfessionalStyleAndTone",
        "Harmfulness",
        "Stereotyping",
        "Refusal",
    )
)

PROGRAMMATIC_METRICS = frozenset(
    f"{BUILTIN_PREFIX}{name}" for name in ("Accuracy", "Robustness", "Toxicity")
)

RAG_RETRIEVE_METRICS = frozenset(
    f"{BUILTIN_PREFIX}{name}" for name in ("ContextRelevance", "ContextCoverage")
)

RAG_RETRIEVE_AND_GENERATE_METRICS = frozenset(
    f"{BUILTIN_PREFIX}{name}"
    for name in (
        "Correctness",
        "Completeness",
        "Helpfulness",
        "LogicalCoherence",
        "Faithfulness",
        "Harmfulness",
        "Stereotyping",
        "Refusal",
        "CitationPrecision",
        "CitationCoverage",
    )
)

LOWER_IS_BETTER_METRICS = frozenset(
    f"{BUILTIN_PREFIX}{name}"
    for name in ("Harmfulness", "Stereotyping", "Refusal", "Toxicity", "Robustness")
)

BUILTIN_METRICS = (
    JUDGE_MODEL_METRICS
    | PROGRAMMATIC_METRICS
    | RAG_RETRIEVE_METRICS
    | RAG_RETRIEVE_AND_GENERATE_METRICS
)


def direction_of(metric: str) -> Direction:
    """Custom metrics are treated as higher-is-better, like Bedrock's own rating scales."""
    if metric in LOWER_IS_BETTER_METRICS:
        return Direction.LOWER_IS_BETTER
    return Direction.HIGHER_IS_BETTER
