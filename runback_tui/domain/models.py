"""Runback's data, stated once: the profile, check-ins, clearances, session logs and shoes.

Every record is a pydantic v2 model.  The same models check a form's values, a command-line
argument, an imported or restored file and the data file itself, and
:func:`describe_validation_error` turns pydantic's errors into the lines users see: the field
and what is allowed.

**Values not in stored form are refused, never reinterpreted.**  A hand-edited file must hold
each value the way Runback writes it: ``true``/``false`` for a yes/no answer (not ``1``), a
whole number where one is asked (not ``2.0`` or ``true``), a date as ``YYYY-MM-DD`` (not a date
and time, not a number of seconds), a date and time in ISO 8601 with its UTC offset
(``2026-11-21T07:30:00+01:00``; files from before schema 3 are migrated), text as text.
Pydantic's lax conversions would read ``1`` as yes and ``"2026-03-01T00:00"`` as a date; here
they are errors naming the field, so a typo never changes what the plan is built on.  Repeated
red flags or history answers are the one normalisation: the first of each is kept.  Whole
numbers are accepted where a number with decimals is asked (``5`` km is ``5.0``).

Distances are stored in kilometres; the profile's unit is only for display and input.

**Every timestamp is aware** (:data:`Moment`): it carries the UTC offset in force where and
when it was taken, so timestamps compare and subtract as instants and a changed time zone
neither breaks a resume nor moves a record.  Dates (:data:`Day`) are plain local calendar
dates, kept as stored: a check-in is for the date where it was made.  The clock gives aware
times (domain/clock.py); a naive datetime handed over by code is read as local wall-clock time
(``clock.aware``), so no record ever holds a naive one.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import date, datetime, timedelta
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from runback_tui.domain import text
from runback_tui.domain.clock import aware

# Re-exported: the limits live in a module of their own so the CLI can read them without
# pydantic.
from runback_tui.domain.limits import (  # noqa: F401
    CROSS_ACTIVITIES,
    HISTORY_KEYS,
    KM_PER_MILE,
    MAX_DATE,
    MAX_MINUTES,
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    MAX_SESSION_KM,
    MAX_SHOE_START_KM,
    MAX_WEEKLY_KM,
    MIN_DATE,
    RED_FLAG_KEYS,
    URGENT_RED_FLAGS,
    ClearanceReason,
    CrossActivity,
    HistoryKey,
    RedFlagKey,
    Units,
    from_km,
    to_km,
)

__all__ = ["ValidationError"]

RED_FLAG_QUESTIONS: dict[RedFlagKey, str] = {
    "numbness_below_knee": "Numbness or tingling spreading below the knee?",
    "leg_weakness": "Leg weakness — trouble walking on heels or toes?",
    "bladder_bowel": "Any loss of bladder or bowel control?",
    "night_pain": "Back pain that woke you from sleep?",
    "saddle_numbness": 'Numbness in the groin, genitals or inner thighs (the "saddle" area)?',
}

HISTORY_QUESTIONS: dict[HistoryKey, str] = {
    "cancer_history": "History of cancer?",
    "osteoporosis": "Osteoporosis?",
    "long_term_steroids": "Long-term steroid use?",
}

NotifyStyle = Literal["osc9", "osc777"]
"""How a desktop notification travels: OSC 9 (iTerm2, WezTerm, foot) or OSC 777 (kitty, foot)."""

MIN_ICE_MINUTES = 15
"""Shortest ice block (protocol.md §3: 15–20 min)."""
MAX_ICE_MINUTES = 20
"""Longest ice block."""
ICE_NEXT_FROM_H = 2.0
"""The next ice is due from this many hours after one ends (protocol.md §3: every 2–3 h)."""
ICE_NEXT_BY_H = 3.0
"""…and at the latest this many hours after."""


# -- the messages users see ------------------------------------------------------------------

_MESSAGES: dict[str, str] = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "bool_type": "must be true or false",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be an object of fields",
    "model_attributes_type": "must be an object of fields",
    "dict_type": "must be an object of fields",
    "greater_than_equal": "must be {ge} or more",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "string_too_short": "must be at least {min_length} character(s)",
    "string_too_long": "must be at most {max_length} characters",
    "too_long": "must hold at most {max_length} items",
    "literal_error": "must be one of {expected}",
    "union_tag_invalid": "must be one of {expected_tags}",
    "union_tag_not_found": "must say its kind ({discriminator})",
}
"""What each pydantic error type means, in the words the forms and the CLI show."""


def describe_problem(problem: ErrorDetails, names: dict[str, str] | None = None) -> str:
    """One problem of a ValidationError as a line: the field (renamed through *names*) and
    what is allowed."""
    # A session's kind names its branch of the union in the location: drop it.
    loc = [str(part) for part in problem["loc"] if part not in _UNION_BRANCHES]
    if problem["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc.append("kind")
    field = ".".join(loc) if loc else "value"
    if names and loc and loc[0] in names:
        field = names[loc[0]]
    template = _MESSAGES.get(problem["type"])
    message = problem["msg"]
    if template is not None:
        ctx = problem.get("ctx") or {}
        with suppress(KeyError, IndexError):
            message = template.format(**{key: _shown(value) for key, value in ctx.items()})
        if problem["type"] in _BOUNDS and loc:
            message += _unit_of(loc[-1])
    return f"{field}: {message}"


_BOUNDS = frozenset({"greater_than_equal", "greater_than", "less_than_equal", "less_than"})


def _unit_of(name: str) -> str:
    """The unit a field's limits are in, by the field's name (distances are kept in km)."""
    if name.endswith("_km"):
        return " km"
    if name.endswith("_s"):
        return " seconds"
    return " minutes" if name == "minutes" else ""


def describe_validation_error(error: ValidationError, names: dict[str, str] | None = None) -> str:
    """One line per problem: the field (renamed through *names*) and what is allowed."""
    return "\n".join(
        describe_problem(problem, names) for problem in error.errors(include_url=False)
    )


_UNION_BRANCHES = frozenset({"run_walk", "run", "routine", "cross"})
"""The discriminator's branch names pydantic puts in an error's location."""


def _shown(value: Any) -> str:
    """A limit as a message shows it: ``10`` not ``10.0``."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _invalid(kind: str, message: str) -> PydanticCustomError:
    """A problem with its own wording (no pydantic error type says it)."""
    return PydanticCustomError(kind, message)


