"""Runback's data: the profile, check-ins, clearances, session logs and shoes.

The records are slotted classes checked on construction by plain Python, without pydantic:
a settled app holds years of them, and neither pydantic (about 11 MiB once its validators
are built) nor a pydantic model per record (about 1.2 KB each) fits the memory budget of
issue 9.  Every record is strict about what it accepts, so a value that reaches the store or
the plan engine is always one that protocol.md allows.  Error messages name the field and
what is allowed (see :func:`describe_validation_error`).

:mod:`runback_tui.domain.schema` states the same rules as pydantic models.  The Store uses
them for a file this code has not validated before (hand-edited, restored, upgraded): pydantic
checks it in bulk, and the records are then made from its output.  A property test holds the
two to the same rules.

Distances are stored in kilometres; the profile's unit is only for display and input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar, Literal, TypeVar, dataclass_transform

# Re-exported: the limits live in a module of their own so the CLI can read them fast.
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


# -- errors ----------------------------------------------------------------------------------


class ValidationError(ValueError):
    """A record could not be built: one problem per field, each naming what is allowed.

    Shaped like pydantic's error (``errors()`` gives ``loc``, ``msg`` and ``type``), so
    :func:`describe_validation_error` reads both.
    """

    def __init__(self, title: str, problems: list[tuple[tuple[str | int, ...], str, str]]) -> None:
        self.title = title
        self.problems = problems
        super().__init__(
            f"{len(problems)} validation error(s) for {title}: "
            + "; ".join(f"{'.'.join(map(str, loc)) or 'value'}: {msg}" for loc, msg, _ in problems)
        )

    def errors(self, include_url: bool = False) -> list[dict[str, Any]]:
        """The problems as pydantic lists them: ``loc``, ``msg`` and ``type`` each."""
        return [{"loc": loc, "msg": msg, "type": kind} for loc, msg, kind in self.problems]


class _Invalid(Exception):
    """One field's problem, raised by a check (internal)."""

    def __init__(self, msg: str, kind: str = "value_error", loc: tuple[str | int, ...] = ()):
        super().__init__(msg)
        self.msg = msg
        self.kind = kind
        self.loc = loc


def describe_validation_error(error: Any, names: dict[str, str] | None = None) -> str:
    """One line per problem: the field (renamed through *names*) and what is allowed.

    *error* is this module's ValidationError or pydantic's (from the schema's bulk check).
    """
    lines = []
    for problem in error.errors(include_url=False):
        loc = [str(part) for part in problem["loc"]]
        field = ".".join(loc) if loc else "value"
        if names and loc and loc[0] in names:
            field = names[loc[0]]
        message = problem["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if problem["type"] == "literal_error":
            message = message.replace("Input should be", "must be one of")
        elif problem["type"] == "extra_forbidden":
            message = "is not a known field"
        lines.append(f"{field}: {message}")
    return "\n".join(lines)


# -- checks: each takes a value and returns it (normalised) or raises _Invalid ----------------

Check = Callable[[Any], Any]
Day = date
"""A calendar date (the alias keeps field annotations clear of fields named ``date``)."""


def _check_date(value: Any) -> date:
    """A calendar date (or its ISO text) between MIN_DATE and MAX_DATE."""
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise _Invalid("must be a date as YYYY-MM-DD", "date_from_datetime_parsing")
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise _Invalid("must be a real date", "date_from_datetime_parsing") from None
    if type(value) is not date:
        raise _Invalid("must be a date", "date_type")
    if not MIN_DATE <= value <= MAX_DATE:
        raise _Invalid(f"must be between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}")
    return value


_DATETIME_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?"
)


def _check_datetime(value: Any) -> datetime:
    """A date and time (or its ISO text)."""
    if isinstance(value, str):
        if not _DATETIME_TEXT.fullmatch(value):
            raise _Invalid("must be a date and time as YYYY-MM-DDTHH:MM:SS", "datetime_parsing")
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise _Invalid("must be a real date and time", "datetime_parsing") from None
    if not isinstance(value, datetime):
        raise _Invalid("must be a date and time", "datetime_type")
    return value


