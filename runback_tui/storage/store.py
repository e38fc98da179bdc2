"""The Store: the only code that touches Runback's data file.

TinyDB underneath, typed methods on top: models go in, models come out.  Every write is a
transaction — lock, read and validate the whole file, change it through TinyDB, write it
back atomically (durable.py) — so two processes never lose each other's writes.  Reads take
no lock: a rename is atomic, so a reader sees a whole file, old or new.  A validated
snapshot is cached per file version (inode, size, mtime), so repeated reads cost a ``stat``.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import threading
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import compress, repeat
from operator import eq, is_, is_not
from pathlib import Path
from typing import Any, TypeVar

from tinydb import Query, TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from runback_tui.domain import wording
from runback_tui.domain.limits import RedFlagKey, standing_red_flags
from runback_tui.domain.models import (
    ICE_NEXT_BY_H,
    ICE_NEXT_FROM_H,
    ActiveSession,
    CheckIn,
    Clearance,
    History,
    IceLog,
    Profile,
    Settings,
    Shoe,
    ValidationError,
    decode_session,
    describe_validation_error,
    validate_session,
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


class ConflictError(StoreError):
    """A value clashes with what is stored (a duplicate shoe name); exit 2."""

    exit_code = 2


class NothingToWithdraw(StoreError):
    """A mistake withdrawal with no red flag to withdraw, or not on the flag's date; exit 2."""

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
    digest: str | None = None
    """The digest of the file bytes this was read from (fastpath.digest), when the Store vouches
    for them; None: no file, or one not exactly in the form Runback writes (answers computed
    from it are never cached, so a lax value is never decoded unchecked)."""
    in_stored_form: bool = True
    """Every document is exactly as Runback writes it (see decode_snapshot)."""


