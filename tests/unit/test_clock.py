"""The injected clocks: speed scaling, wall jumps that never move timers, time-zone changes."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

import pytest

from runback_tui.domain import clock as clock_module
from runback_tui.domain.clock import FakeClock, SystemClock


def test_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock(datetime(2026, 11, 21, 23, 59, 30), monotonic=10.0)
    assert clock.monotonic() == 10.0 and clock.today() == date(2026, 11, 21)
    clock.advance(45)
    assert clock.monotonic() == 55.0
    assert clock.today() == date(2026, 11, 22)  # across midnight


def test_wall_jump_leaves_the_monotonic_clock_alone() -> None:
    clock = FakeClock(datetime(2026, 3, 29, 1, 59), monotonic=100.0)
    clock.set_wall(datetime(2026, 3, 29, 3, 0))  # a DST spring-forward or an NTP step
    assert clock.monotonic() == 100.0
    clock.set_wall(datetime(2025, 1, 1))  # a big step backwards
    assert clock.monotonic() == 100.0


def test_system_clock_speed_scales_monotonic(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(clock_module.time, "monotonic", lambda: now[0])
    fast = SystemClock(speed=20)
    now[0] += 3
    assert fast.monotonic() == pytest.approx(60)


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset")
def test_time_zone_change_is_picked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    real = [5000.0]
    monkeypatch.setattr(clock_module.time, "monotonic", lambda: real[0])
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        system = SystemClock()
        utc_now = system.now()
        monkeypatch.setenv("TZ", "Etc/GMT-14")  # UTC+14
        real[0] += clock_module.TZ_RECHECK_S
        shifted = system.now()
        # The wall clock reads 14 h later; as instants (aware, v2) the two are moments apart.
        wall = shifted.replace(tzinfo=None) - utc_now.replace(tzinfo=None)
        assert wall.total_seconds() == pytest.approx(14 * 3600, abs=120)
        assert shifted.utcoffset() == timedelta(hours=14) and utc_now.utcoffset() == timedelta(0)
        assert abs((shifted - utc_now).total_seconds()) < 120
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert os.environ.get("TZ") is None
