"""The words Runback uses for safety facts, stated once for every surface.

The CLI, the screens and the report take red-flag names, the urgent message, phase titles,
stage descriptions and activity labels from here, so the same fact reads the same everywhere
(protocol.md section 1, "told true").  The plan engine (:mod:`runback_tui.domain.protocol`)
words its warnings and reasons where it raises them, with the names defined here.  This module
imports nothing heavy (no pydantic, no engine), so any surface can word a fact cheaply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from runback_tui.domain.limits import RED_FLAG_KEYS, URGENT_RED_FLAGS, GateKey, Phase


class Stage(Protocol):
    """What the words of a run-walk stage read (protocol.Stage has it)."""

    @property
    def number(self) -> int: ...
    @property
    def repeats(self) -> int: ...
    @property
    def run_s(self) -> int: ...
    @property
    def walk_s(self) -> int: ...
    @property
    def total_s(self) -> int: ...


class _BuildWeek(Protocol):
    """What a phase title reads of a build week (protocol.BuildWeek has it)."""

    @property
    def week(self) -> int: ...
    @property
    def deload(self) -> bool: ...
    @property
    def lead_in(self) -> bool: ...


class DayPlan(Protocol):
    """What the words of a day's phase read (protocol.DayPlan has it).

    Stated here as a protocol so that the engine, which words its warnings with this module,
    is not imported by it.
    """

    @property
    def phase(self) -> Phase: ...
    @property
    def stage(self) -> Stage | None: ...
    @property
    def current_stage(self) -> int | None: ...
    @property
    def build(self) -> _BuildWeek | None: ...
    @property
    def acute_until(self) -> date | None: ...
    @property
    def rest_day(self) -> bool: ...
    @property
    def running_allowed(self) -> bool: ...
    @property
    def day(self) -> int: ...
    @property
    def gates_missing(self) -> Sequence[GateKey]: ...
    @property
    def activities(self) -> Sequence[str]: ...
    @property
    def reasons(self) -> Sequence[str]: ...
    def warning_codes(self) -> Sequence[str]: ...


RED_FLAG_TEXT: dict[str, str] = {
    "numbness_below_knee": "numbness or tingling below the knee",
    "leg_weakness": "leg weakness",
    "bladder_bowel": "loss of bladder or bowel control",
    "night_pain": "back pain that woke you from sleep",
    "saddle_numbness": "numbness in the groin, genitals or inner thighs (saddle area)",
}
"""Each red flag as it reads inside a sentence (protocol.md section 2)."""

URGENT_CARE = (
    "Seek emergency care now: call your local emergency number or go to an emergency department."
)
"""protocol.md section 2: the one urgent message, on every surface.  It never reads as
"see a provider when you can"."""

STOP_AND_CONSULT = (
    "Stop running and consult a healthcare provider. The plan stays paused until you record "
    "that a professional has assessed you and cleared you to continue."
)
"""What a (not urgent) red flag asks of the runner (protocol.md section 2, source 000)."""

HOW_TO_LIFT = (
    "Only a clearance lifts it: a professional's (`runback clear`), or, on the same date, "
    "`runback clear --mistake` for an answer given by mistake."
)
"""How a standing red flag can be lifted, and nothing else."""


ACTIVITY_TEXT: dict[str, str] = {
    "run_walk": "Run-walk intervals",
    "run": "Easy continuous run",
    "pool_run": "Pool running in chest-deep water, 20–30 min",
    "cycle_easy": "Stationary cycling at minimal resistance, 15–20 min",
    "ice": "Ice, 15–20 min every 2–3 waking hours (thin towel, never bare skin)",
    "heat": (
        "Heat for stiffness: a warm pack 15–20 min, wrapped, never hot enough to burn, "
        "never while sleeping"
    ),
    "rest": "Full rest day: gentle walking, stretching and the daily core",
}
"""The plan's activities that are not routines (routines are named in exercises.py), as every
surface lists them: home, the run screen, the CLI and the report.  With the routines they
cover every activity id the engine can put on a plan (interface.md ``activities``); a full rest
day holds stretching and the daily core (protocol.md §5 v2), never "stretching only"."""


def build_week_name(number: int | None) -> str:
    """'build week 3', 'the build lead-in' (week 0: the build days before week 1's Monday), or
    'a run-walk week' outside the build phase."""
    if number is None:
        return "a run-walk week"
    return "the build lead-in" if number == 0 else f"build week {number}"


def ordered_flags(flags: Iterable[str]) -> list[str]:
    """*flags* in the order the check-in asks them (unknown keys last, sorted)."""
    given = set(flags)
    known = [key for key in RED_FLAG_KEYS if key in given]
    return known + sorted(given - set(RED_FLAG_KEYS))


def name_flags(flags: Iterable[str]) -> str:
    """The red flags as words, in question order: 'leg weakness, back pain that woke you'."""
    return ", ".join(RED_FLAG_TEXT.get(key, key) for key in ordered_flags(flags))


def is_urgent(flags: Iterable[str]) -> bool:
    """True when any of *flags* needs emergency care now."""
    return any(flag in URGENT_RED_FLAGS for flag in flags)


def urgent_warning(flags: Iterable[str]) -> str:
    """The engine's ``red_flag_urgent`` message for the urgent flags among *flags*."""
    urgent = [f for f in ordered_flags(flags) if f in URGENT_RED_FLAGS]
    return (
        f"{name_flags(urgent).capitalize()}: this is a medical emergency. {URGENT_CARE} "
        "Runback is paused until you record a professional's clearance."
    )


def withdraw_questions(flags: Iterable[str]) -> list[str]:
    """What a mistake withdrawal asks before it is made: once, and again for an urgent flag
    (protocol.md section 2)."""
    flags = list(flags)
    questions = [
        f"Withdraw today's red flag ({name_flags(flags)}) as answered by mistake? Only if you "
        "did not mean Yes: the withdrawal is kept in the history, apart from a professional's "
        "clearance."
    ]
    if is_urgent(flags):
        urgent = name_flags(f for f in flags if f in URGENT_RED_FLAGS)
        questions.append(
            f"Are you sure? {urgent.capitalize()} is a medical emergency if it is real. "
            f"{URGENT_CARE} Withdraw it only if you answered Yes by mistake."
        )
    return questions


NOT_ADVICE = "Not medical advice: see a professional if pain persists or a red flag appears."
"""The closing line of every printed plan (`runback today`, `runback plan`, the calendar)."""


def withdraw_own_date_only(day: str, today: str) -> str:
    """Why a red flag of another date cannot be withdrawn as a mistake."""
    return (
        f"a red flag can be withdrawn as a mistake on its own date only ({day}; today is "
        f"{today}); an earlier red flag is lifted by a professional's clearance alone"
    )


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 red flag', '2 red flags' (*many* defaults to *one* + 's')."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def week_label(build_week: int | None, before: str, *, prefix: str = "") -> str:
    """A week's build number as a table or chart shows it: '3', 'lead-in' (the build days
    before build week 1's Monday, week 0), or *before* outside the build phase."""
    if build_week is None:
        return before
    return "lead-in" if build_week == 0 else f"{prefix}{build_week}"


GATE_TEXT: dict[GateKey, str] = {
    "walked_30_pain_free": "walking 30 minutes without pain",
    "single_leg_bridge_ok": "single-leg bridges without discomfort",
    "no_pain_meds": "no pain medication needed for daily activities",
}
"""How each phase-1 gate reads in a message (protocol.md section 4)."""

HISTORY_TEXT: dict[str, str] = {
    "cancer_history": "a history of cancer",
    "osteoporosis": "osteoporosis",
    "long_term_steroids": "long-term steroid use",
}
"""Each history answer as it reads in the standing advisory (protocol.md section 2)."""


def stage_intervals(stage: Stage, *, ascii: bool = False, plus: bool = False) -> str:
    """A run-walk stage's intervals: '8 × (2 min run, 1 min walk)'.

    *ascii* writes 'x' for '×' (the CLI's plain text); *plus* writes the repeat as a sum,
    '(2 min run + 1 min walk)', as the run screen does before the total.
    """
    times = "x" if ascii else "×"
    between = " + " if plus else ", "
    return (
        f"{stage.repeats} {times} ({stage.run_s // 60} min run{between}"
        f"{stage.walk_s // 60} min walk)"
    )


def stage_text(stage: Stage, *, ascii: bool = False, plus: bool = False) -> str:
    """A run-walk stage with its intervals and length: 'stage 2: 8 × (2 min run, 1 min walk),
    24 min' (*ascii* and *plus* as in :func:`stage_intervals`)."""
    return (
        f"stage {stage.number}: {stage_intervals(stage, ascii=ascii, plus=plus)}, "
        f"{stage.total_s // 60} min"
    )


PHASE_TEXT: dict[Phase, str] = {
    "paused": (
        "Paused: a red flag was reported. Stop running and see a healthcare provider; once a "
        "professional has assessed you and cleared you, record the clearance to resume."
    ),
    "acute": (
        "Acute care (the 48-hour protocol) after a flare: ice, a compression wrap, resting "
        "positions and gentle walking; no running and no strength work."
    ),
    "movement": (
        "Phase 1 — pain-free movement: the 10-minute core routine every day and easy "
        "cross-training, until the gates to run-walk are met (checked from day 8)."
    ),
    "run_walk": (
        "Phase 2 — run-walk intervals: stage 1 to 3, one stage up after a session completed "
        "with pain below 2, never on two days in a row."
    ),
    "build": (
        "Phase 3 — build: continuous running, each week at most 10% more than the last, "
        "every 4th week a deload, strength 2–3 times a week and core every day."
    ),
}
"""What each phase a plan can show means, in a sentence or two."""


def phase_title(plan: DayPlan) -> str:
    """The phase in a few words, e.g. 'Phase 2 · run-walk intervals (stage 1 of 3)'."""
    if plan.phase == "paused" and "red_flag_urgent" in plan.warning_codes():
        return "PAUSED · EMERGENCY — seek emergency care now"
    if plan.phase == "paused":
        return "PAUSED · red flag — no running until a professional clears you"
    if plan.phase == "acute":
        until = plan.acute_until.isoformat() if plan.acute_until else "tomorrow"
        return f"ACUTE CARE · 48-hour protocol until the end of {until}"
    if plan.phase == "movement":
        return "Phase 1 · pain-free movement"
    if plan.phase == "build" and plan.build is not None and plan.build.lead_in:
        return "Phase 3 · build lead-in (week 1 starts Monday)"
    if plan.phase == "run_walk":
        stage = plan.current_stage
        return "Phase 2 · run-walk intervals" + (f" (stage {stage} of 3)" if stage else "")
    build = plan.build
    if build is None:
        return "Phase 3 · build"
    return f"Phase 3 · build week {build.week}" + (" (deload week)" if build.deload else "")


def explain_phase(plan: DayPlan) -> str:
    """A short paragraph explaining the plan's phase.

    Today's stage and a full rest day are not repeated here: every surface that explains the
    phase (home, `runback today`) lists the plan right below it, and the plan's own line says
    them ("Run-walk stage 1: 10 × (1 min run, 2 min walk) — 30 min", "Full rest day: …").
    """
    if plan.phase == "paused" and "red_flag_urgent" in plan.warning_codes():
        # protocol.md section 2: the one urgent message; never "see a provider when you can".
        return (
            f"Paused: a red flag that needs emergency care was reported. {URGENT_CARE} "
            "Once a professional has assessed you and cleared you, record the clearance to resume."
        )
    return PHASE_TEXT[plan.phase]


_RESTATED_REASONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # The plan's run-walk line names the stage with its intervals and length.
    ("run_walk", re.compile(r"Run-walk stage \d today\.")),
    # The phase line and its explanation say phase 1, pain-free movement, the core routine and
    # easy cross-training, and the day line gives the program day (gates from day 8).
    (
        "daily_core",
        re.compile(
            r"Phase 1, day \d+ of 7: pain-free movement, the 10-minute core routine and easy "
            r"cross-training\."
        ),
    ),
)
"""Engine reasons that only restate a line of the plan or its phase, with the activity whose
presence on the plan makes them redundant (issue 17: "Why: Run-walk stage 2 today.")."""

