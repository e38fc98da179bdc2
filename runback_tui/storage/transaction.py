"""The TinyDB Storage of one write: the lock, one read, changes in memory, one atomic write.

TinyDB reads its storage before every operation and writes it after every change.  A Store
transaction (lock, read and check the file, change it, save) needs exactly one read and at
most one write, under the lock throughout, so this Storage, built by TinyDB through its public
``storage=`` argument, takes the inter-process lock when it opens, hands TinyDB the tables the
Store checked, keeps TinyDB's writes in memory and saves them with :meth:`commit` (a temporary
file, fsync, rename: see durable.py).  ``close`` only drops the lock, so a transaction that
fails half-way writes nothing.

**Incremental encoding.**  :meth:`commit` returns what it wrote (:class:`Written`).  When the
next transaction finds the file still holding exactly those bytes, it starts from those tables
instead of parsing the file, and re-encodes only the tables TinyDB changed: TinyDB replaces a
table's dict whenever it changes one (it builds a new one for every change), so a table
that is still the very same object is unchanged and its JSON text is reused.  The bytes are
exactly those :func:`durable.dump_json_bytes` writes for the whole file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from runback_tui.storage import durable
from runback_tui.storage.migrations import Tables


@dataclass(frozen=True)
class Written:
    """The bytes a transaction wrote, the tables they encode, and each table's JSON text."""

    payload: bytes
    tables: Tables
    encoded: dict[str, tuple[dict[str, Any], str]]
    """Table name → (the table dict encoded, its JSON text)."""


def encode(tables: Tables, previous: Written | None) -> tuple[bytes, dict[str, Any]]:
    """``durable.dump_json_bytes(tables)``, reusing *previous* texts of unchanged tables."""
    known = previous.encoded if previous is not None else {}
    encoded: dict[str, tuple[dict[str, Any], str]] = {}
    parts = []
    for name in sorted(tables):
        table = tables[name]
        hit = known.get(name)
        text = hit[1] if hit is not None and hit[0] is table else durable.dump_json_text(table)
        encoded[name] = (table, text)
        parts.append(f"{json.dumps(name, ensure_ascii=False)}:{text}")
    return ("{" + ",".join(parts) + "}").encode("utf-8"), encoded


class LockedFileStorage(Storage):
    """One transaction on a Runback data file, as a TinyDB Storage."""

    def __init__(
        self,
        path: Path,
        *,
        lock_path: Path,
        lock_timeout: float,
        prepare: Callable[[bytes | None], tuple[Tables, bool]],
        previous: Written | None = None,
    ) -> None:
        """Take the lock, read the file and let *prepare* check it.

        *prepare* gets the file's bytes (None: no file yet) and returns the tables TinyDB works
        on and whether they already differ from the file (a migration); it raises to refuse.
        When the file holds exactly what *previous* wrote, its tables are used instead.
        """
        self.path = path
        self._previous = previous
        self._lock = durable.InterProcessLock(lock_path, path, lock_timeout)
        self._lock.acquire()
        try:
            self.raw = durable.read_file_bytes(path)
            """The file's bytes when the transaction began (None: there was no file)."""
            if previous is not None and self.raw == previous.payload:
                # TinyDB swaps whole tables into this dict and never edits a table it read.
                self._tables, self.changed = dict(previous.tables), False
            else:
                self._previous = None
                self._tables, self.changed = prepare(self.raw)
        except BaseException:
            self._lock.release()
            raise

    def read(self) -> Tables:
        """The tables as TinyDB last wrote them in this transaction."""
        return self._tables

    def write(self, data: Tables) -> None:
        """Keep TinyDB's change until :meth:`commit`."""
        self._tables = data
        self.changed = True

    def commit(self, backup_path: Path, now: datetime) -> Written | None:
        """Save the tables atomically when they changed; what was written, or None.

        The previous file is copied to *backup_path* first, once a day.
        """
        if not self.changed and self.raw is not None:
            return None
        payload, encoded = encode(self._tables, self._previous)
        self._lock.check_held()  # the lock file still ours, or the folder's lock held
        with durable.translate_write_errors(self.path):
            if self.raw is not None:
                durable.rotate_daily_backup(backup_path, self.raw, now)
            durable.atomic_write_bytes(self.path, payload)
        return Written(payload, self._tables, encoded)

    def close(self) -> None:
        """Drop the lock (nothing is written here)."""
        self._lock.release()
