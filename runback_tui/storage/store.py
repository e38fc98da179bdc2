"""The Store: the only code that writes Runback's data file.

TinyDB underneath, typed methods on top: records (domain/models.py) go in, records come out.
Every write is a transaction through TinyDB's public Storage API (storage/transaction.py):
take the lock, read the file once and check it, let TinyDB change the tables in memory, write
them back atomically (durable.py), so two processes never lose each other's writes.  Reads take
no lock: a rename is atomic, so a reader sees a whole file, old or new.

**Checking.**  A file is checked in full by pydantic (:class:`DataFile`: the layout, every
document as its record, no repeated date, id or shoe name) whenever its records are read into
a :class:`Snapshot`.  A write skips that check only for the very bytes this code validated or
wrote before (the same digest, remembered here and in the sidecar): it never decodes those
documents, it only adds records that were checked on the way in.  Snapshots are cached per
file version (inode, size, modification and change times), so repeated reads cost a ``stat``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from tinydb import Query, TinyDB

from runback_tui.domain import wording
from runback_tui.domain.clock import aware
from runback_tui.domain.limits import RedFlagKey, standing_red_flags
from runback_tui.domain.models import (
    ICE_NEXT_BY_H,
    ICE_NEXT_FROM_H,
    ActiveSession,
    CheckIn,
    CheckInEdit,
    Clearance,
    History,
    IceLog,
    ImportedActivity,
    Profile,
    RunLog,
    RunWalkLog,
    SessionLog,
    Settings,
    Shoe,
    describe_problem,
    validate_session,
)
from runback_tui.storage import cache as sidecar
from runback_tui.storage import durable
from runback_tui.storage.durable import DataFileError, StoreError, lock_timeout_from_env
from runback_tui.storage.migrations import (
    CURRENT_VERSION,
    META_TABLE,
    NewerSchemaError,
    Tables,
    migrate,
)
from runback_tui.storage.transaction import LockedFileStorage, Written

PROFILE_TABLE = "profile"
CHECKINS_TABLE = "checkins"
CHECKIN_EDITS_TABLE = "checkin_edits"
CLEARANCES_TABLE = "clearances"
SESSIONS_TABLE = "sessions"
SHOES_TABLE = "shoes"
SETTINGS_TABLE = "settings"
ACTIVE_SESSION_TABLE = "active_session"
ICE_TABLE = "ice"
PENDING_IMPORTS_TABLE = "pending_imports"
PRE_PROGRAM_TABLE = "pre_program"


class ConflictError(StoreError):
    """A value clashes with what is stored (a duplicate shoe name); exit 2."""

    exit_code = 2


class NothingToWithdraw(StoreError):
    """A mistake withdrawal with no red flag to withdraw, or not on the flag's date; exit 2."""

    exit_code = 2


class RecordChanged(StoreError):
    """Another process changed a record since the screen saving over it read it (no lost
    update: the screen asks the runner whose version to keep; nothing was written)."""

    def __init__(self, what: str, theirs: Any) -> None:
        self.what = what
        """What changed, e.g. "the check-in of 2026-11-21"."""
        self.theirs = theirs
        """The record as the other process left it (None: it was removed)."""
        super().__init__(f"{what} was changed by another Runback since you opened it")


class _Unchecked:
    """The *expected* of a save that does not check what it replaces (the CLI's)."""

    def __repr__(self) -> str:
        return "UNCHECKED"


UNCHECKED: Any = _Unchecked()
"""Save without checking that the record is still what the caller read."""


def red_flag_state(history: History) -> tuple[Any, ...]:
    """What a clearance decision rests on: every check-in's red flags and every clearance.

    The stop screen reads it with the plan; a clearance is refused (RecordChanged) when it
    changed since, e.g. a new red flag came in from another terminal, which the clearance
    would otherwise lift unseen.
    """
    return _red_flag_state(history.checkins, history.clearances)


def _red_flag_state(
    checkins: Sequence[CheckIn], clearances: Sequence[Clearance]
) -> tuple[Any, ...]:
    flags = sorted((c.date, tuple(c.red_flags)) for c in checkins if c.red_flags)
    cleared = sorted((c.date, c.reason, tuple(c.flags)) for c in clearances)
    return tuple(flags), tuple(cleared)


def _check_expected(docs: Sequence[Any], model: type[BaseModel], expected: Any, what: str) -> None:
    """RecordChanged when the stored record (*docs*' first, None without one) is no longer
    *expected*, the record the caller read; nothing to check with UNCHECKED."""
    if expected is UNCHECKED:
        return
    stored_now = model.model_validate(dict(docs[0])) if docs else None
    if stored_now != expected:
        raise RecordChanged(what, stored_now)


@dataclass(frozen=True)
class SavedCheckIn:
    """What Store.save_checkin stored."""

    stored: CheckIn
    """The check-in as stored: the answers given, plus any red flag of that date that stands."""
    replaced: bool
    """An earlier check-in of that date was replaced (and archived)."""


# -- the file's layout -------------------------------------------------------------------------

DocId = Annotated[str, Field(pattern=r"^[0-9]{1,12}$")]
"""A TinyDB document id: a decimal number as text."""