_HEAT_REASON = re.compile(r"Heat for stiffness \((\d+)/10 on today's check-in\): .*")
"""The engine's heat reason: all but the stiffness figure is the heat activity's own line."""
_REST_TAIL = " Gentle walking, stretching and the daily core only."
"""The rest-day reason's second sentence: the rest day's activity line says it."""


def plan_reasons(plan: DayPlan) -> list[str]:
    """The plan's reasons as every surface prints them under the plan ("Why: …"), each saying
    something the plan's lines and phase do not.

    The engine (protocol.py) words a reason for every decision, some of which only restate the
    plan: "Run-walk stage 1 today." under "Run-walk stage 1: 10 × (1 min run, 2 min walk)", the
    phase-1 day under the phase-1 title, heat's safety words under the heat line, a rest day's
    activities under the rest-day line.  Those are dropped or cut to what they add ("Heat for
    stiffness: 6/10 on today's check-in."); any reason worded otherwise is kept as it is.
    """
    reasons: list[str] = []
    for reason in plan.reasons:
        if not reason:
            continue
        if any(
            activity in plan.activities and pattern.fullmatch(reason)
            for activity, pattern in _RESTATED_REASONS
        ):
            continue
        heat = _HEAT_REASON.fullmatch(reason)
        if heat is not None and "heat" in plan.activities:
            reason = f"Heat for stiffness: {heat.group(1)}/10 on today's check-in."
        if plan.rest_day and "rest" in plan.activities and reason.endswith(_REST_TAIL):
            reason = reason.removesuffix(_REST_TAIL)
        reasons.append(reason)
    return reasons


