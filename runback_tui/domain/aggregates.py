"""What the dashboard and the clinician report show, as pure functions of (profile, history, date).

Everything is derived from ONE replay of the plan engine, through its public interface
(:func:`runback_tui.domain.protocol.replay`): :func:`analyse` replays the history once, and the
replay reports the engine's merged facts, every change of phase and run-walk stage with its date
and reason, and every pause; today's plan is composed from the same replay
(:func:`~runback_tui.domain.protocol.day_plan`).  The other functions read that
:class:`Timeline`, so computing the whole dashboard costs one replay plus linear passes over the
records, never a plan per day (``O(days × history)``).  :func:`compute_dashboard` is the one
entry point the dashboard calls, once per data change.

Definitions (the choices made here, each documented where it is computed):

- **Pain series**: one point per date with a check-in (several check-ins on a date are merged
  the engine's way: the highest pain).  The **7-day average** of a date is the mean of the
  check-ins dated in the 7 days ending that date; days without a check-in are skipped, not
  counted as 0.
- **Weekly volume**: run and run-walk distance per Monday–Sunday week, from the first week
  with any running to the current week, empty weeks included.  Build weeks carry the engine's
  cap (1.10 × the previous week), planned volume and deload flag; a week is **over** its cap
  when the distance the 10% rule judges passed it at the precision shown, as the engine's
  warning judges it (``BuildWeek.over_cap_km``).
- **Rest day** (adherence): a day the plan asks for rest — paused (red flag), acute (flare) or
  a full rest day after six training days (the engine's rules).
- **Adherent day**: a day with a check-in AND either a rest day or at least one training
  session logged (a core or strength routine, cross-training, a run-walk or a run).  Warm-up,
  stretching, mobility and relief routines do not count as training, as in the engine.
- **Adherence %** = adherent days / days counted × 100, over the days from the later of the
  range start and program day 1 up to the range end.  Today is counted only once it is
  adherent, so an unfinished morning never lowers the figure.
- **Check-in streak**: consecutive days with a check-in, ending today, or yesterday while
  today's check-in is still to come.
- **Core streak**: consecutive days with a core routine (``daily_core`` or ``core_stability``)
  ending today or yesterday; rest days (paused, acute, full rest) neither break nor extend it.
- **Events**: every red-flag check-in, every clearance, every flare episode (overlapping 48-hour
  windows are one episode, as in the engine) and every change of phase or run-walk stage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from runback_tui.domain import load, wording
from runback_tui.domain.models import (
    CrossLog,
    History,
    ImportedActivity,
    Profile,
    RoutineLog,
    RunLog,
    RunWalkLog,
    Units,
)
from runback_tui.domain.protocol import (
    BUILD_FROM_DAY,
    FLARE_PAIN,
    GATES_FROM_DAY,
    NON_TRAINING_ROUTINES,
    TOP_STAGE,
    BuildWeek,
    DayPlan,
    Facts,
    Replay,
    build_week_on,
    day_plan,
    is_flare,
    replay,
    session_pain,
)
from runback_tui.domain.wording import phase_title

RECENT_OVER_DAYS = 13
"""An over-cap week starting this many days before today or later is this week or last week."""
ADHERENCE_WEEKS = 12
"""The dashboard's adherence calendar covers this many Monday–Sunday weeks."""
AVERAGE_DAYS = 7
"""Days in the rolling pain average."""
CORE_ROUTINES = frozenset({"daily_core", "core_stability"})
"""Routines that count for the core streak."""
TARGET_STAGE3_DAY = 15
"""protocol.md §5: the target is stage 3 by program day 15."""

EventKind = Literal["red_flag", "clearance", "withdrawal", "flare", "stage"]
"""Kinds of event the dashboard's table can filter on."""
EVENT_KINDS: tuple[EventKind, ...] = ("red_flag", "clearance", "withdrawal", "flare", "stage")
EVENT_LABELS: dict[EventKind, str] = {
    "red_flag": "Red flag",
    "clearance": "Clearance",
    "withdrawal": "Withdrawn",
    "flare": "Flare",
    "stage": "Stage change",
}
"""How each event kind reads."""

