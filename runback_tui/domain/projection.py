"""The road ahead (protocol.md §8, v2): the plan of the coming days, projected by the engine.

:func:`project` asks the engine (:func:`runback_tui.domain.protocol.plan_for`) for each coming
date in turn, after feeding it *synthetic clean logs* of the days before: every session of a
day's plan done as planned and pain below 2.  No rule of the protocol is restated here: stage
ups, the build start, deload weeks and rest days are whatever the engine makes of those logs.
A projection is a pure function of (profile, history, today, days) and is never stored.

What a clean day is (each the safer or the plainer reading where protocol.md leaves room):

- **Check-in**: one each morning from program day 1 on for every date that has none yet,
  pain 0, no red flag, no stiffness answer; from program day 8 on it meets every phase-1 gate
  (walked 30 minutes pain-free, single-leg bridges fine, no pain medication), since the gates
  are only checked from then (§4).  Nothing is logged before program day 1 (the CLI refuses
  such records too).
- **Sessions**: every activity of the day's plan not already logged that day, except ``rest``,
  ``ice`` and ``heat`` (no session records them): a run-walk completed at the planned stage
  with pain during and after 0; a run with pain 0 (distance below); each routine finished;
  cross-training of 20 minutes (within both 000's ranges).
- **Distances**: a run-walk covers the distance of the latest run-walk logged with one (none
  when none was), so the build's first weeks are planned from the runner's own pace.  A run
  covers the week's planned volume still to run shared evenly over the alternate days left in
  the week (today included), never more than the single-run spike limit (``longest_run_km``),
  floored to 10 m; when the week has no planned volume (no basis, §6) it repeats the latest
  logged running distance within that limit (0 when there is none, so the volume stays unknown
  and the plan keeps saying so).  See :func:`clean_run_km`.
- **Today** shows the real plan (no synthetic record); the projection of tomorrow on assumes
  today's check-in (when missing) and today's remaining sessions are done clean.
- **Paused** today (a red flag without a clearance): nothing is projected; only a
  professional's clearance can lift a pause, and no projection assumes one.
- **Acute** today (a flare's 48 hours): the days of the acute window are the engine's acute
  plan (ice, relief, no running); projected training starts after the window, assuming the
  flare settles.  A projection never assumes a session on an acute day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from runback_tui.domain import load, wording
from runback_tui.domain.models import (
    CheckIn,
    CrossLog,
    History,
    Profile,
    RoutineLog,
    RunLog,
    RunWalkLog,
    Units,
)
from runback_tui.domain.protocol import (
    GATES_FROM_DAY,
    UNLOGGED_ACTIVITIES,
    DayPlan,
    Session,
    plan_for,
)

DEFAULT_DAYS = 21
"""How many days ``runback plan`` and ``runback calendar`` cover by default (today included)."""
MAX_DAYS = 90
"""The most days a projection covers."""
CROSS_MINUTES = 20.0
"""Minutes of a projected cross-training session (pool 20–30, cycling 15–20: protocol.md §4)."""

_Day = date
"""``date`` under a name the ``ProjectedDay.date`` property does not shadow."""

EventKind = Literal["run_walk", "stage", "build", "deload"]
"""A change the projection names: run-walk begins, a new stage's first session, the build's
first day, the first day of a deload week."""


@dataclass(frozen=True)
class Event:
    """A change on a projected day (protocol.md §4–§6 as the engine applies them)."""

    kind: EventKind
    """What changes."""
    stage: int | None = None
    """The stage of the first session at a new stage (``stage`` events)."""

    def to_json(self) -> dict[str, Any]:
        """The event as ``runback plan --json`` gives it."""
        return {"kind": self.kind, "stage": self.stage}


@dataclass(frozen=True)
class ProjectedDay:
    """One date of the road ahead: its plan, and whether it is projected."""

    plan: DayPlan
    """The engine's plan for the date (today: the real one)."""
    projected: bool
    """False for today's real plan, True for every later date."""
    events: tuple[Event, ...] = ()
    """The changes that date brings, compared with the day before."""
    after_checkin: DayPlan | None = None
    """Today only, when today has no check-in yet and a clean one would change today's plan
    (the gates met on day 8 or later, say): the plan once it is made (the projection's basis)."""

    @property
    def date(self) -> date:
        """The date."""
        return self.plan.date

    def changes(self, today: _Day) -> list[str]:
        """The day's changes worded: 'stage 3 on the 14th', 'build from the 22nd' (a deload
        week is marked on every day of it, so its start is not repeated here)."""
        return [
            wording.milestone_text(e.kind, e.stage, self.date, today)
            for e in self.events
            if e.kind != "deload"
        ]

    def text(self, units: Units, today: _Day) -> str:
        """The day without its date (:func:`wording.plan_day_text`)."""
        week = self.plan.build
        volume = None
        if week is not None and week.planned_volume_km is not None:
            volume = load.format_distance(week.planned_volume_km, units)
        # With a different plan once today's check-in is made, the changes are that plan's.
        changes = [] if self.after_checkin is not None else self.changes(today)
        return wording.plan_day_text(self.plan, changes=changes, volume=volume)

    def line(self, units: Units, today: _Day) -> str:
        """The day on one line, as ``runback plan`` prints it (and, for today, the plan once
        a clean check-in is made when that changes it, on a second line)."""
        label = "projected" if self.projected else "today    "
        line = f"{self.date:%a} {self.date.isoformat()}  {label}  {self.text(units, today)}"
        if self.after_checkin is not None:
            after = ProjectedDay(self.after_checkin, True, self.events)
            line += f"\n{'':15}  after a clean check-in today: {after.text(units, today)}"
        return line

    def to_json(self) -> dict[str, Any]:
        """One object of ``runback plan --json``."""
        plan = self.plan
        build = plan.build
        after = self.after_checkin
        return {
            "date": plan.date.isoformat(),
            "day": plan.day,
            "projected": self.projected,
            "phase": plan.phase,
            "stage": plan.stage.to_json() if plan.stage is not None else None,
            "current_stage": plan.current_stage,
            "activities": list(plan.activities),
            "build": build.to_json() if build is not None else None,
            "deload": bool(build is not None and build.deload),
            "rest_day": plan.rest_day,
            "events": [e.to_json() for e in self.events],
            "after_checkin": (
                None if after is None else ProjectedDay(after, True).to_json() | {"events": []}
            ),
        }