_LEAD_WORD = re.compile(r"([^\W\d_]+)(:?)\s+(.*)", re.DOTALL)


def after_marker(marker: str, text: str) -> tuple[str, str]:
    """How *text* follows a word marker ('⚠ FLARE') without saying the marker's word twice:
    (the joiner, the text).

    Normally ': ' and *text* ("⚠ LONG RUN: Your run on …").  When *text* opens with the
    marker's last word, that word is the marker's: "Flare (pain 4 …" after "⚠ FLARE" becomes
    (" ", "(pain 4 …"): "⚠ FLARE (pain 4 …"; and "Flare: pain reached 5" becomes (": ",
    "pain reached 5").
    """
    words = marker.split()
    lead = _LEAD_WORD.match(text)
    if words and lead is not None and lead.group(1).casefold() == words[-1].casefold():
        rest = lead.group(3)
        return (": " if lead.group(2) else " "), rest
    return ": ", text


def why_no_run(plan: DayPlan) -> str | None:
    """Why today's plan holds no run (protocol.md §3–§5), or None when it holds one or is paused.

    The run start screen shows it above the runs, and asks with it before one starts anyway.
    """
    if plan.running_allowed or plan.phase == "paused":
        return None
    if plan.phase == "acute":
        until = plan.acute_until.isoformat() if plan.acute_until else "tomorrow"
        return (
            f"Acute care until the end of {until}: after a flare (pain 4 or more) the 48-hour "
            "protocol has no running."
        )
    if plan.rest_day:
        return "Today is a full rest day after six training days in a row: no running."
    if plan.phase == "movement":
        if plan.gates_missing:
            missing = "; ".join(GATE_TEXT[gate] for gate in plan.gates_missing)
            return f"Phase 1: no running until the gates to run-walk are met. Missing: {missing}."
        if plan.day <= 7:
            return (
                f"Phase 1, day {max(plan.day, 1)} of 7: no running yet. Run-walk begins once "
                "the gates are met, checked from day 8."
            )
        return "Phase 1: no running until a check-in shows the gates to run-walk met."
    if plan.phase == "run_walk":
        return "No run-walk today: never on the day after a run-walk session."
    return "No run on today's plan."