# -- field types -----------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})"
)
_DATETIME_STORED = "must be a date and time with its UTC offset, as YYYY-MM-DDTHH:MM:SS+HH:MM"


def _as_date(value: Any) -> date:
    """A date, or its text as stored (YYYY-MM-DD), between MIN_DATE and MAX_DATE."""
    if isinstance(value, str):
        if not _DATE_TEXT.fullmatch(value):
            raise _invalid("date_format", "must be a date as YYYY-MM-DD")
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise _invalid("date_value", "must be a real date") from None
    if type(value) is not date:
        raise _invalid("date_type", "must be a date as YYYY-MM-DD")
    if not MIN_DATE <= value <= MAX_DATE:
        raise _invalid(
            "date_range", f"must be between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}"
        )
    return value


def _as_datetime(value: Any) -> datetime:
    """An aware date and time, or its ISO 8601 text as stored: with its UTC offset.

    Text without an offset is not in stored form (a hand edit; older files are migrated) and
    is refused.  A naive datetime from code is read as local wall-clock time (clock.aware).
    """
    if isinstance(value, str):
        if not _DATETIME_TEXT.fullmatch(value):
            raise _invalid("datetime_format", _DATETIME_STORED)
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise _invalid("datetime_value", "must be a real date and time") from None
    if not isinstance(value, datetime):
        raise _invalid("datetime_type", _DATETIME_STORED)
    try:
        return aware(value)
    except (ValueError, OverflowError, OSError):
        raise _invalid("datetime_value", "must be a real date and time") from None


def _unicode(value: str) -> str:
    """Refuse text that cannot be written as UTF-8 (a lone surrogate from a JSON escape)."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _invalid("string_unicode", "must be valid Unicode text") from None
    return value


def _clean_text(value: str) -> str:
    """Refuse control characters (C0 but newline and tab, C1, bidi) in free text (text.py)."""
    problem = text.problem(value)
    if problem is not None:
        raise _invalid("control_characters", problem)
    return _unicode(value)


def _one_line(value: str) -> str:
    """Refuse control characters, tab and newline included, in one-line text (text.py)."""
    problem = text.problem(value, one_line=True)
    if problem is not None:
        raise _invalid("control_characters", problem)
    return _unicode(value)


def _shoe_name(value: str) -> str:
    """A shoe's own name: stripped, not empty, one line without control characters."""
    value = value.strip()
    if not value:
        raise _invalid("empty_name", "must not be empty")
    return _one_line(value)


def _unique(values: list[Any]) -> list[Any]:
    """Drop repeated keys, keeping the first occurrence's order."""
    return list(dict.fromkeys(values))


