"""The Store: the only code that touches Runback's data file.

TinyDB underneath, typed methods on top: models go in, models come out.  Every write is a
transaction — lock, read and validate the whole file, change it through TinyDB, write it
back atomically (durable.py) — so two processes never lose each other's writes.  Reads take
no lock: a rename is atomic, so a reader sees a whole file, old or new.  A validated
snapshot is cached per file version (inode, size, mtime), so repeated reads cost a ``stat``.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from tinydb import Query, TinyDB
from tinydb.storages import Storage

from runback_tui.domain.models import (
    ICE_NEXT_BY_H,
    ICE_NEXT_FROM_H,
    ActiveSession,
    CheckIn,
    Clearance,
    History,
    IceLog,
    Profile,
    SessionLog,
    Settings,
    Shoe,
    describe_validation_error,
)
from runback_tui.storage import durable, fastpath
from runback_tui.storage.durable import DataFileError, StoreError
from runback_tui.storage.fastpath import (  # noqa: F401  (re-exported; the CLI needs no pydantic)
    APP_NAME,
    DATA_FILE_NAME,
    DEFAULT_LOCK_TIMEOUT,
    default_data_path,
    resolve_data_path,
)
from runback_tui.storage.migrations import (
    CURRENT_VERSION,
    META_TABLE,
    NewerSchemaError,
    Tables,
    migrate,
)

T = TypeVar("T")

PROFILE_TABLE = "profile"
CHECKINS_TABLE = "checkins"
CHECKIN_EDITS_TABLE = "checkin_edits"
CLEARANCES_TABLE = "clearances"
SESSIONS_TABLE = "sessions"
SHOES_TABLE = "shoes"
SETTINGS_TABLE = "settings"
ACTIVE_SESSION_TABLE = "active_session"
ICE_TABLE = "ice"
KNOWN_TABLES = frozenset(
    {
        META_TABLE,
        PROFILE_TABLE,
        CHECKINS_TABLE,
        CHECKIN_EDITS_TABLE,
        CLEARANCES_TABLE,
        SESSIONS_TABLE,
        SHOES_TABLE,
        SETTINGS_TABLE,
        ACTIVE_SESSION_TABLE,
        ICE_TABLE,
    }
)

_SESSION_ADAPTER: TypeAdapter[Any] = TypeAdapter(SessionLog)


class ConflictError(StoreError):
    """A value clashes with what is stored (a duplicate shoe name); exit 2."""

    exit_code = 2


@dataclass(frozen=True)
class CheckInEdit:
    """A check-in as it was before a later one replaced it the same day."""

    checkin: CheckIn
    """The replaced check-in."""
    replaced_at: datetime
    """When it was replaced."""


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


class _TablesStorage(Storage):
    """TinyDB storage over an in-memory dict of tables; remembers whether it was written."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.dirty = False

    def read(self) -> Tables:
        return self.tables

    def write(self, data: Tables) -> None:
        self.tables = data
        self.dirty = True

    def close(self) -> None:
        pass


def _docs(tables: Tables, name: str) -> list[tuple[str, dict[str, Any]]]:
    """The documents of one table, in doc-id order."""
    table = tables.get(name, {})
    return sorted(table.items(), key=lambda item: int(item[0]))


def _check_layout(tables: Any) -> None:
    """Raise ValueError unless *tables* has TinyDB's layout and only Runback's tables."""
    if not isinstance(tables, dict):
        raise ValueError("its top level is not a JSON object")
    for name, table in tables.items():
        if name not in KNOWN_TABLES:
            raise ValueError(f"it has a table {name!r} that Runback does not know")
        if not isinstance(table, dict):
            raise ValueError(f"its {name!r} table is not a JSON object")
        for doc_id, doc in table.items():
            if not doc_id.isdigit() or len(doc_id) > 12:
                raise ValueError(f"its {name!r} table has a bad document id {doc_id!r}")
            if not isinstance(doc, dict):
                raise ValueError(f"document {doc_id} of {name!r} is not a JSON object")


