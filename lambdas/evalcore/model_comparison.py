"""Several models' runs on the same dataset, side by side, with the best one named.

A suite naming several target models starts one job per model; each job's output is
aggregated on its own, and this module lines their means up per metric and per category.
The best model has the highest mean *goodness* (each metric oriented so that higher is better,
so a low harmfulness counts for a model) over the metrics every model was scored on; a tie
names no model rather than picking one arbitrarily.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evalcore.metrics import direction_of

Means = Mapping[str, Mapping[str, float | None]]  # metric -> model -> mean


@dataclass(frozen=True)
class ModelComparison:
    models: tuple[str, ...]
    metrics: Means
    categories: Mapping[str, Means]
    best_by_metric: Mapping[str, str | None]
    best_model: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "models": list(self.models),
            "metrics": {m: dict(by_model) for m, by_model in self.metrics.items()},
            "categories": {
                c: {m: dict(by_model) for m, by_model in metrics.items()}
                for c, metrics in self.categories.items()
            },
            "bestByMetric": dict(self.best_by_metric),
            "bestModel": self.best_model,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ModelComparison:
        return cls(
            models=tuple(data["models"]),
            metrics=data["metrics"],
            categories=data["categories"],
            best_by_metric=data["bestByMetric"],
            best_model=data["bestModel"],
        )


def _best(scores: Mapping[str, float]) -> str | None:
    if not scores:
        return None
    top = max(scores.values())
    winners = [model for model, value in scores.items() if value == top]
    return winners[0] if len(winners) == 1 else None


def compare_models(
    metric_means: Mapping[str, Mapping[str, float | None]],
    category_means: Mapping[str, Mapping[str, Mapping[str, float | None]]],
) -> ModelComparison:
    """`metric_means`: model -> metric -> mean of that model's own job; `category_means`:
    model -> category -> metric -> mean."""
    models = tuple(metric_means)
    metric_names = sorted({metric for table in metric_means.values() for metric in table})
    metrics = {
        metric: {model: metric_means[model].get(metric) for model in models}
        for metric in metric_names
    }
    categories: dict[str, dict[str, dict[str, float | None]]] = {}
    for model, by_category in category_means.items():
        for category, table in by_category.items():
            for metric, mean in table.items():
                by_model = categories.setdefault(category, {}).setdefault(
                    metric, dict.fromkeys(models)
                )
                by_model[model] = mean
    best_by_metric = {
        metric: _best(
            {
                model: direction_of(metric).goodness(mean)
                for model, mean in by_model.items()
                if mean is not None
            }
        )
        for metric, by_model in metrics.items()
    }
    shared = [m for m, by_model in metrics.items() if all(v is not None for v in by_model.values())]
    overall = {
        model: sum(direction_of(m).goodness(metrics[m][model] or 0.0) for m in shared) / len(shared)
        for model in models
        if shared
    }
    return ModelComparison(
        models=models,
        metrics=metrics,
        categories=dict(sorted(categories.items())),
        best_by_metric=best_by_metric,
        best_model=_best(overall),
    )
