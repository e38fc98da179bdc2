"""Data builders for the UI tests and screenshots: a Store seeded through its typed methods.

Every date is relative to the suite's frozen clock (2026-11-21 07:30), so a builder always
gives the same phase.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from runback_tui.domain.clock import FakeClock, aware
from runback_tui.domain.models import (
    CheckIn,
    Clearance,
    ImportedActivity,
    Profile,
    RunLog,
    RunWalkLog,
    Shoe,
)
from runback_tui.storage.store import Store

NOW = aware(datetime(2026, 11, 21, 7, 30))
"""The frozen 'now' shared with tests/conftest.py: 07:30 local time, with its UTC offset (as
the clock gives it)."""
TODAY = NOW.date()


def days_ago(n: int) -> date:
    """The date *n* days before the frozen today."""
    return TODAY - timedelta(days=n)


def new_store(path: Path) -> Store:
    """A Store on *path* whose backups are stamped with the frozen clock."""
    return Store(path, now=FakeClock(NOW).now)


def _profile(store: Store, start: date, **extra: object) -> None:
    """Save a profile starting on *start*."""
    store.save_profile(
        Profile.model_validate({"start_date": start, "accepted_disclaimer": True, **extra})
    )


def _easy_checkins(
    store: Store, first: date, last: date, *, gates_from: date | None = None
) -> None:
    """A pain-1 check-in on every date from *first* to *last*; gates pass from *gates_from*."""
    day = first
    while day <= last:
        gates = gates_from is not None and day >= gates_from
        store.save_checkin(
            CheckIn(
                date=day, pain=1, stiffness=2, walked_30_pain_free=gates, single_leg_bridge_ok=gates
            )
        )
        day += timedelta(days=1)


def seed_movement(store: Store) -> None:
    """Phase 1, program day 4, checked in today, with a pair of shoes."""
    _profile(store, days_ago(3))
    _easy_checkins(store, days_ago(3), TODAY)
    store.add_shoe(Shoe(name="Blue trainers", start_distance_km=120.0, added=days_ago(3)))


def seed_run_walk(store: Store) -> None:
    """Phase 2, program day 9: gates passed on day 8, stage 1 due today, not checked in yet."""
    _profile(store, days_ago(8))
    _easy_checkins(store, days_ago(8), days_ago(1), gates_from=days_ago(1))
    store.add_shoe(Shoe(name="Blue trainers", start_distance_km=490.0, added=days_ago(8)))


def pending_run(day: date, hour: int = 7, *, stage: int | None = 1) -> ImportedActivity:
    """An imported run of *day* waiting for its pain: stage *stage* completed, or a run."""
    start = aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))
    if stage is None:
        return ImportedActivity(
            id=f"imp-{start:%Y%m%dT%H%M%S}-5000", date=day, started_at=start, kind="run",
            distance_km=5.0, minutes=32.0, source="watch/run.fit",
        )  # fmt: skip
    repeats = {1: 10, 2: 8, 3: 6}[stage]
    return ImportedActivity(
        id=f"imp-{start:%Y%m%dT%H%M%S}-3100", date=day, started_at=start, kind="run_walk",
        stage=stage, completed=True, repeats_done=repeats, distance_km=3.1, minutes=30.0,
        source="watch/run-walk.fit",
    )  # fmt: skip


def seed_pending(store: Store) -> None:
    """Phase 2 (seed_run_walk), with two imported runs waiting for how the back felt."""
    seed_run_walk(store)
    store.import_activities(
        pending=[pending_run(days_ago(1)), pending_run(days_ago(0), stage=None)]
    )


def seed_build(store: Store) -> None:
    """Phase 3, program day 38: stage 3 done pain-free, runs logged, a history advisory, in miles."""
    start = days_ago(37)
    _profile(store, start, units="mi", history=["osteoporosis"])
    store.add_shoe(Shoe(name="Grey racers", start_distance_km=200.0, added=start))
    _easy_checkins(store, start, days_ago(1), gates_from=start + timedelta(days=7))
    runs = [(8, 1), (10, 2), (12, 3), (14, 3), (16, 3), (18, 3), (20, 3)]
    for program_day, stage in runs:
        store.add_session(
            RunWalkLog(
                date=start + timedelta(days=program_day - 1),
                stage=stage,
                completed=True,
                repeats_done={1: 10, 2: 8, 3: 6}[stage],
                pain_during=1,
                pain_after=1,
                distance_km=3.0,
                shoe="Grey racers",
            )
        )
    for program_day in range(22, 38, 2):
        store.add_session(
            RunLog(
                date=start + timedelta(days=program_day - 1),
                distance_km=4.0,
                minutes=28.0,
                pain_during=1,
                pain_after=0,
                shoe="Grey racers",
            )
        )


def seed_acute(store: Store) -> None:
    """A flare today: check-in with pain 5 on program day 5."""
    _profile(store, days_ago(4))
    _easy_checkins(store, days_ago(4), days_ago(1))
    store.save_checkin(CheckIn(date=TODAY, pain=5, stiffness=6, note="Sore after lifting boxes"))


def seed_paused(store: Store) -> None:
    """A red flag today (night pain) on program day 12 of phase 2."""
    _profile(store, days_ago(11))
    _easy_checkins(store, days_ago(11), days_ago(1), gates_from=days_ago(4))
    store.save_checkin(CheckIn(date=TODAY, pain=3, red_flags=["night_pain"]))


def seed_urgent(store: Store) -> None:
    """An urgent red flag today (bladder or bowel)."""
    _profile(store, days_ago(11))
    _easy_checkins(store, days_ago(11), days_ago(1))
    store.save_checkin(CheckIn(date=TODAY, pain=4, red_flags=["bladder_bowel", "leg_weakness"]))


def seed_cleared(store: Store) -> None:
    """A red flag yesterday, cleared today."""
    seed_movement(store)
    store.save_checkin(CheckIn(date=days_ago(1), pain=2, red_flags=["numbness_below_knee"]))
    store.add_clearance(Clearance(date=TODAY, note="GP"))


SEEDS: dict[str, Callable[[Store], None]] = {
    "movement": seed_movement,
    "run_walk": seed_run_walk,
    "build": seed_build,
    "acute": seed_acute,
    "paused": seed_paused,
}
"""A builder per home phase."""