def _validate(table: str, doc_id: str, validator: Callable[[Any], T], doc: Any) -> T:
    """Validate one document; ValueError naming the table, document and field otherwise."""
    try:
        return validator(doc)
    except ValidationError as error:
        detail = describe_validation_error(error).replace("\n", "; ")
        raise ValueError(f"document {doc_id} of {table!r} is invalid: {detail}") from None


def decode_snapshot(tables: Tables, version: int) -> Snapshot:
    """Validate every document; ValueError naming the table, document and field otherwise."""
    profiles = [
        _validate(PROFILE_TABLE, i, Profile.model_validate, d)
        for i, d in _docs(tables, PROFILE_TABLE)
    ]
    if len(profiles) > 1:
        raise ValueError("it holds more than one profile")
    checkins = [
        _validate(CHECKINS_TABLE, i, CheckIn.model_validate, d)
        for i, d in _docs(tables, CHECKINS_TABLE)
    ]
    edits = []
    for i, d in _docs(tables, CHECKIN_EDITS_TABLE):
        body = dict(d)
        stamp = body.pop("replaced_at", None)
        checkin = _validate(CHECKIN_EDITS_TABLE, i, CheckIn.model_validate, body)
        try:
            replaced_at = datetime.fromisoformat(str(stamp))
        except ValueError:
            raise ValueError(
                f"document {i} of {CHECKIN_EDITS_TABLE!r} has no valid replaced_at"
            ) from None
        edits.append(CheckInEdit(checkin, replaced_at))
    clearances = [
        _validate(CLEARANCES_TABLE, i, Clearance.model_validate, d)
        for i, d in _docs(tables, CLEARANCES_TABLE)
    ]
    sessions = [
        _validate(SESSIONS_TABLE, i, _SESSION_ADAPTER.validate_python, d)
        for i, d in _docs(tables, SESSIONS_TABLE)
    ]
    shoes = [
        _validate(SHOES_TABLE, i, Shoe.model_validate, d) for i, d in _docs(tables, SHOES_TABLE)
    ]
    settings_docs = [
        _validate(SETTINGS_TABLE, i, Settings.model_validate, d)
        for i, d in _docs(tables, SETTINGS_TABLE)
    ]
    active_docs = [
        _validate(ACTIVE_SESSION_TABLE, i, ActiveSession.model_validate, d)
        for i, d in _docs(tables, ACTIVE_SESSION_TABLE)
    ]
    if len(settings_docs) > 1:
        raise ValueError("it holds more than one settings document")
    if len(active_docs) > 1:
        raise ValueError("it holds more than one active session")
    ice = [_validate(ICE_TABLE, i, IceLog.model_validate, d) for i, d in _docs(tables, ICE_TABLE)]
    _refuse_duplicates("check-in date", [c.date.isoformat() for c in checkins])
    _refuse_duplicates("session id", [s.id for s in sessions])
    _refuse_duplicates("shoe name", [s.name.casefold() for s in shoes])
    history = History.model_construct(
        checkins=checkins, clearances=clearances, sessions=sessions, shoes=shoes
    )
    return Snapshot(
        profiles[0] if profiles else None,
        history,
        tuple(edits),
        version,
        settings_docs[0] if settings_docs else Settings(),
        active_docs[0] if active_docs else None,
        tuple(ice),
    )