def describe_checkin(checkin: object) -> str:
    """A check-in in one line, for the no-lost-update question: 'pain 5/10, stiffness 2/10,
    no red flag, note “later”' (None: 'none: it was removed')."""
    if checkin is None:
        return "none: it was removed"
    pain = getattr(checkin, "pain", None)
    stiffness = getattr(checkin, "stiffness", None)
    flags = list(getattr(checkin, "red_flags", []) or [])
    note = getattr(checkin, "note", "")
    parts = [f"pain {pain}/10"]
    if stiffness is not None:
        parts.append(f"stiffness {stiffness}/10")
    parts.append(f"red flag: {name_flags(flags)}" if flags else "no red flag")
    if note:
        parts.append(f"note “{note}”")
    return ", ".join(parts)


def describe_profile(profile: object) -> str:
    """A profile in one line, for the no-lost-update question."""
    if profile is None:
        return "none: it was removed"
    history = list(getattr(profile, "history", []) or [])
    weekly = getattr(profile, "starting_weekly_km", None)
    parts = [
        f"day 1 {getattr(profile, 'start_date', '?')}",
        f"distances in {getattr(profile, 'units', '?')}",
        "history: " + (", ".join(HISTORY_TEXT.get(h, h) for h in history) if history else "none"),
    ]
    if weekly is not None:
        parts.append(f"starting week {weekly:g} km")
    return ", ".join(parts)


