"""Rough cost of an evaluation job, printed before anyone spends money on it.

The judge reads the prompt, the response, the reference and a long rubric for every metric,
so judging dominates: prompts x metrics x (~1,500 input + ~200 output tokens) x judge price.
Prices live in prices.json because they change more often than this code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalcore.inference import InferenceMode
from evalcore.job_kinds import JobKind
from evalcore.model_ids import base_model_id

if TYPE_CHECKING:  # annotations only: reading a run's state must not load suite parsing
    from evalcore.dataset import DatasetStats
    from evalcore.suite import Suite

PRICES_FILE = Path(__file__).with_name("prices.json")
JUDGE_INPUT_TOKENS_PER_METRIC = 1500
JUDGE_OUTPUT_TOKENS_PER_METRIC = 200
CHARS_PER_TOKEN = 4
LIVE_OUTPUT_TOKENS_PER_PROMPT = 300


@dataclass(frozen=True)
class CostEstimate:
    judge_usd: float | None
    inference_usd: float | None
    notes: tuple[str, ...]

    @property
    def total_usd(self) -> float | None:
        if self.judge_usd is None or self.inference_usd is None:
            return None
        return round(self.judge_usd + self.inference_usd, 4)

    def to_json(self) -> dict[str, Any]:
        return {
            "judgeUsd": self.judge_usd,
            "inferenceUsd": self.inference_usd,
            "totalUsd": self.total_usd,
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CostEstimate:
        def amount(key: str) -> float | None:
            value = data.get(key)
            return float(value) if isinstance(value, int | float) else None

        return cls(amount("judgeUsd"), amount("inferenceUsd"), tuple(data.get("notes") or ()))


def load_prices(path: Path = PRICES_FILE) -> dict[str, dict[str, float]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def price_for(model_id: str, prices: dict[str, dict[str, float]]) -> dict[str, float] | None:
    """Inference profiles cost what their underlying model costs; a foundation-model ARN what
    the model it names costs."""
    model_id = model_id.rsplit(":foundation-model/", 1)[-1]
    return prices.get(model_id) or prices.get(base_model_id(model_id))


def estimate_cost(
    suite: Suite, stats: DatasetStats, prices: dict[str, dict[str, float]] | None = None
) -> CostEstimate:
    prices = load_prices() if prices is None else prices
    notes: list[str] = []
    # A model comparison judges the dataset once per model; other kinds run one job.
    live = [
        t for t in suite.target_models if t.mode is InferenceMode.BEDROCK and t.model_identifier
    ]
    jobs = len(suite.target_models) if suite.kind in (JobKind.JUDGE, JobKind.AUTOMATIC) else 1
    judge_price = price_for(suite.evaluator_model, prices) if suite.evaluator_model else None
    judge_usd: float | None = None
    if not suite.evaluator_model:
        judge_usd = 0.0
        if suite.kind is JobKind.HUMAN:
            notes.append("human workers' time is not included")
    elif judge_price is None:
        notes.append(f"no price for judge {suite.evaluator_model}: add it to prices.json")
    else:
        calls = jobs * stats.records * len(suite.metrics)
        judge_usd = round(
            calls
            * (
                JUDGE_INPUT_TOKENS_PER_METRIC * judge_price["input"]
                + JUDGE_OUTPUT_TOKENS_PER_METRIC * judge_price["output"]
            )
            / 1000,
            4,
        )
    inference_usd: float | None = 0.0
    for target in live:
        model = target.model_identifier
        target_price = price_for(model, prices)
        if target_price is None:
            inference_usd = None
            notes.append(f"no price for target model {model}: add it to prices.json")
        elif inference_usd is not None:
            input_tokens = stats.prompt_chars / CHARS_PER_TOKEN
            output_tokens = stats.records * LIVE_OUTPUT_TOKENS_PER_PROMPT
            inference_usd = round(
                inference_usd
                + (input_tokens * target_price["input"] + output_tokens * target_price["output"])
                / 1000,
                4,
            )
    return CostEstimate(judge_usd=judge_usd, inference_usd=inference_usd, notes=tuple(notes))


def estimate_collection_cost(
    model_id: str,
    input_chars: int,
    calls: int,
    prices: dict[str, dict[str, float]] | None = None,
) -> CostEstimate:
    """Cost of `evalctl collect` asking a Bedrock model: each call reads `input_chars` in
    total across calls and writes about LIVE_OUTPUT_TOKENS_PER_PROMPT tokens. No judge."""
    prices = load_prices() if prices is None else prices
    price = price_for(model_id, prices)
    if price is None:
        return CostEstimate(0.0, None, (f"no price for {model_id}: add it to prices.json",))
    input_tokens = input_chars / CHARS_PER_TOKEN
    output_tokens = calls * LIVE_OUTPUT_TOKENS_PER_PROMPT
    usd = (input_tokens * price["input"] + output_tokens * price["output"]) / 1000
    return CostEstimate(judge_usd=0.0, inference_usd=round(usd, 4), notes=())