class _TablesStorage(Storage):
    """TinyDB storage over an in-memory dict of tables; remembers whether it was written."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.dirty = False
        self.canonical: dict[str, Any] = {}
        """Table name -> the table dict known to hold only canonical ids (``str(int(id))``)."""
        self.lineage: dict[str, _Lineage] = {}
        """Table name -> how its current dict came from the one the transaction started with."""
        self.written: dict[str, _TableChunks] = {}
        """The tables as last written (the serialisation cache, see _encode_tables)."""

    def read(self) -> Tables:
        return self.tables

    def write(self, data: Tables) -> None:
        self.tables = data
        self.dirty = True

    def close(self) -> None:
        pass


def _json_copy(value: Any) -> Any:
    """A deep copy of parsed JSON (dicts, lists and scalars), much faster than copy.deepcopy."""
    if type(value) is dict:
        return {key: _json_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [_json_copy(item) for item in value]
    return value


class _CopiedDocument(Document):
    """A document handed to transaction code: a deep copy, so editing it changes nothing stored.

    Stored documents are shared with the Store's remembered tables (see _Remembered); TinyDB's
    own Document copies only the top level, which would let an edit of a nested list reach them.
    """

    def __init__(self, value: Any, doc_id: int) -> None:
        super().__init__(_json_copy(dict(value)), doc_id)


@dataclass(frozen=True)
class _Lineage:
    """A table dict made from *origin* by changing only the ids in *touched*."""

    table: dict[str, Any]
    origin: dict[str, Any] | None
    touched: set[str]


class _IntKeys(MutableMapping[int, Any]):
    """A table dict keyed by canonical str ids, seen by int ids as TinyDB's updaters expect.

    Records the ids it sets or deletes in *touched*.
    """

    __slots__ = ("data", "touched")

    def __init__(self, data: dict[str, Any], touched: set[str]) -> None:
        self.data = data
        self.touched = touched

    def __getitem__(self, doc_id: int) -> Any:
        return self.data[str(doc_id)]

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        key = str(doc_id)
        self.touched.add(key)
        self.data[key] = doc

    def __delitem__(self, doc_id: int) -> None:
        key = str(doc_id)
        self.touched.add(key)
        del self.data[key]

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, int) and str(doc_id) in self.data

    def __iter__(self) -> Iterator[int]:
        return map(int, self.data)

    def __len__(self) -> int:
        return len(self.data)

    def clear(self) -> None:
        self.touched.update(self.data)
        self.data.clear()


_MISSING = object()
_DICT_GET: Callable[[Any, str, object], Any] = dict.get


class _FieldIs:
    """The TinyDB condition ``document[field] == value``, which _GuardedTable.search runs in C.

    Like ``Query()[field] == value``: a document without the field does not match.
    """

    __slots__ = ("field", "value")

    def __init__(self, field: str, value: Any) -> None:
        self.field = field
        self.value = value

    def __call__(self, value: Mapping[Any, Any]) -> bool:
        return bool(value.get(self.field, _MISSING) == self.value)

    def __hash__(self) -> int:
        return hash((self.field, self.value))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _FieldIs):
            return NotImplemented
        return (self.field, self.value) == (other.field, other.value)


class _GuardedTable(Table):
    """A TinyDB table that never edits a stored document in place.

    TinyDB's ``update`` changes the matching documents in place; they may be shared with the
    Store's remembered tables, so every document of the table is replaced by a copy first
    (slow, and no Store method needs it; insert, remove and truncate build new dicts).
    """

    document_class = _CopiedDocument

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        """TinyDB's Table._update_table (4.x) without converting every id twice.

        TinyDB hands its updaters a copy of the table keyed by int ids and converts them back
        to str afterwards, which normalises ids (``"007"`` becomes ``"7"``).  A table whose ids
        are known to be canonical already is copied and shown to the updater through
        _IntKeys instead: the same result, in time independent of the table's size.
        """
        storage = self._storage
        assert isinstance(storage, _TablesStorage)
        tables = storage.read()
        raw_table = tables.get(self.name)
        if raw_table is None or storage.canonical.get(self.name) is raw_table:
            table: dict[str, Any] = {} if raw_table is None else raw_table.copy()
            line = storage.lineage.get(self.name)
            if line is None or raw_table is None or line.table is not raw_table:
                line = _Lineage(table, raw_table, set())
            else:
                line = _Lineage(table, line.origin, line.touched)
            updater(_IntKeys(table, line.touched))  # type: ignore[arg-type]
            storage.lineage[self.name] = line
        else:
            by_int = dict(zip(map(int, raw_table), raw_table.values(), strict=True))
            updater(by_int)
            table = dict(zip(map(str, by_int), by_int.values(), strict=True))
            storage.lineage.pop(self.name, None)
        tables[self.name] = table
        storage.canonical[self.name] = table
        storage.write(tables)
        self.clear_cache()

    def _get_next_id(self) -> int:
        """TinyDB's Table._get_next_id: one more than the largest id, 1 in an empty table."""
        if self._next_id is not None:
            next_id: int = self._next_id
        else:
            table = self._read_table()
            next_id = self._largest_id(table) + 1 if table else 1
        self._next_id = next_id + 1  # type: ignore[assignment]
        return next_id

    def _largest_id(self, table: dict[str, Any]) -> int:
        """The largest id in the (non-empty) *table*, from the ids last written when known."""
        storage = self._storage
        assert isinstance(storage, _TablesStorage)
        before = storage.written.get(self.name)
        if before is not None and before.int_ids:
            if table is before.table:
                return before.int_ids[-1]
            line = storage.lineage.get(self.name)
            if line is not None and line.table is table and line.origin is before.table:
                # Only touched ids can have come or gone (and the table's ids are canonical).
                present = [int(doc_id) for doc_id in line.touched if doc_id in table]
                largest = max(present, default=-1)
                for number in reversed(before.int_ids):
                    if number <= largest:
                        break
                    if str(number) in table:
                        largest = number
                        break
                return largest
        return max(map(int, table))

    def search(self, cond: Any) -> list[Document]:
        """TinyDB's Table.search; a _FieldIs condition is tested in C."""
        if type(cond) is not _FieldIs:
            docs: list[Document] = super().search(cond)
            return docs
        table = self._read_table()
        try:
            values = map(_DICT_GET, table.values(), repeat(cond.field), repeat(_MISSING))
            hits = list(compress(table.items(), map(eq, values, repeat(cond.value))))
        except TypeError:  # a document that is not a dict
            docs = super().search(cond)
            return docs
        return [self.document_class(doc, self.document_id_class(doc_id)) for doc_id, doc in hits]

    @staticmethod
    def _as_ours(document: Any) -> Any:
        """A TinyDB Document as this table's document class (so TinyDB keeps its doc_id)."""
        if isinstance(document, Document) and not isinstance(document, _CopiedDocument):
            return _CopiedDocument(document, document.doc_id)
        return document

    def insert(self, document: Mapping[Any, Any]) -> int:
        doc_id: int = super().insert(self._as_ours(document))
        return doc_id

    def insert_multiple(self, documents: Iterable[Mapping[Any, Any]]) -> list[int]:
        doc_ids: list[int] = super().insert_multiple(map(self._as_ours, documents))
        return doc_ids

    def upsert(self, document: Mapping[Any, Any], cond: Any = None) -> list[int]:
        doc_ids: list[int] = super().upsert(self._as_ours(document), cond)
        return doc_ids

    def _copy_documents(self) -> None:
        self._update_table(lambda table: table.update({k: _json_copy(v) for k, v in table.items()}))

    def update(self, *args: Any, **kwargs: Any) -> list[int]:
        self._copy_documents()
        result: list[int] = super().update(*args, **kwargs)
        return result

    def update_multiple(self, *args: Any, **kwargs: Any) -> list[int]:
        self._copy_documents()
        result: list[int] = super().update_multiple(*args, **kwargs)
        return result


