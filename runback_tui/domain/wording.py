"""The words Runback uses for safety facts, stated once for every surface.

The CLI, the screens and the report take red-flag names and the urgent message from here,
so the same fact reads the same everywhere (protocol.md section 1, "told true").  This module
imports nothing heavy: the CLI's fast paths use it.
"""

from __future__ import annotations

from collections.abc import Iterable

from runback_tui.domain.limits import RED_FLAG_KEYS, URGENT_RED_FLAGS

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
