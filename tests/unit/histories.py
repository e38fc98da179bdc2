"""Builders for realistic multi-week histories, addressed by program day.

``H()`` starts a profile on :data:`START` (a Monday, so program days 1, 8, 15, 22 … are
Mondays and build weeks line up with program weeks).  Every method returns the builder, so a
scenario reads as one chain::

    H().standard_phase1().gates(8).run_walk(8, stage=1).plan(9)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from runback_tui.domain.limits import CrossActivity, RedFlagKey
from runback_tui.domain.models import (
    CheckIn,
    Clearance,
    CrossLog,
    History,
    Profile,
    RoutineLog,
    RunLog,
    RunWalkLog,
    SessionLog,
    Shoe,
)
from runback_tui.domain.protocol import DayPlan, StageDecision, decide_next_stage, plan_for

START = date(2026, 3, 2)
"""Program day 1 of every built history: a Monday."""

REPEATS = {1: 10, 2: 8, 3: 6}
"""Repeats per run-walk stage."""

_ids = itertools.count(1)


def day_date(day: int, start: date = START) -> date:
    """The calendar date of program *day*."""
    return start + timedelta(days=day - 1)


class H:
    """A history under construction, with program days instead of dates."""

    def __init__(self, start: date = START, **profile: Any) -> None:
        self.start = start
        self.profile = Profile(start_date=start, accepted_disclaimer=True, **profile)
        self.checkins: list[CheckIn] = []
        self.clearances: list[Clearance] = []
        self.sessions: list[SessionLog] = []
        self.shoes: list[Shoe] = []

    # -- single records ------------------------------------------------------------------------

    def date(self, day: int) -> date:
        """The date of program *day*."""
        return day_date(day, self.start)

    def _id(self, prefix: str) -> str:
        """A unique, readable session id."""
        return f"{prefix}{next(_ids):05d}"

    def checkin(
        self,
        day: int,
        pain: int = 1,
        *,
        gates: bool = False,
        walked: bool | None = None,
        bridge: bool | None = None,
        meds: bool = False,
        flags: Iterable[RedFlagKey] = (),
        stiffness: int | None = None,
    ) -> H:
        """A morning check-in; ``gates=True`` answers every gate as met."""
        self.checkins.append(
            CheckIn(
                date=self.date(day),
                pain=pain,
                walked_30_pain_free=gates if walked is None else walked,
                single_leg_bridge_ok=gates if bridge is None else bridge,
                pain_meds_for_daily_life=meds,
                red_flags=list(flags),
                stiffness=stiffness,
            )
        )
        return self

    def checkins_for(self, days: Iterable[int], pain: int = 1, **kw: Any) -> H:
        """The same check-in on each of *days*."""
        for day in days:
            self.checkin(day, pain, **kw)
        return self

    def gates(self, day: int, pain: int = 1) -> H:
        """A check-in meeting every phase-1 gate."""
        return self.checkin(day, pain, gates=True)

    def red_flag(self, day: int, *flags: RedFlagKey, pain: int = 2) -> H:
        """A check-in answering yes to *flags* (numbness by default)."""
        return self.checkin(day, pain, gates=True, flags=flags or ("numbness_below_knee",))

    def clear(self, day: int, note: str = "") -> H:
        """A professional's clearance."""
        self.clearances.append(Clearance(date=self.date(day), note=note))
        return self

    def mistake(self, day: int, *flags: RedFlagKey) -> H:
        """A red flag of *day* withdrawn as answered by mistake (the Store also takes it off the
        check-in; this records only the clearance, as a hand-edited file could)."""
        self.clearances.append(
            Clearance(date=self.date(day), reason="mistake", flags=list(flags or ("leg_weakness",)))
        )
        return self

    def run_walk(
        self,
        day: int,
        stage: int,
        during: int = 0,
        after: int = 0,
        *,
        stopped_after: int | None = None,
        km: float | None = None,
        shoe: str | None = None,
    ) -> H:
        """A run-walk session; ``stopped_after=K`` logs it as ended early after K repeats."""
        completed = stopped_after is None
        self.sessions.append(
            RunWalkLog(
                id=self._id("rw"),
                date=self.date(day),
                stage=stage,
                completed=completed,
                repeats_done=REPEATS[stage] if stopped_after is None else stopped_after,
                pain_during=during,
                pain_after=after,
                distance_km=km,
                shoe=shoe,
            )
        )
        return self

    def run(
        self, day: int, km: float, during: int = 0, after: int = 0, *, shoe: str | None = None
    ) -> H:
        """A continuous run."""
        self.sessions.append(
            RunLog(
                id=self._id("run"),
                date=self.date(day),
                distance_km=km,
                pain_during=during,
                pain_after=after,
                shoe=shoe,
            )
        )
        return self

    def routine(self, day: int, routine_id: str = "daily_core", pain_after: int | None = None) -> H:
        """A finished routine."""
        self.sessions.append(
            RoutineLog(
                id=self._id("rt"), date=self.date(day), routine_id=routine_id, pain_after=pain_after
            )
        )
        return self

    def routines(self, days: Iterable[int], routine_id: str = "daily_core") -> H:
        """The same routine on each of *days*."""
        for day in days:
            self.routine(day, routine_id)
        return self

    def cross(self, day: int, activity: CrossActivity = "cycle_easy", minutes: float = 20) -> H:
        """A cross-training session."""
        self.sessions.append(
            CrossLog(
                id=self._id("x"),
                date=self.date(day),
                activity=activity,
                minutes=minutes,
            )
        )
        return self

    def shoe(self, name: str, start_km: float = 0.0, added_day: int | None = None) -> H:
        """A pair of shoes."""
        added = self.date(added_day) if added_day is not None else None
        self.shoes.append(Shoe(name=name, start_distance_km=start_km, added=added))
        return self

    # -- realistic stretches -------------------------------------------------------------------

    def standard_phase1(self, last_day: int = 7) -> H:
        """Days 1–7: check-ins easing from pain 3 to 1, core on days 1–6, cross-training 1/3/5."""
        for day in range(1, last_day + 1):
            self.checkin(day, pain=3 if day <= 2 else 2 if day <= 4 else 1)
        self.routines(range(1, min(last_day, 6) + 1))
        for day in (1, 3, 5):
            if day <= last_day:
                self.cross(day, "pool_run" if day % 2 else "cycle_easy", 25)
        return self

    def standard_phase2(self, last_day: int = 21, km: float | None = 3.0) -> H:
        """Gates on day 8, then pain-free run-walks every other day: stages 1, 2, 3, 3, 3 …."""
        self.gates(8)
        for day in range(9, last_day + 1):
            self.checkin(day, pain=1)
        stage = 1
        for day in range(8, last_day + 1, 2):
            self.run_walk(day, stage, km=km)
            stage = min(stage + 1, 3)
        return self

    def standard_to_build(self, km: float = 3.0) -> H:
        """Phase 1 and phase 2 by the book: the build phase starts on day 22 (a Monday)."""
        return self.standard_phase1().standard_phase2(21, km=km)

    def build_week(self, week: int, kms: Iterable[float], *, first_day: int = 22) -> H:
        """Runs in build *week* (1 = days 22–28) on Monday, Wednesday, Friday and Sunday."""
        monday = first_day + 7 * (week - 1)
        for offset, km in zip((0, 2, 4, 6), kms, strict=False):
            self.run(monday + offset, km)
        return self

    # -- results -------------------------------------------------------------------------------

    def history(self) -> History:
        """The history built so far."""
        return History(
            checkins=list(self.checkins),
            clearances=list(self.clearances),
            sessions=list(self.sessions),
            shoes=list(self.shoes),
        )

    def plan(self, day: int) -> DayPlan:
        """The plan for program *day*."""
        return plan_for(self.profile, self.history(), self.date(day))

    def decide(self, session: RunWalkLog) -> StageDecision:
        """The stage decision for *session* against this history."""
        return decide_next_stage(self.profile, self.history(), session)

    def last_session(self) -> SessionLog:
        """The session added last."""
        return self.sessions[-1]
