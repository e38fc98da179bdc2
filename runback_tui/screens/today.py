"""What every screen needs to say about today: the plan, and how its parts read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from runback_tui.domain.exercises import ROUTINES
from runback_tui.domain.models import History, IceLog, Profile
from runback_tui.domain.protocol import DayPlan, PlanWarning, plan_for
from runback_tui.domain.timeline import estimated_minutes_text
from runback_tui.domain.wording import ACTIVITY_TEXT, after_marker, stage_intervals
from runback_tui.storage.durable import StoreError

if TYPE_CHECKING:
    from runback_tui.screens.base import Runback as RunbackApp

ACTIVITY_LABELS = ACTIVITY_TEXT
"""Labels for the plan's activities that are not routines: the one wording of them."""

WARNING_MARKERS: dict[str, str] = {
    "red_flag_urgent": "STOP · EMERGENCY",
    "red_flag": "STOP",
    "flare": "⚠ FLARE",
    "persistent_pain": "⚠ SEE A PROFESSIONAL",
    "history_advisory": "ℹ ADVISORY",
    "gate_missing": "○ GATE",
    "ten_percent_rule": "⚠ 10% RULE",
    "long_run_spike": "⚠ LONG RUN",
    "shoe_replace_now": "⚠ SHOES",
    "shoe_replace_soon": "ℹ SHOES",
}
"""A word marker per warning code, so meaning never rests on colour alone."""


@dataclass(frozen=True)
class Today:
    """The profile, the history and the plan for the app clock's date."""

    date: date
    """The app clock's date."""
    profile: Profile
    """The stored profile."""
    history: History
    """Everything stored."""
    plan: DayPlan
    """The engine's plan for the date."""
    digest: str | None = None
    """The digest of the file version read (cache.digest), None when unknown."""
    session_under_way: bool = False
    """True when a run session was saved as under way (it will be offered for resuming)."""
    last_ice: IceLog | None = None
    """The latest ice block in the same file version, if any."""
    pending_imports: int = 0
    """How many imported runs wait for how the runner's back felt (not logs yet)."""


_last: tuple[object, date, Today] | None = None
"""The last answer of load_today: the Store caches one snapshot object per file version."""


def load_today(app: RunbackApp) -> Today | None:
    """Today's plan from the store, None without a profile; StoreError when the file is bad.

    Computed once per file version and date: every screen and palette query after that
    reuses it, so a repaint never replays years of history.
    """
    global _last
    snapshot = app.store.snapshot()
    if snapshot.profile is None:
        return None
    on = app.clock.today()
    if _last is not None and _last[0] is snapshot and _last[1] == on:
        return _last[2]
    plan = plan_for(snapshot.profile, snapshot.history, on)
    today = Today(
        on,
        snapshot.profile,
        snapshot.history,
        plan,
        snapshot.digest,
        snapshot.active_session is not None,
        max(snapshot.ice, key=lambda entry: entry.started_at) if snapshot.ice else None,
        len(snapshot.pending_imports),
    )
    _last = (snapshot, on, today)
    return today


def try_load_today(app: RunbackApp) -> tuple[Today | None, str | None]:
    """Like load_today, but a store problem comes back as a message instead of an error."""
    try:
        return load_today(app), None
    except StoreError as error:
        return None, str(error)


def activity_label(activity: str, plan: DayPlan) -> str:
    """How one of the plan's activities reads in a list."""
    if activity == "run_walk" and plan.stage is not None:
        stage = plan.stage
        return (
            f"Run-walk stage {stage.number}: {stage_intervals(stage)} — {stage.total_s // 60} min"
        )
    if activity == "rest" and plan.phase == "paused":
        return "Rest — no running, no run-walk, no strength work while paused"
    if activity in ROUTINES:
        try:
            length = f" ({estimated_minutes_text(activity)})"
        except (KeyError, ValueError):
            length = ""
        return f"{ROUTINES[activity].name}{length}"
    return ACTIVITY_LABELS.get(activity, activity.replace("_", " ").capitalize())


def logged_time(plan: DayPlan, activity: str) -> str | None:
    """When *activity* was logged on the plan's date, as 'HH:MM' (None when it was not, or when
    the log is older than logging times).

    The time is read as it was stored, with the UTC offset of the moment it was logged, so it
    reads the same here as in the engine's messages ("your stage 2 session logged at 07:10").
    """
    if activity not in plan.done:
        return None
    index = plan.done.index(activity)
    when = plan.done_at[index] if index < len(plan.done_at) else None
    return f"{when:%H:%M}" if when is not None else None


def done_text(plan: DayPlan, activity: str) -> str:
    """'done 07:10', or 'done' for a log that has no time."""
    when = logged_time(plan, activity)
    return f"done {when}" if when else "done"


class WarningLine(NamedTuple):
    """A warning as a line reads: its word marker, then the joiner, then the message."""

    marker: str
    """The word marker, e.g. '⚠ FLARE' (bold on screen)."""
    joiner: str
    """': ', or ' ' where the message's first word was the marker's own ('⚠ FLARE (pain…')."""
    text: str
    """The message, without a first word the marker already says."""

    def __str__(self) -> str:
        return f"{self.marker}{self.joiner}{self.text}"


def warning_line(warning: PlanWarning) -> WarningLine:
    """A warning's word marker and its message, the marker's word said once: "⚠ FLARE (pain 4
    or more on …", never "⚠ FLARE: Flare (pain 4 …" (wording.after_marker)."""
    marker = WARNING_MARKERS.get(warning.code, "⚠")
    return WarningLine(marker, *after_marker(marker, warning.message))


def is_paused(app: RunbackApp) -> bool:
    """True when a red flag pauses today's plan."""
    today, _ = try_load_today(app)
    return today is not None and today.plan.phase == "paused"


def pending_imports(app: RunbackApp) -> int:
    """How many imported runs wait for their pain (screens/pending.py)."""
    today, _ = try_load_today(app)
    return today.pending_imports if today is not None else 0