def _pattern(regex: str, allowed: str) -> AfterValidator:
    """Text matching *regex* in full, described to users as *allowed*."""
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise _invalid("string_pattern_mismatch", f"must be {allowed}")
        return value

    return AfterValidator(check)


Day = Annotated[date, BeforeValidator(_as_date)]
"""A calendar date, stored as YYYY-MM-DD."""
Moment = Annotated[datetime, BeforeValidator(_as_datetime)]
"""A date and time with its UTC offset, stored in ISO 8601 with it (schema 3)."""
YesNo = Annotated[bool, Strict()]
"""True or false (not 1 or 0)."""
Pain = Annotated[int, Strict(), Field(ge=0, le=10)]
"""A whole number on the 0–10 pain scale."""
Stage = Annotated[int, Strict(), Field(ge=1, le=3)]
"""A run-walk stage, 1–3."""


SessionKm = Annotated[float, Strict(), Field(ge=0, le=MAX_SESSION_KM, allow_inf_nan=False)]
"""A session's distance in km (whole numbers accepted)."""
WeeklyKm = Annotated[float, Strict(), Field(ge=0, le=MAX_WEEKLY_KM, allow_inf_nan=False)]
"""A weekly distance in km."""
ShoeStartKm = Annotated[float, Strict(), Field(ge=0, le=MAX_SHOE_START_KM, allow_inf_nan=False)]
"""The distance already on a pair of shoes when added, in km."""
Minutes = Annotated[float, Strict(), Field(gt=0, le=MAX_MINUTES, allow_inf_nan=False)]
"""A session length in minutes: more than 0, at most a day."""
Seconds = Annotated[float, Strict(), Field(ge=0, le=MAX_MINUTES * 60, allow_inf_nan=False)]
"""Seconds into a session, at most a day."""
Text = Annotated[str, Strict(), AfterValidator(_clean_text)]
"""Any text (a label the app made): no control characters but newline and tab."""
Note = Annotated[str, Strict(), Field(max_length=MAX_NOTE_CHARS), AfterValidator(_clean_text)]
"""Free text: at most MAX_NOTE_CHARS characters, no control characters but newline and tab
(no C1 or bidirectional controls either: text.py)."""
ShoeRef = Annotated[str, Strict(), Field(max_length=MAX_NAME_CHARS), AfterValidator(_one_line)]
"""The name of a shoe as a session log refers to it (one line, as shoe names are)."""
SessionId = Annotated[
    str,
    Strict(),
    Field(min_length=1, max_length=64),
    _pattern(r"[A-Za-z0-9_-]+", "letters, digits, '_' or '-'"),
]
"""A session log's id."""


def new_id() -> str:
    """A fresh unique id for a stored record."""
    import uuid  # here: only new logs need it

    return uuid.uuid4().hex


class Record(BaseModel):
    """Base of every stored record: unknown fields refused, assignments checked too."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)


# -- the records -------------------------------------------------------------------------------


class Profile(Record):
    """The runner's settings and standing answers."""

    start_date: Day
    """Program day 1 (protocol.md section 1)."""
    units: Units = "km"
    """Unit for showing and entering distances."""
    history: Annotated[list[HistoryKey], AfterValidator(_unique)] = Field(default_factory=list)
    """History answers that raise fracture risk (protocol.md section 2)."""
    accepted_disclaimer: YesNo = False
    """The user acknowledged that Runback is not medical advice."""
    starting_weekly_km: WeeklyKm | None = None
    """Starting weekly distance for the first build week when phase 2 logged none (section 6)."""


class CheckIn(Record):
    """One morning check-in; there is at most one per date."""

    date: Day
    """The calendar date the check-in is for."""
    pain: Pain
    """Pain now, 0–10."""
    stiffness: Pain | None = None
    """Stiffness now, 0–10, if answered."""
    red_flags: Annotated[list[RedFlagKey], AfterValidator(_unique)] = Field(default_factory=list)
    """Red-flag questions answered yes."""
    walked_30_pain_free: YesNo = False
    """Gate: can walk 30 minutes without pain."""
    single_leg_bridge_ok: YesNo = False
    """Gate: single-leg bridges without discomfort."""
    pain_meds_for_daily_life: YesNo = False
    """Gate (negated): needs pain medication for daily activities."""
    note: Note = ""
    """Free text."""


