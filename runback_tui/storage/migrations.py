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

Each step is a pure function from the version-N tables to version N+1; ``migrate`` runs
them in order.  The Store writes a backup of the original file before saving the result.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from runback_tui.domain.limits import standing_red_flags

CURRENT_VERSION = 2
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
        if isinstance(flags, list) and all(isinstance(f, str) for f in flags):
            earlier.setdefault(edit.get("date"), []).extend(flags)
    for doc in _docs(tables, "checkins"):
        flags = doc.get("red_flags", [])
        lost = earlier.get(doc.get("date"))
        if lost and isinstance(flags, list):
            doc["red_flags"] = standing_red_flags(lost, flags)
    tables[META_TABLE] = {"1": {"schema_version": 2}}
    return tables


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _v0_to_v1, 1: _v1_to_v2}
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