_ONE_DAY = timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# The one replay.


@dataclass(frozen=True)
class Timeline:
    """The history replayed once up to *today*: the engine's facts, states and today's plan."""

    profile: Profile
    """The profile."""
    today: date
    """The date everything is computed for; later records are ignored."""
    replay: Replay
    """The engine's replay up to today: its facts, stage changes and pauses."""
    plan: DayPlan
    """Today's plan (the same as ``plan_for(profile, history, today)``)."""
    paused_days: frozenset[date]
    """Every date from program start to today on which the plan was paused."""

    @property
    def facts(self) -> Facts:
        """The engine's merged, indexed history up to today."""
        return self.replay.facts

    @property
    def units(self) -> Units:
        """The profile's display unit."""
        return self.profile.units

    def acute(self, day: date) -> bool:
        """True when *day* is in a flare's 48 hours."""
        return self.facts.acute(day)

    def rest_day(self, day: date) -> bool:
        """True when the plan for *day* asks for rest: paused, acute or a full rest day."""
        return day in self.paused_days or self.acute(day) or self.facts.rest_day_due(day)

    def program_day(self, day: date) -> int:
        """Program day number of *day*."""
        return (day - self.profile.start_date).days + 1


def analyse(profile: Profile, history: History, today: date) -> Timeline:
    """Replay *history* once up to *today* and keep everything the aggregates need."""
    replayed = replay(profile, history, today)
    paused: set[date] = set()
    for pause in replayed.pauses:
        last = (pause.cleared - _ONE_DAY) if pause.cleared is not None else today
        day = pause.start
        while day <= last:
            paused.add(day)
            day += _ONE_DAY
    return Timeline(profile, today, replayed, day_plan(replayed), frozenset(paused))


# ---------------------------------------------------------------------------------------------
# Pain.


@dataclass(frozen=True)
class PainPoint:
    """One day's check-in pain and the rolling average ending that day."""

    date: date
    """The check-in's date."""
    pain: int
    """Pain 0–10 (the highest when a date has several check-ins)."""
    average: float
    """Mean pain of the check-ins in the 7 days ending this date."""


@dataclass(frozen=True)
class SessionPain:
    """Pain logged with a session."""

    date: date
    """The session's date."""
    kind: str
    """``run_walk``, ``run`` or ``routine``."""
    during: int | None
    """Highest pain during, if logged."""
    after: int | None
    """Pain after, if logged."""


def pain_series(daily_pain: dict[date, int]) -> tuple[PainPoint, ...]:
    """Each date's pain with the mean of the check-ins in the 7 days ending it (O(n))."""
    days = sorted(daily_pain)
    ordinals = [day.toordinal() for day in days]
    pains = [daily_pain[day] for day in days]
    points: list[PainPoint] = []
    window_start = 0
    total = 0
    for index, day in enumerate(days):
        total += pains[index]
        while ordinals[window_start] <= ordinals[index] - AVERAGE_DAYS:
            total -= pains[window_start]
            window_start += 1
        points.append(PainPoint(day, pains[index], total / (index - window_start + 1)))
    return tuple(points)


def session_pains(sessions: Iterable[object]) -> tuple[SessionPain, ...]:
    """Pain during and after of every run-walk, run and routine that logged some, by date."""
    points: list[SessionPain] = []
    for session in sessions:
        if isinstance(session, RunWalkLog | RunLog):
            points.append(
                SessionPain(session.date, session.kind, session.pain_during, session.pain_after)
            )
        elif isinstance(session, RoutineLog) and (
            session.pain_during is not None or session.pain_after is not None
        ):
            points.append(
                SessionPain(session.date, "routine", session.pain_during, session.pain_after)
            )
    points.sort(key=lambda p: (p.date, p.kind))
    return tuple(points)


@dataclass(frozen=True)
class PainSummary:
    """The pain figures of a report: first, last, lowest, highest and 7-day averages."""

    count: int
    """Check-ins in the range."""
    first: PainPoint | None
    """The earliest check-in in the range."""
    last: PainPoint | None
    """The latest check-in in the range."""
    lowest: PainPoint | None
    """The lowest pain (its latest date when tied)."""
    highest: PainPoint | None
    """The highest pain (its latest date when tied)."""
    mean: float | None
    """Mean pain over the range."""


