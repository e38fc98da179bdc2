"""The limits and fixed vocabularies of Runback's data, without pydantic.

The command line checks every value against these before anything heavy is imported, so
``runback checkin`` and ``runback today --json`` start fast; :mod:`runback_tui.domain.models`
builds its validators from the same names and re-exports them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

KM_PER_MILE = 1.609344

Units = Literal["km", "mi"]
"""The unit a profile shows distances in."""

RedFlagKey = Literal[
    "numbness_below_knee", "leg_weakness", "bladder_bowel", "night_pain", "saddle_numbness"
]
"""Red-flag questions asked at every check-in (protocol.md section 2)."""

HistoryKey = Literal["cancer_history", "osteoporosis", "long_term_steroids"]
"""History questions asked at onboarding (protocol.md section 2)."""

CrossActivity = Literal["pool_run", "cycle_easy"]
"""Cross-training kinds (protocol.md section 4)."""

RED_FLAG_KEYS: tuple[RedFlagKey, ...] = (
    "numbness_below_knee",
    "leg_weakness",
    "bladder_bowel",
    "night_pain",
    "saddle_numbness",
)
URGENT_RED_FLAGS: frozenset[str] = frozenset({"bladder_bowel", "saddle_numbness"})
"""Red flags that need emergency care now (protocol.md section 2)."""

ClearanceReason = Literal["professional", "mistake"]
"""Why a red flag was lifted: a professional cleared the runner, or it was answered by mistake."""

Phase = Literal["paused", "acute", "movement", "run_walk", "build"]
"""The phase a day's plan shows (interface.md ``runback today --json``)."""
GateKey = Literal["walked_30_pain_free", "single_leg_bridge_ok", "no_pain_meds"]
"""The phase-1 gates a check-in answers."""


def standing_red_flags(earlier: list[str], answered: list[str]) -> list[str]:
    """The red flags a replaced check-in keeps: the new answers, then every earlier one.

    protocol.md section 2: a red-flag answer, once saved, stands even when a later check-in for
    the same date leaves it out; only a clearance (professional, or ``mistake``) lifts it.
    Every writer of a check-in applies this, so no edit can erase a red flag.
    """
    return list(dict.fromkeys([*answered, *earlier]))


HISTORY_KEYS: tuple[HistoryKey, ...] = ("cancer_history", "osteoporosis", "long_term_steroids")

CROSS_ACTIVITIES: tuple[CrossActivity, ...] = ("pool_run", "cycle_easy")

MIN_DATE = date(1970, 1, 1)
"""Earliest date Runback accepts anywhere."""
MAX_DATE = date(2200, 12, 31)
"""Latest date Runback accepts anywhere."""

MAX_START_DAYS_AHEAD = 60
"""A profile's start date may be at most this many days after today (interface.md `init`)."""


def start_date_problem(start: date, today: date) -> str:
    """Why *start* cannot be a new program's day 1 today ('' when it can)."""
    latest = today + timedelta(days=MAX_START_DAYS_AHEAD)
    if start > latest:
        return (
            f"must be at most {MAX_START_DAYS_AHEAD} days ahead, on or before "
            f"{latest.isoformat()} (got {start.isoformat()})"
        )
    return ""


MAX_SESSION_KM = 250.0
"""Longest distance one session may log (a long ultra)."""
MAX_SHOE_START_KM = 5000.0
"""Largest starting distance for a pair of shoes."""
MAX_WEEKLY_KM = 1000.0
"""Largest weekly volume a profile may hold as a starting point."""
MAX_MINUTES = 24 * 60
"""Longest session in minutes."""
MAX_IMPORT_KMH = 25.0
"""Fastest average speed an imported activity may have to be taken as a run (a world-record
marathon averages about 21 km/h): anything faster is a ride, a drive or a GPS error."""
MAX_NOTE_CHARS = 2000
"""Longest free-text note."""
MAX_NAME_CHARS = 60
"""Longest shoe name."""


def to_km(distance: float, units: Units) -> float:
    """A distance in *units* converted to kilometres."""
    return distance * KM_PER_MILE if units == "mi" else distance


def from_km(distance_km: float, units: Units) -> float:
    """A distance in kilometres converted to *units*."""
    return distance_km / KM_PER_MILE if units == "mi" else distance_km
