"""Time, injected: the app and its timers ask a Clock, so tests can drive a FakeClock."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What Runback needs to know about time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps; only differences mean anything."""
        ...

    def now(self) -> datetime:
        """The local wall-clock time (naive, local)."""
        ...

    def today(self) -> date:
        """The local calendar date."""
        ...


TZ_RECHECK_S = 60.0
"""How often the wall clock re-reads the system time zone (a laptop that changed zones)."""


class SystemClock:
    """The real clocks, optionally running sessions faster (``--speed``).

    Timers use ``monotonic()`` only, so NTP steps, DST and time-zone changes never move a
    countdown; ``now()``/``today()`` follow the wall clock and re-read the time zone once a
    minute, so a check-in at 00:30 after a zone change lands on the right local date.
    """

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._origin = time.monotonic()
        self._tz_checked = self._origin

    def monotonic(self) -> float:
        """Monotonic seconds, scaled by the speed factor."""
        return (time.monotonic() - self._origin) * self.speed

    def now(self) -> datetime:
        """Local wall-clock time."""
        real = time.monotonic()
        if real - self._tz_checked >= TZ_RECHECK_S:
            self._tz_checked = real
            if hasattr(time, "tzset"):
                time.tzset()
        return datetime.now()

    def today(self) -> date:
        """Local date."""
        return self.now().date()


class FakeClock:
    """A clock that moves only when told; for tests and screenshots."""

    def __init__(self, now: datetime | None = None, monotonic: float = 1000.0) -> None:
        self._now = now or datetime(2026, 11, 21, 7, 30)
        self._monotonic = monotonic

    def monotonic(self) -> float:
        """The fake monotonic time."""
        return self._monotonic

    def now(self) -> datetime:
        """The fake wall-clock time."""
        return self._now

    def today(self) -> date:
        """The fake date."""
        return self._now.date()

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by *seconds*."""
        self._monotonic += seconds
        self._now += timedelta(seconds=seconds)

    def set_wall(self, now: datetime) -> None:
        """Jump the wall clock only (an NTP or timezone change); monotonic time is untouched."""
        self._now = now