def _check_bool(value: Any) -> bool:
    """True or False."""
    if type(value) is not bool:
        raise _Invalid("must be true or false", "bool_type")
    return value


def _whole(low: int, high: int) -> Check:
    """A whole number from *low* to *high* (True and 2.0 are refused)."""

    def check(value: Any) -> int:
        if type(value) is not int or not low <= value <= high:
            raise _Invalid(f"must be a whole number from {low} to {high}", "int_range")
        return value

    return check


PAIN_SCALE = _whole(0, 10)
"""A whole number on the 0–10 pain scale."""


def _number(high: float, *, low: float = 0.0, above_low: bool = False, unit: str = "") -> Check:
    """A finite number from *low* (or above it) up to *high*; whole numbers become floats."""
    suffix = f" {unit}" if unit else ""

    def check(value: Any) -> float:
        if type(value) is not float and type(value) is not int:
            raise _Invalid("must be a number", "float_type")
        value = float(value)
        if not math.isfinite(value):
            raise _Invalid("must be a finite number", "finite_number")
        if above_low and value <= low:
            raise _Invalid(f"must be more than {low:g}{suffix}", "greater_than")
        if not above_low and value < low:
            raise _Invalid(f"must be {low:g} or more{suffix}", "greater_than_equal")
        if value > high:
            raise _Invalid(f"must be at most {high:g}{suffix}", "less_than_equal")
        return value

    return check


def _distance(limit: float) -> Check:
    """A finite distance in km from 0 up to *limit*."""
    return _number(limit, unit="km")


MINUTES = _number(MAX_MINUTES, above_low=True, unit="minutes")
"""A session length in minutes: more than 0, at most a day."""