class _TinyDB(TinyDB):
    """TinyDB over _GuardedTable tables."""

    table_class = _GuardedTable


@dataclass(frozen=True)
class _TableChunks:
    """One table as last written, with the serialised form of each document and of the whole."""

    table: dict[str, Any]
    """The table dict written (identity tells an untouched table)."""
    chunks: dict[str, bytes]
    """doc id -> ``"id":{...}`` exactly as durable.dump_json_bytes writes it."""
    body: bytes
    """The chunks in id order joined by commas: the table is ``{`` body ``}``."""
    int_ids: list[int] | None = None
    """The ids as numbers, ascending (None if one is not a number): the next id is known."""


@dataclass(frozen=True)
class _Remembered:
    """One version of the file this Store wrote or validated, kept to skip parsing it again.

    Never changed once made: transactions give TinyDB a copy of the top-level dict (TinyDB
    swaps whole table dicts into it) and never edit a table or a document in place
    (_GuardedTable), so later versions share the unchanged documents.
    """

    raw: bytes
    """The file's exact bytes."""
    digest: str
    """fastpath.digest(raw)."""
    tables: Tables
    """The parsed tables: equal to parsing raw (dict order aside)."""
    chunks: dict[str, _TableChunks] = field(default_factory=dict)
    """Serialisation cache of the tables written from here (empty after a plain read)."""
    canonical: frozenset[str] = frozenset()
    """Tables whose ids are known to be canonical (see _GuardedTable._update_table)."""


def _encode_table(
    table: dict[Any, Any],
    before: _TableChunks | None,
    parsed_docs: dict[str, Any],
    line: _Lineage | None,
    encode: Callable[[Any], str],
) -> _TableChunks | None:
    """One table serialised, re-encoding only the documents not in *before* (see _encode_tables)."""
    if before is None:
        chunks: dict[str, bytes] = {}
        fresh: list[Any] = list(table)
    elif line is not None and line.table is table and line.origin is before.table:
        # Only the ids TinyDB set or deleted can differ from what was written last time.
        old_docs = before.table
        chunks = before.chunks.copy()
        int_ids = before.int_ids.copy() if before.int_ids is not None else None
        fresh = []
        for doc_id in line.touched:
            doc = table.get(doc_id, _MISSING)
            was_there = doc_id in old_docs
            if doc is _MISSING:
                chunks.pop(doc_id, None)
            elif doc is not old_docs.get(doc_id, _MISSING):
                fresh.append(doc_id)
            if int_ids is not None and was_there != (doc is not _MISSING):
                if was_there:
                    del int_ids[bisect_left(int_ids, int(doc_id))]
                else:
                    insort(int_ids, int(doc_id))
    else:
        old_docs = before.table
        chunks = before.chunks.copy()
        for doc_id in old_docs.keys() - table.keys():
            del chunks[doc_id]
        # Ids whose document is not the very object written last time (a loop in C).
        fresh = list(
            compress(table, map(is_not, table.values(), map(old_docs.get, table, repeat(_MISSING))))
        )
    if not all(type(doc_id) is str for doc_id in fresh):
        return None  # TinyDB turns ids back into str; anything else is left to json.dumps
    if before is None or line is None or line.table is not table or line.origin is not before.table:
        try:
            int_ids = sorted(map(int, table))
        except ValueError:
            int_ids = None
    remembered = table.copy()
    for doc_id in fresh:
        doc = table[doc_id]
        text = encode(doc)
        chunks[doc_id] = encode(doc_id).encode("utf-8") + b":" + text.encode("utf-8")
        if parsed_docs.get(doc_id, _MISSING) is not doc:
            # Remember the parse of what was written, not the caller's object: equal to
            # reading the file back, and shares nothing with the caller.
            remembered[doc_id] = json.loads(text)
    # json.dumps(sort_keys=True) order: ids compared as strings ("10" before "9").
    body = b",".join(map(chunks.__getitem__, sorted(chunks)))
    return _TableChunks(remembered, chunks, body, int_ids)