class CheckInEdit(CheckIn):
    """A check-in as it was before a later one replaced it the same day."""

    replaced_at: Moment
    """When it was replaced."""

    @property
    def checkin(self) -> CheckIn:
        """The replaced check-in itself."""
        return CheckIn.model_construct(**{name: getattr(self, name) for name in _CHECKIN_FIELDS})


_CHECKIN_FIELDS = tuple(CheckIn.model_fields)


class Clearance(Record):
    """What lifted a red flag (protocol.md section 2).

    ``professional``: the runner was assessed and cleared to continue; it lifts every pause
    dated on or before it.  ``mistake``: red flags answered by mistake, withdrawn on their own
    date; it lifts only the *flags* it names, on that date, and never an earlier pause.
    """

    date: Day
    """The date the user was assessed and cleared (for a mistake: the red flag's date)."""
    note: Note = ""
    """Optional note, e.g. who cleared them."""
    reason: ClearanceReason = "professional"
    """A professional's clearance, or a red flag answered by mistake."""
    made_at: Moment | None = None
    """When it was recorded, with its UTC offset (None in files from before schema 2)."""
    flags: Annotated[list[RedFlagKey], AfterValidator(_unique)] = Field(default_factory=list)
    """The red flags a mistake withdrawal took back (empty for a professional clearance)."""


class _Session(Record):
    """Fields every logged session has."""

    id: SessionId = Field(default_factory=new_id)
    """Unique id of the log."""
    date: Day
    """The date the session was done."""
    logged_at: Moment | None = None
    """When the log was saved, with its UTC offset (set by the Store; None before schema 2)."""


class RunWalkLog(_Session):
    """A run-walk interval session of phase 2 (protocol.md section 5)."""

    kind: Literal["run_walk"] = "run_walk"
    stage: Stage
    """Run-walk stage 1–3."""
    completed: YesNo
    """All repeats were finished."""
    repeats_done: Annotated[int, Strict(), Field(ge=0, le=10)]
    """Repeats finished (equals the stage's repeats when completed)."""
    pain_during: Pain
    """Highest pain during the session."""
    pain_after: Pain
    """Pain after the session."""
    distance_km: SessionKm | None = None
    """Distance covered, if known."""
    shoe: ShoeRef | None = None
    """Name of the shoe worn."""


class RunLog(_Session):
    """A continuous run of the build phase (protocol.md section 6)."""

    kind: Literal["run"] = "run"
    distance_km: SessionKm
    """Distance run."""
    minutes: Minutes | None = None
    """Time taken, if known."""
    pain_during: Pain
    """Highest pain during the run."""
    pain_after: Pain
    """Pain after the run."""
    shoe: ShoeRef | None = None
    """Name of the shoe worn."""


class RoutineLog(_Session):
    """A finished exercise routine (exercises.md routines)."""

    kind: Literal["routine"] = "routine"
    routine_id: Annotated[
        str,
        Strict(),
        Field(min_length=1, max_length=40),
        _pattern(r"[a-z0-9_]+", "lower-case letters, digits or '_'"),
    ]
    """Routine id from exercises.md (checked against the library by the caller)."""
    pain_during: Pain | None = None
    """Highest pain logged during the routine, if any."""
    pain_after: Pain | None = None
    """Pain after the routine, if given."""
    completed: YesNo = True
    """False when the routine was ended early."""
    duration_s: Seconds | None = None
    """Time taken, if timed."""
    skipped: list[Text] = Field(default_factory=list, max_length=200)
    """Segments that were skipped, by label."""


class CrossLog(_Session):
    """A cross-training session (protocol.md section 4)."""

    kind: Literal["cross"] = "cross"
    activity: CrossActivity
    """Pool running or easy stationary cycling."""
    minutes: Minutes
    """Duration."""


SessionLog = Annotated[RunWalkLog | RunLog | RoutineLog | CrossLog, Field(discriminator="kind")]
"""Any logged session, told apart by its ``kind``."""


ImportSource = Annotated[
    str, Strict(), Field(min_length=1, max_length=1000), AfterValidator(_clean_text)
]
"""Where an imported activity came from: its file, or ``archive.zip:member``."""


