"""Training load: Monday–Sunday weeks, weekly volume, the 10% rule, deloads and shoe wear.

Everything here is pure and works in kilometres; only :func:`format_distance` converts to
the profile's unit for display (protocol.md §1 Units, §6 Build, §7 Shoes).

Sums use :func:`math.fsum`, so a total never depends on the order of the input list.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal

from runback_tui.domain.models import KM_PER_MILE, RunLog, RunWalkLog, Shoe, Units, from_km

TEN_PERCENT_FACTOR = 1.10
"""A week's planned volume is at most this times the previous week's actual (protocol.md §6)."""
DELOAD_FACTOR = 0.75
"""A deload week plans this share of the previous week's volume (protocol.md §6)."""
DELOAD_EVERY_WEEKS = 4
"""Every 4th build week is a deload week (protocol.md §6)."""

REPLACE_SOON_KM = 300 * KM_PER_MILE
"""300 mi (482.8 km, protocol.md rounds to 483 km): start looking for a replacement (§7)."""
REPLACE_NOW_KM = 500 * KM_PER_MILE
"""500 mi (804.7 km, protocol.md rounds to 805 km): replace the shoes now (§7)."""

SHOE_ADVICE = (
    "Look for moderate cushioning and an 8–10 mm heel-to-toe drop; check your pairs for "
    "visible midsole compression or a heel counter that has broken down."
)
"""Shoe advice shown with the tracker (protocol.md §7)."""

ShoeStatus = Literal["ok", "replace_soon", "replace_now"]
"""Wear level of a pair of shoes."""

_TOLERANCE_KM = 1e-6
"""Float slack when comparing sums of logged distances against a threshold."""

KM_TOLERANCE = 0.005
"""Distances closer than this (5 m, half the 10 m planned volumes are rounded down to) count as
the same: a week's volume is left only when more than this remains, and a week is over a cap
only when it passed it by more than this."""


def week_start(day: date) -> date:
    """The Monday of the Monday–Sunday week that holds *day*."""
    return day - timedelta(days=day.weekday())


def session_distance_km(session: object) -> float:
    """The distance a run or run-walk session adds to weekly volume and shoe wear; 0 otherwise."""
    if isinstance(session, RunLog):
        return session.distance_km
    if isinstance(session, RunWalkLog) and session.distance_km is not None:
        return session.distance_km
    return 0.0


def weekly_volume_km(sessions: Iterable[object]) -> dict[date, float]:
    """Run and run-walk distance per week in km, keyed by the week's Monday."""
    parts: dict[date, list[float]] = defaultdict(list)
    for session in sessions:
        if isinstance(session, RunLog | RunWalkLog):
            parts[week_start(session.date)].append(session_distance_km(session))
    return {monday: math.fsum(values) for monday, values in sorted(parts.items())}


def floor_km(km: float) -> float:
    """*km* rounded down to 10 m, so a planned volume never rounds up past its cap."""
    return math.floor(km * 100 + 1e-9) / 100


def exceeds(km: float, limit_km: float) -> bool:
    """True when *km* is more than *limit_km* by more than :data:`KM_TOLERANCE` (5 m)."""
    return km > limit_km + KM_TOLERANCE


def ten_percent_cap(prev_week_km: float) -> float:
    """The most a week may plan: 1.10 × the previous week's actual volume, rounded down to 10 m."""
    return floor_km(TEN_PERCENT_FACTOR * prev_week_km)


def deload_volume_km(prev_week_km: float) -> float:
    """A deload week's planned volume: 0.75 × the previous week, rounded down to 10 m."""
    return floor_km(DELOAD_FACTOR * prev_week_km)


def is_scheduled_deload(build_week: int) -> bool:
    """True for every 4th build week (weeks 4, 8, 12, …)."""
    return build_week >= 1 and build_week % DELOAD_EVERY_WEEKS == 0


def _shoe_key(name: str) -> str:
    """The case-insensitive form of a shoe name used for matching logs to shoes."""
    return name.strip().casefold()


def shoe_totals_km(shoes: Iterable[Shoe], sessions: Iterable[object]) -> dict[str, float]:
    """Each shoe's total in km: its start distance plus every run or run-walk logged with it."""
    logged: dict[str, list[float]] = defaultdict(list)
    for session in sessions:
        if isinstance(session, RunLog | RunWalkLog) and session.shoe:
            logged[_shoe_key(session.shoe)].append(session_distance_km(session))
    totals: dict[str, float] = {}
    for shoe in shoes:
        total = math.fsum([shoe.start_distance_km, *logged.get(_shoe_key(shoe.name), [])])
        # Two pairs with the very same name (should not happen): keep the more worn total.
        totals[shoe.name] = max(total, totals.get(shoe.name, 0.0))
    return totals


def shoe_status(total_km: float) -> ShoeStatus:
    """The wear level at *total_km*: ok, replace_soon (300 mi) or replace_now (500 mi)."""
    if total_km + _TOLERANCE_KM >= REPLACE_NOW_KM:
        return "replace_now"
    if total_km + _TOLERANCE_KM >= REPLACE_SOON_KM:
        return "replace_soon"
    return "ok"


def format_distance(km: float, units: Units, decimals: int = 1) -> str:
    """*km* shown in *units* with *decimals* places, e.g. ``"12.5 km"`` or ``"7.8 mi"``."""
    value = from_km(km, units)
    if value == 0:
        value = 0.0  # never show "-0.0"
    return f"{value:.{decimals}f} {units}"
