"""The data file's rules as pydantic models: the bulk check of a file this code has not seen.

:mod:`runback_tui.domain.models` holds the records the app works with and checks single
records in plain Python.  A whole file that this code did not write or validate before (edited
by hand, restored, written by an older version) is checked here instead, by pydantic's
compiled validators, and its records are then decoded from what pydantic made of it.  Both
modules state the same rules; tests/unit/test_models.py runs every rule against both, and a
property test compares them on random documents.

Importing this module costs about 11 MiB and 45 ms, so only the Store's cold read does.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

from runback_tui.domain.limits import (
    MAX_DATE,
    MAX_MINUTES,
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    MAX_SESSION_KM,
    MAX_SHOE_START_KM,
    MAX_WEEKLY_KM,
    MIN_DATE,
    CrossActivity,
    HistoryKey,
    RedFlagKey,
    Units,
)
from runback_tui.domain.models import MAX_ICE_MINUTES, MIN_ICE_MINUTES, NotifyStyle, new_id


def _check_date(value: date) -> date:
    """Refuse dates outside the range Runback can sensibly hold."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"must be between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}")
    return value


def _finite_distance(limit: float) -> Any:
    """A validator for a finite distance in km from 0 up to *limit*."""

    def check(value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        if value < 0:
            raise ValueError("must be 0 or more")
        if value > limit:
            raise ValueError(f"must be at most {limit:g} km")
        return value

    return AfterValidator(check)


def _clean_text(value: str) -> str:
    """Refuse control characters other than newline and tab in free text."""
    for ch in value:
        if (ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127:
            raise ValueError("must not contain control characters")
    return value


RunbackDate = Annotated[date, AfterValidator(_check_date)]
Pain = Annotated[int, Field(ge=0, le=10, strict=True)]
"""A whole number on the 0–10 pain scale."""
SessionKm = Annotated[float, _finite_distance(MAX_SESSION_KM)]
ShoeStartKm = Annotated[float, _finite_distance(MAX_SHOE_START_KM)]
WeeklyKm = Annotated[float, _finite_distance(MAX_WEEKLY_KM)]
Note = Annotated[str, Field(max_length=MAX_NOTE_CHARS), AfterValidator(_clean_text)]
Minutes = Annotated[float, Field(gt=0, le=MAX_MINUTES, allow_inf_nan=False)]


class RunbackModel(BaseModel):
    """Base for all stored models: unknown fields are refused, values are checked on assignment."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        frozen=False,
        defer_build=True,
        str_strip_whitespace=False,
    )


def _unique(values: list[str]) -> list[str]:
    """Drop repeated keys, keeping the first occurrence's order."""
    return list(dict.fromkeys(values))


class Profile(RunbackModel):
    """The runner's settings and standing answers."""

    start_date: RunbackDate
    """Program day 1 (protocol.md section 1)."""
    units: Units = "km"
    """Unit for showing and entering distances."""
    history: list[HistoryKey] = Field(default_factory=list)
    """History answers that raise fracture risk (protocol.md section 2)."""
    accepted_disclaimer: bool = False
    """The user acknowledged that Runback is not medical advice."""
    starting_weekly_km: WeeklyKm | None = None
    """Starting weekly distance for the first build week when phase 2 logged none (section 6)."""

    @field_validator("history")
    @classmethod
    def _dedupe_history(cls, value: list[str]) -> list[str]:
        return _unique(value)


class CheckIn(RunbackModel):
    """One morning check-in; there is at most one per date."""

    date: RunbackDate
    """The calendar date the check-in is for."""
    pain: Pain
    """Pain now, 0–10."""
    stiffness: Pain | None = None
    """Stiffness now, 0–10, if answered."""
    red_flags: list[RedFlagKey] = Field(default_factory=list)
    """Red-flag questions answered yes."""
    walked_30_pain_free: bool = False
    """Gate: can walk 30 minutes without pain."""
    single_leg_bridge_ok: bool = False
    """Gate: single-leg bridges without discomfort."""
    pain_meds_for_daily_life: bool = False
    """Gate (negated): needs pain medication for daily activities."""
    note: Note = ""
    """Free text."""

    @field_validator("red_flags")
    @classmethod
    def _dedupe_flags(cls, value: list[str]) -> list[str]:
        return _unique(value)


class Clearance(RunbackModel):
    """A professional's clearance to continue after a red flag (protocol.md section 2)."""

    date: RunbackDate
    """The date the user was assessed and cleared (for a mistake: the red flag's date)."""
    note: Note = ""
    """Optional note, e.g. who cleared them."""
    reason: Literal["professional", "mistake"] = "professional"
    """A professional's clearance, or a red flag answered by mistake."""
    made_at: datetime | None = None
    """When it was recorded, with its UTC offset (None in files from before schema 2)."""
    flags: list[RedFlagKey] = Field(default_factory=list)
    """The red flags a mistake withdrawal took back (empty for a professional clearance)."""

    @field_validator("flags")
    @classmethod
    def _dedupe_flags(cls, value: list[str]) -> list[str]:
        return _unique(value)


class SessionBase(RunbackModel):
    """Fields every logged session has."""

    id: str = Field(
        default_factory=new_id, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"
    )
    """Unique id of the log."""
    date: RunbackDate
    """The date the session was done."""


class RunWalkLog(SessionBase):
    """A run-walk interval session of phase 2 (protocol.md section 5)."""

    kind: Literal["run_walk"] = "run_walk"
    logged_at: datetime | None = None
    """When the log was saved, with its UTC offset (set by the Store; None before schema 2)."""
    stage: int = Field(ge=1, le=3, strict=True)
    """Run-walk stage 1–3."""
    completed: bool
    """All repeats were finished."""
    repeats_done: int = Field(ge=0, le=10, strict=True)
    """Repeats finished (equals the stage's repeats when completed)."""
    pain_during: Pain
    """Highest pain during the session."""
    pain_after: Pain
    """Pain after the session."""
    distance_km: SessionKm | None = None
    """Distance covered, if known."""
    shoe: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    """Name of the shoe worn."""


class RunLog(SessionBase):
    """A continuous run of the build phase (protocol.md section 6)."""

    kind: Literal["run"] = "run"
    logged_at: datetime | None = None
    """When the log was saved, with its UTC offset (set by the Store; None before schema 2)."""
    distance_km: SessionKm
    """Distance run."""
    minutes: Minutes | None = None
    """Time taken, if known."""
    pain_during: Pain
    """Highest pain during the run."""
    pain_after: Pain
    """Pain after the run."""
    shoe: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    """Name of the shoe worn."""


class RoutineLog(SessionBase):
    """A finished exercise routine (exercises.md routines)."""

    kind: Literal["routine"] = "routine"
    logged_at: datetime | None = None
    """When the log was saved, with its UTC offset (set by the Store; None before schema 2)."""
    routine_id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    """Routine id from exercises.md (checked against the library by the caller)."""
    pain_during: Pain | None = None
    """Highest pain logged during the routine, if any."""
    pain_after: Pain | None = None
    """Pain after the routine, if given."""
    completed: bool = True
    """False when the routine was ended early."""
    duration_s: float | None = Field(default=None, ge=0, le=MAX_MINUTES * 60, allow_inf_nan=False)
    """Time taken, if timed."""
    skipped: list[str] = Field(default_factory=list, max_length=200)
    """Segments that were skipped, by label."""


class CrossLog(SessionBase):
    """A cross-training session (protocol.md section 4)."""

    kind: Literal["cross"] = "cross"
    logged_at: datetime | None = None
    """When the log was saved, with its UTC offset (set by the Store; None before schema 2)."""
    activity: CrossActivity
    """Pool running or easy stationary cycling."""
    minutes: Minutes
    """Duration."""


SessionLog = Annotated[
    RunWalkLog | RunLog | RoutineLog | CrossLog,
    Field(discriminator="kind"),
]
"""Any logged session."""


class Shoe(RunbackModel):
    """A pair of running shoes (protocol.md section 7)."""

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    """The pair's name, unique (case-insensitive) among the user's shoes."""
    start_distance_km: ShoeStartKm = 0.0
    """Distance already on the shoes when added."""
    added: RunbackDate | None = None
    """When the pair was added."""

    @field_validator("name")
    @classmethod
    def _name_is_text(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return _clean_text(value)


class History(RunbackModel):
    """Everything the plan engine reads: a snapshot of the stored records."""

    checkins: list[CheckIn] = Field(default_factory=list)
    clearances: list[Clearance] = Field(default_factory=list)
    sessions: list[SessionLog] = Field(default_factory=list)
    shoes: list[Shoe] = Field(default_factory=list)


# -- Session settings, the active (resumable) session and ice: added for the session screens.


class Settings(RunbackModel):
    """How session cues are given and how reps are counted; one document in the file."""

    visual_cues: bool = True
    """Flash a word banner on every cue (colour and words, so it works with NO_COLOR)."""
    bell: bool = True
    """Ring the terminal bell on every cue."""
    notifications: bool = False
    """Send a desktop notification (an OSC escape sequence) on segment changes and the end."""
    notify_style: NotifyStyle = "osc9"
    """Which escape sequence carries the notification."""
    countdown_cues: bool = True
    """Give the 3-2-1 before a hold, rest or interval ends."""
    halfway_cues: bool = True
    """Give the halfway cue on long holds, intervals and timed blocks."""
    tempo_reps: bool = False
    """Count reps for the runner at 2 s up, 2 s down, instead of `enter` for each rep."""
    ice_minutes: int = Field(default=MIN_ICE_MINUTES, ge=MIN_ICE_MINUTES, le=MAX_ICE_MINUTES)
    """The ice timer's default length."""


class PauseSpan(RunbackModel):
    """One pause of an active session, in wall-clock time."""

    start: datetime
    """When the pause began (local wall clock)."""
    end: datetime | None = None
    """When the session went on again; None while still paused."""


class PainTap(RunbackModel):
    """A pain rating logged during a session."""

    at: datetime
    """When it was logged (local wall clock)."""
    elapsed_s: float = Field(ge=0, le=MAX_MINUTES * 60, allow_inf_nan=False)
    """Seconds into the session's timeline."""
    pain: Pain
    """The rating, 0–10."""


class ActiveSession(RunbackModel):
    """A run session under way, saved so it survives a dropped connection or a kill.

    The position by the wall clock is ``(now − started_at − paused time) × speed + shift_s``:
    ``shift_s`` absorbs skips, backs and any drift between the session clock and the wall
    clock, and is refreshed at every save.
    """

    kind: Literal["run_walk", "run"]
    """A run-walk interval session, or a continuous run."""
    stage: int | None = Field(default=None, ge=1, le=3, strict=True)
    """The run-walk stage (run-walk only)."""
    minutes: Minutes | None = None
    """The planned length of a continuous run (run only)."""
    date: RunbackDate
    """The date the session counts for."""
    started_at: datetime
    """Wall-clock start."""
    pauses: list[PauseSpan] = Field(default_factory=list, max_length=10_000)
    """Every pause, oldest first; the last may still be open."""
    pains: list[PainTap] = Field(default_factory=list, max_length=10_000)
    """Pain logged during the session."""
    skipped: list[str] = Field(default_factory=list, max_length=200)
    """Segments skipped, by label."""
    shift_s: float = Field(default=0.0, allow_inf_nan=False)
    """Seconds to add to the wall-clock running time (skips, backs, clock drift)."""
    speed: float = Field(default=1.0, gt=0, le=1000, allow_inf_nan=False)
    """Session seconds per wall second (``--speed``)."""
    saved_at: datetime
    """When this record was written."""
    elapsed_at_save_s: float = Field(ge=0, le=MAX_MINUTES * 60 * 10, allow_inf_nan=False)
    """Where the session stood when this record was written."""


class IceLog(RunbackModel):
    """One ice block on an acute day (protocol.md §3)."""

    started_at: datetime
    """When the ice went on."""
    minutes: float = Field(gt=0, le=MAX_ICE_MINUTES + 10, allow_inf_nan=False)
    """How long it stayed on."""
    completed: bool = True
    """False when the timer was stopped early."""
    next_due_from: datetime
    """The next ice is due from this time (2 h after this one ended)…"""
    next_due_by: datetime
    """…and by this time (3 h after)."""