def _encode_tables(
    tables: Any,
    previous: dict[str, _TableChunks],
    parsed: Tables,
    lineage: Mapping[str, _Lineage] | None = None,
) -> tuple[bytes, Tables, dict[str, _TableChunks]] | None:
    """Serialise *tables* exactly as durable.dump_json_bytes does, re-encoding only new documents.

    A document is reused when it is the very object last written in *previous* (documents are
    never edited in place, see _GuardedTable).  Returns the bytes, the tables to remember
    (equal to parsing the bytes: a new document is replaced by the parse of its own text
    unless it is the very object found in *parsed*, the tables parsed from the file) and
    the new cache; None when *tables* is not the plain layout handled here (the caller then
    falls back to dump_json_bytes).
    """
    if type(tables) is not dict or not all(type(name) is str for name in tables):
        return None
    encode = durable.value_encoder()
    pieces: list[bytes] = []
    remembered: Tables = {}
    cache: dict[str, _TableChunks] = {}
    for name in sorted(tables):
        table = tables[name]
        before = previous.get(name)
        if before is None or table is not before.table:
            if type(table) is not dict:
                return None
            parsed_table = parsed.get(name)
            parsed_docs = parsed_table if type(parsed_table) is dict else {}
            line = lineage.get(name) if lineage is not None else None
            before = _encode_table(table, before, parsed_docs, line, encode)
            if before is None:
                return None
        remembered[name] = before.table
        cache[name] = before
        pieces += (b",", encode(name).encode("utf-8"), b":{", before.body, b"}")
    pieces[0:1] = [b"{"]  # the first table has no comma before it
    pieces.append(b"}")
    return b"".join(pieces), remembered, cache


def _docs(tables: Tables, name: str) -> list[tuple[str, dict[str, Any]]]:
    """The documents of one table, in doc-id order."""
    table = tables.get(name, {})
    order = sorted(table, key=int)
    return list(zip(order, map(table.__getitem__, order), strict=True))


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
    from pydantic import ValidationError as SchemaError

    try:
        return validator(doc)
    except (SchemaError, ValidationError) as error:
        detail = describe_validation_error(error).replace("\n", "; ")
        raise ValueError(f"document {doc_id} of {table!r} is invalid: {detail}") from None


@dataclass(frozen=True)
class _TableDecoded:
    """What decode_snapshot made of one table."""

    table: dict[str, Any]
    """The table dict decoded (identity tells an unchanged table)."""
    docs: dict[str, Any]
    """doc id -> the very document object decoded."""
    values: dict[str, Any]
    """doc id -> what it was decoded to."""
    ordered: list[Any]
    """The decoded values in doc-id order."""
    in_stored_form: bool
    """Every document decoded was exactly the stored form of its value."""


_Decoded = dict[str, _TableDecoded]
"""What decode_snapshot made of each table."""


