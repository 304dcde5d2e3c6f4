"""The simulation's scaled clock runs as many times faster as its waits are shorter."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from evalctl.simulation.clock import ScaledClock


def test_simulated_time_runs_one_over_scale_as_fast_as_real_time():
    clock = ScaledClock(0.01)
    real_start = time.monotonic()
    time.sleep(0.02)
    simulated = clock.now() - clock.anchor
    real = time.monotonic() - real_start
    assert simulated >= timedelta(seconds=2)  # 20 ms of real time at least 2 s simulated
    assert simulated <= timedelta(seconds=real / 0.01 + 0.5)


def test_a_scale_of_one_is_the_real_clock():
    clock = ScaledClock(1)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)


@pytest.mark.parametrize("scale", [0, -0.5, 2])
def test_a_scale_outside_zero_to_one_is_refused(scale):
    with pytest.raises(ValueError, match="scale must be in"):
        ScaledClock(scale)


def test_moto_reads_the_same_scaled_time_through_its_datetime_module():
    clock = ScaledClock(0.01)
    module = clock.as_datetime_module()
    time.sleep(0.01)
    read = module.datetime.now(tz=module.timezone.utc)
    assert read.utcoffset() == timedelta(0)
    assert read - clock.anchor >= timedelta(seconds=1)
    assert module.datetime.now().tzinfo is None  # naive without tz, as the stdlib's
    assert module.timedelta is timedelta