def describe_red_flag_state(state: object) -> str:
    """Red flags and clearances (Store.red_flag_state) in one line, for the no-lost-update
    question: 'red flags on 2026-11-21 (numbness or tingling below the knee); no clearance'."""
    if not isinstance(state, tuple) or len(state) != 2:
        return "unknown"
    flags, clearances = state
    flagged = "; ".join(f"{day} ({name_flags(keys)})" for day, keys in flags)
    parts = [f"red flags on {flagged}" if flagged else "no red flag"]
    if clearances:
        days = ", ".join(str(day) for day, _reason, _keys in clearances)
        parts.append(f"{plural(len(clearances), 'clearance')} ({days})")
    else:
        parts.append("no clearance")
    return "; ".join(parts)


def describe_active_session(record: object) -> str:
    """A session under way in one line, for the no-lost-update question."""
    if record is None:
        return "none: it was logged or discarded elsewhere"
    kind = getattr(record, "kind", "")
    stage = getattr(record, "stage", None)
    minutes = getattr(record, "minutes", None)
    what = f"run-walk stage {stage}" if kind == "run_walk" else f"a {minutes:g}-minute run"
    started = getattr(record, "started_at", None)
    saved = getattr(record, "saved_at", None)
    at = f", started {started:%H:%M}" if started is not None else ""
    last = f", last saved {saved:%H:%M:%S}" if saved is not None else ""
    return f"{what}{at}{last}"


# -- the road ahead (protocol.md §8 projection: `runback plan`, `runback calendar`) -------------


def short_activity(activity: str) -> str:
    """An activity id in a word or two, for a one-line day of the road ahead."""
    names = {
        "run_walk": "run-walk",
        "run": "easy run",
        "pool_run": "pool running",
        "cycle_easy": "easy cycling",
        "ice": "ice",
        "heat": "heat",
        "rest": "rest",
        "daily_core": "core routine",
        "core_stability": "core stability",
        "glutes_hips": "glutes and hips",
        "posterior_chain": "posterior-chain strength",
        "pre_run": "warm-up",
        "post_run": "post-run stretch",
        "desk_mobility": "stretching",
        "relief": "flare relief positions",
    }
    return names.get(activity, activity.replace("_", " "))


def nth(on: date, today: date) -> str:
    """A coming date as a sentence says it: 'the 14th' in *today*'s month, 'the 3rd of
    January' in another (with the year when it is another year)."""
    endings = {1: "st", 2: "nd", 3: "rd"}
    suffix = "th" if 11 <= on.day % 100 <= 13 else endings.get(on.day % 10, "th")
    text = f"the {on.day}{suffix}"
    if (on.year, on.month) != (today.year, today.month):
        text += f" of {on:%B}"
        if on.year != today.year:
            text += f" {on.year}"
    return text