class _DecodeMemo:
    """Reuses what an earlier decode_snapshot made of the very same document objects.

    The Store keeps the tables of the file version it last read or wrote and shares their
    unchanged documents with the next version (see _Remembered), so after a write only the
    documents it added are decoded.  Decoding depends on nothing but the document.
    """

    def __init__(self, previous: _Decoded | None = None) -> None:
        self.previous: _Decoded = previous or {}
        self.current: _Decoded = {}

    def decode(self, tables: Tables, name: str, decode: _Decoder) -> list[Any]:
        """The documents of one table decoded, in doc-id order."""
        table = tables.get(name, {})
        before = self.previous.get(name)
        if before is not None and before.table is table:
            self.current[name] = before
            return list(before.ordered)
        order = sorted(table, key=int)
        docs = list(map(table.__getitem__, order))
        in_stored_form = True
        if before is None:
            decoded = [decode(doc_id, doc) for doc_id, doc in zip(order, docs, strict=True)]
        else:
            old = before.values
            same = list(map(is_, map(before.docs.get, order, repeat(_MISSING)), docs))
            in_stored_form = before.in_stored_form or not any(same)
            decoded = [
                (old[doc_id], True) if reuse else decode(doc_id, doc)
                for doc_id, doc, reuse in zip(order, docs, same, strict=True)
            ]
        values = [value for value, _ in decoded]
        in_stored_form = in_stored_form and all(exact for _, exact in decoded)
        docs_by_id = dict(zip(order, docs, strict=True))
        values_by_id = dict(zip(order, values, strict=True))
        self.current[name] = _TableDecoded(table, docs_by_id, values_by_id, values, in_stored_form)
        return list(values)

    @property
    def in_stored_form(self) -> bool:
        """Every document decoded (or reused) so far was in its stored form."""
        return all(table.in_stored_form for table in self.current.values())


_Decoder = Callable[[str, Any], tuple[Any, bool]]
"""Decodes one document (by id): its value, and whether the document was its exact stored form."""