def summarise_pain(points: Sequence[PainPoint]) -> PainSummary:
    """First, last, lowest, highest and mean of *points* (already limited to a range)."""
    if not points:
        return PainSummary(0, None, None, None, None, None)
    lowest = min(points, key=lambda p: (p.pain, -p.date.toordinal()))
    highest = max(points, key=lambda p: (p.pain, p.date))
    mean = math.fsum(p.pain for p in points) / len(points)
    return PainSummary(len(points), points[0], points[-1], lowest, highest, mean)


# ---------------------------------------------------------------------------------------------
# Weekly volume.


@dataclass(frozen=True)
class WeekVolume:
    """One Monday–Sunday week's logged distance, with the build phase's cap and deload marks."""

    week_start: date
    """The week's Monday."""
    km: float
    """Run and run-walk distance logged that week (up to today for the current week)."""
    build_week: int | None
    """Build week number, None before the build phase."""
    cap_km: float | None
    """The 10% cap, None outside the build phase or with no basis."""
    planned_km: float | None
    """The engine's planned volume, None outside the build phase or with no basis."""
    deload: bool
    """A deload week (every 4th build week, or after a flare or red flag)."""
    current: bool
    """The week holding today."""
    judged_km: float = 0.0
    """The part the 10% rule judges (phase-2 run-walk sessions, prescribed, left out)."""
    over_km: float = 0.0
    """By how much the week went over its cap, as the engine judges it (BuildWeek.over_cap_km:
    the distance the runner chose, at the precision shown); 0 when it did not."""


def weekly_volumes(timeline: Timeline) -> tuple[WeekVolume, ...]:
    """Every week from the first week with running to the current week, oldest first."""
    facts = timeline.facts
    today = timeline.today
    if not facts.weekly_km:
        return ()
    first = min(facts.weekly_km)
    this_monday = load.week_start(today)
    build_start = timeline.replay.build_start
    weeks: list[WeekVolume] = []
    monday = first
    while monday <= this_monday:
        km = facts.week_km(monday)
        build: BuildWeek | None = None
        end = min(today, monday + timedelta(days=6))
        if build_start is not None and end >= build_start:
            build = build_week_on(timeline.replay, end)
        weeks.append(
            WeekVolume(
                week_start=monday,
                km=km,
                build_week=build.week if build else None,
                cap_km=build.cap_km if build else None,
                planned_km=build.planned_volume_km if build else None,
                deload=build.deload if build else False,
                current=monday == this_monday,
                judged_km=build.chosen_km_so_far if build else km,
                over_km=build.over_cap_km(timeline.units) if build else 0.0,
            )
        )
        monday += timedelta(days=7)
    return tuple(weeks)


# ---------------------------------------------------------------------------------------------
# Adherence and streaks.


@dataclass(frozen=True)
class DayActivity:
    """What happened on one date, for the adherence calendar."""

    date: date
    """The date."""
    in_program: bool
    """On or after program day 1 and not after today."""
    checked_in: bool
    """A check-in exists."""
    routine: bool
    """A core or strength routine was logged (warm-up, stretching and relief do not count)."""
    core: bool
    """A core routine (``daily_core`` or ``core_stability``) was logged."""
    cross: bool
    """Cross-training was logged."""
    ran: bool
    """A run-walk or a run was logged."""
    rest: bool
    """The plan asked for rest: paused, acute or a full rest day."""

    @property
    def trained(self) -> bool:
        """Any training session was logged."""
        return self.routine or self.cross or self.ran

    @property
    def adherent(self) -> bool:
        """Checked in, and either a rest day or some training done."""
        return self.in_program and self.checked_in and (self.rest or self.trained)

    @property
    def symbol(self) -> str:
        """One character: R ran, E exercise, Z rest, C check-in only, · nothing; see legend.

        Uppercase means the day also had a check-in, so an uppercase letter is exactly an
        adherent day.
        """
        if not self.in_program:
            return " "
        if self.ran:
            letter = "R"
        elif self.routine or self.cross:
            letter = "E"
        elif self.rest:
            letter = "Z"
        elif self.checked_in:
            return "C"
        else:
            return "·"
        return letter if self.checked_in else letter.lower()


