"""The plan engine: ``plan_for(profile, history, date) -> DayPlan``, a pure function.

Every rule of ``protocol.md`` is implemented here and names its section in a comment.  The
engine replays the history once, in date order, from the first record to the asked date; it
reads no clock, does no I/O and keeps no state between calls, so the same profile, history and
date always give the same plan.  Records dated after the asked date are ignored, and nothing
depends on the order of the lists in :class:`History`: check-ins are merged per date, sessions
are sorted on a total key, and sums use ``math.fsum``.

The public interface for everything that reads the history through the protocol (the plan,
the dashboard's aggregates, the report, a projection of the road ahead):

- :func:`replay` ``(profile, history, until, *, on_day=None) -> Replay`` — the one day-by-day
  replay (:class:`_Replayer`; :func:`plan_for` and :func:`decide_next_stage` use it too).  The
  :class:`Replay` holds the merged, indexed history (:class:`Facts`), the state at the end of
  *until* (:class:`DayFacts`), every :class:`StageChange` with its reason, every
  :class:`Pause` and the deload weeks; *on_day* receives the :class:`DayFacts` of every date.
- :func:`day_plan` ``(replay) -> DayPlan`` — the plan for the replay's last date;
  :func:`build_week_on` ``(replay, on)`` — the build week holding a date.
- The rules others need stated once: :func:`is_flare`, :func:`session_pain`,
  :func:`is_training`, :func:`rest_day_due`, :func:`sorted_sessions`.

The words a plan shows (phase titles, stage descriptions, gates) live in
:mod:`runback_tui.domain.wording`; warnings and reasons are worded here, with the rule that
raises them.

Choices where protocol.md leaves room (each is the safer reading):

- **Two check-ins for one date** (should not happen): merged — highest pain and stiffness,
  the union of red flags, a gate holds only if every check-in that day says so, and pain
  medication counts if any says so.
- **Red flag and clearance on the same date**: a clearance dated on or after the red flag clears
  it, so that date is not paused.  Each pause (from the first uncleared red flag to its
  clearance) lowers the run-walk stage once, however many red flags it holds.  The emergency
  wording (``red_flag_urgent``) stays until the clearance.  A red flag during the build phase
  also makes the week of the clearance a deload week (protocol.md only asks for a stage lower).
- **Red flags stand** (v2): every writer of a check-in keeps an earlier red flag of that date
  (``limits.standing_red_flags``), so the engine sees it on the check-in.  A clearance with
  reason ``mistake`` lifts no pause: the Store took its flags off the check-in when it was
  made (same date only), and one found in a hand-edited file beside a flagged check-in leaves
  the plan paused.  Only ``professional`` clearances count below.
- **Paused and acute days**: sessions logged on them never move the stage up; one with pain
  ≥ 4 still starts a flare.  While paused only ``rest`` is offered (no run-walk, strength or
  exercise routine); acute days offer ``relief`` then ``ice``.  ``build`` is null on paused
  and acute days (interface.md: null outside the build phase); ``program_phase`` keeps the
  phase underneath.
- **Flare triggers** include routine logs with pain ≥ 4 (any "logged session").  Overlapping
  48-hour windows form one flare episode, which lowers the stage once.  In the build phase the
  week the runner returns in (trigger day + 2) becomes a deload week.
- **Phase 1 gates** count only a check-in dated program day 8 or later, with no red flag on it;
  the latest check-in must also fall on a day that is neither acute nor paused (judged over
  the whole day, so a flare logged later that day fails the gates and they are asked again on
  the next check-in).  A day with no check-in yet on or after day 8 lists every gate as
  missing.  Before day 1 the plan is phase 1 with a note that the program has not started.
  Cross-training alternates by program day: pool running on odd days, easy cycling on even
  days (either counts).
- **Run-walk stage after a session** is judged against ``min(planned stage, logged stage)``:
  a pain-free completed session moves one stage up from that, a repeat stays there, a flare
  starts from there.  Several run-walk sessions on one date are judged together by the worst
  of them, so a date moves the stage up at most once.
- **Exit to build** needs a completed stage-3 session with pain during and after below 2 at a
  planned stage of 3, on a day that is neither acute nor paused, and it must be the latest
  run-walk date: a later repeat (pain 2–3, stopped early), flare, pause or missed-week
  step-back cancels it until the next such session.  The build starts on the later of program
  day 22 and the day after that session (so the day of the session itself stays a run-walk
  day); a flare or red flag on that very day postpones it.
- **No run-walk the day after a run-walk** also applies after a continuous run (``RunLog``),
  and carries into the build phase: a run is suggested only when the day before had no run or
  run-walk (alternate-day running).
- **Missed week** (phase 2): after 7 full days without a run or run-walk (counted from the
  last session, the end of a flare's 48 hours or a clearance, whichever is latest), the stage
  goes one lower, and once more for every further 7 days (minimum stage 1).  A flare or pause
  already lowers the stage, so the gap it covers is not counted again.
- **Rest-day rule** (all phases): strength sessions are every routine except ``pre_run``,
  ``post_run``, ``desk_mobility``, ``relief`` (warm-up, stretching, mobility, flare relief) and
  the daily core (``daily_core``, ``core_stability``: prescribed every day, v2); unknown routine
  ids count as strength.  A rest day offers rest, stretching and the daily core.  Sessions
  ended early count.  Because any 7 days in a row then hold a rest day, every Monday–Sunday
  week has at least one (protocol.md §6).
- **Build weeks** (v2): build week 1 is the first Monday–Sunday week starting on or after the
  first build day. The build days before that Monday are the *lead-in* (``BuildWeek.week`` 0):
  planned at 1.10 × the Monday–Sunday week before the first build day's week, times days / 7 (or
  the starting weekly distance pro rata); a flare deload makes it 0.75 of that. Build week 1's
  basis is the week holding the first build day (phase 2 and lead-in together). With no distance
  logged there, the profile's ``starting_weekly_km`` is the first week's planned volume as
  entered (not × 1.10); without it the planned volume is unknown (``None``). Planned volumes are
  rounded down to 10 m. A deload week plans 0.75 × the previous week's *actual* volume, so it is
  always within the 10% cap. A week after a week with no logged distance (a missed week) has no
  basis for the 10% rule: its planned volume is ``None`` and the runner is told to keep runs
  short and easy.
- **10% warning**: a build week whose logged distance exceeds 1.10 × the previous week's actual
  volume (its cap) warns, on every day of that week and of the following week.  It is judged
  at the precision shown (0.1 of the profile's unit, both sides rounded) on the distance the
  runner chose: run-walk sessions dated before the build start were prescribed and are left
  out (v2).
- **Single-run spike** (v2): a continuous run in the build phase longer, as shown, than 1.10 ×
  the longest run or run-walk distance of the 30 days before it warns on its day and the six
  after; the day's plan names that limit (``longest_run_km``) whenever the 30 days hold one.
- **Next-morning response** (v2): the first check-in dated after a run-walk or run day is
  compared with the latest check-in on or before that day (0 when there is none, the safer
  reading); 2 or more higher turns that day's progression (or its qualifying stage-3 session)
  into a repeat.  It applies only while nothing happened since: still phase 2 at the stage the
  decision set (a missed-week step or an earlier build start is not undone).
- **Heat** (v2): stiffness ≥ 5 on the date's own check-in, on a day neither acute nor paused,
  adds ``heat`` after the day's other activities.
- **Done** (v2): the activity id of every session dated that day, once each, in the order they
  were logged (``logged_at``; the stored order for logs without one).  Going over a
  deload target but not over the cap does not warn, so a week turned into a deload after the
  fact (a flare) never warns for runs logged before it.
- **Strength in build**: ``posterior_chain`` is suggested while fewer than 3 were logged this
  week, never on two days in a row; ``core_stability`` every non-rest day.
- **Stretching** on non-running days (phase-2 off days, rest days, and as wanted in phase 1)
  is the ``desk_mobility`` routine; ``post_run`` is only offered after a run.
- **Stage fields**: ``stage`` is the session due today (null when none is due);
  ``current_stage`` is the stage at the start of the day (phase 2 only), ``next_stage`` the
  stage once today's logs count.
- **running_allowed** is true exactly when today's activities hold ``run_walk`` or ``run``
  (false on rest days, the day after a run-walk, while paused or acute, and in phase 1).
- **Stage 1's length**: protocol.md's table says "20 min" total for 10 × (1 min run + 2 min
  walk), which is 30 min; the engine uses the run, walk and repeats columns (as interface.md's
  example does), so ``Stage.total_s`` is 1800 s for stage 1.
- **Shoes** are compared with 300 mi and 500 mi exactly (482.8 km and 804.7 km); a pair added
  after the asked date is ignored.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from runback_tui.domain import load, wording
from runback_tui.domain.limits import GateKey, Phase
from runback_tui.domain.models import (
    URGENT_RED_FLAGS,
    CheckIn,
    Clearance,
    CrossLog,
    History,
    Profile,
    RoutineLog,
    RunLog,
    RunWalkLog,
    Shoe,
    Units,
    from_km,
    to_km,
)

ProgramPhase = Literal["movement", "run_walk", "build"]
"""The program phase underneath a pause or a flare."""
WarningCode = Literal[
    "red_flag",
    "red_flag_urgent",
    "history_advisory",
    "persistent_pain",
    "flare",
    "gate_missing",
    "ten_percent_rule",
    "long_run_spike",
    "shoe_replace_soon",
    "shoe_replace_now",
]
"""Codes of the warnings and advisories a plan can carry."""
StageOutcome = Literal["progress", "repeat", "step_back", "flare", "build"]
"""What a run-walk session means for the next session."""

FLARE_PAIN = 4
"""Pain at or above this starts a flare (protocol.md §3)."""
PROGRESS_PAIN_BELOW = 2
"""Pain during and after must be below this to progress a stage (protocol.md §5)."""
PERSISTENT_PAIN = 3
"""Pain at or above this on every one of the last check-ins is persistent (protocol.md §2)."""
PERSISTENT_CHECKINS = 14
"""How many check-ins the persistent-pain advisory looks at (protocol.md §2)."""
GATES_FROM_DAY = 8
"""First program day the phase-1 gates are checked (protocol.md §4)."""
BUILD_FROM_DAY = 22
"""First program day the build phase may start (protocol.md §5)."""
REST_AFTER_DAYS = 6
"""A day after this many training days in a row is a full rest day (protocol.md §5)."""
MISSED_WEEK_DAYS = 7
"""Full days without running after which the run-walk stage steps back (app rule)."""
STRENGTH_PER_WEEK = 3
"""Most posterior-chain sessions suggested per build week (protocol.md §6: 2–3)."""
TOP_STAGE = 3
"""The highest run-walk stage."""
HEAT_STIFFNESS = 5
"""Stiffness at or above this on a check-in adds heat to a day that is not acute (§3, v2)."""
MORNING_RISE = 2
"""Pain this much higher the morning after a session makes it a repeat (§5 next-morning)."""
SPIKE_FACTOR = 1.10
"""A run longer than this times the longest of the previous 30 days is a spike (§6)."""
SPIKE_LOOKBACK_DAYS = 30
"""How far back the single-run spike looks for the longest run (§6)."""
SPIKE_WARN_DAYS = 7
"""A spike stays on the plan this many days, counting the day of the run."""

NON_TRAINING_ROUTINES = frozenset(
    {"pre_run", "post_run", "desk_mobility", "relief", "daily_core", "core_stability"}
)
"""Routines the rest-day rule does not count: warm-up, stretching, mobility, flare relief, and
the daily core prescribed every day (``daily_core``, and ``core_stability`` as the build
phase's daily core; protocol.md §5 v2)."""

GATE_KEYS: tuple[GateKey, ...] = ("walked_30_pain_free", "single_leg_bridge_ok", "no_pain_meds")
"""The phase-1 gates in question order (``wording.GATE_TEXT`` words them)."""

_WARNING_ORDER: tuple[WarningCode, ...] = (
    "red_flag_urgent",
    "red_flag",
    "flare",
    "persistent_pain",
    "history_advisory",
    "gate_missing",
    "ten_percent_rule",
    "long_run_spike",
    "shoe_replace_now",
    "shoe_replace_soon",
)

UNLOGGED_ACTIVITIES = frozenset({"rest", "ice", "heat"})
"""Activities of a plan that no session log records (ice has its own timer log)."""

_ONE_DAY = timedelta(days=1)
_Date = date
"""``date`` under a name the ``DayPlan.date`` field does not shadow."""


def _shown(km: float, units: Units) -> float:
    """*km* in *units* as the runner sees it: rounded to 0.1."""
    return float(f"{from_km(km, units):.1f}")


@dataclass(frozen=True)
class Stage:
    """A run-walk stage (protocol.md §5 table)."""

    number: int
    """Stage 1–3."""
    run_s: int
    """Seconds of running per repeat."""
    walk_s: int
    """Seconds of walking per repeat."""
    repeats: int
    """How many run+walk repeats."""

    @property
    def total_s(self) -> int:
        """The session's interval time in seconds (warm-up and stretches not counted)."""
        return (self.run_s + self.walk_s) * self.repeats

    def to_json(self) -> dict[str, int]:
        """The stage as interface.md's ``stage`` object."""
        return {
            "number": self.number,
            "run_s": self.run_s,
            "walk_s": self.walk_s,
            "repeats": self.repeats,
        }


STAGES: dict[int, Stage] = {
    1: Stage(number=1, run_s=60, walk_s=120, repeats=10),
    2: Stage(number=2, run_s=120, walk_s=60, repeats=8),
    3: Stage(number=3, run_s=180, walk_s=60, repeats=6),
}
"""The run-walk stages of protocol.md §5."""


@dataclass(frozen=True)
class BuildWeek:
    """The build-phase week a date falls in (protocol.md §6)."""

    week: int
    """Build week number N, 1 for the week holding the first build day."""
    week_start: date
    """The week's Monday."""
    planned_volume_km: float | None
    """Planned distance for the week in km; None when there is no basis for one."""
    cap_km: float | None
    """The 10% cap (1.10 × the previous week's actual km); None when there is no basis."""
    deload: bool
    """True for every 4th build week and for a week after a flare."""
    previous_week_km: float
    """Distance logged in the previous Monday–Sunday week."""
    actual_km_so_far: float
    """Distance logged this week up to and including the plan's date."""
    chosen_km_so_far: float = 0.0
    """The part the 10% rule judges: run-walk sessions of phase 2, done as the plan prescribed,
    are left out (protocol.md §6 v2)."""
    lead_in_days: int = 0
    """For the build days before build week 1's Monday (``week`` 0): how many there are."""

    @property
    def lead_in(self) -> bool:
        """The build days before the first Monday–Sunday build week (planned pro rata)."""
        return self.week == 0

    @property
    def label(self) -> str:
        """'build week 3', or 'the build lead-in' for the days before week 1."""
        return wording.build_week_name(self.week)

    def over_cap_km(self, units: Units) -> float:
        """By how much the judged distance went over the cap, at the precision shown (0.1 of the
        profile's unit), in km; 0.0 when it did not (protocol.md §6: +10 % exactly never warns).
        """
        if self.cap_km is None:
            return 0.0
        shown = _shown(self.chosen_km_so_far, units)
        cap = _shown(self.cap_km, units)
        return to_km(shown - cap, units) if shown > cap else 0.0

    def to_json(self) -> dict[str, Any]:
        """The week as interface.md's ``build`` object."""
        return {
            "week": self.week,
            "planned_volume_km": self.planned_volume_km,
            "deload": self.deload,
        }


@dataclass(frozen=True)
class PlanWarning:
    """A warning or advisory in force on a date."""

    code: WarningCode
    """One of the codes in interface.md."""
    message: str
    """Plain-language text naming the reason and what to do."""

    def to_json(self) -> dict[str, str]:
        """The warning as interface.md's ``warnings[]`` object."""
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class DayPlan:
    """Everything the engine says about one date (protocol.md §8)."""

    date: date
    """The date planned."""
    day: int
    """Program day: 1 on the profile's start date, 0 or less before it."""
    phase: Phase
    """What the day shows: paused, acute, or the program phase."""
    program_phase: ProgramPhase
    """The program phase underneath a pause or flare."""
    running_allowed: bool
    """True exactly when a run-walk or run is on today's plan."""
    stage: Stage | None
    """The run-walk session due today, else None."""
    current_stage: int | None
    """The run-walk stage the runner is at today (phase 2 only), even without a session due."""
    next_stage: int | None
    """The stage of the next run-walk session once today's logs count (phase 2 only)."""
    activities: tuple[str, ...]
    """Routine ids and activities in the order to do them."""
    build: BuildWeek | None
    """The build week, only when the day's phase is build."""
    warnings: tuple[PlanWarning, ...]
    """Every warning and advisory in force, most urgent first."""
    gates_missing: tuple[GateKey, ...]
    """Phase-1 gates not met on the latest check-in (program day 8 on, phase 1 only)."""
    acute_until: _Date | None
    """Last day of the 48-hour acute window when the date is acute."""
    paused_since: _Date | None
    """Date of the first uncleared red flag when the date is paused."""
    rest_day: bool
    """True when today is a full rest day (6 training days in a row before it)."""
    checked_in: bool
    """A check-in exists for the date."""
    reasons: tuple[str, ...]
    """Short explanations of why the plan is what it is."""
    done: tuple[str, ...] = ()
    """Activity ids logged on the date, in the order they were logged (protocol.md §8)."""
    done_at: tuple[datetime | None, ...] = ()
    """When each of *done* was logged (None for logs from before schema 2)."""
    longest_run_km: float | None = None
    """Build phase: the longest run today that stays within the single-run spike rule."""
    red_flags_in_force: tuple[str, ...] = ()
    """While paused: every red flag reported since the pause began, in question order."""

    def to_json(self) -> dict[str, Any]:
        """Exactly the ``runback today --json`` object of interface.md."""
        return {
            "date": self.date.isoformat(),
            "day": self.day,
            "phase": self.phase,
            "running_allowed": self.running_allowed,
            "stage": self.stage.to_json() if self.stage is not None else None,
            "activities": list(self.activities),
            "done": list(self.done),
            "build": self.build.to_json() if self.build is not None else None,
            "warnings": [w.to_json() for w in self.warnings],
        }

    @property
    def complete(self) -> bool:
        """Every activity on the plan that is logged as a session is done (rest, ice and heat
        are not session logs, so they are not waited for)."""
        todo = [a for a in self.activities if a not in UNLOGGED_ACTIVITIES]
        return bool(todo) and all(a in self.done for a in todo)

    def warning_codes(self) -> tuple[WarningCode, ...]:
        """The codes of the plan's warnings, in order."""
        return tuple(w.code for w in self.warnings)


@dataclass(frozen=True)
class StageDecision:
    """What a finished run-walk session means for the next one (protocol.md §5)."""

    outcome: StageOutcome
    """progress, repeat, step_back, flare, or build (phase 3 is next)."""
    stage_done: int
    """The stage of the session judged."""
    next_stage: int | None
    """Stage of the next run-walk session; None outside phase 2."""
    reason: str
    """One line explaining the decision."""
    build_from: date | None = None
    """First build day when the outcome is build."""


# ---------------------------------------------------------------------------------------------
# Facts: the history, filtered to the date and put in a canonical order.


def flare_acute_on(history: History, today: date) -> bool:
    """protocol.md §3: whether a flare's 48 hours reach *today* (its episodes, as the plan has
    them: triggers within two days are one, acute to the day after the last), so the advice
    after a flare logged for an earlier date (an imported file, ``--date``) agrees with it."""
    return any(f.start <= today <= f.acute_until for f in Facts.collect(history, today).flares)


def is_flare(pain: int | None) -> bool:
    """protocol.md §3 Flare: pain at or above :data:`FLARE_PAIN` (4), on a check-in or any
    logged session, starts a flare; no pain logged (None) never does."""
    return pain is not None and pain >= FLARE_PAIN


@dataclass(frozen=True)
class DayCheckIn:
    """All check-ins of one date merged the safer way: the highest pain and stiffness, every red
    flag, a gate only if every check-in says so, pain medication if any says so."""

    date: date
    """The check-ins' date."""
    pain: int
    """The highest pain 0–10."""
    red_flags: frozenset[str]
    """Every red flag reported."""
    stiffness: int
    """The highest stiffness 0–10, -1 when none was logged."""
    walked_30_pain_free: bool
    """Gate: walked 30 minutes without pain."""
    single_leg_bridge_ok: bool
    """Gate: single-leg bridges without discomfort."""
    pain_meds_for_daily_life: bool
    """Pain medication needed for daily activities (the third gate, when False)."""

    def gates_missing(self) -> tuple[GateKey, ...]:
        """The gates this check-in does not meet, in protocol order."""
        missing: list[GateKey] = []
        if not self.walked_30_pain_free:
            missing.append("walked_30_pain_free")
        if not self.single_leg_bridge_ok:
            missing.append("single_leg_bridge_ok")
        if self.pain_meds_for_daily_life:
            missing.append("no_pain_meds")
        return tuple(missing)


def _merge_checkins(checkins: Iterable[CheckIn]) -> dict[date, DayCheckIn]:
    """One merged check-in per date: highest pain, all red flags, gates only if all agree."""
    by_date: dict[date, list[CheckIn]] = defaultdict(list)
    for checkin in checkins:
        by_date[checkin.date].append(checkin)
    merged: dict[date, DayCheckIn] = {}
    for day in sorted(by_date):
        group = by_date[day]
        if len(group) == 1:  # the stored case: one check-in a date, nothing to merge
            (one,) = group
            merged[day] = DayCheckIn(
                day,
                one.pain,
                frozenset(one.red_flags),
                -1 if one.stiffness is None else one.stiffness,
                one.walked_30_pain_free,
                one.single_leg_bridge_ok,
                one.pain_meds_for_daily_life,
            )
            continue
        merged[day] = DayCheckIn(
            date=day,
            pain=max(c.pain for c in group),
            red_flags=frozenset(flag for c in group for flag in c.red_flags),
            stiffness=max(c.stiffness if c.stiffness is not None else -1 for c in group),
            walked_30_pain_free=all(c.walked_30_pain_free for c in group),
            single_leg_bridge_ok=all(c.single_leg_bridge_ok for c in group),
            pain_meds_for_daily_life=any(c.pain_meds_for_daily_life for c in group),
        )
    return merged


Session = RunWalkLog | RunLog | RoutineLog | CrossLog


def session_key(session: Session) -> tuple[date, str, str, str]:
    """A total, deterministic order for sessions: date, kind, id, then full content."""
    return (session.date, session.kind, session.id, json.dumps(session.model_dump(mode="json")))


def _short_key(session: Session) -> tuple[date, str, str]:
    """The first three parts of :func:`session_key` (unique in any stored file)."""
    return (session.date, session.kind, session.id)


def sorted_sessions(sessions: Iterable[Session]) -> tuple[Session, ...]:
    """Sessions in :func:`session_key` order, serialising only those that tie without it.

    Ids are unique in a stored file, so the content is almost never needed; sorting by it
    anyway cost more than the rest of the plan on years of history.
    """
    result = sorted(sessions, key=_short_key)
    start = 0
    while start < len(result):
        key = _short_key(result[start])
        end = start + 1
        while end < len(result) and _short_key(result[end]) == key:
            end += 1
        if end - start > 1:
            result[start:end] = sorted(result[start:end], key=session_key)
        start = end
    return tuple(result)


def session_name(session: RunWalkLog | RunLog) -> str:
    """'your stage 2 session logged at 07:40' (the time only when the log has one)."""
    what = f"stage {session.stage} session" if isinstance(session, RunWalkLog) else "run"
    when = f" logged at {session.logged_at:%H:%M}" if session.logged_at is not None else ""
    return f"your {what}{when}"


def session_pain(session: Session) -> int | None:
    """The highest pain a session logged (during or after); None when it logged none."""
    if isinstance(session, RunWalkLog | RunLog):
        return max(session.pain_during, session.pain_after)
    if isinstance(session, RoutineLog):
        values = [p for p in (session.pain_during, session.pain_after) if p is not None]
        return max(values, default=None)
    return None


def is_training(session: Session) -> bool:
    """True for sessions the rest-day rule counts: run-walk, run, cross-training, strength/core
    (every routine but those in :data:`NON_TRAINING_ROUTINES`)."""
    if isinstance(session, RoutineLog):
        return session.routine_id not in NON_TRAINING_ROUTINES
    return True


def _is_running(session: Session) -> bool:
    """True for a run-walk or a continuous run."""
    return isinstance(session, RunWalkLog | RunLog)


def rest_day_due(training_dates: Container[date], on: date) -> bool:
    """protocol.md §5 Rest day: each of the :data:`REST_AFTER_DAYS` dates before *on* had a
    training session (:func:`is_training`), so *on* is a full rest day unless it is paused or
    acute."""
    return all((on - timedelta(days=k)) in training_dates for k in range(1, REST_AFTER_DAYS + 1))


@dataclass(frozen=True)
class Flare:
    """One flare episode (protocol.md §3): a trigger day's 48 hours, with every trigger inside
    them (overlapping windows are one episode, which lowers the stage once)."""

    start: date
    """The first trigger day."""
    triggers: tuple[date, ...]
    """Every trigger day of the episode (pain ≥ 4 on a check-in or a session), in order."""

    @property
    def acute_until(self) -> date:
        """The last acute day: the day after the episode's last trigger."""
        return self.triggers[-1] + _ONE_DAY


@dataclass(frozen=True)
class Facts:
    """The history up to a date, merged (:class:`DayCheckIn`), sorted (:func:`sorted_sessions`)
    and indexed: what every rule of the engine reads."""

    checkins: dict[date, DayCheckIn]
    """One merged check-in per date."""
    clearances: frozenset[date]
    """Dates of professional clearances (only these lift a pause)."""
    mistakes: tuple[Clearance, ...]
    """Red flags withdrawn as answered by mistake, by date (they lift no pause)."""
    sessions_on: tuple[Session, ...]
    """The sessions dated on the last date, in the history's (stored, logged) order."""
    sessions_by_date: dict[date, tuple[Session, ...]]
    """Every session by date, in :func:`session_key` order."""
    sessions: tuple[Session, ...]
    """Every session in :func:`session_key` order."""
    flare_triggers: frozenset[date]
    """Dates with pain ≥ 4 on the check-in or a session (:func:`is_flare`)."""
    flares: tuple[Flare, ...]
    """The flare episodes, oldest first."""
    training_dates: frozenset[date]
    """Dates with a training session (:func:`is_training`)."""
    running_dates: frozenset[date]
    """Dates with a run-walk or a run."""
    strength_dates: frozenset[date]
    """Dates with a posterior-chain session."""
    weekly_km: dict[date, float]
    """Run and run-walk distance per Monday–Sunday week, by its Monday."""
    shoes: tuple[Shoe, ...]
    """The pairs known on the last date."""

    @classmethod
    def collect(cls, history: History, on: date) -> Facts:
        """Filter *history* to records dated on or before *on* and index it."""
        checkins = _merge_checkins(c for c in history.checkins if c.date <= on)
        sessions = sorted_sessions(s for s in history.sessions if s.date <= on)
        by_date: dict[date, list[Session]] = defaultdict(list)
        for session in sessions:
            by_date[session.date].append(session)
        # protocol.md §3 Flare: a check-in with pain ≥ 4 or any logged session with pain ≥ 4.
        triggers = {d for d, c in checkins.items() if is_flare(c.pain)}
        triggers |= {s.date for s in sessions if is_flare(session_pain(s))}
        episodes: list[list[date]] = []
        for day in sorted(triggers):
            # Inside the 48 hours of the previous trigger: the same episode.
            if episodes and day - episodes[-1][-1] <= _ONE_DAY * 2:
                episodes[-1].append(day)
            else:
                episodes.append([day])
        shoes = sorted(
            (s for s in history.shoes if s.added is None or s.added <= on),
            key=lambda s: (s.name.casefold(), s.name, s.start_distance_km, s.added or on),
        )
        return cls(
            checkins=checkins,
            # A mistake withdrawal removed its flags from the check-in; it clears no pause.
            clearances=frozenset(
                c.date for c in history.clearances if c.date <= on and c.reason == "professional"
            ),
            mistakes=tuple(
                sorted(
                    (c for c in history.clearances if c.date <= on and c.reason == "mistake"),
                    key=lambda c: c.date,
                )
            ),
            sessions_on=tuple(s for s in history.sessions if s.date == on),
            sessions_by_date={d: tuple(v) for d, v in by_date.items()},
            sessions=sessions,
            flare_triggers=frozenset(triggers),
            flares=tuple(Flare(e[0], tuple(e)) for e in episodes),
            training_dates=frozenset(s.date for s in sessions if is_training(s)),
            running_dates=frozenset(s.date for s in sessions if _is_running(s)),
            strength_dates=frozenset(
                s.date
                for s in sessions
                if isinstance(s, RoutineLog) and s.routine_id == "posterior_chain"
            ),
            weekly_km=load.weekly_volume_km(sessions),
            shoes=tuple(shoes),
        )

    def acute(self, day: date) -> bool:
        """True when *day* is in a flare's 48 hours: the trigger day or the day after."""
        # protocol.md §3 Flare: acute on the trigger day and the next day.
        return day in self.flare_triggers or (day - _ONE_DAY) in self.flare_triggers

    def acute_until(self, day: date) -> date | None:
        """The last day of the 48 hours *day* is in (its latest trigger's next day), else None."""
        if day in self.flare_triggers:
            return day + _ONE_DAY
        return day if (day - _ONE_DAY) in self.flare_triggers else None

    def rest_day_due(self, day: date) -> bool:
        """protocol.md §5 Rest day: the six dates before *day* each had a training session."""
        return rest_day_due(self.training_dates, day)

    def week_km(self, monday: date) -> float:
        """Distance logged in the week starting *monday*."""
        return self.weekly_km.get(monday, 0.0)


# ---------------------------------------------------------------------------------------------
# Replay: one chronological pass over the dates, the only place the program state advances.


@dataclass(frozen=True)
class StageChange:
    """A change of program phase or run-walk stage made by the replay (protocol.md §4–§6)."""

    date: date
    """When it took effect."""
    phase: ProgramPhase
    """The program phase after it."""
    stage: int
    """The run-walk stage of the next session after it."""
    reason: str
    """The engine's reason for the stage, as the day's plan gives it."""
    previous_phase: ProgramPhase
    """The program phase before it."""
    previous_stage: int
    """The run-walk stage before it."""


@dataclass(frozen=True)
class Pause:
    """protocol.md §2: the plan paused from the first uncleared red flag to its clearance.

    A red flag cleared on its own date pauses no day, so it makes no :class:`Pause`.
    """

    start: date
    """The first paused date (the red flag's)."""
    cleared: date | None
    """The professional's clearance (that date is not paused); None while still paused."""
    flags: frozenset[str]
    """Every red flag reported during the pause (up to the replay's last date)."""


@dataclass(frozen=True)
class DayFacts:
    """The program state at the end of one date, as the replay leaves it (public facts).

    The day's plan (:func:`day_plan`) shows exactly these: its ``phase``, ``program_phase``,
    ``current_stage``, ``next_stage``, ``paused_since``, ``acute_until``, ``rest_day`` and
    ``red_flags_in_force`` are the same.
    """

    date: date
    """The date."""
    day: int
    """Program day: 1 on the profile's start date, 0 or less before it."""
    phase: Phase
    """What the day shows: paused, acute, or the program phase."""
    program_phase: ProgramPhase
    """The program phase underneath a pause or a flare."""
    current_stage: int | None
    """The run-walk stage at the start of the day (phase 2 only)."""
    next_stage: int | None
    """The stage of the next run-walk session once the day's logs count (phase 2 only)."""
    stage_reason: str
    """Why the stage is what it is (the engine's latest decision)."""
    paused_since: _Date | None
    """The first uncleared red flag's date while paused, else None."""
    red_flags_in_force: tuple[str, ...]
    """While paused: every red flag reported since the pause began, in question order."""
    acute_until: _Date | None
    """The last day of the flare's 48 hours while acute, else None."""
    rest_day: bool
    """A full rest day: six training days before it, and neither paused nor acute."""
    build_start: _Date | None
    """The first build day once the build phase has started."""
    changes: tuple[StageChange, ...]
    """The changes of phase or stage dated on this day, in the order made."""

    @property
    def acute(self) -> bool:
        """In a flare's 48 hours."""
        return self.acute_until is not None


DayCallback = Callable[[DayFacts], object]
"""What :func:`replay` calls with each date's facts, in date order."""


@dataclass(frozen=True)
class Replay:
    """The history replayed day by day up to :attr:`until` (:func:`replay`)."""

    profile: Profile
    """The profile replayed."""
    until: date
    """The last date replayed; later records are ignored."""
    facts: Facts
    """The history up to :attr:`until`, merged and indexed."""
    today: DayFacts
    """The state at the end of :attr:`until`."""
    deload_weeks: frozenset[date]
    """Mondays of the weeks a flare or red flag made deload weeks (protocol.md §3, §6)."""
    changes: tuple[StageChange, ...]
    """Every change of phase or stage up to :attr:`until`, oldest first."""
    pauses: tuple[Pause, ...]
    """Every pause up to :attr:`until`, oldest first (the last may still be open)."""

    @property
    def build_start(self) -> date | None:
        """The first build day, None before the build phase."""
        return self.today.build_start

    def program_day(self, day: date) -> int:
        """Program day number of *day* (protocol.md §1)."""
        return (day - self.profile.start_date).days + 1


def replay(
    profile: Profile, history: History, until: date, *, on_day: DayCallback | None = None
) -> Replay:
    """Replay *history* (records dated up to *until*) through the protocol, date by date.

    With *on_day*, the facts of every date from the earlier of program day 1 and the first
    record up to *until* are passed to it in order (the last call is *until*'s): the public
    view of the state the plan engine holds on each day.  Without it only the dates with
    records are visited, which is what :func:`plan_for` needs.  Same input, same result.
    """
    return _replayed(profile, history, until, on_day).result(until)


@dataclass
class _DayDecision:
    """The stage decision of the run-walk sessions of one date."""

    outcome: StageOutcome
    planned: int
    next_stage: int
    reason: str
    build_from: date | None = None


def _replayed(
    profile: Profile, history: History, until: date, on_day: DayCallback | None = None
) -> _Replayer:
    """The replayer, run up to *until* (the one replay behind :func:`replay`, :func:`plan_for`
    and :func:`decide_next_stage`)."""
    replayer = _Replayer(profile=profile, facts=Facts.collect(history, until))
    replayer.run(until, on_day)
    return replayer


@dataclass
class _Replayer:
    """The program state, advanced date by date through the history."""

    profile: Profile
    facts: Facts
    phase: ProgramPhase = "movement"
    stage: int = 1
    stage_reason: str = "Stage 1 first: every return to running starts at stage 1."
    build_start: date | None = None
    ready_for_build: bool = False
    pending_build: date | None = None
    pause_open: date | None = None
    pause_flags: set[str] = field(default_factory=set)
    gap_anchor: date | None = None
    next_gap_step: date | None = None
    deload_weeks: set[date] = field(default_factory=set)
    decisions: dict[date, _DayDecision] = field(default_factory=dict)
    stage_at_start: int = 1
    last_checkin_pain: int | None = None
    """Pain of the latest check-in processed so far."""
    morning_watch: tuple[date, int] | None = None
    """(running date, pain before it): waiting for the first check-in after that date."""
    changes: list[StageChange] = field(default_factory=list)
    """Every change of phase or stage so far (see :meth:`_note`)."""
    pauses: list[Pause] = field(default_factory=list)
    """Every pause so far."""
    noted_phase: ProgramPhase = "movement"
    """The phase as of the last change noted."""
    noted_stage: int = 1
    """The stage as of the last change noted."""

    @property
    def start(self) -> date:
        """Program day 1."""
        return self.profile.start_date

    def program_day(self, day: date) -> int:
        """Program day number of *day* (protocol.md §1)."""
        return (day - self.start).days + 1

    def run(self, until: date, on_day: DayCallback | None = None) -> None:
        """Advance through every date with records (with *on_day*: every date) up to *until*,
        then to *until* itself (the facts hold no record dated after it)."""
        facts = self.facts
        event_dates = set(facts.checkins) | facts.clearances | set(facts.sessions_by_date)
        if on_day is None:
            days = sorted(event_dates)
            if not days or days[-1] != until:
                days.append(until)
        else:
            days = _dates(min([self.start, until, *event_dates]), until)
        noted = 0
        for day in days:
            if on_day is not None:
                noted = len(self.changes)
            if day in event_dates:
                self._process(day)
            else:
                self._advance(day, inclusive=True)
                self.stage_at_start = self.stage
            if on_day is not None:
                on_day(self.day_facts(day, tuple(self.changes[noted:])))

    def day_facts(self, day: date, changes: tuple[StageChange, ...]) -> DayFacts:
        """The public facts of *day*, once it has been processed."""
        facts = self.facts
        paused = self.pause_open is not None
        acute_until = facts.acute_until(day)
        in_phase2 = self.phase == "run_walk"
        return DayFacts(
            date=day,
            day=self.program_day(day),
            phase="paused" if paused else "acute" if acute_until is not None else self.phase,
            program_phase=self.phase,
            current_stage=self.stage_at_start if in_phase2 else None,
            next_stage=self.stage if in_phase2 else None,
            stage_reason=self.stage_reason,
            paused_since=self.pause_open,
            red_flags_in_force=tuple(wording.ordered_flags(self.pause_flags)) if paused else (),
            acute_until=acute_until,
            rest_day=not paused and acute_until is None and facts.rest_day_due(day),
            build_start=self.build_start,
            changes=changes,
        )

    def result(self, until: date) -> Replay:
        """The finished replay as public facts."""
        noted = len(self.changes)
        while noted > 0 and self.changes[noted - 1].date == until:
            noted -= 1
        return Replay(
            profile=self.profile,
            until=until,
            facts=self.facts,
            today=self.day_facts(until, tuple(self.changes[noted:])),
            deload_weeks=frozenset(self.deload_weeks),
            changes=tuple(self.changes),
            pauses=tuple(self.pauses),
        )

    def _note(self, day: date) -> None:
        """Record a change of phase or stage made by the step just taken on *day* (a date's
        records, a missed-week step or the build start)."""
        if self.phase != self.noted_phase or self.stage != self.noted_stage:
            self.changes.append(
                StageChange(
                    day,
                    self.phase,
                    self.stage,
                    self.stage_reason,
                    self.noted_phase,
                    self.noted_stage,
                )
            )
            self.noted_phase, self.noted_stage = self.phase, self.stage

    # -- scheduled events between event dates ----------------------------------------------

    def _advance(self, limit: date, inclusive: bool) -> None:
        """Apply missed-week step-backs and the build start dated before (or on) *limit*."""
        while self.phase == "run_walk":
            candidates: list[tuple[date, int]] = []
            if self.next_gap_step is not None and self.pause_open is None:
                candidates.append((self.next_gap_step, 0))
            if self.pending_build is not None and self.ready_for_build:
                candidates.append((self.pending_build, 1))
            if not candidates:
                return
            when, kind = min(candidates)
            if when > limit or (when == limit and not inclusive):
                return
            if kind == 0:
                self._missed_week_step(when)
            else:
                self._start_build(when)
            self._note(when)

    def _missed_week_step(self, when: date) -> None:
        """A week without running in phase 2: one stage lower (app rule, documented above)."""
        if self.stage > 1:
            self.stage -= 1
            self.stage_reason = (
                f"Stage {self.stage} now: no run-walk for {MISSED_WEEK_DAYS} days or more, "
                "so the stage steps back one."
            )
        self.ready_for_build = False
        self.pending_build = None
        # Keep stepping back for every further week; at stage 1 there is nothing left to lower.
        self.next_gap_step = when + timedelta(days=MISSED_WEEK_DAYS) if self.stage > 1 else None

    def _start_build(self, when: date) -> None:
        """protocol.md §5 Exit to phase 3: the build phase starts on *when*."""
        self.phase = "build"
        self.build_start = when
        self.pending_build = None
        self.next_gap_step = None

    def _set_gap_anchor(self, day: date) -> None:
        """Restart the missed-week count from *day* (phase 2 only)."""
        if self.gap_anchor is None or day > self.gap_anchor:
            self.gap_anchor = day
        if self.phase == "run_walk" and self.stage > 1:
            self.next_gap_step = self.gap_anchor + timedelta(days=MISSED_WEEK_DAYS + 1)
        else:
            self.next_gap_step = None

    # -- one event date ----------------------------------------------------------------------

    def _process(self, day: date) -> None:
        """Apply every record of *day* in the protocol's order."""
        facts = self.facts
        self._advance(day, inclusive=False)
        was_paused = self.pause_open is not None
        checkin = facts.checkins.get(day)
        if checkin is not None:
            self._next_morning(day, checkin.pain)
            self.last_checkin_pain = checkin.pain

        # protocol.md §2 Red flags: any red flag pauses until a clearance dated on/after it.
        pause_started = False
        if checkin is not None and checkin.red_flags:
            if self.pause_open is None:
                self.pause_open = day
                self.pause_flags = set()
                pause_started = True
            self.pause_flags |= checkin.red_flags
        cleared_today = False
        if day in facts.clearances and self.pause_open is not None:
            self.pause_open = None
            cleared_today = True
        paused = self.pause_open is not None

        # protocol.md §3 Flare: acute on the trigger day and the next; overlapping windows are
        # one episode.
        acute = facts.acute(day)
        flare_started = day in facts.flare_triggers and not facts.acute(day - _ONE_DAY)
        episode_starts = pause_started or flare_started

        # Scheduled events dated today: an episode starting today replaces a missed-week step,
        # and a flare or red flag today postpones the build start (app rule).
        if episode_starts:
            self.next_gap_step = None
        if self.pending_build == day and (acute or paused or pause_started):
            self.ready_for_build = False
            self.pending_build = None
        self._advance(day, inclusive=True)

        # protocol.md §4 Gates: from day 8, on the check-in, all gates, not acute, not paused.
        if (
            self.phase == "movement"
            and checkin is not None
            and self.program_day(day) >= GATES_FROM_DAY
            and not checkin.gates_missing()
            and not checkin.red_flags
            and not acute
            and not paused
        ):
            self.phase = "run_walk"
            self.stage = 1
            self.stage_reason = "Stage 1 first: the gates to phase 2 were met on your check-in."

        # protocol.md §2: after a clearance the run-walk resumes one stage lower (min 1); the
        # step is taken when the pause starts, so a same-day clearance resumes lower at once.
        if pause_started:
            self.ready_for_build = False
            self.pending_build = None
            if self.phase == "run_walk":
                self.stage = max(1, self.stage - 1)
                self.stage_reason = (
                    f"Stage {self.stage} next: after a red flag and a clearance the run-walk "
                    "resumes one stage lower."
                )
        self.stage_at_start = self.stage

        # protocol.md §5 Progression, judged on the day's run-walk sessions.
        day_sessions = facts.sessions_by_date.get(day, ())
        ran = day in facts.running_dates
        if self.phase == "run_walk":
            run_walks = [s for s in day_sessions if isinstance(s, RunWalkLog)]
            if run_walks:
                self._judge(day, run_walks, eligible=not acute and not paused)
            if ran:
                self._set_gap_anchor(day)
        if ran:
            # protocol.md §5 Next-morning response: the first check-in after this date decides.
            self.morning_watch = (day, self.last_checkin_pain or 0)

        # protocol.md §3: after the 48 hours the run-walk resumes one stage lower (min 1).
        if flare_started:
            self.ready_for_build = False
            self.pending_build = None
            if self.phase == "run_walk":
                self.stage = max(1, self.stage - 1)
                self.stage_reason = (
                    f"Stage {self.stage} next: after a flare the run-walk resumes one stage lower."
                )
                decision = self.decisions.get(day)
                if decision is not None:
                    decision.outcome = "flare"
                    decision.next_stage = self.stage
                    decision.build_from = None
                    decision.reason = (
                        f"Flare: pain reached {FLARE_PAIN} or more, so 48 hours of acute care "
                        f"come first; then stage {self.stage}."
                    )
        if day in facts.flare_triggers:
            if self.phase == "build":
                self.deload_weeks.add(load.week_start(day + 2 * _ONE_DAY))
            self._set_gap_anchor(day + _ONE_DAY)
        if pause_started and self.phase == "build":
            self.deload_weeks.add(load.week_start(day))
        if cleared_today:
            if self.phase == "build":
                self.deload_weeks.add(load.week_start(day))
            self._set_gap_anchor(day)
        if was_paused or self.pause_open is not None:
            self._note_pause(day, was_paused)
        self._note(day)

    def _note_pause(self, day: date, was_paused: bool) -> None:
        """Record a pause that began on *day*, or the clearance of the open one."""
        if self.pause_open is not None:
            flags = frozenset(self.pause_flags)
            if was_paused:
                self.pauses[-1] = Pause(self.pauses[-1].start, None, flags)
            else:
                self.pauses.append(Pause(self.pause_open, None, flags))
        elif was_paused:
            self.pauses[-1] = Pause(self.pauses[-1].start, day, self.pauses[-1].flags)

    def _next_morning(self, day: date, pain: int) -> None:
        """protocol.md §5 Next-morning response (v2): pain 2 or more above the check-in before a
        session, on the first check-in after it, makes that session a repeat, not a progression.

        Only while nothing has happened since (still phase 2, the stage it moved to, no build
        started); pain ≥ 4 is also a flare, handled as every flare.  With no check-in before the
        session the baseline is 0 (the safer reading).
        """
        watch = self.morning_watch
        if watch is None or watch[0] >= day:
            return
        self.morning_watch = None
        session_day, before = watch
        decision = self.decisions.get(session_day)
        if (
            pain < before + MORNING_RISE
            or decision is None
            or decision.outcome not in ("progress", "build")
            or self.phase != "run_walk"
            or self.stage != decision.next_stage
        ):
            return
        base = decision.next_stage - 1 if decision.outcome == "progress" else TOP_STAGE
        decision.outcome = "repeat"
        decision.next_stage = base
        decision.build_from = None
        self.ready_for_build = False
        self.pending_build = None
        self.stage = base
        self.stage_reason = decision.reason = (
            f"Stage {base} again: your check-in on {day.isoformat()} had pain {pain}, "
            f"{pain - before} higher than before your {session_day.isoformat()} session, so that "
            "session counts as a repeat (the morning after must not be worse)."
        )

    def _judge(self, day: date, run_walks: Sequence[RunWalkLog], eligible: bool) -> None:
        """protocol.md §5 Progression: decide the next stage from one date's run-walk sessions.

        Several sessions on the date are judged together by the worst of them, and the reason
        names the session that decided it.
        """
        planned = self.stage
        base = min(planned, min(s.stage for s in run_walks))
        worst = max(run_walks, key=lambda s: max(s.pain_during, s.pain_after))
        worst_pain = max(worst.pain_during, worst.pain_after)
        stopped = [s for s in run_walks if not s.completed]
        several = (
            f" With {len(run_walks)} run-walk sessions on {day.isoformat()}, the worst decides."
            if len(run_walks) > 1
            else ""
        )
        build_from: date | None = None
        if is_flare(worst_pain):
            # protocol.md §5: pain during or after ≥ 4 → flare (§3); the episode lowers it.
            outcome: StageOutcome = "flare"
            next_stage = base
            reason = (
                f"Flare: pain reached {worst_pain} in {session_name(worst)}, so 48 hours of "
                f"acute care come first.{several}"
            )
        elif not eligible:
            outcome = "repeat"
            next_stage = planned
            reason = (
                f"Stage {planned} stays: a session on a paused or acute day does not move "
                "the stage."
            )
        elif stopped:
            # protocol.md §5: stopped early for any reason → repeat the stage (app rule).
            outcome = "repeat"
            next_stage = base
            first = stopped[0]
            reason = (
                f"Stage {base} again: {session_name(first)} was stopped early "
                f"(after {first.repeats_done} of {STAGES[first.stage].repeats} repeats).{several}"
            )
        elif worst_pain >= PROGRESS_PAIN_BELOW:
            # protocol.md §5: pain during or after of 2 or 3 → repeat the stage (app rule).
            outcome = "repeat"
            next_stage = base
            reason = (
                f"Stage {base} again: pain reached {worst_pain} in {session_name(worst)} "
                f"(progress needs pain below 2 during and after).{several}"
            )
        elif base < TOP_STAGE:
            # protocol.md §5 Progression: never more than one stage per session.
            outcome = "progress"
            next_stage = base + 1
            done = "sessions were" if len(run_walks) > 1 else "session was"
            reason = (
                f"Stage {next_stage} next: your stage {base} {done} completed with pain "
                "below 2 during and after."
            )
        else:
            # protocol.md §5 Exit to phase 3: from day 22, after a pain-free stage-3 session.
            next_stage = TOP_STAGE
            self.ready_for_build = True
            day22 = self.start + timedelta(days=BUILD_FROM_DAY - 1)
            if self.pending_build is None:
                self.pending_build = max(day + _ONE_DAY, day22)
            build_from = self.pending_build
            outcome = "build"
            if build_from > day + _ONE_DAY:
                reason = (
                    "Stage 3 completed with pain below 2: stage 3 repeats until program day "
                    f"{BUILD_FROM_DAY} ({build_from.isoformat()}), then the build phase starts."
                )
            else:
                reason = (
                    "Stage 3 completed with pain below 2: the build phase (continuous running) "
                    f"starts {build_from.isoformat()}."
                )
        if outcome != "build":
            # Only a pain-free stage-3 session as the latest run-walk leads to the build phase.
            self.ready_for_build = False
            self.pending_build = None
        self.stage = next_stage
        self.stage_reason = reason
        self.decisions[day] = _DayDecision(
            outcome=outcome,
            planned=planned,
            next_stage=next_stage,
            reason=reason,
            build_from=build_from,
        )


# ---------------------------------------------------------------------------------------------
# Composing the day's plan.


def _fmt(km: float, units: Units, decimals: int = 1) -> str:
    """A distance in the profile's unit."""
    return load.format_distance(km, units, decimals)


def first_build_monday(build_start: date) -> date:
    """protocol.md §6 (v2): build week 1 is the first Monday–Sunday week starting on or after
    the first build day."""
    return build_start + timedelta(days=(7 - build_start.weekday()) % 7)


def build_week_on(replay: Replay, on: date) -> BuildWeek | None:
    """protocol.md §6 Build: the build week holding *on*, with its cap and planned volume, as
    *replay* (up to *on* or later) knows it; None before the build phase.

    Build days before week 1's Monday are the lead-in (``week`` 0): planned at 1.10 × the last
    phase-2 week's volume (the Monday–Sunday week before the first build day's week), pro rata
    for the days it has; with no distance there, the starting weekly distance pro rata.
    """
    start = replay.build_start
    if start is None or on < start:
        return None
    profile, facts = replay.profile, replay.facts
    monday_one = first_build_monday(start)
    if on >= monday_one:
        number = (load.week_start(on) - monday_one).days // 7 + 1
        return _week_plan(replay, number, load.week_start(on), on)
    days = (monday_one - start).days
    basis = facts.week_km(load.week_start(start) - timedelta(days=7))
    deload = load.week_start(on) in replay.deload_weeks
    cap: float | None = None
    if basis > 0:
        cap = load.floor_km(load.TEN_PERCENT_FACTOR * basis * days / 7)
    elif profile.starting_weekly_km:
        cap = load.floor_km(profile.starting_weekly_km * days / 7)
    planned = cap if cap is None or not deload else load.floor_km(load.DELOAD_FACTOR * cap)
    actual, chosen = _logged_km(replay, start, on)
    return BuildWeek(
        week=0,
        week_start=load.week_start(on),
        planned_volume_km=planned,
        cap_km=cap,
        deload=deload,
        previous_week_km=basis,
        actual_km_so_far=actual,
        chosen_km_so_far=chosen,
        lead_in_days=days,
    )


def _logged_km(replay: Replay, first: date, last: date) -> tuple[float, float]:
    """(all distance, the distance the 10% rule judges) logged from *first* to *last*.

    protocol.md §6 (v2): phase-2 run-walk sessions were prescribed, so they are never judged.
    """
    build_start = replay.build_start
    sessions_by_date = replay.facts.sessions_by_date
    every: list[float] = []
    chosen: list[float] = []
    for d in _dates(first, last):
        for s in sessions_by_date.get(d, ()):
            km = load.session_distance_km(s)
            every.append(km)
            prescribed = isinstance(s, RunWalkLog) and (build_start is None or d < build_start)
            if not prescribed:
                chosen.append(km)
    return math.fsum(every), math.fsum(chosen)


def _week_plan(replay: Replay, number: int, monday: date, on: date) -> BuildWeek:
    """The plan of build week *number* starting *monday*, with km logged up to *on*."""
    profile = replay.profile
    previous_km = replay.facts.week_km(monday - timedelta(days=7))
    # protocol.md §6 Deload: every 4th build week; §3: the week after a flare.
    deload = load.is_scheduled_deload(number) or monday in replay.deload_weeks
    cap: float | None
    planned: float | None
    if previous_km > 0:
        # protocol.md §6 10% rule: at most 1.10 × the previous completed week's actual volume.
        cap = load.ten_percent_cap(previous_km)
        planned = load.deload_volume_km(previous_km) if deload else cap
    elif number == 1 and profile.starting_weekly_km:
        # protocol.md §6: no distance in the last phase-2 week → the entered starting distance.
        cap = load.floor_km(profile.starting_weekly_km)
        planned = load.deload_volume_km(cap) if deload else cap
    else:
        cap = None
        planned = None
    actual, chosen = _logged_km(replay, monday, min(on, monday + timedelta(days=6)))
    return BuildWeek(
        week=number,
        week_start=monday,
        planned_volume_km=planned,
        cap_km=cap,
        deload=deload,
        previous_week_km=previous_km,
        actual_km_so_far=actual,
        chosen_km_so_far=chosen,
    )


def _dates(first: date, last: date) -> list[date]:
    """Every date from *first* to *last* inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _persistent_pain(facts: Facts) -> bool:
    """protocol.md §2 Persistent pain: pain ≥ 3 on each of the last 14 check-ins."""
    recent = sorted(facts.checkins)[-PERSISTENT_CHECKINS:]
    return len(recent) == PERSISTENT_CHECKINS and all(
        facts.checkins[d].pain >= PERSISTENT_PAIN for d in recent
    )


def _latest_checkin(facts: Facts) -> DayCheckIn | None:
    """The latest merged check-in (facts hold only those on or before the plan's date)."""
    if not facts.checkins:
        return None
    return facts.checkins[max(facts.checkins)]


def _gates_missing(replay: Replay) -> tuple[GateKey, ...]:
    """protocol.md §4 Gates: which gates the latest check-in (day 8 on) does not meet."""
    if replay.today.program_phase != "movement" or replay.today.day < GATES_FROM_DAY:
        return ()
    latest = _latest_checkin(replay.facts)
    if latest is None or replay.program_day(latest.date) < GATES_FROM_DAY:
        return GATE_KEYS
    return latest.gates_missing()


def _red_flag_warnings(flags: Iterable[str], since: date) -> list[PlanWarning]:
    """protocol.md §2 Red flags: stop running; an urgent flag → one message, emergency care now.

    With an urgent flag the warning is ``red_flag_urgent`` alone (naming any other flag too), so
    no screen says "emergency care now" and "see a provider" side by side.
    """
    flags = set(flags)
    urgent = flags & URGENT_RED_FLAGS
    other = flags - URGENT_RED_FLAGS
    if urgent:
        also = f" Also reported: {wording.name_flags(other)}." if other else ""
        return [PlanWarning("red_flag_urgent", wording.urgent_warning(urgent) + also)]
    return [
        PlanWarning(
            "red_flag",
            f"Red flag reported since {since.isoformat()} ({wording.name_flags(other)}): "
            + wording.STOP_AND_CONSULT,
        )
    ]


def _flare_warning(trigger: date, until: date) -> PlanWarning:
    """protocol.md §3 Flare: the 48-hour acute plan."""
    return PlanWarning(
        "flare",
        f"Flare (pain 4 or more on {trigger.isoformat()}): acute care until the end of "
        f"{until.isoformat()}. Ice 15–20 minutes every 2–3 waking hours, wrapped in a thin towel, "
        "never on bare skin (heat instead if it is stiffness without inflammation); a compression "
        "wrap (4–6 in elastic bandage) by day, off at night; rest on your back with knees bent "
        "90° over pillows or on your side with a pillow between the knees, and avoid sleeping on "
        "your stomach (or put a pillow under your hips); gentle walking only — no running, no "
        "strength work.",
    )


def _ten_percent_warnings(
    week: BuildWeek, previous: BuildWeek | None, units: Units
) -> list[PlanWarning]:
    """protocol.md §6 10% rule: a logged week over its cap warns, naming by how much.

    Judged at the precision shown (0.1 of the unit) on the distance the runner chose.
    """
    warnings: list[PlanWarning] = []
    for label, item in (("This week", week), ("Last week", previous)):
        if item is None or item.cap_km is None:
            continue
        over = item.over_cap_km(units)
        if over <= 0:
            continue
        percent = f" ({over / item.cap_km * 100:.0f}% over)" if item.cap_km > 0 else ""
        basis = (
            f"1.10 × your last run-walk week's {_fmt(item.previous_week_km, units)}, pro rata "
            f"for its {wording.plural(item.lead_in_days, 'day')}"
            if item.lead_in
            else f"1.10 × the previous week's {_fmt(item.previous_week_km, units)}"
        )
        warnings.append(
            PlanWarning(
                "ten_percent_rule",
                f"{label} ({item.label}) you ran {_fmt(item.chosen_km_so_far, units)}, "
                f"{_fmt(over, units)} over its cap of {_fmt(item.cap_km, units)}{percent}: the "
                f"10% rule allows at most {basis}. Ease off to let your back adapt.",
            )
        )
    return warnings


def _spike_limit_km(facts: Facts, on: date) -> float | None:
    """protocol.md §6 Single-run spike: 1.10 × the longest run or run-walk distance of the 30
    days before *on*; None when none of them logged a distance."""
    longest = 0.0
    for k in range(1, SPIKE_LOOKBACK_DAYS + 1):
        for s in facts.sessions_by_date.get(on - timedelta(days=k), ()):
            longest = max(longest, load.session_distance_km(s))
    return load.floor_km(SPIKE_FACTOR * longest) if longest > 0 else None


def _spike_warnings(facts: Facts, build_start: date, on: date, units: Units) -> list[PlanWarning]:
    """protocol.md §6 Single-run spike (v2): a build-phase run more than 1.10 × the longest of
    the previous 30 days warns, naming both, on its day and the following six."""
    warnings: list[PlanWarning] = []
    for k in range(SPIKE_WARN_DAYS - 1, -1, -1):
        day = on - timedelta(days=k)
        if day < build_start:
            continue
        limit = _spike_limit_km(facts, day)
        if limit is None:
            continue
        for s in facts.sessions_by_date.get(day, ()):
            if isinstance(s, RunLog) and _shown(s.distance_km, units) > _shown(limit, units):
                longest = limit / SPIKE_FACTOR
                warnings.append(
                    PlanWarning(
                        "long_run_spike",
                        f"Your run on {day.isoformat()} was {_fmt(s.distance_km, units)}, more "
                        f"than 10% longer than your longest in the 30 days before it "
                        f"({_fmt(longest, units)}; at most {_fmt(limit, units)}). A single run "
                        "that jumps like this raises the risk of injury: keep the next ones "
                        "within 10% of your longest.",
                    )
                )
    return warnings


def _shoe_warnings(facts: Facts, units: Units) -> list[PlanWarning]:
    """protocol.md §7 Shoes: replace soon at 300 mi (483 km), replace now at 500 mi (805 km)."""
    totals = load.shoe_totals_km(facts.shoes, facts.sessions)
    warnings: list[PlanWarning] = []
    for name in sorted(totals, key=lambda n: (n.casefold(), n)):
        total = totals[name]
        status = load.shoe_status(total)
        if status == "replace_now":
            warnings.append(
                PlanWarning(
                    "shoe_replace_now",
                    f"Shoes “{name}” have {_fmt(total, units, 0)} (500 mi / 805 km or more): "
                    f"replace them now. {load.SHOE_ADVICE}",
                )
            )
        elif status == "replace_soon":
            warnings.append(
                PlanWarning(
                    "shoe_replace_soon",
                    f"Shoes “{name}” have {_fmt(total, units, 0)} (300 mi / 483 km or more): "
                    f"start looking for a replacement. {load.SHOE_ADVICE}",
                )
            )
    return warnings


def _history_warning(profile: Profile) -> PlanWarning | None:
    """protocol.md §2 History advisory: a standing advisory, never a block."""
    if not profile.history:
        return None
    named = ", ".join(wording.HISTORY_TEXT.get(k, k) for k in profile.history)
    return PlanWarning(
        "history_advisory",
        f"You reported {named}: these raise fracture risk, so back pain that persists should "
        "be assessed by a professional. This does not stop your plan.",
    )


def _build_activities(
    replay: Replay, week: BuildWeek, ran_yesterday: bool
) -> tuple[list[str], list[str]]:
    """protocol.md §6 Build: the day's activities and their reasons."""
    facts, on = replay.facts, replay.until
    reasons: list[str] = []
    monday = week.week_start
    first = max(monday, replay.build_start or monday)
    _, logged_before_today = _logged_km(replay, first, on - _ONE_DAY)
    # Volume is left while the planned volume exceeds what was run (by more than 5 m).
    volume_left = week.planned_volume_km is None or load.exceeds(
        week.planned_volume_km, logged_before_today
    )
    run_today = volume_left and not ran_yesterday
    if ran_yesterday:
        reasons.append("No run today: you ran yesterday, and runs go on alternate days.")
    elif not volume_left:
        reasons.append("No run today: this week's planned volume is done.")
    strength_done = sum(1 for d in _dates(monday, on - _ONE_DAY) if d in facts.strength_dates)
    strength_yesterday = (on - _ONE_DAY) in facts.strength_dates
    strength_today = strength_done < STRENGTH_PER_WEEK and not strength_yesterday
    activities: list[str] = []
    if run_today:
        activities += ["pre_run", "run", "post_run"]
    if strength_today:
        activities.append("posterior_chain")
        reasons.append(
            f"Posterior-chain strength: {strength_done} of 2–3 done this week before today "
            "(never two days in a row)."
        )
    activities.append("core_stability")
    return activities, reasons


def activity_of(session: Session) -> str:
    """The activity id a logged session stands for (``run_walk``, ``run``, a routine id, or the
    cross-training kind)."""
    if isinstance(session, RunWalkLog):
        return "run_walk"
    if isinstance(session, RunLog):
        return "run"
    if isinstance(session, RoutineLog):
        return session.routine_id
    return session.activity


def _done(
    sessions: Sequence[Session], on: date
) -> tuple[tuple[str, ...], tuple[datetime | None, ...]]:
    """protocol.md §8 done (v2): activity ids logged on *on*, in the order logged, each once."""
    ids: list[str] = []
    times: list[datetime | None] = []
    logged = sorted(
        sessions, key=lambda s: s.logged_at.timestamp() if s.logged_at is not None else 0.0
    )
    for session in logged:
        if session.date == on:
            activity = activity_of(session)
            if activity not in ids:
                ids.append(activity)
                times.append(session.logged_at)
    return tuple(ids), tuple(times)


def plan_for(profile: Profile, history: History, on: date) -> DayPlan:
    """The plan for *on*, computed from the profile and the history alone (protocol.md §8)."""
    return day_plan(replay(profile, history, on))


def day_plan(replay: Replay) -> DayPlan:
    """The plan for the replay's last date (:attr:`Replay.until`): the replayed state composed
    into the day's activities, warnings and reasons."""
    profile, facts, today, on = replay.profile, replay.facts, replay.today, replay.until
    history_sessions = facts.sessions_on
    units = profile.units
    day = today.day
    paused_since = today.paused_since
    acute_until = today.acute_until
    program_phase = today.program_phase
    phase = today.phase
    reasons: list[str] = []
    warnings: list[PlanWarning] = []

    # protocol.md §2 Red flags (pause) and §3 Flare (acute).
    if paused_since is not None:
        warnings += _red_flag_warnings(today.red_flags_in_force, paused_since)
        reasons.append(
            f"Paused: a red flag was reported on {paused_since.isoformat()} and no clearance "
            "has been recorded since."
        )
    if acute_until is not None:
        trigger = acute_until - _ONE_DAY
        warnings.append(_flare_warning(trigger, acute_until))
        if paused_since is None:
            reasons.append(
                f"Acute care until {acute_until.isoformat()}: pain of {FLARE_PAIN} or more was "
                f"logged on {trigger.isoformat()}."
            )

    # protocol.md §2 Persistent pain advisory and history advisory.
    if _persistent_pain(facts):
        warnings.append(
            PlanWarning(
                "persistent_pain",
                f"Pain has been {PERSISTENT_PAIN} or more on each of your last "
                f"{PERSISTENT_CHECKINS} check-ins. Pain that does not improve with rest should be "
                "assessed by a healthcare professional.",
            )
        )
    history_warning = _history_warning(profile)
    if history_warning is not None:
        warnings.append(history_warning)

    # protocol.md §4 Gates: say which gate is missing.
    gates_missing = _gates_missing(replay)
    if phase == "movement" and gates_missing:
        latest = _latest_checkin(facts)
        unchecked = latest is None or replay.program_day(latest.date) < GATES_FROM_DAY
        for gate in gates_missing:
            if unchecked:
                text = (
                    f"Gate to phase 2 not checked yet ({wording.GATE_TEXT[gate]}): check in to "
                    "answer it."
                )
            else:
                text = (
                    f"Gate to phase 2 not met on your latest check-in: {wording.GATE_TEXT[gate]}."
                )
            warnings.append(PlanWarning("gate_missing", text))

    # protocol.md §5 Rest day and scheduling.
    rest_day = today.rest_day
    ran_yesterday = (on - _ONE_DAY) in facts.running_dates

    build: BuildWeek | None = None
    week = build_week_on(replay, on) if program_phase == "build" else None
    longest_run: float | None = None
    if week is not None and replay.build_start is not None:
        previous = None if week.lead_in else build_week_on(replay, week.week_start - _ONE_DAY)
        # protocol.md §6 10% rule warning.
        warnings += _ten_percent_warnings(week, previous, units)
        # protocol.md §6 Single-run spike (v2).
        warnings += _spike_warnings(facts, replay.build_start, on, units)
        longest_run = _spike_limit_km(facts, on)

    activities: list[str]
    stage: Stage | None = None
    if phase == "paused":
        # protocol.md §2: no run-walk, no strength work.
        activities = ["rest"]
    elif phase == "acute":
        # protocol.md §3 Acute plan: ice, relief positions, gentle walking.
        activities = ["relief", "ice"]
    elif rest_day:
        # protocol.md §5 Rest day: gentle walking, stretching and the daily core (v2).
        core = "core_stability" if program_phase == "build" else "daily_core"
        activities = ["rest", "desk_mobility", core]
        reasons.append(
            f"Full rest day: you trained on each of the last {REST_AFTER_DAYS} days. Gentle "
            "walking, stretching and the daily core only."
        )
    elif phase == "movement":
        # protocol.md §4 Phase 1: daily core, one cross-training session, mobility as wanted.
        cross = "pool_run" if day % 2 == 1 else "cycle_easy"
        activities = ["daily_core", cross, "desk_mobility"]
        if day <= 0:
            reasons.append(
                f"Your program starts on {profile.start_date.isoformat()} (day 1); until then, "
                "pain-free movement."
            )
        elif day < GATES_FROM_DAY:
            reasons.append(
                f"Phase 1, day {day} of 7: pain-free movement, the 10-minute core routine and "
                "easy cross-training."
            )
        else:
            named = ", ".join(wording.GATE_TEXT[g] for g in gates_missing) or (
                "a check-in with every gate on a day that is neither acute nor paused"
            )
            reasons.append(f"Phase 1 continues until the gates are met: missing {named}.")
    elif phase == "run_walk":
        if ran_yesterday:
            # protocol.md §5 Scheduling: no run-walk the day after a run-walk session.
            activities = ["daily_core", "desk_mobility"]
            reasons.append(
                "No run-walk today: you ran yesterday. Core routine and stretching instead."
            )
        else:
            assert today.current_stage is not None  # phase 2
            stage = STAGES[today.current_stage]
            activities = ["pre_run", "run_walk", "post_run", "daily_core"]
            reasons.append(f"Run-walk stage {stage.number} today.")
        reasons.append(today.stage_reason)
    else:
        assert week is not None
        activities, build_reasons = _build_activities(replay, week, ran_yesterday)
        planned = (
            _fmt(week.planned_volume_km, units) if week.planned_volume_km is not None else None
        )
        if week.lead_in:
            monday_one = week.week_start + timedelta(days=7)
            reasons.append(
                f"Build lead-in until build week 1 starts on Monday {monday_one.isoformat()}: "
                + (
                    f"{planned} planned for these "
                    f"{wording.plural(week.lead_in_days, 'day')} (1.10 × your last run-walk "
                    f"week, pro rata), {_fmt(week.chosen_km_so_far, units)} run so far."
                    if planned is not None
                    else "no distance was logged in your last run-walk week and no starting "
                    "weekly distance is set, so keep runs short and easy and set one "
                    "(`runback init --weekly-distance` or the profile)."
                )
            )
        elif planned is None and week.week == 1:
            reasons.append(
                "Build week 1: no distance was logged last week and no starting weekly "
                "distance is set, so keep runs short and easy and set one "
                "(`runback init --weekly-distance` or the profile)."
            )
        elif planned is None:
            reasons.append(
                f"Build week {week.week}: no distance was logged last week, so the 10% rule has "
                "no basis; keep runs short and easy this week."
            )
        else:
            kind = "deload week" if week.deload else "week"
            reasons.append(
                f"Build {kind} {week.week}: {planned} planned, "
                f"{_fmt(week.chosen_km_so_far, units)} run so far."
            )
        reasons += build_reasons
        if longest_run is not None and "run" in activities:
            reasons.append(
                f"Longest run today: {_fmt(longest_run, units)} (10% more than your longest "
                f"in the last {SPIKE_LOOKBACK_DAYS} days)."
            )

    # protocol.md §3 Heat for stiffness (v2): not on acute or paused days (there it is ice).
    today_checkin = facts.checkins.get(on)
    if (
        phase not in ("paused", "acute")
        and today_checkin is not None
        and today_checkin.stiffness >= HEAT_STIFFNESS
    ):
        activities.append("heat")
        reasons.append(
            f"Heat for stiffness ({today_checkin.stiffness}/10 on today's check-in): a warm "
            "pack for 15–20 minutes, wrapped, never hot enough to burn, never while sleeping."
        )

    if phase == "build":
        build = week
    running_allowed = "run_walk" in activities or "run" in activities
    order = {code: i for i, code in enumerate(_WARNING_ORDER)}
    warnings += _shoe_warnings(facts, units)
    warnings.sort(key=lambda w: order[w.code])  # stable: keeps shoe and gate order
    done, done_at = _done(history_sessions, on)
    return DayPlan(
        date=on,
        day=day,
        phase=phase,
        program_phase=program_phase,
        running_allowed=running_allowed,
        stage=stage,
        current_stage=today.current_stage,
        next_stage=today.next_stage,
        activities=tuple(activities),
        build=build,
        warnings=tuple(warnings),
        gates_missing=gates_missing,
        acute_until=acute_until,
        paused_since=paused_since,
        rest_day=rest_day,
        checked_in=on in facts.checkins,
        reasons=tuple(reasons),
        done=done,
        done_at=done_at,
        longest_run_km=longest_run if program_phase == "build" and paused_since is None else None,
        red_flags_in_force=today.red_flags_in_force,
    )


def decide_next_stage(profile: Profile, history: History, session: RunWalkLog) -> StageDecision:
    """What *session* (added to *history* if missing) means for the next run-walk session."""
    sessions = list(history.sessions)
    if not any(isinstance(s, RunWalkLog) and s.id == session.id for s in sessions):
        sessions.append(session)
    full = History(
        checkins=list(history.checkins),
        clearances=list(history.clearances),
        sessions=sessions,
        shoes=list(history.shoes),
    )
    replay = _replayed(profile, full, session.date)
    decision = replay.decisions.get(session.date)
    pain = max(session.pain_during, session.pain_after)
    if decision is None:
        if is_flare(pain):
            return StageDecision(
                "flare",
                session.stage,
                replay.stage if replay.phase == "run_walk" else None,
                f"Flare: pain reached {pain}, so 48 hours of acute care come first.",
            )
        where = "phase 2 has not started yet" if replay.phase == "movement" else "you are in build"
        return StageDecision(
            "repeat",
            session.stage,
            None,
            f"This session does not change a stage: {where}.",
        )
    next_stage = decision.next_stage
    outcome: StageOutcome
    if decision.outcome in ("flare", "build"):
        outcome = decision.outcome
    elif next_stage > session.stage:
        outcome = "progress"
    elif next_stage == session.stage:
        outcome = "repeat"
    else:
        outcome = "step_back"
    return StageDecision(
        outcome=outcome,
        stage_done=session.stage,
        next_stage=next_stage,
        reason=decision.reason,
        build_from=decision.build_from,
    )
