"""The data file's schema_version and the steps that upgrade older files.

The file is TinyDB's layout: a JSON object of tables, each an object of ``"doc_id": {...}``.
``_meta`` holds one document ``{"schema_version": N}``.

Version history:

- **0** — the prototype layout: no ``_meta`` table; a check-in's pain was ``pain_score``
  and its red flags a ``{key: bool}`` object.
- **1** — ``_meta`` added; check-ins hold ``pain`` and ``red_flags`` as a list of keys.
- **2** — protocol v2: a clearance has a ``reason`` (``professional`` or ``mistake``), the time it
  was ``made_at`` and the ``flags`` a mistake withdrawal took back; every session log has a
  ``logged_at`` time (null for logs made before); and a red flag that a later edit of the same
  date's check-in left out (kept in ``checkin_edits``) is put back on that check-in, because a
  red flag stands until it is cleared (protocol.md section 2).
- **3** — every timestamp carries its UTC offset (ISO 8601, ``2026-11-21T07:30:00+01:00``):
  check-in edits' ``replaced_at``, clearances' ``made_at``, session logs' ``logged_at``, the
  active session's start, save, pause and pain times, ice times.  A file never said where
  its naive times were written, so each is given **the best available guess**: the offset
  the local zone in force at migration time gives that wall time (``TZ`` through zoneinfo
  when set, else the system zone; clock.aware), so a summer time gets the summer offset.
  The active session's times are one timeline whose running time was reckoned in naive wall
  time (``shift_s``): all of them get the offset of its ``saved_at``, so a DST change during
  the session does not move the resume point by an hour.  Times that already have an
  offset, and dates, are left exactly as they were.  Text that Runback now refuses
  (interface.md v2: C1 and bidirectional controls, which an earlier Runback accepted) is
  shown as U+FFFD in the migrated file, and a one-line name's tabs and line breaks become
  spaces, so the file opens instead of being refused; the backup keeps the original bytes.
- **4** — imports (interface.md v2 `runback import`): two new tables of imported activities
  that are not logs (models.ImportedActivity), ``pending_imports`` (runs waiting for the pain
  during and after) and ``pre_program`` (activities before day 1, context only).  A version-3
  file has neither, so the step only records the version; it matters because a Runback that
  knows version 3 must refuse a file holding the new tables as newer, not as corrupt.

A file from a newer Runback (a higher schema_version) is refused, never downgraded: an older
Runback reading a version-4 file says it was written by a newer Runback.

Each step is a pure function from the version-N tables to version N+1; ``migrate`` runs
them in order.  The Store writes a backup of the original file before saving the result.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from runback_tui.domain import text
from runback_tui.domain.clock import aware
from runback_tui.domain.limits import standing_red_flags

CURRENT_VERSION = 4
"""The schema_version this Runback writes."""

META_TABLE = "_meta"

Tables = dict[str, Any]


def file_version(tables: Tables) -> int:
    """The schema_version a file declares (0 when it has no ``_meta`` table)."""
    meta = tables.get(META_TABLE)
    if meta is None:
        return 0
    if not isinstance(meta, dict) or len(meta) != 1:
        raise ValueError("its _meta table must hold exactly one document")
    (doc,) = meta.values()
    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError("its schema_version must be a whole number from 1 up")
    return version


def _v0_to_v1(tables: Tables) -> Tables:
    """Rename ``pain_score`` to ``pain`` and turn the red-flag object into a list of keys."""
    checkins = tables.get("checkins", {})
    for doc in checkins.values() if isinstance(checkins, dict) else ():
        if not isinstance(doc, dict):
            continue
        if "pain_score" in doc and "pain" not in doc:
            doc["pain"] = doc.pop("pain_score")
        flags = doc.get("red_flags")
        if isinstance(flags, dict):
            doc["red_flags"] = sorted(key for key, value in flags.items() if value is True)
    tables[META_TABLE] = {"1": {"schema_version": 1}}
    return tables


def _docs(tables: Tables, name: str) -> list[dict[str, Any]]:
    """The documents of table *name* that are objects (others are left for validation)."""
    table = tables.get(name, {})
    if not isinstance(table, dict):
        return []
    return [doc for doc in table.values() if isinstance(doc, dict)]


def _v1_to_v2(tables: Tables) -> Tables:
    """Clearance reasons and times, session log times, and red flags an edit had erased."""
    for doc in _docs(tables, "clearances"):
        doc.setdefault("reason", "professional")
        doc.setdefault("made_at", None)
        doc.setdefault("flags", [])
    for doc in _docs(tables, "sessions"):
        doc.setdefault("logged_at", None)
    earlier: dict[Any, list[str]] = {}
    for edit in _docs(tables, "checkin_edits"):
        flags = edit.get("red_flags")
        day = edit.get("date")
        if (
            isinstance(day, str)
            and isinstance(flags, list)
            and all(isinstance(f, str) for f in flags)
        ):
            earlier.setdefault(day, []).extend(flags)
    for doc in _docs(tables, "checkins"):
        flags = doc.get("red_flags", [])
        day = doc.get("date")
        lost = earlier.get(day) if isinstance(day, str) else None  # a bad date is refused later
        if lost and isinstance(flags, list):
            doc["red_flags"] = standing_red_flags(lost, flags)
    tables[META_TABLE] = {"1": {"schema_version": 2}}
    return tables


_NAIVE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")
"""A date and time as schema 2 stored it: ISO 8601 without a UTC offset."""

_TIMESTAMPS: dict[str, tuple[str, ...]] = {
    "checkin_edits": ("replaced_at",),
    "clearances": ("made_at",),
    "sessions": ("logged_at",),
    "ice": ("started_at", "next_due_from", "next_due_by"),
}
"""The timestamp fields of each table (the active session's are nested: _v2_active)."""


def _naive(value: Any) -> datetime | None:
    """The stored text *value* as a naive datetime, if it is one (None otherwise)."""
    if not isinstance(value, str) or not _NAIVE_TEXT.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None  # not a real date and time: left for validation to name


def _with_offset(value: Any, offset: timezone | None = None) -> Any:
    """A naive stored time with a UTC offset: *offset*, or the local zone's for that wall time
    (clock.aware); any other value as it was (validation judges it)."""
    moment = _naive(value)
    if moment is None:
        return value
    try:
        placed = moment.replace(tzinfo=offset) if offset is not None else aware(moment)
    except (ValueError, OverflowError, OSError):
        return value  # a time the zone cannot place (year 1): refused as naive later
    return placed.isoformat()


def _v2_active(doc: dict[str, Any]) -> None:
    """The active session's times, all with the offset its ``saved_at`` gets (one timeline)."""
    offset: timezone | None = None
    saved = _naive(doc.get("saved_at"))
    if saved is not None:
        try:
            placed = aware(saved)
        except (ValueError, OverflowError, OSError):
            placed = None
        if placed is not None and isinstance(placed.tzinfo, timezone):
            offset = placed.tzinfo
    for key in ("started_at", "saved_at"):
        if key in doc:
            doc[key] = _with_offset(doc[key], offset)
    for name, keys in (("pauses", ("start", "end")), ("pains", ("at",))):
        items = doc.get(name)
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict):
                for key in keys:
                    if key in item:
                        item[key] = _with_offset(item[key], offset)