SYMBOL_LEGEND: tuple[tuple[str, str], ...] = (
    ("R", "ran"),
    ("E", "exercise"),
    ("Z", "rest day"),
    ("C", "check-in only"),
    ("·", "nothing"),
)
"""The calendar's characters; lowercase r/e/z mean the same without a check-in."""


def day_activities(timeline: Timeline, first: date, last: date) -> tuple[DayActivity, ...]:
    """What happened on each date from *first* to *last* inclusive."""
    facts = timeline.facts
    start = timeline.profile.start_date
    days: list[DayActivity] = []
    day = first
    while day <= last:
        sessions = facts.sessions_by_date.get(day, ())
        routine = core = cross = ran = False
        for session in sessions:
            if isinstance(session, RoutineLog):
                # The daily core is exercise done, though the rest-day rule does not count it.
                if session.routine_id not in NON_TRAINING_ROUTINES or (
                    session.routine_id in CORE_ROUTINES
                ):
                    routine = True
                if session.routine_id in CORE_ROUTINES:
                    core = True
            elif isinstance(session, CrossLog):
                cross = True
            else:
                ran = True
        in_program = start <= day <= timeline.today
        days.append(
            DayActivity(
                date=day,
                in_program=in_program,
                checked_in=day in facts.checkins,
                routine=routine,
                core=core,
                cross=cross,
                ran=ran,
                rest=in_program and timeline.rest_day(day),
            )
        )
        day += _ONE_DAY
    return tuple(days)


@dataclass(frozen=True)
class Adherence:
    """Adherence over a range of dates."""

    first: date
    """First date of the range."""
    last: date
    """Last date of the range."""
    days: tuple[DayActivity, ...]
    """Every date of the range, oldest first."""
    counted: int
    """Days in the denominator: in the program, and today only once adherent."""
    adherent: int
    """Days with a check-in and the planned work done (rest days count as done)."""
    checkins: int
    """Days with a check-in."""

    @property
    def percent(self) -> float | None:
        """adherent / counted × 100; None when no day counts yet."""
        return self.adherent / self.counted * 100 if self.counted else None


def adherence(timeline: Timeline, first: date, last: date) -> Adherence:
    """Adherence from *first* to *last* (see the module docstring for the definition)."""
    days = day_activities(timeline, first, last)
    counted = adherent = checkins = 0
    for day in days:
        if not day.in_program:
            continue
        checkins += day.checked_in
        if day.adherent:
            adherent += 1
            counted += 1
        elif day.date != timeline.today:
            counted += 1
    return Adherence(first, last, days, counted, adherent, checkins)


def calendar_range(today: date, weeks: int = ADHERENCE_WEEKS) -> tuple[date, date]:
    """The Monday *weeks* − 1 weeks before this week's Monday, and this week's Sunday."""
    monday = load.week_start(today)
    return monday - timedelta(days=7 * (weeks - 1)), monday + timedelta(days=6)


@dataclass(frozen=True)
class Streaks:
    """Current streaks, ending today or yesterday."""

    checkin_days: int
    """Consecutive days with a check-in."""
    core_days: int
    """Consecutive days with a core routine (rest days skipped)."""
    checked_in_today: bool
    """Today's check-in is done."""
    core_today: bool
    """Today's core routine is done."""


def streaks(timeline: Timeline) -> Streaks:
    """The current check-in and core streaks (see the module docstring)."""
    facts = timeline.facts
    today = timeline.today
    start = timeline.profile.start_date

    def core_on(day: date) -> bool:
        return any(
            isinstance(s, RoutineLog) and s.routine_id in CORE_ROUTINES
            for s in facts.sessions_by_date.get(day, ())
        )

    checked_today = today in facts.checkins
    day = today if checked_today else today - _ONE_DAY
    checkin_days = 0
    while day >= start and day in facts.checkins:
        checkin_days += 1
        day -= _ONE_DAY

    core_today = core_on(today)
    day = today if core_today else today - _ONE_DAY
    core_days = 0
    while day >= start:
        if core_on(day):
            core_days += 1
        elif not timeline.rest_day(day):
            break
        day -= _ONE_DAY
    return Streaks(checkin_days, core_days, checked_today, core_today)