class ImportedActivity(Record):
    """An activity read from a watch or phone file (`runback import`) that is not a log.

    Two tables hold these (schema 4): ``pending_imports``, runs imported without the pain
    during and after, which count for nothing (no progression, no volume, no adherence) until
    the runner says how their back felt and :meth:`log` turns them into a run-walk or run log;
    and ``pre_program``, activities dated before day 1, kept as context for the dashboard's
    load panel and never judged.  What a log needs besides the pain is checked when the record
    is read (a pending run that could never be logged is refused), by the log models.
    """

    id: SessionId
    """The import id (storage/activities.import_id: the UTC start and the metres); the log
    made from it keeps it, so importing the same file again finds it."""
    date: Day
    """The local date it started on."""
    started_at: Moment
    """When it started, with its UTC offset."""
    kind: Literal["run_walk", "run"]
    """A run-walk (its laps follow a stage's pattern) or a continuous run."""
    stage: Stage | None = None
    """The run-walk stage its laps follow (None for a run)."""
    completed: YesNo | None = None
    """Every repeat of the stage done (None for a run)."""
    repeats_done: Annotated[int, Strict(), Field(ge=0, le=10)] | None = None
    """Repeats done (None for a run)."""
    distance_km: SessionKm
    """Distance covered."""
    minutes: Minutes | None = None
    """Moving time."""
    source: ImportSource
    """The file it came from."""
    imported_at: Moment | None = None
    """When it was imported (set by the Store)."""

    @model_validator(mode="after")
    def _loggable(self) -> ImportedActivity:
        """Refuse a record no log could be made from (a run-walk without its stage)."""
        try:
            self.log(0, 0)
        except ValidationError as error:
            raise ValueError(
                "it could not become a log: " + describe_validation_error(error).replace("\n", "; ")
            ) from None
        return self

    def log(self, pain_during: int, pain_after: int) -> RunWalkLog | RunLog:
        """The run-walk or run log this activity becomes once its pain is known (ValidationError
        naming the problem for a pain outside 0-10).

        It is logged when the watch logged it: at the activity's end (its start and moving time),
        not when it was imported, so "done 07:24" and the order of a day's sessions are the run's.
        """
        logged_at = self.started_at + timedelta(minutes=self.minutes or 0)
        if self.kind == "run_walk":
            return RunWalkLog(
                id=self.id,
                date=self.date,
                stage=self.stage,  # None is refused by the model
                completed=self.completed,
                repeats_done=self.repeats_done,
                pain_during=pain_during,
                pain_after=pain_after,
                distance_km=self.distance_km,
                logged_at=logged_at,
            )
        return RunLog(
            id=self.id,
            date=self.date,
            distance_km=self.distance_km,
            minutes=self.minutes,
            pain_during=pain_during,
            pain_after=pain_after,
            logged_at=logged_at,
        )


@cache
def _session_adapter() -> TypeAdapter[RunWalkLog | RunLog | RoutineLog | CrossLog]:
    """The validator of one session log (built on first use)."""
    return TypeAdapter(SessionLog)


def validate_session(data: Any) -> RunWalkLog | RunLog | RoutineLog | CrossLog:
    """The session log *data* describes, by its ``kind`` (ValidationError otherwise)."""
    if isinstance(data, RunWalkLog | RunLog | RoutineLog | CrossLog):
        return data
    return _session_adapter().validate_python(data)


class Shoe(Record):
    """A pair of running shoes (protocol.md section 7)."""

    name: Annotated[
        str, Strict(), Field(min_length=1, max_length=MAX_NAME_CHARS), AfterValidator(_shoe_name)
    ]
    """The pair's name, unique (case-insensitive) among the user's shoes."""
    start_distance_km: ShoeStartKm = 0.0
    """Distance already on the shoes when added."""
    added: Day | None = None
    """When the pair was added."""


class History(Record):
    """Everything the plan engine reads: a snapshot of the stored records."""

    checkins: list[CheckIn] = Field(default_factory=list)
    clearances: list[Clearance] = Field(default_factory=list)
    sessions: list[SessionLog] = Field(default_factory=list)
    shoes: list[Shoe] = Field(default_factory=list)


@cache
def _note_adapter() -> TypeAdapter[str]:
    return TypeAdapter(Note)


def check_note(value: Any) -> str:
    """*value* as a note (ValidationError naming what is allowed otherwise)."""
    return _note_adapter().validate_python(value)


# -- Session settings, the active (resumable) session and ice: added for the session screens.