def _refuse_duplicates(what: str, values: list[str]) -> None:
    """Raise ValueError naming the first repeated value."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"it holds the {what} {value!r} twice")
        seen.add(value)


def _session_stored(db: TinyDB, session: Any) -> bool:
    """True when this exact log is stored (a retried save); ConflictError when its id is taken."""
    stored = db.table(SESSIONS_TABLE).get(Query().id == session.id)
    if stored is None:
        return False
    if dict(stored) == _dump(session):
        return True
    raise ConflictError(f"another session with id {session.id!r} is already stored")


def _dump(model: Any) -> dict[str, Any]:
    """A model as the JSON-ready dict stored in the file."""
    result: dict[str, Any] = model.model_dump(mode="json")
    return result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic-GC passes while a write parses and re-serialises the whole file.

    Parsing years of records allocates tens of thousands of containers, which would trigger
    full collections over every record the app holds (30-50 ms on 20 years, at random).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        env_timeout = os.environ.get("RUNBACK_LOCK_TIMEOUT")
        if lock_timeout is None:
            lock_timeout = float(env_timeout) if env_timeout else DEFAULT_LOCK_TIMEOUT
        self.lock_timeout = lock_timeout
        self._now = now
        self._cache: tuple[tuple[int, int, int], Snapshot] | None = None
        self.validated_digest: str | None = None
        """Digest of the file version last validated or written here (fastpath.digest)."""

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

    def _tables_from_bytes(self, raw: bytes) -> tuple[Tables, int]:
        """Parse, check the layout and migrate in memory; returns tables and the file version."""
        try:
            tables = durable.parse_json_bytes(raw)
            _check_layout(tables)
            upgraded, version = migrate(tables)
            _check_layout(upgraded)
        except NewerSchemaError as error:
            raise DataFileError(
                self.path,
                f"this file was written by a newer Runback (schema_version {error.version}; "
                f"this one understands up to {CURRENT_VERSION}).",
                "Upgrade Runback (pip install -U runback); the file was not changed.",
            ) from None
        except ValueError as error:
            raise self._corrupt(str(error)) from None
        return upgraded, version

    def _stat_key(self) -> tuple[int, int, int] | None:
        """Identity of the file's current version, None if there is no file."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise DataFileError(
                self.path,
                f"cannot read the data file ({error.strerror})",
                "Check the file's permissions, or choose another file with --data.",
            ) from error
        return (st.st_ino, st.st_size, st.st_mtime_ns)

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
        if not raw.strip():
            raise self._corrupt("it is empty")
        tables, version = self._tables_from_bytes(raw)
        try:
            snap = decode_snapshot(tables, CURRENT_VERSION)
        except ValueError as error:
            raise self._corrupt(str(error)) from None
        if version < CURRENT_VERSION:
            self.migrate_file()
            return self.snapshot()
        self._cache = (key, snap)
        self._vouch(fastpath.digest(raw))
        return snap

    def _vouch(self, file_digest: str) -> None:
        """Remember (here and in the sidecar) that this exact file version is valid."""
        self.validated_digest = file_digest
        fastpath.note_valid(self.path, file_digest)

    def _known_valid(self, file_digest: str) -> bool:
        """True when these exact bytes were validated or written by this code before."""
        return file_digest == self.validated_digest or (
            file_digest == fastpath.known_valid_digest(self.path)
        )

    def data_version(self) -> tuple[int, int, int] | None:
        """A token that changes whenever another process writes the file."""
        return self._stat_key()

    def exists(self) -> bool:
        """True when the data file exists."""
        return self._stat_key() is not None

    def profile(self) -> Profile | None:
        """The profile, or None before onboarding."""
        return self.snapshot().profile

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

    @contextmanager
    def _transaction(self) -> Iterator[TinyDB]:
        """Lock, load and validate, let the caller change the tables, then save atomically."""
        directory = self.path.parent
        if not directory.exists():
            with durable.translate_write_errors(self.path):
                durable.make_private_dirs(directory)
        with (
            _collector_paused(),
            durable.InterProcessLock(self.lock_path, self.path, self.lock_timeout),
        ):
            raw = durable.read_file_bytes(self.path)
            version = CURRENT_VERSION
            if raw is None:
                tables: Tables = {META_TABLE: {"1": {"schema_version": CURRENT_VERSION}}}
            elif self._known_valid(fastpath.digest(raw)):
                # Bytes validated before (here, or by another process per the sidecar): a
                # plain parse is enough, and re-validating years of records is skipped.
                tables = json.loads(raw)
            else:
                if not raw.strip():
                    raise self._corrupt("it is empty")
                tables, version = self._tables_from_bytes(raw)
                if version < CURRENT_VERSION:
                    self._write_migration_backup(raw, version)
                try:
                    decode_snapshot(tables, CURRENT_VERSION)
                except ValueError as error:
                    raise self._corrupt(str(error)) from None
            db = TinyDB(tables, storage=_TablesStorage)
            storage = db.storage
            assert isinstance(storage, _TablesStorage)
            yield db
            if storage.dirty or raw is None or version < CURRENT_VERSION:
                payload = durable.dump_json_bytes(storage.tables)
                with durable.translate_write_errors(self.path):
                    if raw is not None:
                        self._rotate_daily_backup(raw)
                    durable.atomic_write_bytes(self.path, payload)
                # Every writer stores validated models, so the new version is valid too.
                self._vouch(fastpath.digest(payload))
        self._cache = None

    def _write_migration_backup(self, raw: bytes, version: int) -> None:
        """Keep the file as it was before a migration, next to it."""
        backup = self.path.with_name(f"{self.path.name}.v{version}-backup")
        with durable.translate_write_errors(backup):
            if not backup.exists():
                durable.atomic_write_bytes(backup, raw)

    def _rotate_daily_backup(self, raw: bytes) -> None:
        """Copy the previous good file to ``.bak`` once a day, before changing it."""
        try:
            stamp = datetime.fromtimestamp(os.stat(self.backup_path).st_mtime).date()
        except FileNotFoundError:
            stamp = None
        if stamp != self._now().date():
            durable.atomic_write_bytes(self.backup_path, raw)

    def migrate_file(self) -> None:
        """Upgrade an older file on disk (a backup is written first)."""
        with self._transaction():
            pass

    def save_profile(self, profile: Profile) -> None:
        """Create or replace the profile."""
        with self._transaction() as db:
            table = db.table(PROFILE_TABLE)
            table.truncate()
            table.insert(_dump(profile))

    def save_checkin(self, checkin: CheckIn) -> bool:
        """Store the check-in for its date, replacing (and archiving) an earlier one; True if so."""
        day = checkin.date.isoformat()
        with self._transaction() as db:
            table = db.table(CHECKINS_TABLE)
            existing = table.search(Query().date == day)
            for doc in existing:
                edit = dict(doc)
                edit["replaced_at"] = self._now().isoformat(timespec="seconds")
                db.table(CHECKIN_EDITS_TABLE).insert(edit)
            table.remove(Query().date == day)
            table.insert(_dump(checkin))
        return bool(existing)

    def add_clearance(self, clearance: Clearance) -> None:
        """Record a professional's clearance."""
        with self._transaction() as db:
            db.table(CLEARANCES_TABLE).insert(_dump(clearance))

    def add_session(self, session: Any) -> None:
        """Record a run-walk, run, routine or cross-training log; saving it again is a no-op."""
        session = _SESSION_ADAPTER.validate_python(session)
        with self._transaction() as db:
            if _session_stored(db, session):
                return
            db.table(SESSIONS_TABLE).insert(_dump(session))

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
        checked = [_SESSION_ADAPTER.validate_python(s) for s in sessions]
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

    def clear_active_session(self) -> None:
        """Forget the session under way (it was logged or discarded)."""
        with self._transaction() as db:
            if db.table(ACTIVE_SESSION_TABLE).all():
                db.drop_table(ACTIVE_SESSION_TABLE)

    def finish_active_session(self, session: Any) -> None:
        """Log *session* and forget the session under way, in one write."""
        session = _SESSION_ADAPTER.validate_python(session)
        with self._transaction() as db:
            if not _session_stored(db, session):
                db.table(SESSIONS_TABLE).insert(_dump(session))
            if db.table(ACTIVE_SESSION_TABLE).all():
                db.drop_table(ACTIVE_SESSION_TABLE)

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
            "clearances": [_dump(c) for c in sorted(history.clearances, key=lambda c: c.date)],
            "sessions": [_dump(s) for s in sorted(history.sessions, key=lambda s: s.date)],
            "shoes": [_dump(s) for s in history.shoes],
        }
