"""Time, injected: the app and its timers ask a Clock, so tests can drive a FakeClock.

**Every wall-clock time carries its UTC offset.**  ``Clock.now()`` is the local time *with
the offset in force at that instant* (a fixed offset, as the data file stores it), so two
times subtract and compare as instants whatever zone each was taken in: a session saved
under UTC and reopened under UTC+2 ten seconds later is ten seconds on, not two hours.
``today()`` is the local calendar date of ``now()``: the date a check-in is made for.

The one place that guesses is :func:`aware`: a naive date and time is read as a local
wall-clock reading, with the offset the local zone gives that wall time.  The models use it
for a naive value handed over by code, and the schema 3 migration for the times older files
stored without an offset — the best guess available, since those files never said where
they were written.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Protocol


class Clock(Protocol):
    """What Runback needs to know about time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps; only differences mean anything."""
        ...

    def now(self) -> datetime:
        """The local wall-clock time, with its UTC offset."""
        ...

    def today(self) -> date:
        """The local calendar date."""
        ...


TZ_RECHECK_S = 60.0
"""How often the wall clock re-reads the system time zone (a laptop that changed zones)."""

_ZONES: dict[str, tzinfo | None] = {}
"""The zone of each TZ value seen (None: one zoneinfo does not know)."""


def local_zone() -> tzinfo | None:
    """The zone named by ``TZ`` when zoneinfo knows it (``Europe/Paris``, ``Etc/GMT-2``).

    None otherwise: no ``TZ`` (the system's zone, /etc/localtime) or a POSIX rule such as
    ``CET-1CEST,M3.5.0,M10.5.0/3``; then the C library's local time decides.
    """
    name = os.environ.get("TZ")
    if not name:
        return None
    if name not in _ZONES:
        from zoneinfo import ZoneInfo  # here: only a set TZ needs it

        try:
            _ZONES[name] = ZoneInfo(name.removeprefix(":"))
        except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
            _ZONES[name] = None
    return _ZONES[name]


def _fixed(moment: datetime) -> datetime:
    """An aware *moment* with a fixed offset (the one in force then): what the file stores.

    Two datetimes sharing one zoneinfo object subtract as wall times, ignoring a DST change
    between them; fixed offsets always subtract as instants.
    """
    if type(moment.tzinfo) is timezone:
        return moment
    offset = moment.utcoffset()
    assert offset is not None
    return moment.replace(tzinfo=timezone(offset), fold=0)


def local(instant: datetime, zone: tzinfo | None = None) -> datetime:
    """The aware *instant* as local wall-clock time in *zone* (default: the local zone)."""
    zone = zone if zone is not None else local_zone()
    return _fixed(instant.astimezone(zone))


def aware(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """*moment* with its UTC offset: an aware one as it is (with a fixed offset); a naive one
    read as wall-clock time in *zone* (default: the local zone), with the offset that zone
    gives it.  ValueError or OverflowError for a time the zone cannot place (year 1).
    """
    if moment.utcoffset() is not None:
        return _fixed(moment)
    zone = zone if zone is not None else local_zone()
    if zone is None:
        return moment.astimezone()  # the C library's local time for that wall time
    return _fixed(moment.replace(tzinfo=zone))


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
        """Local wall-clock time, with the UTC offset in force now."""
        real = time.monotonic()
        if real - self._tz_checked >= TZ_RECHECK_S:
            self._tz_checked = real
            if hasattr(time, "tzset"):
                time.tzset()
        return local(datetime.now(UTC))

    def today(self) -> date:
        """Local date."""
        return self.now().date()


class FakeClock:
    """A clock that moves only when told; for tests and screenshots.

    It holds an instant and shows it in *zone* — by default the process's local zone, read
    at every call as the system clock does, so a test that changes ``TZ`` sees the wall time
    there.  A naive datetime given to it is a wall-clock reading in that zone (:func:`aware`).
    """

    def __init__(
        self, now: datetime | None = None, monotonic: float = 1000.0, zone: tzinfo | None = None
    ) -> None:
        self.zone = zone
        """The zone the clock shows its time in (None: the local zone)."""
        self._instant = aware(now or datetime(2026, 11, 21, 7, 30), zone)
        self._monotonic = monotonic

    def monotonic(self) -> float:
        """The fake monotonic time."""
        return self._monotonic

    def now(self) -> datetime:
        """The fake wall-clock time, with its UTC offset."""
        return local(self._instant, self.zone)

    def today(self) -> date:
        """The fake date."""
        return self.now().date()

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by *seconds*."""
        self._monotonic += seconds
        self._instant += timedelta(seconds=seconds)

    def set_wall(self, now: datetime) -> None:
        """Jump the wall clock only (an NTP step, or a naive reading after a zone change);
        monotonic time is untouched."""
        self._instant = aware(now, self.zone)

    def set_zone(self, zone: tzinfo | None) -> None:
        """Show the same instant in another zone (a laptop that travelled)."""
        self.zone = zone