class Settings(Record):
    """How session cues are given and how reps are counted; one document in the file."""

    visual_cues: YesNo = True
    """Flash a word banner on every cue (colour and words, so it works with NO_COLOR)."""
    bell: YesNo = True
    """Ring the terminal bell on every cue."""
    notifications: YesNo = False
    """Send a desktop notification (an OSC escape sequence) on segment changes and the end."""
    notify_style: NotifyStyle = "osc9"
    """Which escape sequence carries the notification."""
    notify_when: Literal["unfocused", "always"] = "unfocused"
    """Send notifications only while the terminal reports it is not in view (focus reporting;
    a terminal that never reports gets them every time), or always."""
    spoken_cues: YesNo = False
    """Speak each cue's word through espeak-ng, when it is installed (off by default)."""
    countdown_cues: YesNo = True
    """Give the 3-2-1 before a hold, rest or interval ends."""
    halfway_cues: YesNo = True
    """Give the halfway cue on long holds, intervals and timed blocks."""
    tempo_reps: YesNo = False
    """Count reps for the runner at 2 s up, 2 s down, instead of `enter` for each rep."""
    ice_minutes: Annotated[int, Strict(), Field(ge=MIN_ICE_MINUTES, le=MAX_ICE_MINUTES)] = (
        MIN_ICE_MINUTES
    )
    """The ice timer's default length."""


class PauseSpan(Record):
    """One pause of an active session, in wall-clock time."""

    start: Moment
    """When the pause began (local wall clock, with its UTC offset)."""
    end: Moment | None = None
    """When the session went on again; None while still paused."""


class PainTap(Record):
    """A pain rating logged during a session."""

    at: Moment
    """When it was logged (local wall clock, with its UTC offset)."""
    elapsed_s: Seconds
    """Seconds into the session's timeline."""
    pain: Pain
    """The rating, 0–10."""


class ActiveSession(Record):
    """A run session under way, saved so it survives a dropped connection or a kill.

    The position by the wall clock is ``(now − started_at − paused time) × speed + shift_s``:
    ``shift_s`` absorbs skips, backs and any drift between the session clock and the wall
    clock, and is refreshed at every save.  The times are aware, so the difference is taken in
    UTC: a time-zone change between the save and the resume moves nothing.
    """

    kind: Literal["run_walk", "run"]
    """A run-walk interval session, or a continuous run."""
    stage: Stage | None = None
    """The run-walk stage (run-walk only)."""
    minutes: Minutes | None = None
    """The planned length of a continuous run (run only)."""
    date: Day
    """The date the session counts for."""
    started_at: Moment
    """Wall-clock start, with its UTC offset."""
    pauses: list[PauseSpan] = Field(default_factory=list, max_length=10_000)
    """Every pause, oldest first; the last may still be open."""
    pains: list[PainTap] = Field(default_factory=list, max_length=10_000)
    """Pain logged during the session."""
    skipped: list[Text] = Field(default_factory=list, max_length=200)
    """Segments skipped, by label."""
    shift_s: Annotated[float, Strict(), Field(allow_inf_nan=False)] = 0.0
    """Seconds to add to the wall-clock running time (skips, backs, clock drift)."""
    speed: Annotated[float, Strict(), Field(gt=0, le=1000, allow_inf_nan=False)] = 1.0
    """Session seconds per wall second (``--speed``)."""
    saved_at: Moment
    """When this record was written."""
    elapsed_at_save_s: Annotated[
        float, Strict(), Field(ge=0, le=MAX_MINUTES * 60 * 10, allow_inf_nan=False)
    ]
    """Where the session stood when this record was written."""

    def paused_seconds(self, now: datetime) -> float:
        """Wall seconds spent paused up to *now* (an open pause counts up to *now*)."""
        now = aware(now)
        total = 0.0
        for span in self.pauses:
            end = span.end or now
            total += max(0.0, (min(end, now) - span.start).total_seconds())
        return total

    @property
    def paused(self) -> bool:
        """True when the session was paused when saved."""
        return bool(self.pauses) and self.pauses[-1].end is None

    def elapsed_at(self, now: datetime) -> float:
        """Where the session would be at *now* by the wall clock (never before the last save).

        Judged in UTC: *now* and the stored times are aware (a naive *now* is local time)."""
        now = aware(now)
        running = (now - self.started_at).total_seconds() - self.paused_seconds(now)
        return max(self.elapsed_at_save_s, running * self.speed + self.shift_s)


class IceLog(Record):
    """One ice block on an acute day (protocol.md §3)."""

    started_at: Moment
    """When the ice went on."""
    minutes: Annotated[float, Strict(), Field(gt=0, le=MAX_ICE_MINUTES + 10, allow_inf_nan=False)]
    """How long it stayed on."""
    completed: YesNo = True
    """False when the timer was stopped early."""
    next_due_from: Moment
    """The next ice is due from this time (2 h after this one ended)…"""
    next_due_by: Moment
    """…and by this time (3 h after)."""