def _same_json(a: Any, b: Any) -> bool:
    """True when two JSON values are equal and of the same types (1 is not 1.0 nor true)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(map(_same_json, a, b))
    return bool(a == b)


class _Trusted(Exception):
    """A document of a vouched-for file did not decode: the file is validated instead."""


def _trusting(decode: Callable[[Any], T]) -> _Decoder:
    """A decoder for documents of a file version already validated or written by this code."""

    def decoder(doc_id: str, doc: Any) -> tuple[T, bool]:
        try:
            return decode(doc), True
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise _Trusted(doc_id) from error

    return decoder


def _trusted_edit(doc: Any) -> CheckInEdit:
    """One stored document of the check-in edits table."""
    return CheckInEdit(CheckIn.decode(doc), datetime.fromisoformat(doc["replaced_at"]))


_TRUSTED: dict[str, _Decoder] = {
    PROFILE_TABLE: _trusting(Profile.decode),
    CHECKINS_TABLE: _trusting(CheckIn.decode),
    CHECKIN_EDITS_TABLE: _trusting(_trusted_edit),
    CLEARANCES_TABLE: _trusting(Clearance.decode),
    SESSIONS_TABLE: _trusting(decode_session),
    SHOES_TABLE: _trusting(Shoe.decode),
    SETTINGS_TABLE: _trusting(Settings.decode),
    ACTIVE_SESSION_TABLE: _trusting(ActiveSession.decode),
    ICE_TABLE: _trusting(IceLog.decode),
}
"""Decoders of a file this code validated or wrote: no checks, no pydantic."""


def _validating(
    table: str, schema_check: Callable[[Any], Any], decode: Callable[[Any], T]
) -> _Decoder:
    """A decoder checking each document with the pydantic schema, then decoding its output."""

    def decoder(doc_id: str, doc: Any) -> tuple[T, bool]:
        model = _validate(table, doc_id, schema_check, doc)
        stored = model.model_dump(mode="json")
        return decode(stored), _same_json(stored, doc)

    return decoder


def _validated_edit(schema_check: Callable[[Any], Any]) -> _Decoder:
    """The validating decoder of the check-in edits table."""

    def decoder(doc_id: str, doc: Any) -> tuple[CheckInEdit, bool]:
        body = dict(doc)
        stamp = body.pop("replaced_at", None)
        model = _validate(CHECKIN_EDITS_TABLE, doc_id, schema_check, body)
        stored = model.model_dump(mode="json")
        try:
            replaced_at = datetime.fromisoformat(str(stamp))
        except ValueError:
            raise ValueError(
                f"document {doc_id} of {CHECKIN_EDITS_TABLE!r} has no valid replaced_at"
            ) from None
        exact = type(stamp) is str and _same_json(stored, body)
        return CheckInEdit(CheckIn.decode(stored), replaced_at), exact

    return decoder


_validating_decoders: dict[str, _Decoder] | None = None


def _validating_decoders_built() -> dict[str, _Decoder]:
    """Decoders checking each document with pydantic (imported here, on first need)."""
    global _validating_decoders
    if _validating_decoders is None:
        from pydantic import TypeAdapter

        from runback_tui.domain import schema

        sessions: TypeAdapter[Any] = TypeAdapter(schema.SessionLog)
        _validating_decoders = {
            PROFILE_TABLE: _validating(
                PROFILE_TABLE, schema.Profile.model_validate, Profile.decode
            ),
            CHECKINS_TABLE: _validating(
                CHECKINS_TABLE, schema.CheckIn.model_validate, CheckIn.decode
            ),
            CHECKIN_EDITS_TABLE: _validated_edit(schema.CheckIn.model_validate),
            CLEARANCES_TABLE: _validating(
                CLEARANCES_TABLE, schema.Clearance.model_validate, Clearance.decode
            ),
            SESSIONS_TABLE: _validating(SESSIONS_TABLE, sessions.validate_python, decode_session),
            SHOES_TABLE: _validating(SHOES_TABLE, schema.Shoe.model_validate, Shoe.decode),
            SETTINGS_TABLE: _validating(
                SETTINGS_TABLE, schema.Settings.model_validate, Settings.decode
            ),
            ACTIVE_SESSION_TABLE: _validating(
                ACTIVE_SESSION_TABLE, schema.ActiveSession.model_validate, ActiveSession.decode
            ),
            ICE_TABLE: _validating(ICE_TABLE, schema.IceLog.model_validate, IceLog.decode),
        }
    return _validating_decoders


def decode_snapshot(
    tables: Tables, version: int, memo: _DecodeMemo | None = None, *, trusted: bool = False
) -> Snapshot:
    """Every document decoded; ValueError naming the table, document and field otherwise.

    *trusted* tables are those of a file version this code validated or wrote: they are
    decoded without checks (and without pydantic), and _Trusted is raised if one does not
    decode.  Otherwise the pydantic schema checks every document, and the snapshot says
    whether each was exactly its stored form (``in_stored_form``): only such a file may later be
    decoded trusted.  With *memo*, documents decoded before (the very same objects) are reused.
    """
    if memo is None:
        memo = _DecodeMemo()
    decoders = _TRUSTED if trusted else _validating_decoders_built()

    def table(name: str) -> list[Any]:
        return memo.decode(tables, name, decoders[name])

    profiles = table(PROFILE_TABLE)
    if len(profiles) > 1:
        raise ValueError("it holds more than one profile")
    checkins = table(CHECKINS_TABLE)
    edits = table(CHECKIN_EDITS_TABLE)
    clearances = table(CLEARANCES_TABLE)
    sessions = table(SESSIONS_TABLE)
    shoes = table(SHOES_TABLE)
    settings_docs = table(SETTINGS_TABLE)
    active_docs = table(ACTIVE_SESSION_TABLE)
    if len(settings_docs) > 1:
        raise ValueError("it holds more than one settings document")
    if len(active_docs) > 1:
        raise ValueError("it holds more than one active session")
    ice = table(ICE_TABLE)
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
        in_stored_form=memo.in_stored_form,
    )


def _refuse_duplicates(what: str, values: list[str]) -> None:
    """Raise ValueError naming the first repeated value."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"it holds the {what} {value!r} twice")
        seen.add(value)


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
    """A model as the JSON-ready dict stored in the file."""
    result: dict[str, Any] = model.model_dump(mode="json")
    return result