def milestone_text(kind: str, stage: int | None, on: date, today: date) -> str:
    """One change of the road ahead: 'stage 3 on the 14th', 'build from the 22nd',
    'run-walk from the 9th', 'a deload week from the 5th'."""
    when = nth(on, today)
    if kind == "stage":
        return f"stage {stage} on {when}"
    if kind == "build":
        return f"build from {when}"
    if kind == "run_walk":
        return f"run-walk from {when}"
    return f"a deload week from {when}"


PROJECTION_ASSUMES = (
    "A projection, not a promise: it assumes every session is done as planned and pain stays "
    "below 2 (a clean check-in each morning, the gates met when due). Any log changes it."
)
"""What every projected day stands on, said wherever the road ahead is shown."""


def road_ahead_summary(milestones: Sequence[tuple[date, str, int | None]], today: date) -> str:
    """'If your back stays quiet: stage 3 on the 14th, build from the 22nd.' from (date, kind,
    stage) changes in date order; a sentence saying so when there are none."""
    if not milestones:
        return "If your back stays quiet: no change of phase or stage in these days."
    parts = [milestone_text(kind, stage, on, today) for on, kind, stage in milestones]
    return "If your back stays quiet: " + ", ".join(parts) + "."


def paused_projection_note(since: date | None) -> str:
    """Why a paused plan has no road ahead (protocol.md §2)."""
    when = f" since {since.isoformat()}" if since is not None else ""
    return (
        f"Paused{when} by a red flag: nothing can be projected past the pause. Only a "
        "professional's clearance lifts it (`runback clear`); then ask again."
    )


def acute_projection_note(until: date) -> str:
    """How a projection reads while a flare's 48 hours run (protocol.md §3)."""
    return (
        f"Acute care until the end of {until.isoformat()}: the days until then are acute care, "
        "and training is projected only after them, assuming the flare settles."
    )


_Day = date
"""``date`` under a name a ``date`` property does not shadow."""


class RoadDayPlan(DayPlan, Protocol):
    """What a day of the road ahead reads of a plan (protocol.DayPlan has it)."""

    @property
    def date(self) -> _Day: ...


def plan_day_text(
    plan: RoadDayPlan, *, changes: Sequence[str] = (), volume: str | None = None
) -> str:
    """A day of the road ahead without its date: phase and stage, the main activities (warm-up
    and the stretch after a run left out), then [rest day], [deload week] and the changes that
    day brings (*changes*, already worded); *volume* is the build week's planned volume as
    shown. 'phase 2, stage 3: run-walk stage 3 6 x (3 min run, 1 min walk), core routine'."""
    if plan.phase == "paused":
        phase = "paused"
    elif plan.phase == "acute":
        phase = "acute care"
    elif plan.phase == "movement":
        phase = "phase 1"
    elif plan.phase == "run_walk":
        phase = f"phase 2, stage {plan.current_stage}" if plan.current_stage else "phase 2"
    elif plan.build is not None:
        phase = build_week_name(plan.build.week)
        phase += f" ({volume} planned)" if volume is not None else " (planned volume unknown)"
    else:
        phase = "phase 3"
    main: list[str] = []
    for activity in plan.activities:
        if activity in ("pre_run", "post_run") or (activity == "rest" and plan.rest_day):
            continue
        if activity == "run_walk" and plan.stage is not None:
            intervals = stage_intervals(plan.stage, ascii=True)
            main.append(f"run-walk stage {plan.stage.number} {intervals}")
        else:
            main.append(short_activity(activity))
    marks: list[str] = []
    if plan.rest_day:
        marks.append("rest day")
    if plan.build is not None and plan.build.deload:
        marks.append("deload week")
    marks += list(changes)
    what = ", ".join(main) or "rest"
    return f"{phase}: {what}" + "".join(f" [{m}]" for m in marks)


def changed_elsewhere(what: str) -> str:
    """The line a screen shows when its save was refused: *what* changed elsewhere."""
    return f"Not saved: {what} was changed elsewhere."