# ---------------------------------------------------------------------------------------------
# Events.


@dataclass(frozen=True)
class Event:
    """Something a clinician or the runner would want to find again."""

    date: date
    """When it happened."""
    kind: EventKind
    """red_flag, clearance, flare or stage."""
    title: str
    """A few words."""
    detail: str
    """One sentence."""
    urgent: bool = False
    """A red flag asking for emergency care."""


def _flare_events(timeline: Timeline) -> list[Event]:
    """One event per flare episode, naming what set it off and when acute care ends."""
    facts = timeline.facts
    events: list[Event] = []
    for flare in facts.flares:
        day = flare.start
        causes: list[str] = []
        checkin = facts.checkins.get(day)
        if checkin is not None and is_flare(checkin.pain):
            causes.append(f"check-in pain {checkin.pain}")
        for session in facts.sessions_by_date.get(day, ()):
            pain = session_pain(session)
            if not is_flare(pain):
                continue
            if isinstance(session, RunWalkLog | RunLog):
                name = "run-walk" if isinstance(session, RunWalkLog) else "run"
                causes.append(
                    f"{name} pain {session.pain_during} during, {session.pain_after} after"
                )
            elif isinstance(session, RoutineLog):
                causes.append(f"{session.routine_id} routine pain {pain}")
        cause = "; ".join(causes) or f"pain of {FLARE_PAIN} or more"
        events.append(
            Event(
                day,
                "flare",
                f"Flare, pain {max(_pains_on(timeline, day))}",
                f"{cause[0].upper()}{cause[1:]}; acute care until {flare.acute_until.isoformat()}.",
            )
        )
    return events


def _pains_on(timeline: Timeline, day: date) -> list[int]:
    """Every pain value logged on *day* (check-in and sessions)."""
    pains: list[int] = []
    checkin = timeline.facts.checkins.get(day)
    if checkin is not None:
        pains.append(checkin.pain)
    for session in timeline.facts.sessions_by_date.get(day, ()):
        if isinstance(session, RunWalkLog | RunLog):
            pains += [session.pain_during, session.pain_after]
        elif isinstance(session, RoutineLog):
            pains += [p for p in (session.pain_during, session.pain_after) if p is not None]
    return pains or [FLARE_PAIN]


def _stage_events(timeline: Timeline) -> list[Event]:
    """One event per change of program phase or run-walk stage, as the replay reports them."""
    events: list[Event] = []
    for change in timeline.replay.changes:
        stage = change.previous_stage
        if change.phase != change.previous_phase:
            if change.phase == "run_walk":
                title = "Phase 2 began (stage 1)"
                detail = "The gates to run-walk intervals were met on the check-in."
                stage = 1
            else:
                title = "Build phase began"
                detail = "Continuous running from today, each week at most 10% more."
            events.append(Event(change.date, "stage", title, detail))
        if change.phase == "run_walk" and change.stage != stage:
            direction = "up" if change.stage > stage else "down"
            events.append(
                Event(
                    change.date,
                    "stage",
                    f"Stage {stage} → {change.stage} ({direction})",
                    change.reason,
                )
            )
    return events


