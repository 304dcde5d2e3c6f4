"""Simulated time that runs faster than the real clock, for runs whose limit must pass.

The simulation shortens every Wait state by a factor (`wait_scale`: a `Wait 60 s` lasts
60 x scale seconds). A run limit, though, is measured between two readings of the clock
(Step Functions' `$$.Execution.StartTime` and the handlers' now), so shortening waits alone
leaves a test sleeping through the whole limit. `ScaledClock` runs at 1 / scale of real speed
from the moment it is made, the same factor as the waits, so a 4-second limit passes after
4 scaled waits of 1 s, as it would in AWS, in 4 x scale real seconds.
"""

from __future__ import annotations

import datetime as _datetime
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


def _utc_now() -> _datetime.datetime:
    return _datetime.datetime.now(_datetime.UTC)


@dataclass(frozen=True)
class ScaledClock:
    """UTC time from `anchor` on, running 1 / `scale` times as fast as the real clock."""

    scale: float
    anchor: _datetime.datetime = field(default_factory=_utc_now)

    def __post_init__(self) -> None:
        if not 0 < self.scale <= 1:
            raise ValueError(f"scale must be in (0, 1], got {self.scale}")

    def now(self) -> _datetime.datetime:
        return self.anchor + (_utc_now() - self.anchor) / self.scale

    def as_datetime_module(self) -> Any:
        """What moto's Step Functions backend reads its `datetime.datetime.now(tz=...)`
        from: the standard module's names, with `now` read from this clock."""
        clock = self

        class _Datetime(_datetime.datetime):
            @classmethod
            def now(cls, tz: _datetime.tzinfo | None = None) -> Any:
                moment = clock.now()
                return moment.astimezone(tz) if tz else moment.astimezone().replace(tzinfo=None)

        return SimpleNamespace(**{**vars(_datetime), "datetime": _Datetime})