class _Digest:
    """fastpath.digest of *payload*, worked out in a thread for a large file.

    hashlib and the write's fsync both release the GIL, so on a second core the hash of a
    20-year file (about 1.7 ms) costs no time beside the write (about 6 ms).  A small file
    is hashed in place: a thread would cost more than it saves.
    """

    THREAD_FROM = 256 * 1024
    """Bytes from which the hash runs in a thread."""

    def __init__(self, payload: bytes) -> None:
        self._value: str | None = None
        self._thread: threading.Thread | None = None
        if len(payload) < self.THREAD_FROM:
            self._value = fastpath.digest(payload)
        else:
            self._thread = threading.Thread(target=self._run, args=(payload,), daemon=True)
            self._thread.start()

    def _run(self, payload: bytes) -> None:
        self._value = fastpath.digest(payload)

    def result(self) -> str:
        """The digest (waits for the thread)."""
        if self._thread is not None:
            self._thread.join()
        assert self._value is not None
        return self._value


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
        self._remembered: _Remembered | None = None
        """The file version last written or validated here, parsed, to skip parsing it again."""
        self._decoded: _Decoded = {}
        """What the last snapshot made of each document (see _DecodeMemo)."""

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
        known = self._remembered
        if known is not None and raw == known.raw:
            # The version this Store just wrote (or validated): its tables are at hand, their
            # ids and layout checked when parsed or made by TinyDB.
            tables, version, file_digest = known.tables, CURRENT_VERSION, known.digest
            unknown = sorted(set(tables) - KNOWN_TABLES)
            if unknown:
                raise self._corrupt(f"it has a table {unknown[0]!r} that Runback does not know")
            trusted = True
        else:
            known = None
            if not raw.strip():
                raise self._corrupt("it is empty")
            file_digest = fastpath.digest(raw)
            trusted = self._known_valid(file_digest)
            if trusted:
                # Bytes validated before: a plain parse (no duplicate-key hook) is enough.
                tables, version = json.loads(raw), CURRENT_VERSION
            else:
                tables, version = self._tables_from_bytes(raw)
        snap, tables = self._decode(raw, tables, trusted)
        if version < CURRENT_VERSION:
            self.migrate_file()
            return self.snapshot()
        if snap.in_stored_form:
            if known is None:
                known = _Remembered(raw, file_digest, tables, {})
                self._remembered = known
            self._vouch(file_digest)
        snap = dataclasses.replace(snap, digest=file_digest if snap.in_stored_form else None)
        self._cache = (key, snap)
        return snap

    def _decode(self, raw: bytes, tables: Tables, trusted: bool) -> tuple[Snapshot, Tables]:
        """decode_snapshot through this Store's memo; a trusted file that fails is validated.

        Returns the snapshot and the tables it was decoded from (a failed trusted decode parses
        the file again, strictly), which the memo's reuse by identity refers to.
        """
        memo = _DecodeMemo(self._decoded)
        try:
            try:
                snap = decode_snapshot(tables, CURRENT_VERSION, memo, trusted=trusted)
            except (_Trusted, AttributeError, TypeError):  # not what this code writes
                if not trusted:
                    raise
                memo = _DecodeMemo()
                tables, _ = self._tables_from_bytes(raw)
                snap = decode_snapshot(tables, CURRENT_VERSION, memo)
        except ValueError as error:
            raise self._corrupt(str(error)) from None
        self._decoded = memo.current
        return snap, tables

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
        """Lock, load and validate, let the caller change the tables, then save atomically.

        The file version this Store last wrote or validated is remembered (_Remembered): when
        the file still holds exactly those bytes, its tables are reused instead of parsed,
        and only documents new since then are serialised (_encode_tables).  Bytes written by
        anyone else take the full path.  The remembered state is dropped while a transaction
        runs, so one that fails leaves none behind.
        """
        directory = self.path.parent
        if not directory.exists():
            with durable.translate_write_errors(self.path):
                durable.make_private_dirs(directory)
        with (
            _collector_paused(),
            durable.InterProcessLock(self.lock_path, self.path, self.lock_timeout),
        ):
            known, self._remembered = self._remembered, None
            raw = durable.read_file_bytes(self.path)
            version = CURRENT_VERSION
            chunks: dict[str, _TableChunks] = {}
            canonical: frozenset[str] = frozenset()
            digest: str | None = None
            exact = True  # every document in its stored form: only then is the result vouched for
            if raw is None:
                tables: Tables = {META_TABLE: {"1": {"schema_version": CURRENT_VERSION}}}
                parsed: Tables = {}
            elif known is not None and raw == known.raw:
                tables = parsed = known.tables
                chunks, canonical, digest = known.chunks, known.canonical, known.digest
            elif self._known_valid(digest := fastpath.digest(raw)):
                # Bytes validated before (here, or by another process per the sidecar): a
                # plain parse is enough, and re-validating years of records is skipped.
                tables = parsed = json.loads(raw)
            else:
                if not raw.strip():
                    raise self._corrupt("it is empty")
                tables, version = self._tables_from_bytes(raw)
                if version < CURRENT_VERSION:
                    self._write_migration_backup(raw, version)
                try:
                    exact = decode_snapshot(tables, CURRENT_VERSION).in_stored_form
                except ValueError as error:
                    raise self._corrupt(str(error)) from None
                # Migrated tables were edited in memory: they are not the parse of any file.
                parsed = tables if version == CURRENT_VERSION else {}
            # TinyDB gets its own top-level dict: it swaps whole tables into it and edits
            # neither a table dict nor (see _GuardedTable) a document it read, so *tables*
            # stay as they were read.
            db = _TinyDB(dict(tables), storage=_TablesStorage)
            storage = db.storage
            assert isinstance(storage, _TablesStorage)
            storage.canonical = {name: tables[name] for name in canonical if name in tables}
            storage.written = chunks
            yield db
            if storage.dirty or raw is None or version < CURRENT_VERSION:
                try:
                    encoded = _encode_tables(storage.tables, chunks, parsed, storage.lineage)
                except Exception:  # a bug here must not lose a save: the plain path decides
                    encoded = None
                payload = durable.dump_json_bytes(storage.tables) if encoded is None else encoded[0]
                hashing = _Digest(payload)  # hashed on another core while the write waits on disk
                with durable.translate_write_errors(self.path):
                    if raw is not None:
                        self._rotate_daily_backup(raw)
                    durable.atomic_write_bytes(self.path, payload)
                # Every writer stores validated records in their stored form, so the new
                # version is valid too; it is vouched for unless an old document was valid
                # but not in that form (a hand edit), which only a full check may decode.
                digest = hashing.result()
                if exact:
                    self._vouch(digest)
                if encoded is not None and exact:
                    written = storage.tables
                    self._remembered = _Remembered(
                        payload,
                        digest,
                        encoded[1],
                        encoded[2],
                        frozenset(n for n, t in storage.canonical.items() if written.get(n) is t),
                    )
            elif raw is not None and version == CURRENT_VERSION and exact:
                # Nothing changed: the file is as read, and valid.
                if digest is None:
                    digest = fastpath.digest(raw)
                self._remembered = _Remembered(raw, digest, tables, chunks, canonical)
        self._cache = None

    def _write_migration_backup(self, raw: bytes, version: int) -> None:
        """Keep the file as it was before a migration, next to it."""
        backup = self.path.with_name(f"{self.path.name}.v{version}-backup")
        with durable.translate_write_errors(backup):
            if not backup.exists():
                durable.atomic_write_bytes(backup, raw)

    def _rotate_daily_backup(self, raw: bytes) -> None:
        """Copy the previous good file to ``.bak`` once a day, before changing it."""
        durable.rotate_daily_backup(self.backup_path, raw, self._now())

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
        """Store the check-in for its date, replacing (and archiving) an earlier one; True if so.

        A red flag the earlier check-in of that date holds is kept (protocol.md section 2: it
        stands until a clearance); :meth:`stored_checkin` shows what was saved.
        """
        day = checkin.date.isoformat()
        with self._transaction() as db:
            table = db.table(CHECKINS_TABLE)
            # Not Query().date == day: that runs Python for every check-in stored.
            existing = table.search(_FieldIs("date", day))
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
        return bool(existing)

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
            existing = table.search(_FieldIs("date", day.isoformat()))
            flags = _flags_to_withdraw(day, [list(doc.get("red_flags", [])) for doc in existing])
            clearance = Clearance(
                date=day,
                note=note,
                reason="mistake",
                made_at=now.astimezone(),
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
        return session.model_copy(update={"logged_at": self._now().astimezone()})

    def add_clearance(self, clearance: Clearance) -> None:
        """Record a professional's clearance (a mistake goes through withdraw_red_flags)."""
        if clearance.made_at is None:
            clearance = clearance.model_copy(update={"made_at": self._now().astimezone()})
        with self._transaction() as db:
            db.table(CLEARANCES_TABLE).insert(_dump(clearance))

    def add_session(self, session: Any) -> None:
        """Record a run-walk, run, routine or cross-training log; saving it again is a no-op."""
        session = self._stamped(validate_session(session))
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
        session = self._stamped(validate_session(session))
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
            "checkin_edits": [
                {**_dump(e.checkin), "replaced_at": e.replaced_at.isoformat(timespec="seconds")}
                for e in snap.checkin_edits
            ],
            "clearances": [_dump(c) for c in sorted(history.clearances, key=lambda c: c.date)],
            "sessions": [_dump(s) for s in sorted(history.sessions, key=lambda s: s.date)],
            "shoes": [_dump(s) for s in history.shoes],
        }