@dataclass(frozen=True)
class Projection:
    """The road ahead from :attr:`today`: today's real plan, then the projected days."""

    today: date
    """The first date (its plan is the real one)."""
    days: tuple[ProjectedDay, ...]
    """Today first, then each projected date in order."""
    stopped: Literal["paused"] | None
    """``paused`` when nothing could be projected past today's pause."""
    acute_until: date | None
    """While a flare's 48 hours run: their last day (training is projected after it)."""

    def to_json(self) -> list[dict[str, Any]]:
        """``runback plan --json``: a list of one object a date."""
        return [d.to_json() for d in self.days]

    def milestones(self) -> list[tuple[date, Event]]:
        """Every named change of the projected days, in date order."""
        return [(d.date, e) for d in self.days for e in d.events]

    def summary(self) -> str:
        """'If your back stays quiet: stage 3 on the 14th, build from the 22nd.'"""
        changes = [(on, e.kind, e.stage) for on, e in self.milestones()]
        return wording.road_ahead_summary(changes, self.today)

    def notes(self) -> list[str]:
        """What the projection stands on: the pause or the acute window, then its assumption."""
        notes: list[str] = []
        if self.stopped == "paused":
            notes.append(wording.paused_projection_note(self.days[0].plan.paused_since))
        elif self.acute_until is not None:
            notes.append(wording.acute_projection_note(self.acute_until))
        notes.append(wording.PROJECTION_ASSUMES)
        return notes


def _clean_checkin(profile: Profile, on: date) -> CheckIn:
    """A clean morning check-in: pain 0, no red flag, the gates met once they are asked."""
    due = (on - profile.start_date).days + 1 >= GATES_FROM_DAY
    return CheckIn(
        date=on,
        pain=0,
        walked_30_pain_free=due,
        single_leg_bridge_ok=due,
        pain_meds_for_daily_life=False,
    )


def _latest_km(sessions: list[Session], kinds: tuple[type, ...]) -> float | None:
    """The distance of the latest session of *kinds* that logged one."""
    best: tuple[date, float] | None = None
    for s in sessions:
        km = getattr(s, "distance_km", None)
        if isinstance(s, kinds) and km is not None and (best is None or s.date >= best[0]):
            best = (s.date, km)
    return None if best is None else best[1]


def clean_run_km(plan: DayPlan, latest_run_km: float | None) -> float:
    """The distance of a projected clean run on *plan*'s date (module docstring, Distances).

    The week's planned volume not yet run, shared over the alternate days left in the week
    (today included), at most the single-run spike limit, floored to 10 m; without a planned
    volume, *latest_run_km* (the latest logged running distance) within that limit, else 0.
    """
    week = plan.build
    limit = plan.longest_run_km
    if week is not None and week.planned_volume_km is not None:
        sunday = week.week_start + timedelta(days=6)
        runs_left = (sunday - plan.date).days // 2 + 1
        km = max(0.0, week.planned_volume_km - week.chosen_km_so_far) / runs_left
    else:
        km = latest_run_km or 0.0
    if limit is not None:
        km = min(km, limit)
    return math.floor(km * 100 + 1e-9) / 100