def _clean(value: str) -> str:
    """Refuse control characters other than newline and tab in free text."""
    for ch in value:
        if (ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127:
            raise _Invalid("must not contain control characters")
    return value


def _text(
    max_chars: int,
    *,
    min_chars: int = 0,
    pattern: str | None = None,
    allowed: str = "",
    clean: bool = False,
) -> Check:
    """Text of *min_chars* to *max_chars* characters matching *pattern* (shown as *allowed*)."""
    compiled = re.compile(pattern) if pattern else None

    def check(value: Any) -> str:
        if type(value) is not str:
            raise _Invalid("must be text", "string_type")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise _Invalid("must be valid Unicode text", "string_unicode") from None
        if len(value) < min_chars:
            raise _Invalid(f"must be at least {min_chars} character(s)", "string_too_short")
        if len(value) > max_chars:
            raise _Invalid(f"must be at most {max_chars} characters", "string_too_long")
        if compiled is not None and not compiled.fullmatch(value):
            raise _Invalid(f"must be {allowed}", "string_pattern_mismatch")
        return _clean(value) if clean else value

    return check


NOTE = _text(MAX_NOTE_CHARS, clean=True)
"""Free text: at most MAX_NOTE_CHARS characters, no control characters but newline and tab."""
SHOE_NAME = _text(MAX_NAME_CHARS)
_ANY_TEXT = _text(2**62)
"""The name of a shoe as a session log refers to it."""


def _shoe_name(value: Any) -> str:
    """A shoe's own name: stripped, not empty, at most MAX_NAME_CHARS, no control characters."""
    value = _text(MAX_NAME_CHARS, min_chars=1)(value)
    value = value.strip()
    if not value:
        raise _Invalid("must not be empty")
    return _clean(value)


def _one_of(options: Iterable[str]) -> Check:
    """One of the fixed *options*."""
    allowed = tuple(options)
    shown = ", ".join(repr(option) for option in allowed)

    def check(value: Any) -> str:
        if type(value) is not str or value not in allowed:
            raise _Invalid(f"must be one of {shown}", "literal_error")
        return value

    return check


def _optional(check: Check) -> Check:
    """None, or what *check* accepts."""

    def optional(value: Any) -> Any:
        return None if value is None else check(value)

    return optional


def _list(item: Check, *, max_items: int | None = None, dedupe: bool = False) -> Check:
    """A list of what *item* accepts; repeats dropped (first kept) with *dedupe*."""

    def check(value: Any) -> list[Any]:
        if type(value) is not list and type(value) is not tuple:
            raise _Invalid("must be a list", "list_type")
        if max_items is not None and len(value) > max_items:
            raise _Invalid(f"must hold at most {max_items} items", "too_long")
        result = []
        for index, entry in enumerate(value):
            try:
                result.append(item(entry))
            except _Invalid as problem:
                raise _Invalid(problem.msg, problem.kind, (index, *problem.loc)) from None
        return list(dict.fromkeys(result)) if dedupe else result

    return check


def _record_of(cls: type[R]) -> Check:
    """One *cls* record (or a mapping of its fields)."""

    def check(value: Any) -> R:
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            raise _Invalid(f"must be a {cls.__name__}", "model_type")
        try:
            return cls.model_validate(value)
        except ValidationError as error:
            loc, msg, kind = error.problems[0]
            raise _Invalid(msg, kind, loc) from None

    return check


def _is(constant: str) -> Check:
    """Exactly *constant* (a record's kind)."""

    def check(value: Any) -> str:
        if value != constant or type(value) is not str:
            raise _Invalid(f"must be {constant!r}", "literal_error")
        return constant

    return check


# -- records -------------------------------------------------------------------------------

R = TypeVar("R", bound="Record")
_NO_DEFAULT: Any = object()


class _Field:
    """What ``checked(...)`` declares about one field (read by _RecordMeta)."""

    __slots__ = ("check", "decode", "default", "factory")

    def __init__(
        self,
        check: Check,
        default: Any,
        factory: Callable[[], Any] | None,
        decode: Callable[[Any], Any] | None,
    ) -> None:
        self.check = check
        self.default = default
        self.factory = factory
        self.decode = decode


def checked(
    check: Check,
    *,
    default: Any = _NO_DEFAULT,
    default_factory: Callable[[], Any] | None = None,
    decode: Callable[[Any], Any] | None = None,
) -> Any:
    """A record field: the *check* its values pass, its default, and how a stored value decodes.

    *decode* turns the JSON form stored in a validated file back into the value (dates from
    their ISO text, nested records); None means the JSON value is the value.
    """
    return _Field(check, default, default_factory, decode)


@dataclass_transform(kw_only_default=True, field_specifiers=(checked,))
class _RecordMeta(type):
    """Makes each ``checked(...)`` class attribute a slot, and plans construction and decoding.

    Lighter than ``dataclasses.dataclass(slots=True)``, which builds every class twice: the
    command line imports these on every call.
    """

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> _RecordMeta:
        own = {key: value for key, value in namespace.items() if isinstance(value, _Field)}
        for key in own:
            del namespace[key]
        namespace["__slots__"] = tuple(own)
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        inherited: tuple[tuple[str, Check, Any, Any], ...] = getattr(cls, "_plan", ())
        plan = inherited + tuple((k, f.check, f.default, f.factory) for k, f in own.items())
        decoders = dict(getattr(cls, "_decoders", {}))
        decoders.update({key: f.decode for key, f in own.items()})
        cls._plan = plan  # type: ignore[attr-defined]
        cls._decoders = decoders  # type: ignore[attr-defined]
        cls._names = tuple(entry[0] for entry in plan)  # type: ignore[attr-defined]
        # One flat function per class, as dataclasses writes __init__: a loop over the
        # fields would cost twice as much on years of records.
        scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
        lines = ["def decode(doc):", "    r = new(cls)"]
        for key, decode in decoders.items():
            if decode is None:
                lines.append(f"    r.{key} = doc[{key!r}]")
            else:
                scope[f"d_{key}"] = decode
                lines.append(f"    r.{key} = d_{key}(doc[{key!r}])")
        lines.append("    return r")
        exec("\n".join(lines), scope)
        cls._decode_doc = staticmethod(scope["decode"])  # type: ignore[attr-defined]
        return cls


class Record(metaclass=_RecordMeta):
    """Base of every stored record: validated keyword construction, slotted instances.

    The method names follow pydantic's (``model_validate``, ``model_dump``, ``model_copy``),
    which the schema's models share.
    """

    _plan: ClassVar[tuple[tuple[str, Check, Any, Callable[[], Any] | None], ...]]
    _decoders: ClassVar[dict[str, Callable[[Any], Any] | None]]
    _decode_doc: ClassVar[Callable[[Mapping[str, Any]], Any]]
    _names: ClassVar[tuple[str, ...]]

    def __init__(self, **values: Any) -> None:
        problems: list[tuple[tuple[str | int, ...], str, str]] = []
        for name, check, default, factory in self._plan:
            if name in values:
                try:
                    value = check(values.pop(name))
                except _Invalid as problem:
                    problems.append(((name, *problem.loc), problem.msg, problem.kind))
                    continue
            elif factory is not None:
                value = factory()
            elif default is not _NO_DEFAULT:
                value = default
            else:
                problems.append(((name,), "is required", "missing"))
                continue
            setattr(self, name, value)
        for name in values:
            problems.append(((name,), "is not a known field", "extra_forbidden"))
        if problems:
            raise ValidationError(type(self).__name__, problems)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._names)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._names)
        return f"{type(self).__name__}({shown})"

    @classmethod
    def model_validate(cls: type[R], data: Any) -> R:
        """A record from a mapping of its fields (ValidationError when it cannot be one)."""
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping) or not all(isinstance(key, str) for key in data):
            raise ValidationError(cls.__name__, [((), "must be an object of fields", "dict_type")])
        return cls(**data)

    @classmethod
    def model_construct(cls: type[R], **values: Any) -> R:
        """A record from values known to be valid: no checks (missing fields get defaults)."""
        record = object.__new__(cls)
        for name, _, default, factory in cls._plan:
            if name in values:
                value = values[name]
            else:
                value = factory() if factory is not None else default
            setattr(record, name, value)
        return record

    @classmethod
    def decode(cls: type[R], doc: Mapping[str, Any]) -> R:
        """The record a validated file's document stores (its ``model_dump(mode="json")``).

        No checks: only for documents of a version the full validation passed, or that this
        code wrote.  KeyError, TypeError or ValueError when *doc* is not such a document.
        """
        record: R = cls._decode_doc(doc)
        return record

    def model_dump(self, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """The fields as a dict; in "json" mode as stored in the file (dates as ISO text)."""
        value = _python_value if mode == "python" else _json_value
        return {name: value(getattr(self, name)) for name in self._names}

    def model_copy(self: R, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> R:
        """A copy with *update* applied (unchecked, as pydantic's); *deep* copies lists too."""
        values = {name: getattr(self, name) for name, *_ in self._plan}
        if deep:
            import copy

            values = copy.deepcopy(values)
        if update:
            values.update(update)
        return type(self).model_construct(**values)


def _python_value(value: Any) -> Any:
    """model_dump's python form of a field value: nested records become dicts."""
    if isinstance(value, Record):
        return value.model_dump()
    if type(value) is list:
        return [_python_value(item) for item in value]
    return value


def _json_value(value: Any) -> Any:
    """A field value as stored in JSON."""
    if isinstance(value, Record):
        return value.model_dump(mode="json")
    if isinstance(value, datetime):
        return _datetime_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if type(value) is list:
        return [_json_value(item) for item in value]
    return value


def _datetime_text(value: datetime) -> str:
    """A datetime as pydantic writes it: ISO 8601, UTC as "Z"."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _decode_date(text: str) -> date:
    return date.fromisoformat(text)


def _decode_optional_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _decode_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _decode_optional_datetime(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _decode_list(value: list[Any]) -> list[Any]:
    return list(value)


def _decode_records(cls: type[R]) -> Callable[[list[Any]], list[R]]:
    """Decoder of a list of nested *cls* documents."""
    return lambda docs: [cls.decode(doc) for doc in docs]


def new_id() -> str:
    """A fresh unique id for a stored record."""
    import uuid  # here: it costs the command line 1.3 ms, and only new logs need it

    return uuid.uuid4().hex


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


class Profile(Record):
    """The runner's settings and standing answers."""

    start_date: date = checked(_check_date, decode=_decode_date)
    """Program day 1 (protocol.md section 1)."""
    units: Units = checked(_one_of(("km", "mi")), default="km")
    """Unit for showing and entering distances."""
    history: list[HistoryKey] = checked(
        _list(_one_of(HISTORY_KEYS), dedupe=True), default_factory=list, decode=_decode_list
    )
    """History answers that raise fracture risk (protocol.md section 2)."""
    accepted_disclaimer: bool = checked(_check_bool, default=False)
    """The user acknowledged that Runback is not medical advice."""
    starting_weekly_km: float | None = checked(_optional(_distance(MAX_WEEKLY_KM)), default=None)
    """Starting weekly distance for the first build week when phase 2 logged none (section 6)."""


class CheckIn(Record):
    """One morning check-in; there is at most one per date."""

    date: Day = checked(_check_date, decode=_decode_date)
    """The calendar date the check-in is for."""
    pain: int = checked(PAIN_SCALE)
    """Pain now, 0–10."""
    stiffness: int | None = checked(_optional(PAIN_SCALE), default=None)
    """Stiffness now, 0–10, if answered."""
    red_flags: list[RedFlagKey] = checked(
        _list(_one_of(RED_FLAG_KEYS), dedupe=True), default_factory=list, decode=_decode_list
    )
    """Red-flag questions answered yes."""
    walked_30_pain_free: bool = checked(_check_bool, default=False)
    """Gate: can walk 30 minutes without pain."""
    single_leg_bridge_ok: bool = checked(_check_bool, default=False)
    """Gate: single-leg bridges without discomfort."""
    pain_meds_for_daily_life: bool = checked(_check_bool, default=False)
    """Gate (negated): needs pain medication for daily activities."""
    note: str = checked(NOTE, default="")
    """Free text."""


class Clearance(Record):
    """What lifted a red flag (protocol.md section 2).

    ``professional``: the runner was assessed and cleared to continue; it lifts every pause
    dated on or before it.  ``mistake``: red flags answered by mistake, withdrawn on their own
    date; it lifts only the *flags* it names, on that date, and never an earlier pause.
    """

    date: Day = checked(_check_date, decode=_decode_date)
    """The date the user was assessed and cleared (for a mistake: the red flag's date)."""
    note: str = checked(NOTE, default="")
    """Optional note, e.g. who cleared them."""
    reason: ClearanceReason = checked(_one_of(("professional", "mistake")), default="professional")
    """A professional's clearance, or a red flag answered by mistake."""
    made_at: datetime | None = checked(
        _optional(_check_datetime), default=None, decode=_decode_optional_datetime
    )
    """When it was recorded, with its UTC offset (None in files from before schema 2)."""
    flags: list[RedFlagKey] = checked(
        _list(_one_of(RED_FLAG_KEYS), dedupe=True), default_factory=list, decode=_decode_list
    )
    """The red flags a mistake withdrawal took back (empty for a professional clearance)."""


_SESSION_ID = _text(
    64, min_chars=1, pattern=r"[A-Za-z0-9_-]+", allowed="letters, digits, '_' or '-'"
)


class RunWalkLog(Record):
    """A run-walk interval session of phase 2 (protocol.md section 5)."""

    id: str = checked(_SESSION_ID, default_factory=new_id)
    """Unique id of the log."""
    date: Day = checked(_check_date, decode=_decode_date)
    """The date the session was done."""
    kind: Literal["run_walk"] = checked(_is("run_walk"), default="run_walk")
    logged_at: datetime | None = checked(
        _optional(_check_datetime), default=None, decode=_decode_optional_datetime
    )
    """When the log was saved, with its UTC offset (set by the Store; None before schema 2)."""
    stage: int = checked(_whole(1, 3))
    """Run-walk stage 1–3."""
    completed: bool = checked(_check_bool)
    """All repeats were finished."""
    repeats_done: int = checked(_whole(0, 10))
    """Repeats finished (equals the stage's repeats when completed)."""
    pain_during: int = checked(PAIN_SCALE)
    """Highest pain during the session."""
    pain_after: int = checked(PAIN_SCALE)
    """Pain after the session."""
    distance_km: float | None = checked(_optional(_distance(MAX_SESSION_KM)), default=None)
    """Distance covered, if known."""
    shoe: str | None = checked(_optional(SHOE_NAME), default=None)
    """Name of the shoe worn."""


class RunLog(Record):
    """A continuous run of the build phase (protocol.md section 6)."""

    id: str = checked(_SESSION_ID, default_factory=new_id)
    """Unique id of the log."""
    date: Day = checked(_check_date, decode=_decode_date)
    """The date the session was done."""
    kind: Literal["run"] = checked(_is("run"), default="run")
    logged_at: datetime | None = checked(
        _optional(_check_datetime), default=None, decode=_decode_optional_datetime
    )
    """When the log was saved, with its UTC offset (set by the Store; None before schema 2)."""
    distance_km: float = checked(_distance(MAX_SESSION_KM))
    """Distance run."""
    minutes: float | None = checked(_optional(MINUTES), default=None)
    """Time taken, if known."""
    pain_during: int = checked(PAIN_SCALE)
    """Highest pain during the run."""
    pain_after: int = checked(PAIN_SCALE)
    """Pain after the run."""
    shoe: str | None = checked(_optional(SHOE_NAME), default=None)
    """Name of the shoe worn."""


class RoutineLog(Record):
    """A finished exercise routine (exercises.md routines)."""

    id: str = checked(_SESSION_ID, default_factory=new_id)
    """Unique id of the log."""
    date: Day = checked(_check_date, decode=_decode_date)
    """The date the session was done."""
    kind: Literal["routine"] = checked(_is("routine"), default="routine")
    logged_at: datetime | None = checked(
        _optional(_check_datetime), default=None, decode=_decode_optional_datetime
    )
    """When the log was saved, with its UTC offset (set by the Store; None before schema 2)."""
    routine_id: str = checked(
        _text(40, min_chars=1, pattern=r"[a-z0-9_]+", allowed="lower-case letters, digits or '_'")
    )
    """Routine id from exercises.md (checked against the library by the caller)."""
    pain_during: int | None = checked(_optional(PAIN_SCALE), default=None)
    """Highest pain logged during the routine, if any."""
    pain_after: int | None = checked(_optional(PAIN_SCALE), default=None)
    """Pain after the routine, if given."""
    completed: bool = checked(_check_bool, default=True)
    """False when the routine was ended early."""
    duration_s: float | None = checked(
        _optional(_number(MAX_MINUTES * 60, unit="seconds")), default=None
    )
    """Time taken, if timed."""
    skipped: list[str] = checked(
        _list(_ANY_TEXT, max_items=200), default_factory=list, decode=_decode_list
    )
    """Segments that were skipped, by label."""


class CrossLog(Record):
    """A cross-training session (protocol.md section 4)."""

    id: str = checked(_SESSION_ID, default_factory=new_id)
    """Unique id of the log."""
    date: Day = checked(_check_date, decode=_decode_date)
    """The date the session was done."""
    kind: Literal["cross"] = checked(_is("cross"), default="cross")
    logged_at: datetime | None = checked(
        _optional(_check_datetime), default=None, decode=_decode_optional_datetime
    )
    """When the log was saved, with its UTC offset (set by the Store; None before schema 2)."""
    activity: CrossActivity = checked(_one_of(CROSS_ACTIVITIES))
    """Pool running or easy stationary cycling."""
    minutes: float = checked(MINUTES)
    """Duration."""


SessionLog = RunWalkLog | RunLog | RoutineLog | CrossLog
"""Any logged session."""

SESSION_KINDS: dict[str, type[RunWalkLog | RunLog | RoutineLog | CrossLog]] = {
    "run_walk": RunWalkLog,
    "run": RunLog,
    "routine": RoutineLog,
    "cross": CrossLog,
}
"""Each session kind's record, by its ``kind``."""


def validate_session(data: Any) -> SessionLog:
    """The session log *data* describes, by its ``kind`` (ValidationError otherwise)."""
    if isinstance(data, RunWalkLog | RunLog | RoutineLog | CrossLog):
        return data
    kind = data.get("kind") if isinstance(data, Mapping) else None
    cls = SESSION_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        shown = ", ".join(repr(k) for k in SESSION_KINDS)
        problem = (("kind",), f"must be one of {shown}", "union_tag_invalid")
        raise ValidationError("SessionLog", [problem])
    return cls.model_validate(data)


def decode_session(doc: Mapping[str, Any]) -> SessionLog:
    """The session log a validated file's document stores (see Record.decode)."""
    return SESSION_KINDS[doc["kind"]].decode(doc)


class Shoe(Record):
    """A pair of running shoes (protocol.md section 7)."""

    name: str = checked(_shoe_name)
    """The pair's name, unique (case-insensitive) among the user's shoes."""
    start_distance_km: float = checked(_distance(MAX_SHOE_START_KM), default=0.0)
    """Distance already on the shoes when added."""
    added: date | None = checked(_optional(_check_date), default=None, decode=_decode_optional_date)
    """When the pair was added."""


def _session_item(value: Any) -> SessionLog:
    """One session of a History (a record, or a mapping with its kind)."""
    try:
        return validate_session(value)
    except ValidationError as error:
        loc, msg, kind = error.problems[0]
        raise _Invalid(msg, kind, loc) from None


class History(Record):
    """Everything the plan engine reads: a snapshot of the stored records."""

    checkins: list[CheckIn] = checked(_list(_record_of(CheckIn)), default_factory=list)
    clearances: list[Clearance] = checked(_list(_record_of(Clearance)), default_factory=list)
    sessions: list[SessionLog] = checked(_list(_session_item), default_factory=list)
    shoes: list[Shoe] = checked(_list(_record_of(Shoe)), default_factory=list)


def check_note(value: Any) -> str:
    """*value* as a note (ValidationError naming what is allowed otherwise)."""
    try:
        result: str = NOTE(value)
    except _Invalid as problem:
        raise ValidationError("Note", [(problem.loc, problem.msg, problem.kind)]) from None
    return result


# -- Session settings, the active (resumable) session and ice: added for the session screens.


class Settings(Record):
    """How session cues are given and how reps are counted; one document in the file."""

    visual_cues: bool = checked(_check_bool, default=True)
    """Flash a word banner on every cue (colour and words, so it works with NO_COLOR)."""
    bell: bool = checked(_check_bool, default=True)
    """Ring the terminal bell on every cue."""
    notifications: bool = checked(_check_bool, default=False)
    """Send a desktop notification (an OSC escape sequence) on segment changes and the end."""
    notify_style: NotifyStyle = checked(_one_of(("osc9", "osc777")), default="osc9")
    """Which escape sequence carries the notification."""
    countdown_cues: bool = checked(_check_bool, default=True)
    """Give the 3-2-1 before a hold, rest or interval ends."""
    halfway_cues: bool = checked(_check_bool, default=True)
    """Give the halfway cue on long holds, intervals and timed blocks."""
    tempo_reps: bool = checked(_check_bool, default=False)
    """Count reps for the runner at 2 s up, 2 s down, instead of `enter` for each rep."""
    ice_minutes: int = checked(_whole(MIN_ICE_MINUTES, MAX_ICE_MINUTES), default=MIN_ICE_MINUTES)
    """The ice timer's default length."""


class PauseSpan(Record):
    """One pause of an active session, in wall-clock time."""

    start: datetime = checked(_check_datetime, decode=_decode_datetime)
    """When the pause began (local wall clock)."""
    end: datetime | None = checked(
        _optional(_check_datetime), default=None, decode=_decode_optional_datetime
    )
    """When the session went on again; None while still paused."""


class PainTap(Record):
    """A pain rating logged during a session."""

    at: datetime = checked(_check_datetime, decode=_decode_datetime)
    """When it was logged (local wall clock)."""
    elapsed_s: float = checked(_number(MAX_MINUTES * 60, unit="seconds"))
    """Seconds into the session's timeline."""
    pain: int = checked(PAIN_SCALE)
    """The rating, 0–10."""


class ActiveSession(Record):
    """A run session under way, saved so it survives a dropped connection or a kill.

    The position by the wall clock is ``(now − started_at − paused time) × speed + shift_s``:
    ``shift_s`` absorbs skips, backs and any drift between the session clock and the wall
    clock, and is refreshed at every save.
    """

    kind: Literal["run_walk", "run"] = checked(_one_of(("run_walk", "run")))
    """A run-walk interval session, or a continuous run."""
    stage: int | None = checked(_optional(_whole(1, 3)), default=None)
    """The run-walk stage (run-walk only)."""
    minutes: float | None = checked(_optional(MINUTES), default=None)
    """The planned length of a continuous run (run only)."""
    date: Day = checked(_check_date, decode=_decode_date)
    """The date the session counts for."""
    started_at: datetime = checked(_check_datetime, decode=_decode_datetime)
    """Wall-clock start."""
    pauses: list[PauseSpan] = checked(
        _list(_record_of(PauseSpan), max_items=10_000),
        default_factory=list,
        decode=_decode_records(PauseSpan),
    )
    """Every pause, oldest first; the last may still be open."""
    pains: list[PainTap] = checked(
        _list(_record_of(PainTap), max_items=10_000),
        default_factory=list,
        decode=_decode_records(PainTap),
    )
    """Pain logged during the session."""
    skipped: list[str] = checked(
        _list(_ANY_TEXT, max_items=200), default_factory=list, decode=_decode_list
    )
    """Segments skipped, by label."""
    shift_s: float = checked(_number(math.inf, low=-math.inf), default=0.0)
    """Seconds to add to the wall-clock running time (skips, backs, clock drift)."""
    speed: float = checked(_number(1000, above_low=True), default=1.0)
    """Session seconds per wall second (``--speed``)."""
    saved_at: datetime = checked(_check_datetime, decode=_decode_datetime)
    """When this record was written."""
    elapsed_at_save_s: float = checked(_number(MAX_MINUTES * 60 * 10, unit="seconds"))
    """Where the session stood when this record was written."""

    def paused_seconds(self, now: datetime) -> float:
        """Wall seconds spent paused up to *now* (an open pause counts up to *now*)."""
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
        """Where the session would be at *now* by the wall clock (never before the last save)."""
        running = (now - self.started_at).total_seconds() - self.paused_seconds(now)
        return max(self.elapsed_at_save_s, running * self.speed + self.shift_s)


class IceLog(Record):
    """One ice block on an acute day (protocol.md §3)."""

    started_at: datetime = checked(_check_datetime, decode=_decode_datetime)
    """When the ice went on."""
    minutes: float = checked(_number(MAX_ICE_MINUTES + 10, above_low=True, unit="minutes"))
    """How long it stayed on."""
    completed: bool = checked(_check_bool, default=True)
    """False when the timer was stopped early."""
    next_due_from: datetime = checked(_check_datetime, decode=_decode_datetime)
    """The next ice is due from this time (2 h after this one ended)…"""
    next_due_by: datetime = checked(_check_datetime, decode=_decode_datetime)
    """…and by this time (3 h after)."""
