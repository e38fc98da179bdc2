"""The TinyDB Storage of one write: the lock, one read, changes in memory, one atomic write.

TinyDB reads its storage before every operation and writes it after every change.  A Store
transaction (lock, read and check the file, change it, save) needs exactly one read and at
most one write, under the lock throughout, so this Storage, built by TinyDB through its public
``storage=`` argument, takes the inter-process lock when it opens, hands TinyDB the tables the
Store checked, keeps TinyDB's writes in memory and saves them with :meth:`commit` (a temporary
file, fsync, rename: see durable.py).  ``close`` only drops the lock, so a transaction that
fails half-way writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from runback_tui.storage import durable

Tables = dict[str, dict[str, Any]]


class LockedFileStorage(Storage):
    """One transaction on a Runback data file, as a TinyDB Storage."""

    def __init__(
        self,
        path: Path,
        *,
        lock_path: Path,
        lock_timeout: float,
        prepare: Callable[[bytes | None], tuple[Tables, bool]],
    ) -> None:
        """Take the lock, read the file and let *prepare* check it.

        *prepare* gets the file's bytes (None: no file yet) and returns the tables TinyDB works
        on and whether they already differ from the file (a migration); it raises to refuse.
        """
        self.path = path
        self._lock = durable.InterProcessLock(lock_path, path, lock_timeout)
        self._lock.acquire()
        try:
            self.raw = durable.read_file_bytes(path)
            """The file's bytes when the transaction began (None: there was no file)."""
            self._tables, self.changed = prepare(self.raw)
        except BaseException:
            self._lock.release()
            raise

    def read(self) -> Tables:
        """The tables as TinyDB last wrote them in this transaction."""
        return self._tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Keep TinyDB's change until :meth:`commit`."""
        self._tables = data
        self.changed = True

    def commit(self, backup_path: Path, now: datetime) -> bytes | None:
        """Save the tables atomically when they changed; the bytes written, or None.

        The previous file is copied to *backup_path* first, once a day.
        """
        if not self.changed and self.raw is not None:
            return None
        payload = durable.dump_json_bytes(self._tables)
        with durable.translate_write_errors(self.path):
            if self.raw is not None:
                durable.rotate_daily_backup(backup_path, self.raw, now)
            durable.atomic_write_bytes(self.path, payload)
        return payload

    def close(self) -> None:
        """Drop the lock (nothing is written here)."""
        self._lock.release()