class _Layout(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class DataFile(_Layout):
    """The data file: TinyDB's object of tables, each an object of ``"doc_id": document``.

    Checked after migrations.py has upgraded an older file, so it states the current schema.
    """

    meta: dict[DocId, dict[str, Any]] = Field(default_factory=dict, alias=META_TABLE)
    """``{"schema_version": N}`` (read by migrations.py)."""
    profile: dict[DocId, Profile] = Field(default_factory=dict)
    checkins: dict[DocId, CheckIn] = Field(default_factory=dict)
    checkin_edits: dict[DocId, CheckInEdit] = Field(default_factory=dict)
    clearances: dict[DocId, Clearance] = Field(default_factory=dict)
    sessions: dict[DocId, SessionLog] = Field(default_factory=dict)
    shoes: dict[DocId, Shoe] = Field(default_factory=dict)
    settings: dict[DocId, Settings] = Field(default_factory=dict)
    active_session: dict[DocId, ActiveSession] = Field(default_factory=dict)
    ice: dict[DocId, IceLog] = Field(default_factory=dict)
    pending_imports: dict[DocId, ImportedActivity] = Field(default_factory=dict)
    pre_program: dict[DocId, ImportedActivity] = Field(default_factory=dict)


@cache
def _data_file() -> TypeAdapter[DataFile]:
    """The validator of a whole file (built on first use)."""
    return TypeAdapter(DataFile)


def _in_id_order(table: dict[str, Any]) -> list[Any]:
    """A table's documents, oldest (lowest id) first."""
    return [table[key] for key in sorted(table, key=int)]


def _layout_problem(error: ValidationError) -> str:
    """What is wrong with a file, in words: its first bad table or document."""
    problems = error.errors(include_url=False)
    first = problems[0]
    loc = first["loc"]
    table = str(loc[0]) if loc else ""
    if len(loc) <= 1:
        if first["type"] == "extra_forbidden":
            return f"it has a table {table!r} that Runback does not know"
        if table:
            return f"its {table!r} table is not a JSON object"
        return "its top level is not a JSON object"
    doc_id = str(loc[1])
    if len(loc) > 2 and loc[2] == "[key]":
        return f"its {table!r} table has a bad document id {doc_id!r}"
    if len(loc) == 2 and first["type"] in ("model_type", "dict_type", "model_attributes_type"):
        return f"document {doc_id} of {table!r} is not a JSON object"
    same_doc = [p for p in problems if tuple(p["loc"][:2]) == (loc[0], loc[1])]
    detail = "; ".join(describe_problem({**p, "loc": p["loc"][2:]}) for p in same_doc)
    return f"document {doc_id} of {table!r} is invalid: {detail}"


def _refuse_duplicates(what: str, values: list[str]) -> None:
    """Raise ValueError naming the first repeated value."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"it holds the {what} {value!r} twice")
        seen.add(value)


@dataclass(frozen=True)
class Snapshot:
    """Everything in the file, validated."""

    profile: Profile | None
    """The profile, None before `runback init` or onboarding."""
    history: History
    """Check-ins, clearances, sessions and shoes."""
    checkin_edits: tuple[CheckInEdit, ...]
    """Replaced check-ins, oldest first."""
    schema_version: int
    """The file's schema version."""
    settings: Settings = field(default_factory=Settings)
    """Session cue settings (defaults until saved)."""
    active_session: ActiveSession | None = None
    """A run session under way, saved so it can be resumed."""
    ice: tuple[IceLog, ...] = ()
    """Ice blocks, oldest first."""
    pending_imports: tuple[ImportedActivity, ...] = ()
    """Imported runs waiting for the pain during and after (not logs: they count for nothing
    until Store.settle_imports makes them logs), oldest start first."""
    pre_program: tuple[ImportedActivity, ...] = ()
    """Imported activities from before day 1: context, never judged; oldest first."""
    digest: str | None = None
    """The digest of the file bytes this was read from (cache.digest); None: no file.  Views
    computed from this snapshot may be kept in the sidecar under it (cache.remember)."""


def snapshot_of(tables: Tables, file_digest: str | None = None) -> Snapshot:
    """Every document of current-schema *tables* checked; ValueError naming the problem."""
    try:
        data = _data_file().validate_python(tables)
    except ValidationError as error:
        raise ValueError(_layout_problem(error)) from None
    for name, table in (
        ("profile", data.profile),
        ("settings document", data.settings),
        ("active session", data.active_session),
    ):
        if len(table) > 1:
            raise ValueError(f"it holds more than one {name}")
    checkins = _in_id_order(data.checkins)
    sessions = _in_id_order(data.sessions)
    shoes = _in_id_order(data.shoes)
    _refuse_duplicates("check-in date", [c.date.isoformat() for c in checkins])
    _refuse_duplicates("session id", [s.id for s in sessions])
    _refuse_duplicates("shoe name", [s.name.casefold() for s in shoes])
    pending = sorted(_in_id_order(data.pending_imports), key=lambda a: a.started_at)
    pre_program = sorted(_in_id_order(data.pre_program), key=lambda a: a.started_at)
    _refuse_duplicates("pending import id", [a.id for a in pending])
    _refuse_duplicates("pre-program activity id", [a.id for a in pre_program])
    history = History.model_construct(
        checkins=checkins,
        clearances=_in_id_order(data.clearances),
        sessions=sessions,
        shoes=shoes,
    )
    profiles = _in_id_order(data.profile)
    settings = _in_id_order(data.settings)
    active = _in_id_order(data.active_session)
    return Snapshot(
        profiles[0] if profiles else None,
        history,
        tuple(_in_id_order(data.checkin_edits)),
        CURRENT_VERSION,
        settings[0] if settings else Settings(),
        active[0] if active else None,
        tuple(_in_id_order(data.ice)),
        pending_imports=tuple(pending),
        pre_program=tuple(pre_program),
        digest=file_digest,
    )


def _check_withdrawal_date(day: date, today: date) -> None:
    """protocol.md §2: an answer is withdrawn as a mistake on its own date only."""
    if day != today:
        raise NothingToWithdraw(wording.withdraw_own_date_only(day.isoformat(), today.isoformat()))


def _flags_to_withdraw(day: date, answers: list[list[Any]]) -> list[RedFlagKey]:
    """The red flags of *day*'s check-in(s), once each; NothingToWithdraw when there are none.

    *answers* come from stored check-ins, so each is a red-flag key already.
    """
    flags: list[RedFlagKey] = list(dict.fromkeys(flag for flagged in answers for flag in flagged))
    if not flags:
        raise NothingToWithdraw(f"the check-in of {day.isoformat()} holds no red flag to withdraw")
    return flags


def _drop_empty_imports(db: TinyDB) -> None:
    """No empty import tables: a file whose imports were all answered, dropped or moved is
    as a file that never had any."""
    for name in (PENDING_IMPORTS_TABLE, PRE_PROGRAM_TABLE):
        if not db.table(name).all():
            db.drop_table(name)


def _drop_pending_twin(db: TinyDB, session: Any) -> ImportedActivity | None:
    """Forget the waiting imported run that *session*, a log just stored, already is (a run
    typed in by hand after its watch file was imported): answering it would log it twice.
    Returns it (None: none is)."""
    if not isinstance(session, RunWalkLog | RunLog):
        return None
    table = db.table(PENDING_IMPORTS_TABLE)
    docs = table.all()
    if not docs:
        return None
    from runback_tui.storage import activities  # only with runs waiting: not on every start

    waiting = {str(doc.get("id")): doc.doc_id for doc in docs}
    found = activities.pending_twin(
        session, [ImportedActivity.model_validate(dict(doc)) for doc in docs]
    )
    if found is not None:
        table.remove(doc_ids=[waiting[found.id]])
        _drop_empty_imports(db)
    return found


def _split_imports(db: TinyDB, start: date, today: date) -> None:
    """Keep imported activities on the right side of day 1 after it moved: one from *start* on
    waits for its pain (it now counts once answered), one before it is pre-program history;
    one dated after *today* (a wrong clock's, kept before day 1) never waits to be logged."""
    waiting, history = db.table(PENDING_IMPORTS_TABLE), db.table(PRE_PROGRAM_TABLE)
    day, last = start.isoformat(), today.isoformat()
    to_wait = [doc for doc in history.all() if day <= str(doc.get("date")) <= last]
    to_history = [doc for doc in waiting.all() if str(doc.get("date")) < day]
    if not (to_wait or to_history):
        return
    history.remove(doc_ids=[doc.doc_id for doc in to_wait])
    waiting.remove(doc_ids=[doc.doc_id for doc in to_history])
    waiting.insert_multiple(dict(doc) for doc in to_wait)
    history.insert_multiple(dict(doc) for doc in to_history)
    _drop_empty_imports(db)


def _session_stored(db: TinyDB, session: Any) -> bool:
    """True when this exact log is stored (a retried save); ConflictError when its id is taken.

    The time it was logged is not compared: a retried save is stamped anew.
    """
    stored = db.table(SESSIONS_TABLE).get(Query().id == session.id)
    if stored is None:
        return False
    mine = _dump(session)
    theirs = dict(stored)
    mine.pop("logged_at", None)
    theirs.pop("logged_at", None)
    if theirs == mine:
        return True
    raise ConflictError(f"another session with id {session.id!r} is already stored")


def _dump(model: Any) -> dict[str, Any]:
    """A record as the JSON-ready dict stored in the file."""
    result: dict[str, Any] = model.model_dump(mode="json")
    return result


# -- restoring an export -----------------------------------------------------------------------

EXPORT_LISTS = (
    "checkins",
    "checkin_edits",
    "clearances",
    "sessions",
    "shoes",
    PENDING_IMPORTS_TABLE,
    PRE_PROGRAM_TABLE,
)
"""The lists of a JSON export (interface.md, and the import tables of schema 4), each a table
of the file."""

_OPTIONAL_LISTS = frozenset({"checkin_edits", PENDING_IMPORTS_TABLE, PRE_PROGRAM_TABLE})
"""Lists an older export may lack (exports before schema 2 held no replaced check-ins, before
schema 4 no imported activities)."""

_EXPORT_KEYS = frozenset({"schema_version", "profile", *EXPORT_LISTS})


class BadExport(StoreError):
    """A file offered to restore that is not a whole, valid Runback export (exit 3)."""

    exit_code = 3

    def __init__(self, problem: str, advice: str = "") -> None:
        self.problem = problem
        self.advice = advice
        super().__init__(problem)


def _export_problem(problem: str) -> str:
    """A file-layout problem (snapshot_of) in the words of an export's lists."""
    return re.sub(
        r"document (\d+) of '(\w+)'",
        lambda found: f"item {found[1]} of its {found[2]!r} list",
        problem,
    )


def _export_tables(data: Any) -> Tables:
    """The data-file tables an export stands for (its schema, not yet migrated); BadExport."""
    foreign = "Give a file written by `runback export --format json`."
    if not isinstance(data, dict):
        raise BadExport("it is not a Runback export: its top level is not a JSON object", foreign)
    if META_TABLE in data:
        raise BadExport(
            "it is a Runback data file, not an export",
            "Restore takes what `runback export --format json` writes; to use a data file as "
            "it is, point Runback at it with --data.",
        )
    if "schema_version" not in data:
        raise BadExport("it is not a Runback export: it has no schema_version", foreign)
    unknown = sorted(set(data) - _EXPORT_KEYS)
    if unknown:
        named = ", ".join(repr(key) for key in unknown[:5])
        raise BadExport(f"it is not a Runback export: it holds {named}", foreign)
    missing = [n for n in ("profile", *EXPORT_LISTS) if n not in data and n not in _OPTIONAL_LISTS]
    if missing:
        raise BadExport(f"it is not a whole Runback export: it has no {missing[0]!r}", foreign)
    version = data["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadExport("its schema_version must be a whole number from 1 up", foreign)
    profile = data["profile"]
    if profile is None:
        raise BadExport("it holds no profile", "Export from a Runback that has one.")
    tables: Tables = {
        META_TABLE: {"1": {"schema_version": version}},
        PROFILE_TABLE: {"1": profile},
    }
    for name in EXPORT_LISTS:
        items = data.get(name, [])
        if not isinstance(items, list):
            raise BadExport(f"its {name!r} is not a list", foreign)
        tables[name] = {str(number): item for number, item in enumerate(items, start=1)}
    return tables


@dataclass(frozen=True)
class RestoreSummary:
    """What an export holds, checked in full (check_export), and where a restore kept the
    file it replaced (Store.restore)."""

    profile: Profile
    history: History
    checkin_edits: tuple[CheckInEdit, ...]
    schema_version: int
    """The schema the export was written in (older ones are upgraded on the way in)."""
    pending_imports: tuple[ImportedActivity, ...] = ()
    """Imported runs waiting for their pain."""
    pre_program: tuple[ImportedActivity, ...] = ()
    """Imported activities from before day 1."""
    backup: Path | None = None
    """The replaced data file, kept next to it (None: there was no file, or not restored yet)."""

    @staticmethod
    def _span(days: Sequence[date]) -> tuple[date, date] | None:
        return (min(days), max(days)) if days else None

    @property
    def checkin_dates(self) -> tuple[date, date] | None:
        """The first and last check-in dates (None: none)."""
        return self._span([c.date for c in self.history.checkins])

    @property
    def session_dates(self) -> tuple[date, date] | None:
        """The first and last session dates (None: none)."""
        return self._span([s.date for s in self.history.sessions])


def check_export(data: Any) -> RestoreSummary:
    """Check every record of a parsed JSON export as the Store checks its own file (an older
    schema migrated first, a newer one refused); BadExport naming the problem."""
    tables = _export_tables(data)
    try:
        tables, version = migrate(tables)
        snap = snapshot_of(tables)
    except NewerSchemaError as error:
        raise BadExport(
            f"it was written by a newer Runback (schema_version {error.version}; "
            f"this one understands up to {CURRENT_VERSION})",
            "Upgrade Runback (pip install -U runback) to restore it.",
        ) from None
    except ValueError as error:
        raise BadExport(
            _export_problem(str(error)), "Restore from another export, or fix this one."
        ) from None
    assert snap.profile is not None  # _export_tables refused an export without one
    logged = {s.id for s in snap.history.sessions}
    both = sorted(a.id for a in snap.pending_imports if a.id in logged)
    if both:
        raise BadExport(
            f"pending_imports: {both[0]!r} is waiting for its pain and is also logged in "
            "sessions (a run counted twice)",
            "Restore from another export, or remove it from one of the two lists.",
        )
    return RestoreSummary(
        snap.profile,
        snap.history,
        snap.checkin_edits,
        version,
        snap.pending_imports,
        snap.pre_program,
    )


def _restored_tables(summary: RestoreSummary) -> dict[str, list[dict[str, Any]]]:
    """The documents each table holds after a restore, as the Store writes them."""
    history = summary.history
    return {
        PROFILE_TABLE: [_dump(summary.profile)],
        CHECKINS_TABLE: [_dump(c) for c in history.checkins],
        CHECKIN_EDITS_TABLE: [
            {**_dump(e.checkin), "replaced_at": e.replaced_at.isoformat(timespec="seconds")}
            for e in summary.checkin_edits
        ],
        CLEARANCES_TABLE: [_dump(c) for c in history.clearances],
        SESSIONS_TABLE: [_dump(s) for s in history.sessions],
        SHOES_TABLE: [_dump(s) for s in history.shoes],
        PENDING_IMPORTS_TABLE: [_dump(a) for a in summary.pending_imports],
        PRE_PROGRAM_TABLE: [_dump(a) for a in summary.pre_program],
    }


class Store:
    """Typed access to one Runback data file."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float | None = None,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.path = Path(os.path.realpath(path))
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backup_path = self.path.with_name(self.path.name + ".bak")
        self.lock_timeout = lock_timeout_from_env() if lock_timeout is None else lock_timeout
        self._now: Callable[[], datetime] = lambda: aware(now())  # stored times carry an offset
        self._cache: tuple[durable.FileIdentity, Snapshot] | None = None
        self.validated_digest: str | None = None
        """Digest of the file version last validated or written here (cache.digest)."""
        self._written: Written | None = None
        """The file's bytes as this Store last wrote (or parsed and trusted) them, with their
        tables: the next transaction starts from them when the file still holds those bytes."""

    # -- reading ---------------------------------------------------------------------------

    def _corrupt(self, problem: str) -> DataFileError:
        """The error for a file Runback cannot use; it names what to do."""
        if self.backup_path.exists():
            advice = (
                "The file was left exactly as it was. Restore the previous good copy "
                f"({self.backup_path}) over it, or move the file aside, "
                "or point Runback at another file with --data."
            )
        else:
            advice = (
                "The file was left exactly as it was. Fix or move the file aside, "
                "or point Runback at another file with --data."
            )
        return DataFileError(self.path, f"Runback cannot use this data file: {problem}.", advice)

    def _checked(self, raw: bytes, file_digest: str) -> tuple[Tables, int, Snapshot]:
        """Parse, migrate in memory and check every record of the bytes *raw* (whose digest is
        *file_digest*); the tables, their version, and what they hold.  DataFileError naming
        the problem otherwise."""
        if not raw.strip():
            raise self._corrupt("it is empty")
        try:
            # Bytes validated before passed the hostile-input checks of parse_json_bytes.
            known = self._known_valid(file_digest)
            tables = json.loads(raw) if known else durable.parse_json_bytes(raw)
            if not isinstance(tables, dict):
                raise ValueError("its top level is not a JSON object")
            tables, version = migrate(tables)
            snap = snapshot_of(tables, file_digest)
        except NewerSchemaError as error:
            raise DataFileError(
                self.path,
                f"this file was written by a newer Runback (schema_version {error.version}; "
                f"this one understands up to {CURRENT_VERSION}).",
                "Upgrade Runback (pip install -U runback); the file was not changed.",
            ) from None
        except ValueError as error:
            raise self._corrupt(str(error)) from None
        return tables, version, snap

    def _stat_key(self) -> durable.FileIdentity | None:
        """Identity of the file's current version, None if there is no file."""
        try:
            return durable.file_identity(self.path)
        except OSError as error:
            raise DataFileError(
                self.path,
                f"cannot read the data file ({error.strerror})",
                "Check the file's permissions, or choose another file with --data.",
            ) from error

    def snapshot(self) -> Snapshot:
        """Everything in the file, validated; cached until the file changes."""
        key = self._stat_key()
        if key is None:
            return Snapshot(None, History(), (), CURRENT_VERSION)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        raw = durable.read_file_bytes(self.path)
        if raw is None:
            return Snapshot(None, History(), (), CURRENT_VERSION)
        return self._snapshot_of(key, raw, sidecar.digest(raw))

    def _snapshot_of(self, key: durable.FileIdentity, raw: bytes, file_digest: str) -> Snapshot:
        """The snapshot of the bytes *raw* just read (file identity *key*, digest given)."""
        written = self._written
        if self._cache is not None and self._cache[1].digest == file_digest:
            snap = self._cache[1]  # the same bytes (rewritten unchanged, or touched)
        elif written is not None and raw == written.payload:
            # What this Store just wrote or parsed: its tables are at hand (not parsed again),
            # and still checked record by record.
            try:
                snap = snapshot_of(written.tables, file_digest)
            except ValueError as error:
                raise self._corrupt(str(error)) from None
        else:
            _, version, snap = self._checked(raw, file_digest)
            if version < CURRENT_VERSION:
                self.migrate_file()
                return self.snapshot()
            assert snap.digest is not None
            self._vouch(snap.digest)
        self._cache = (key, snap)
        return snap

    def _vouch(self, file_digest: str) -> None:
        """Remember (here and in the sidecar) that this exact file version is valid."""
        self.validated_digest = file_digest
        sidecar.note_valid(self.path, file_digest)

    def _known_valid(self, file_digest: str) -> bool:
        """True when these exact bytes were validated or written by this code before."""
        return file_digest == self.validated_digest or (
            file_digest == sidecar.validated_digest(self.path)
        )

    def data_version(self) -> durable.FileIdentity | None:
        """A token that changes whenever another process writes the file."""
        return self._stat_key()

    def exists(self) -> bool:
        """True when the data file exists."""
        return self._stat_key() is not None

    def profile(self) -> Profile | None:
        """The profile, or None before onboarding.

        From a file version this code validated or wrote, only the profile is read (a command
        that needs just the start date does not check years of records again); any other file
        is checked in full first.
        """
        key = self._stat_key()
        if key is None:
            return None
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1].profile
        raw = durable.read_file_bytes(self.path)
        if raw is None:
            return None
        file_digest = sidecar.digest(raw)
        if raw.strip() and self._known_valid(file_digest):
            tables = json.loads(raw)
            # A write that follows (the usual case: `runback checkin`) starts from these.
            self._written = Written(raw, tables, {})
            docs = _in_id_order(tables.get(PROFILE_TABLE, {}))
            return Profile.model_validate(docs[0]) if docs else None
        return self._snapshot_of(key, raw, file_digest).profile

    def history(self) -> History:
        """Every check-in, clearance, session and shoe."""
        return self.snapshot().history

    def checkin_on(self, day: date) -> CheckIn | None:
        """The check-in for *day*, if there is one."""
        for checkin in self.history().checkins:
            if checkin.date == day:
                return checkin
        return None

    # -- writing ---------------------------------------------------------------------------

    def _prepare(self, raw: bytes | None) -> tuple[Tables, bool]:
        """The tables a transaction starts from, and whether they differ from the file.

        No file: an empty current-schema file.  Bytes validated or written by this code
        before: parsed as they are.  Anything else is checked in full first (and an older
        schema is upgraded, after a backup of the original).
        """
        if raw is None:
            return {META_TABLE: {"1": {"schema_version": CURRENT_VERSION}}}, True
        file_digest = sidecar.digest(raw)
        if raw.strip() and self._known_valid(file_digest):
            tables: Tables = json.loads(raw)
            return tables, False
        tables, version, _ = self._checked(raw, file_digest)
        if version < CURRENT_VERSION:
            self._write_migration_backup(raw, version)
            return tables, True
        return tables, False

    @contextmanager
    def _transaction(self) -> Iterator[TinyDB]:
        """Lock, load and check, let the caller change the tables, then save atomically."""
        directory = self.path.parent
        if not directory.exists():
            with durable.translate_write_errors(self.path):
                durable.make_private_dirs(directory)
        previous, self._written = self._written, None  # a failed transaction leaves none
        with TinyDB(
            self.path,
            lock_path=self.lock_path,
            lock_timeout=self.lock_timeout,
            prepare=self._prepare,
            previous=previous,
            storage=LockedFileStorage,
        ) as db:
            storage = db.storage
            assert isinstance(storage, LockedFileStorage)
            yield db
            written = storage.commit(self.backup_path, self._now())
            if written is not None:
                # Every writer stores checked records, so the new version is valid too.
                self._vouch(sidecar.digest(written.payload))
                self._written = written
            elif storage.raw == (previous.payload if previous else None):
                self._written = previous  # nothing changed: the file is still what we wrote
        self._cache = None

    def _write_migration_backup(self, raw: bytes, version: int) -> None:
        """Keep the file as it was before a migration, next to it."""
        backup = self.path.with_name(f"{self.path.name}.v{version}-backup")
        with durable.translate_write_errors(backup):
            if not backup.exists():
                durable.atomic_write_bytes(backup, raw)

    def migrate_file(self) -> None:
        """Upgrade an older file on disk (a backup is written first)."""
        with self._transaction():
            pass

    def save_profile(self, profile: Profile, *, expected: Any = UNCHECKED) -> None:
        """Create or replace the profile; with *expected* (the profile the caller read),
        RecordChanged when the stored one is no longer that."""
        with self._transaction() as db:
            table = db.table(PROFILE_TABLE)
            _check_expected(table.all(), Profile, expected, "the profile")
            table.truncate()
            table.insert(_dump(profile))
            _split_imports(db, profile.start_date, self._now().date())

    def save_checkin(self, checkin: CheckIn, *, expected: Any = UNCHECKED) -> SavedCheckIn:
        """Store the check-in for its date, replacing (and archiving) an earlier one.

        A red flag the earlier check-in of that date holds is kept (protocol.md section 2: it
        stands until a clearance): the result holds the check-in as stored.  With *expected*
        (the check-in of that date the caller read, or None), RecordChanged is raised and
        nothing written when the stored one is no longer that.
        """
        day = checkin.date.isoformat()
        with self._transaction() as db:
            table = db.table(CHECKINS_TABLE)
            existing = table.search(Query().date == day)
            _check_expected(existing, CheckIn, expected, f"the check-in of {day}")
            record = _dump(checkin)
            for doc in existing:
                edit = dict(doc)
                edit["replaced_at"] = self._now().isoformat(timespec="seconds")
                db.table(CHECKIN_EDITS_TABLE).insert(edit)
                record["red_flags"] = standing_red_flags(
                    list(doc.get("red_flags", [])), record["red_flags"]
                )
            if existing:
                table.remove(doc_ids=[doc.doc_id for doc in existing])
            table.insert(record)
        stored = checkin.model_copy(update={"red_flags": record["red_flags"]})
        return SavedCheckIn(stored, replaced=bool(existing))

    def withdraw_red_flags(
        self, day: date, note: str = "", *, today: date | None = None
    ) -> Clearance:
        """Withdraw the red flags of *day*'s check-in, answered by mistake (protocol.md §2).

        One write: the check-in is archived and stored again without red flags, and a clearance
        with reason ``mistake`` names the flags withdrawn and when.  Only for today's date (the
        writer's clock, or the caller's *today*): NothingToWithdraw otherwise, or when that
        check-in holds no red flag.
        """
        now = self._now()
        _check_withdrawal_date(day, now.date() if today is None else today)
        with self._transaction() as db:
            table = db.table(CHECKINS_TABLE)
            existing = table.search(Query().date == day.isoformat())
            flags = _flags_to_withdraw(day, [list(doc.get("red_flags", [])) for doc in existing])
            clearance = Clearance(
                date=day,
                note=note,
                reason="mistake",
                made_at=now,
                flags=flags,
            )
            for doc in existing:
                edit = dict(doc)
                edit["replaced_at"] = now.isoformat(timespec="seconds")
                db.table(CHECKIN_EDITS_TABLE).insert(edit)
            table.remove(doc_ids=[doc.doc_id for doc in existing])
            table.insert({**dict(existing[-1]), "red_flags": []})
            db.table(CLEARANCES_TABLE).insert(_dump(clearance))
        return clearance

    def withdrawable_flags(self, day: date, *, today: date | None = None) -> list[RedFlagKey]:
        """The red flags withdraw_red_flags would take back now; NothingToWithdraw (with the
        reason) when it would refuse.  For asking the runner before the write."""
        _check_withdrawal_date(day, self._now().date() if today is None else today)
        stored = self.checkin_on(day)
        return _flags_to_withdraw(day, [list(stored.red_flags)] if stored else [])

    def _stamped(self, session: Any) -> Any:
        """*session* with the time it was logged (now, with its UTC offset) when it has none."""
        if session.logged_at is not None:
            return session
        return session.model_copy(update={"logged_at": self._now()})

    def add_clearance(self, clearance: Clearance, *, expected: Any = UNCHECKED) -> None:
        """Record a professional's clearance (a mistake goes through withdraw_red_flags).

        With *expected* (red_flag_state of the history the caller decided on), RecordChanged
        when a red flag or clearance came or went since: a clearance never lifts a red flag
        its maker has not seen.
        """
        if clearance.made_at is None:
            clearance = clearance.model_copy(update={"made_at": self._now()})
        with self._transaction() as db:
            if expected is not UNCHECKED:
                now = _red_flag_state(
                    [CheckIn.model_validate(dict(d)) for d in db.table(CHECKINS_TABLE).all()],
                    [Clearance.model_validate(dict(d)) for d in db.table(CLEARANCES_TABLE).all()],
                )
                if now != expected:
                    raise RecordChanged("the red flags and clearances", now)
            db.table(CLEARANCES_TABLE).insert(_dump(clearance))

    def add_session(self, session: Any) -> ImportedActivity | None:
        """Record a run-walk, run, routine or cross-training log; saving it again is a no-op.

        Returns the imported run waiting for its pain that this log is, now forgotten in the
        same write (activities.pending_twin), or None."""
        session = self._stamped(validate_session(session))
        with self._transaction() as db:
            if _session_stored(db, session):
                return None
            db.table(SESSIONS_TABLE).insert(_dump(session))
            return _drop_pending_twin(db, session)

    def add_shoe(self, shoe: Shoe) -> None:
        """Add a pair of shoes; ConflictError if the name is taken."""
        with self._transaction() as db:
            table = db.table(SHOES_TABLE)
            taken = {str(doc.get("name", "")).casefold() for doc in table.all()}
            if shoe.name.casefold() in taken:
                raise ConflictError(f"a shoe named {shoe.name!r} already exists")
            table.insert(_dump(shoe))

    def import_records(
        self,
        *,
        profile: Profile | None = None,
        checkins: Sequence[CheckIn] = (),
        clearances: Sequence[Clearance] = (),
        sessions: Sequence[Any] = (),
        shoes: Sequence[Shoe] = (),
    ) -> None:
        """Add many records in ONE transaction (demo data, imports); ConflictError on a clash.

        A check-in date, session id or shoe name (case-insensitive) already stored or repeated
        in the batch is refused and nothing is written.  *profile*, when given, replaces the
        stored one.
        """
        checked = [validate_session(s) for s in sessions]
        with self._transaction() as db:
            taken_days = {str(d.get("date")) for d in db.table(CHECKINS_TABLE).all()}
            taken_ids = {str(d.get("id")) for d in db.table(SESSIONS_TABLE).all()}
            taken_names = {str(d.get("name", "")).casefold() for d in db.table(SHOES_TABLE).all()}
            for what, taken, keys in (
                ("check-in date", taken_days, [c.date.isoformat() for c in checkins]),
                ("session id", taken_ids, [s.id for s in checked]),
                ("shoe name", taken_names, [s.name.casefold() for s in shoes]),
            ):
                for key in keys:
                    if key in taken:
                        raise ConflictError(f"the {what} {key!r} is already stored")
                    taken.add(key)
            if profile is not None:
                db.table(PROFILE_TABLE).truncate()
                db.table(PROFILE_TABLE).insert(_dump(profile))
            db.table(CHECKINS_TABLE).insert_multiple(_dump(c) for c in checkins)
            db.table(CLEARANCES_TABLE).insert_multiple(_dump(c) for c in clearances)
            db.table(SESSIONS_TABLE).insert_multiple(_dump(s) for s in checked)
            db.table(SHOES_TABLE).insert_multiple(_dump(s) for s in shoes)

    def import_activities(
        self,
        sessions: Sequence[Any] = (),
        *,
        pending: Sequence[ImportedActivity] = (),
        pre_program: Sequence[ImportedActivity] = (),
    ) -> list[str]:
        """Store what an import made (storage/activities.plan_import) in ONE transaction:
        *sessions* as logs, *pending* as runs waiting for their pain, *pre_program* as history
        from before day 1.  Returns the ids stored.

        An id already stored (the same activity, imported meanwhile by another process) is
        skipped, not refused: an import's ids are its activities' start and distance.  A log
        whose id is waiting in ``pending_imports`` settles it: the log is stored and the
        pending run removed.
        """
        checked = [self._stamped(validate_session(s)) for s in sessions]
        now = self._now()
        with self._transaction() as db:
            logs = db.table(SESSIONS_TABLE)
            waiting = db.table(PENDING_IMPORTS_TABLE)
            history = db.table(PRE_PROGRAM_TABLE)
            logged = {str(d.get("id")) for d in logs.all()}
            pending_ids = {str(d.get("id")) for d in waiting.all()}
            kept = {str(d.get("id")) for d in history.all()}
            stored: list[str] = []
            fresh = []
            for session in checked:
                if session.id not in logged:
                    logged.add(session.id)
                    fresh.append(session)
            logs.insert_multiple(_dump(s) for s in fresh)
            stored += [s.id for s in fresh]
            settled = pending_ids & {s.id for s in fresh}
            if settled:
                waiting.remove(Query().id.one_of(sorted(settled)))
            new_pending = []
            for activity in pending:
                if activity.id not in logged and activity.id not in pending_ids:
                    pending_ids.add(activity.id)
                    new_pending.append(activity.model_copy(update={"imported_at": now}))
            waiting.insert_multiple(_dump(a) for a in new_pending)
            stored += [a.id for a in new_pending]
            new_history = []
            for activity in pre_program:
                if activity.id not in kept:
                    kept.add(activity.id)
                    new_history.append(activity.model_copy(update={"imported_at": now}))
            history.insert_multiple(_dump(a) for a in new_history)
            stored += [a.id for a in new_history]
            _drop_empty_imports(db)
        return stored

    def settle_imports(self, answers: Mapping[str, tuple[int, int]]) -> list[Any]:
        """Log pending imported runs with the pain during and after the runner gave
        (``{id: (pain_during, pain_after)}``), each removed from ``pending_imports`` in the
        same write; returns the logs stored.

        A run no longer waiting (answered or dropped meanwhile by another process) is left
        out, and one already logged (the duplicate rule, activities.twin: typed by hand, or
        imported again with its pain) is removed without a second log; the pain is checked
        first (ValidationError naming it, nothing written).
        """
        from runback_tui.storage import activities

        with self._transaction() as db:
            waiting = db.table(PENDING_IMPORTS_TABLE)
            answered = [
                ImportedActivity.model_validate(dict(doc))
                for doc in waiting.all()
                if doc.get("id") in answers
            ]
            # Only the logs a twin could be (its date, or a day either side for a start near
            # midnight) are validated, not the whole history.
            near = {
                (a.date + timedelta(days=shift)).isoformat()
                for a in answered
                for shift in (-1, 0, 1)
            }
            sessions = [
                validate_session(dict(d))
                for d in db.table(SESSIONS_TABLE).all()
                if str(d.get("date")) in near
            ]
            known = activities.known_logs(sessions)
            logs: list[Any] = []
            for activity in answered:
                log = self._stamped(activity.log(*answers[activity.id]))
                start, day, km = activity.started_at, activity.date, activity.distance_km
                if activities.take_twin(start, day, km, activity.stage, known) is None:
                    logs.append(log)
                    known += activities.known_logs([log])
            db.table(SESSIONS_TABLE).insert_multiple(_dump(s) for s in logs)
            gone = sorted(a.id for a in answered)
            if gone:
                waiting.remove(Query().id.one_of(gone))
            _drop_empty_imports(db)
        return logs

    def drop_imports(self, ids: Sequence[str]) -> list[str]:
        """Forget pending imported runs the runner says are not runs of theirs (never logged);
        returns the ids dropped (one dropped meanwhile elsewhere is left out)."""
        with self._transaction() as db:
            waiting = db.table(PENDING_IMPORTS_TABLE)
            gone = sorted(set(ids) & {str(d.get("id")) for d in waiting.all()})
            if gone:
                waiting.remove(Query().id.one_of(gone))
            _drop_empty_imports(db)
        return gone

    # -- session settings, the active session and ice ---------------------------------------

    def settings(self) -> Settings:
        """The session cue settings (defaults until saved)."""
        return self.snapshot().settings

    def save_settings(self, settings: Settings) -> None:
        """Replace the session cue settings."""
        with self._transaction() as db:
            table = db.table(SETTINGS_TABLE)
            table.truncate()
            table.insert(_dump(settings))

    def active_session(self) -> ActiveSession | None:
        """The run session under way (or left unfinished), if any."""
        return self.snapshot().active_session

    def save_active_session(self, session: ActiveSession) -> None:
        """Record (or replace) the run session under way."""
        with self._transaction() as db:
            table = db.table(ACTIVE_SESSION_TABLE)
            table.truncate()
            table.insert(_dump(session))

    def clear_active_session(self, *, expected: Any = UNCHECKED) -> None:
        """Forget the session under way (it was logged or discarded); with *expected* (as the
        caller last wrote it), RecordChanged when another process took it over since."""
        with self._transaction() as db:
            docs = db.table(ACTIVE_SESSION_TABLE).all()
            if docs:  # nothing under way: nothing another process could have taken over
                _check_expected(docs, ActiveSession, expected, "the session under way")
            if db.table(ACTIVE_SESSION_TABLE).all():
                db.drop_table(ACTIVE_SESSION_TABLE)

    def finish_active_session(
        self, session: Any, *, expected: Any = UNCHECKED
    ) -> ImportedActivity | None:
        """Log *session* and forget the session under way, in one write.

        With *expected* (the session under way as the caller last saved or read it, or None),
        RecordChanged when another process resumed, logged or discarded it since.  Returns the
        waiting imported run this log is, forgotten in the same write (as add_session).
        """
        session = self._stamped(validate_session(session))
        taken = None
        with self._transaction() as db:
            active = db.table(ACTIVE_SESSION_TABLE).all()
            _check_expected(active, ActiveSession, expected, "the session under way")
            if not _session_stored(db, session):
                db.table(SESSIONS_TABLE).insert(_dump(session))
                taken = _drop_pending_twin(db, session)
            if db.table(ACTIVE_SESSION_TABLE).all():
                db.drop_table(ACTIVE_SESSION_TABLE)
        return taken

    def log_ice(self, started_at: datetime, minutes: float, *, completed: bool = True) -> IceLog:
        """Record an ice block; the next one is due 2–3 hours after it ended."""
        ended = started_at + timedelta(minutes=minutes)
        entry = IceLog(
            started_at=started_at,
            minutes=minutes,
            completed=completed,
            next_due_from=ended + timedelta(hours=ICE_NEXT_FROM_H),
            next_due_by=ended + timedelta(hours=ICE_NEXT_BY_H),
        )
        with self._transaction() as db:
            db.table(ICE_TABLE).insert(_dump(entry))
        return entry

    def last_ice(self) -> IceLog | None:
        """The latest ice block, if any."""
        ice = self.snapshot().ice
        return max(ice, key=lambda entry: entry.started_at) if ice else None

    def next_ice_due(self) -> datetime | None:
        """When the next ice is due from (2 h after the latest ended), None before any ice."""
        last = self.last_ice()
        return last.next_due_from if last is not None else None

    def export(self) -> dict[str, Any]:
        """Everything, as the JSON export of interface.md."""
        snap = self.snapshot()
        history = snap.history
        return {
            "schema_version": snap.schema_version,
            "profile": _dump(snap.profile) if snap.profile else None,
            "checkins": [_dump(c) for c in sorted(history.checkins, key=lambda c: c.date)],
            "checkin_edits": [
                {**_dump(e.checkin), "replaced_at": e.replaced_at.isoformat(timespec="seconds")}
                for e in snap.checkin_edits
            ],
            "clearances": [_dump(c) for c in sorted(history.clearances, key=lambda c: c.date)],
            "sessions": [_dump(s) for s in sorted(history.sessions, key=lambda s: s.date)],
            "shoes": [_dump(s) for s in history.shoes],
            PENDING_IMPORTS_TABLE: [_dump(a) for a in snap.pending_imports],
            PRE_PROGRAM_TABLE: [_dump(a) for a in snap.pre_program],
        }

    def checked_snapshot(self) -> Snapshot | None:
        """Everything in the file, checked in full, without upgrading an older file on disk
        (which snapshot does); None when there is no file.  DataFileError naming the problem."""
        raw = durable.read_file_bytes(self.path)
        if raw is None:
            return None
        return self._checked(raw, sidecar.digest(raw))[2]

    def restore(self, export_data: Any) -> RestoreSummary:
        """Replace the file's records with a parsed JSON export, in one transaction.

        The export is checked in full first (check_export; BadExport and nothing written).
        Under the lock, the file as it is is copied next to it
        (``runback.json.YYYY-MM-DDTHHMMSS.restore-backup``, mode 0600) before anything else.
        The profile, check-ins, replaced check-ins, clearances, sessions and shoes become the
        export's; the cue settings stay; a session under way and ice timers, which an export
        does not hold and which belonged to the replaced data, are dropped.
        """
        summary = check_export(export_data)
        restored = _restored_tables(summary)
        backup: Path | None = None
        with self._transaction() as db:
            storage = db.storage
            assert isinstance(storage, LockedFileStorage)
            if storage.raw is not None:
                backup = self._write_restore_backup(storage.raw)
            for name, docs in restored.items():
                if docs:
                    table = db.table(name)
                    table.truncate()
                    table.insert_multiple(docs)
                else:
                    db.drop_table(name)
            db.drop_table(ACTIVE_SESSION_TABLE)
            db.drop_table(ICE_TABLE)
        return replace(summary, backup=backup)

    def _write_restore_backup(self, raw: bytes) -> Path:
        """Keep *raw* (the file before a restore) next to it under a dated name; its path."""
        stamp = self._now().strftime("%Y-%m-%dT%H%M%S")
        base = f"{self.path.name}.{stamp}.restore-backup"
        backup = self.path.with_name(base)
        number = 1
        while os.path.lexists(backup):  # two restores within a second: never overwritten
            number += 1
            backup = self.path.with_name(f"{base}.{number}")
        with durable.translate_write_errors(backup):
            durable.atomic_write_bytes(backup, raw)
        return backup