def events(timeline: Timeline) -> tuple[Event, ...]:
    """Red flags, clearances, flares and stage changes, oldest first."""
    facts = timeline.facts
    found: list[Event] = []
    for day, checkin in facts.checkins.items():
        if checkin.red_flags:
            named = wording.name_flags(checkin.red_flags)
            urgent = wording.is_urgent(checkin.red_flags)
            found.append(
                Event(
                    day,
                    "red_flag",
                    named[0].upper() + named[1:],
                    f"Reported {named}; "
                    + (
                        "told to seek emergency care now; "
                        if urgent
                        else "told to stop running and see a healthcare provider; "
                    )
                    + "paused until a professional's clearance.",
                    urgent=urgent,
                )
            )
    for mistake in facts.mistakes:
        named = wording.name_flags(mistake.flags) or "a red flag"
        when = f" at {mistake.made_at:%H:%M}" if mistake.made_at is not None else ""
        found.append(
            Event(
                mistake.date,
                "withdrawal",
                f"Withdrawn: {named}",
                f"Red flag answered by mistake ({named}), withdrawn by the runner{when} the "
                "same day; not a professional's clearance"
                + (f". Note: {mistake.note}" if mistake.note else "")
                + ".",
                urgent=wording.is_urgent(mistake.flags),
            )
        )
    cleared = {p.cleared: p.start for p in timeline.replay.pauses if p.cleared is not None}
    for day in sorted(facts.clearances):
        if day in cleared:
            paused_days = (day - cleared[day]).days
            span = f"{paused_days} paused day{'s' if paused_days != 1 else ''}"
            title = f"Cleared after {span}"
            detail = (
                f"Assessed and cleared by a professional after {span} "
                f"(paused since {cleared[day].isoformat()}); the program resumed."
            )
        else:
            title = "Cleared"
            detail = "Assessed and cleared by a professional (nothing was paused)."
        found.append(Event(day, "clearance", title, detail))
    found += _flare_events(timeline)
    found += _stage_events(timeline)
    order = {kind: i for i, kind in enumerate(EVENT_KINDS)}
    found.sort(key=lambda e: (e.date, order[e.kind]))
    return tuple(found)


def clearance_notes(history: History, first: date, last: date) -> dict[date, list[str]]:
    """The notes recorded with clearances dated from *first* to *last*."""
    notes: dict[date, list[str]] = {}
    for clearance in history.clearances:
        if clearance.reason == "professional" and first <= clearance.date <= last:
            notes.setdefault(clearance.date, [])
            if clearance.note:
                notes[clearance.date].append(clearance.note)
    return notes


# ---------------------------------------------------------------------------------------------
# Shoes.


@dataclass(frozen=True)
class ShoeWear:
    """One pair's distance against the 300 mi and 500 mi marks."""

    name: str
    """The pair's name."""
    total_km: float
    """Start distance plus every run and run-walk logged with it."""
    status: load.ShoeStatus
    """ok, replace_soon (300 mi / 483 km) or replace_now (500 mi / 805 km)."""
    added: date | None
    """When the pair was added."""
    sessions: int
    """Runs and run-walks logged with the pair."""


def shoe_wear(timeline: Timeline) -> tuple[ShoeWear, ...]:
    """Each pair known on today, with its total and wear status, in the engine's order."""
    facts = timeline.facts
    totals = load.shoe_totals_km(facts.shoes, facts.sessions)
    counts: dict[str, int] = {}
    for session in facts.sessions:
        if isinstance(session, RunLog | RunWalkLog) and session.shoe:
            key = session.shoe.strip().casefold()
            counts[key] = counts.get(key, 0) + 1
    pairs = sorted(facts.shoes, key=lambda s: (s.added or date.min, s.name.casefold()))
    return tuple(
        ShoeWear(
            name=shoe.name,
            total_km=totals.get(shoe.name, shoe.start_distance_km),
            status=load.shoe_status(totals.get(shoe.name, shoe.start_distance_km)),
            added=shoe.added,
            sessions=counts.get(shoe.name.strip().casefold(), 0),
        )
        for shoe in pairs
    )


# ---------------------------------------------------------------------------------------------
# Where you are.