def _v2_to_v3(tables: Tables) -> Tables:
    """Give every stored timestamp a UTC offset (the best guess: see the module docstring)."""
    for name, keys in _TIMESTAMPS.items():
        for doc in _docs(tables, name):
            for key in keys:
                if key in doc:
                    doc[key] = _with_offset(doc[key])
    for doc in _docs(tables, "active_session"):
        _v2_active(doc)
    for name, table in tables.items():
        if name != META_TABLE and isinstance(table, dict):
            for doc_id, doc in table.items():
                table[doc_id] = _clean_texts(doc)
    tables[META_TABLE] = {"1": {"schema_version": 3}}
    return tables


def _v3_to_v4(tables: Tables) -> Tables:
    """Nothing to convert: the import tables are new (see the module docstring)."""
    tables[META_TABLE] = {"1": {"schema_version": 4}}
    return tables


_ONE_LINE_KEYS = frozenset({"name", "shoe"})
"""Text fields that hold one line (a shoe's name, and the name a session refers to)."""


def _clean_texts(value: Any, key: str = "") -> Any:
    """*value* with refused characters shown as U+FFFD in every string (domain/text.py)."""
    if isinstance(value, str):
        cleaned = text.printable(value)
        if key in _ONE_LINE_KEYS:
            cleaned = cleaned.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        return cleaned
    if isinstance(value, dict):
        return {k: _clean_texts(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_texts(item, key) for item in value]
    return value


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {
    0: _v0_to_v1,
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
}
"""Step from version N (the key) to N+1."""


def migrate(tables: Tables) -> tuple[Tables, int]:
    """Upgrade *tables* to CURRENT_VERSION; returns the new tables and the original version."""
    original = file_version(tables)
    if original > CURRENT_VERSION:
        raise NewerSchemaError(original)
    upgraded = copy.deepcopy(tables) if original < CURRENT_VERSION else tables
    version = original
    while version < CURRENT_VERSION:
        upgraded = MIGRATIONS[version](upgraded)
        version += 1
    return upgraded, original


class NewerSchemaError(Exception):
    """The file was written by a newer Runback."""

    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__(f"schema_version {version} is newer than {CURRENT_VERSION}")