def clean_sessions(
    plan: DayPlan, run_walk_km: float | None, latest_run_km: float | None
) -> list[Session]:
    """The sessions of *plan* not yet logged, done as planned with pain 0 (ids are stable)."""
    on = plan.date
    sessions: list[Session] = []
    todo = [a for a in plan.activities if a not in UNLOGGED_ACTIVITIES and a not in plan.done]
    for n, activity in enumerate(todo):
        ident = f"projected-{on.isoformat()}-{n}"
        if activity == "run_walk":
            assert plan.stage is not None  # the engine gives the stage with every run-walk
            sessions.append(
                RunWalkLog(
                    id=ident,
                    date=on,
                    stage=plan.stage.number,
                    completed=True,
                    repeats_done=plan.stage.repeats,
                    pain_during=0,
                    pain_after=0,
                    distance_km=run_walk_km,
                )
            )
        elif activity == "run":
            sessions.append(
                RunLog(
                    id=ident,
                    date=on,
                    distance_km=clean_run_km(plan, latest_run_km),
                    pain_during=0,
                    pain_after=0,
                )
            )
        elif activity in ("pool_run", "cycle_easy"):
            sessions.append(CrossLog(id=ident, date=on, activity=activity, minutes=CROSS_MINUTES))
        else:
            sessions.append(RoutineLog(id=ident, date=on, routine_id=activity))
    return sessions


def _events(plan: DayPlan, before: DayPlan, last_stage: int | None) -> tuple[Event, ...]:
    """The changes *plan* brings after *before* (the day before it)."""
    events: list[Event] = []
    if plan.program_phase == "run_walk" and before.program_phase == "movement":
        events.append(Event("run_walk"))
    elif plan.stage is not None and last_stage is not None and plan.stage.number != last_stage:
        events.append(Event("stage", plan.stage.number))
    if plan.program_phase == "build" and before.program_phase != "build":
        events.append(Event("build"))
    week, previous = plan.build, before.build
    if (
        week is not None
        and week.deload
        and (previous is None or not previous.deload or previous.week_start != week.week_start)
    ):
        events.append(Event("deload"))
    return tuple(events)


def _differs(plan: DayPlan, other: DayPlan) -> bool:
    """The two plans of one date differ in what the road ahead shows."""
    return (plan.phase, plan.stage, plan.current_stage, plan.activities, plan.rest_day) != (
        other.phase,
        other.stage,
        other.current_stage,
        other.activities,
        other.rest_day,
    )


def project(
    profile: Profile, history: History, today: date, days: int = DEFAULT_DAYS
) -> Projection:
    """The road ahead: *days* dates from *today* (today's real plan first, then projected).

    Each later date is the engine's plan after the dates before it were logged clean (module
    docstring).  Paused today → only today.  1 ≤ *days* ≤ :data:`MAX_DAYS`.
    """
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be from 1 to {MAX_DAYS}, got {days}")
    real = plan_for(profile, history, today)
    if real.phase == "paused":
        return Projection(today, (ProjectedDay(real, False),), "paused", None)
    checkins = list(history.checkins)
    sessions: list[Session] = list(history.sessions)
    checked = {c.date for c in checkins}
    run_walk_km = _latest_km(sessions, (RunWalkLog,))

    def plan_on(on: date) -> DayPlan:
        snapshot = History.model_construct(
            checkins=checkins,
            clearances=history.clearances,
            sessions=sessions,
            shoes=history.shoes,
        )
        return plan_for(profile, snapshot, on)

    result = [ProjectedDay(real, False)]
    last_stage = real.stage.number if real.stage is not None else real.current_stage
    before = real
    for offset in range(days):
        on = today + timedelta(days=offset)
        if on >= profile.start_date and on not in checked:
            checkins.append(_clean_checkin(profile, on))
            checked.add(on)
        if offset == 0:
            plan = plan_on(on) if len(checkins) != len(history.checkins) else real
            if _differs(plan, real):
                events = _events(plan, real, last_stage)
                result[0] = ProjectedDay(real, False, events, after_checkin=plan)
                before = plan
        else:
            plan = plan_on(on)
            if plan.phase == "paused":  # cannot happen with clean logs; never project past it
                break
            result.append(ProjectedDay(plan, True, _events(plan, before, last_stage)))
            before = plan
        if plan.stage is not None:
            last_stage = plan.stage.number
        if on >= profile.start_date:
            latest_run = _latest_km(sessions, (RunLog, RunWalkLog))
            sessions += clean_sessions(plan, run_walk_km, latest_run)
    return Projection(today, tuple(result), None, real.acute_until)