KEEP_MINE_CHECKIN = "saved over theirs; theirs stays in the check-in history"
KEEP_MINE_PROFILE = "saved over theirs"
KEEP_MINE_CLEARANCE = "your clearance is recorded, and it lifts every red flag above"
KEEP_MINE_SESSION = "this session is logged, and the one under way elsewhere is dropped"
"""What "keep mine" does, for each record the no-lost-update question is about."""
KEPT_THEIRS_CHECKIN = "Kept the check-in saved elsewhere; your answers were not saved."
KEPT_THEIRS_PROFILE = "Kept the profile saved elsewhere; your changes were not saved."
KEPT_THEIRS_SESSION = "Kept the session as it is elsewhere; this one was not logged."


def flare_after_log(pain: int, surface: str = "cli", *, over_since: date | None = None) -> str:
    """The advice after logging *pain* that the engine's is_flare calls a flare (§3), with
    where today's plan is (*surface*: the command line, or the TUI's home); *over_since*: the
    log's date when no flare's 48 hours reach today (protocol.flare_acute_on is False)."""
    where = "Press h for today's plan." if surface == "tui" else "See `runback today`."
    if over_since is not None:
        return (
            f"Pain {pain}/10 on {over_since:%a %d %b} was a flare; its 48 hours of acute care "
            f"are over, and today's plan follows from it. {where}"
        )
    return (
        f"Pain {pain}/10 is a flare: the next 48 hours are acute care - ice, gentle "
        f"walking, no running and no strength work. {where}"
    )


# -- imported runs waiting for their pain (interface.md v2 `runback import`) ------------------


def pending_prompt(count: int) -> str:
    """The question about imported runs kept waiting for their pain: '2 runs imported — how
    did your back feel?'."""
    return f"{plural(count, 'run')} imported — how did your back feel?"


PENDING_NOT_COUNTED = (
    "Until you say, they count for nothing: no progression, no weekly volume, no adherence."
)
"""What a pending imported run is worth to the plan (it is not a log yet)."""


def pending_kept(count: int, *, dry_run: bool = False) -> str:
    """The import report's heading for the runs kept waiting for their pain."""
    verb = "Would keep" if dry_run else "Kept"
    return f"{verb} {plural(count, 'run')} waiting for how your back felt:"


def pending_taken(started_at: datetime) -> str:
    """Said when a run typed in is an imported run that was waiting for its pain."""
    return (
        f"That is the imported run of {started_at:%a %d %b %H:%M} that was waiting for how your "
        "back felt: it is logged once, as you typed it, and not asked about again."
    )


PENDING_ON_HOME = "Press i to answer; until then they count for nothing."
"""Home's day panel, after pending_prompt (PENDING_NOT_COUNTED, in brief)."""


def pending_hint(surface: str) -> str:
    """Where the runner says how pending runs felt: on the command line, or in the TUI."""
    if surface == "tui":
        return f"{PENDING_NOT_COUNTED} Press i to answer now, or later from home."
    return (
        f"{PENDING_NOT_COUNTED} Open `runback` and it asks, or import them again with "
        "--pain-during N --pain-after N."
    )


def pre_program_kept(count: int, start: date, *, dry_run: bool = False) -> str:
    """The import report's heading for activities before day 1."""
    verb = "Would keep" if dry_run else "Kept"
    return (
        f"{verb} {plural(count, 'activity', 'activities')} from before day 1 "
        f"({start.isoformat()}) as pre-program history: shown in the dashboard's load panel "
        "as context, never judged:"
    )


def pre_program_context(count: int, distance: str, first: date, last: date) -> str:
    """The dashboard load panel's line about pre-program history (context, never judged);
    *distance* as the panel writes distances."""
    span = f"on {first:%d %b %Y}" if first == last else f"{first:%d %b %Y} – {last:%d %b %Y}"
    return (
        f"Before day 1 (context, not judged): {plural(count, 'activity', 'activities')}, "
        f"{distance}, {span}."
    )


def pending_context(count: int) -> str:
    """The load panel's and the report's line about imported runs waiting for their pain."""
    return f"{plural(count, 'imported run')} not counted yet: waiting for how your back felt."
