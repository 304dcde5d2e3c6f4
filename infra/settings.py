"""Deploy-time settings: their defaults live here, values come from CDK context.

`cdk deploy -c pollMaxWaitSeconds=300` (or the `context` block of cdk.json) overrides a
default; app.py, the stack and the tests all take a `PipelineSettings`, so a default is
written once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Protocol

import aws_cdk as cdk

from evalcore.polling import MAX_WAIT_SECONDS, MIN_WAIT_SECONDS, PollingSchedule


class ContextSource(Protocol):
    def try_get_context(self, key: str) -> Any: ...


@dataclass(frozen=True)
class PipelineSettings:
    # The wait between status checks grows with the job's age between these bounds
    # (lambdas/evalcore/polling.py).
    poll_min_wait_seconds: int = MIN_WAIT_SECONDS
    poll_max_wait_seconds: int = MAX_WAIT_SECONDS
    execution_timeout_hours: int = 24
    results_retention_days: int = 365

    @property
    def polling(self) -> PollingSchedule:
        return PollingSchedule(self.poll_min_wait_seconds, self.poll_max_wait_seconds)

    @property
    def execution_timeout(self) -> cdk.Duration:
        return cdk.Duration.hours(self.execution_timeout_hours)

    @property
    def results_retention(self) -> cdk.Duration:
        return cdk.Duration.days(self.results_retention_days)

    @classmethod
    def context_keys(cls) -> dict[str, str]:
        """Field name -> context key (`poll_interval_seconds` -> `pollIntervalSeconds`)."""
        return {f.name: _camel(f.name) for f in fields(cls)}

    @classmethod
    def from_context(cls, node: ContextSource) -> PipelineSettings:
        """Positive whole numbers; values passed with `-c` arrive as strings."""
        values: dict[str, int] = {}
        for name, key in cls.context_keys().items():
            raw = node.try_get_context(key)
            if raw is None:
                continue
            try:
                number = int(raw)
            except (TypeError, ValueError):
                raise ValueError(f"context {key} must be a whole number, got {raw!r}") from None
            if number <= 0:
                raise ValueError(f"context {key} must be positive, got {number}")
            values[name] = number
        return cls(**values)


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)