def milestones(timeline: Timeline) -> tuple[str, ...]:
    """What comes next: gates, stage 3 by day 15, the build start, build week and next deload."""
    plan = timeline.plan
    profile = timeline.profile
    units = profile.units
    start = profile.start_date
    today = timeline.today
    day = plan.day
    lines: list[str] = []
    if plan.phase == "paused" and plan.paused_since is not None:
        lower = " (run-walk resumes one stage lower)" if plan.program_phase == "run_walk" else ""
        lines.append(
            f"Paused since {plan.paused_since.isoformat()}: record a professional's clearance "
            f"to resume{lower}."
        )
    if plan.phase == "acute" and plan.acute_until is not None:
        lines.append(f"Acute care until the end of {plan.acute_until.isoformat()}.")
    phase = plan.program_phase
    if day <= 0:
        lines.append(f"Your program starts on {start.isoformat()} (day 1).")
    elif phase == "movement":
        gates_day = start + timedelta(days=GATES_FROM_DAY - 1)
        if day < GATES_FROM_DAY:
            lines.append(
                f"Next: the gates to run-walk are checked from day {GATES_FROM_DAY} "
                f"({gates_day.isoformat()}, {_in_days((gates_day - today).days)})."
            )
        else:
            missing = ", ".join(wording.GATE_TEXT[g] for g in plan.gates_missing)
            lines.append(
                "Next: phase 2 once a check-in meets every gate"
                + (f"; missing: {missing}." if missing else ".")
            )
    elif phase == "run_walk":
        stage = plan.current_stage or 1
        target = start + timedelta(days=TARGET_STAGE3_DAY - 1)
        if stage < TOP_STAGE:
            when = (
                _in_days((target - today).days)
                if target > today
                else "today"
                if target == today
                else "target passed; one stage per pain-free session"
            )
            lines.append(
                f"Next: stage 3 by day {TARGET_STAGE3_DAY} ({target.isoformat()}, {when})."
            )
        build_day = start + timedelta(days=BUILD_FROM_DAY - 1)
        lines.append(
            f"Then: the build phase from day {BUILD_FROM_DAY} ({build_day.isoformat()}) after "
            "a stage-3 session with pain below 2."
        )
    elif phase == "build":
        week = plan.build or _current_build_week(timeline)
        if week is not None:
            planned = (
                load.format_distance(week.planned_volume_km, units)
                if week.planned_volume_km is not None
                else "no basis yet (keep runs short and easy)"
            )
            lines.append(
                f"Build week {week.week}: planned {planned}, "
                f"logged {load.format_distance(week.actual_km_so_far, units)} so far."
            )
            if week.deload:
                lines.append("This week is a deload week (0.75 × last week).")
            next_deload = (week.week // load.DELOAD_EVERY_WEEKS + 1) * load.DELOAD_EVERY_WEEKS
            first = week.week_start + timedelta(days=7 * (next_deload - week.week))
            lines.append(f"Next scheduled deload: build week {next_deload}, from {first}.")
    return tuple(lines)


def _in_days(days: int) -> str:
    """'in 1 day', 'in 4 days'."""
    return f"in {days} day{'s' if days != 1 else ''}"


def _current_build_week(timeline: Timeline) -> BuildWeek | None:
    """The build week holding today, also on paused and acute days (the plan hides it then)."""
    return build_week_on(timeline.replay, timeline.today)


# ---------------------------------------------------------------------------------------------
# The dashboard.


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard shows, computed once per data change."""

    today: date
    """The date computed for."""
    profile: Profile
    """The profile."""
    plan: DayPlan
    """Today's plan."""
    phase_title: str
    """The phase in a few words."""
    milestones: tuple[str, ...]
    """What comes next."""
    pain: tuple[PainPoint, ...]
    """Every check-in's pain with its 7-day average, oldest first."""
    session_pain: tuple[SessionPain, ...]
    """Pain logged with sessions, oldest first."""
    weeks: tuple[WeekVolume, ...]
    """Weekly volume from the first running week, oldest first."""
    adherence: Adherence
    """The last 12 Monday–Sunday weeks."""
    streaks: Streaks
    """Current streaks."""
    events: tuple[Event, ...]
    """Red flags, clearances, flares and stage changes, oldest first."""
    shoes: tuple[ShoeWear, ...]
    """Each pair's wear."""
    checkin_count: int
    """How many dates have a check-in."""
    session_count: int
    """How many sessions were logged."""
    load_context: tuple[str, ...] = ()
    """Lines under the load bars about what they leave out (load_context)."""

    @property
    def empty(self) -> bool:
        """True for a new user: nothing logged yet."""
        return self.checkin_count == 0 and self.session_count == 0

    @property
    def over_cap_weeks(self) -> tuple[WeekVolume, ...]:
        """Build weeks that went over their 10% cap."""
        return tuple(w for w in self.weeks if w.over_km > 0)

    @property
    def recent_over_cap_week(self) -> WeekVolume | None:
        """The latest over-cap week when it is this week or last week (the ones the plan still
        warns about), else None."""
        over = self.over_cap_weeks
        if over and over[-1].week_start >= self.today - timedelta(days=RECENT_OVER_DAYS):
            return over[-1]
        return None


def load_context(
    pre_program: Sequence[ImportedActivity], pending: int, units: Units
) -> tuple[str, ...]:
    """What the weekly load leaves out, a line each: imported activities from before day 1
    (context, never judged) and imported runs still waiting for their pain (not counted)."""
    lines = []
    if pre_program:
        km = math.fsum(a.distance_km for a in pre_program)
        first, last = min(a.date for a in pre_program), max(a.date for a in pre_program)
        lines.append(
            wording.pre_program_context(
                len(pre_program), load.format_distance(km, units), first, last
            )
        )
    if pending:
        lines.append(wording.pending_context(pending))
    return tuple(lines)


def compute_dashboard(
    profile: Profile,
    history: History,
    today: date,
    *,
    pre_program: Sequence[ImportedActivity] = (),
    pending: int = 0,
) -> DashboardData:
    """Every aggregate of the dashboard from one replay of the history (the one entry point);
    *pre_program* and *pending* (imported activities that are not logs) only as context."""
    timeline = analyse(profile, history, today)
    facts = timeline.facts
    first, last = calendar_range(today)
    return DashboardData(
        today=today,
        profile=profile,
        plan=timeline.plan,
        phase_title=phase_title(timeline.plan),
        milestones=milestones(timeline),
        pain=pain_series({d: c.pain for d, c in facts.checkins.items()}),
        session_pain=session_pains(facts.sessions),
        weeks=weekly_volumes(timeline),
        adherence=adherence(timeline, first, last),
        streaks=streaks(timeline),
        events=events(timeline),
        shoes=shoe_wear(timeline),
        checkin_count=len(facts.checkins),
        session_count=len(facts.sessions),
        load_context=load_context(pre_program, pending, profile.units),
    )


GLANCE_TREND_DAYS = 28
"""The pain trend compares today's 7-day average with the one this many days earlier."""
GLANCE_TREND_STEP = 0.5
"""A change of the 7-day average smaller than this reads as steady."""


def at_a_glance(data: DashboardData) -> tuple[str, str, str]:
    """One line each: am I getting better, am I doing the work, am I overloading?"""
    if not data.pain:
        better = "Pain: no check-ins yet - press c each morning to see your trend."
    else:
        latest = data.pain[-1]
        earlier = [p for p in data.pain if p.date <= data.today - timedelta(GLANCE_TREND_DAYS)]
        if not earlier:
            better = f"Pain: 7-day average {latest.average:.1f}/10 (a trend needs 4 weeks)."
        else:
            change = latest.average - earlier[-1].average
            if change <= -GLANCE_TREND_STEP:
                word = "↓ better"
            elif change >= GLANCE_TREND_STEP:
                word = "↑ WORSE"
            else:
                word = "= steady"
            better = (
                f"Pain: {word} - 7-day average {latest.average:.1f}/10, "
                f"was {earlier[-1].average:.1f} four weeks ago."
            )
    percent = data.adherence.percent
    work = (
        f"Work: done {data.adherence.adherent} of {data.adherence.counted} days "
        f"({percent:.0f}%) · check-in streak {data.streaks.checkin_days} d."
        if percent is not None
        else "Work: nothing to count yet - check in and follow today's plan."
    )
    units = data.profile.units
    recent = data.recent_over_cap_week
    current = next((w for w in data.weeks if w.current), None)
    if recent is not None:
        overload = (
            f"Load: ⚠ OVER the 10% cap by {load.format_distance(recent.over_km, units)} "
            f"in the week of {recent.week_start:%d %b} - ease off."
        )
    elif current is not None and current.planned_km is not None:
        overload = (
            f"Load: ✓ within the 10% rule - {load.format_distance(current.km, units)} of "
            f"{load.format_distance(current.planned_km, units)} planned this week."
        )
    elif data.weeks:
        overload = "Load: ✓ no recent week over its 10% cap."
    else:
        overload = "Load: no running logged yet."
    return better, work, overload
