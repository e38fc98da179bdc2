"""Speed without trust: the sidecar cache and the pydantic-free paths of the command line.

Next to the data file sits ``runback.json.cache`` (mode 0600, replaced atomically).  It records
the digest (BLAKE2b of the file's bytes) of the last version the full Store validated or wrote,
and ``runback today --json`` answers already computed for that version, keyed by date.  Every
entry is also tied to a token of the installed code, so an upgrade starts afresh.

The sidecar is only ever used for speed: a reader hashes the data file and uses an entry only
when the digest matches, so a stale, foreign, corrupt or missing sidecar just means the slow
path (which validates everything, as before).  Deleting it is always safe.

This module imports neither pydantic, tinydb nor textual: ``runback today --json`` on a cache
hit and ``runback checkin`` on a known-valid file run without them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from runback_tui.domain.limits import standing_red_flags
from runback_tui.storage import durable

APP_NAME = "runback"
DATA_FILE_NAME = "runback.json"
DEFAULT_LOCK_TIMEOUT = 10.0
"""Seconds a writer waits for another process's lock before giving up (exit 3)."""

SIDECAR_SUFFIX = ".cache"
"""The sidecar is the data file's name plus this."""
SIDECAR_FORMAT = 1
"""Bumped whenever the sidecar's layout or meaning changes."""
MAX_SIDECAR_BYTES = 4 * 1024 * 1024
"""A larger sidecar is ignored (a hostile or runaway file)."""
MAX_CACHED_PLANS = 8
"""Plans kept per file version (today, and a few dates scripts asked about)."""
SCHEMA_VERSION = 2
"""The schema_version the fast check-in writes into; must equal migrations.CURRENT_VERSION."""

_CODE_DIRS = ("domain", "storage")
_CODE_FILES = ("cli.py", "screens/today.py", "screens/homeview.py")
"""Files outside those folders whose code shapes a cached answer (home's view, plans)."""


def default_data_path() -> Path:
    """``runback.json`` in the platform's user data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME)) / DATA_FILE_NAME


def resolve_data_path(cli_value: str | None, environ: dict[str, str] | None = None) -> Path:
    """--data, else RUNBACK_DATA, else the platform default (interface.md)."""
    env = os.environ if environ is None else environ
    raw = cli_value or env.get("RUNBACK_DATA") or ""
    path = Path(raw).expanduser() if raw else default_data_path()
    return Path(os.path.abspath(path))


def lock_timeout_from_env() -> float:
    """RUNBACK_LOCK_TIMEOUT, else the default: what Store uses."""
    value = os.environ.get("RUNBACK_LOCK_TIMEOUT")
    return float(value) if value else DEFAULT_LOCK_TIMEOUT


def digest(raw: bytes) -> str:
    """The identity of one version of the data file."""
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


_code_token: str | None = None


def code_token() -> str:
    """Identifies the installed code that validates files and plans days.

    Built from the size and modification time of every source file that decides whether a
    file is valid or what a plan says, so an upgrade (or an edit of a checkout) never reuses
    an answer the new code might give differently.
    """
    global _code_token
    if _code_token is None:
        package = Path(__file__).resolve().parent.parent
        parts = [f"format={SIDECAR_FORMAT}", f"schema={SCHEMA_VERSION}"]
        files = [package / name for name in _CODE_FILES]
        for folder in _CODE_DIRS:
            with contextlib.suppress(OSError), os.scandir(package / folder) as entries:
                files += [Path(e.path) for e in entries if e.name.endswith(".py")]
        for file in sorted(files):
            try:
                st = os.stat(file)
            except OSError:
                continue
            parts.append(f"{file.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
        _code_token = hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()
    return _code_token


def sidecar_path(data_path: Path) -> Path:
    """Where the sidecar of *data_path* lives."""
    return data_path.with_name(data_path.name + SIDECAR_SUFFIX)


def read_sidecar(data_path: Path) -> dict[str, Any] | None:
    """The sidecar's content when it is well-formed and written by this code, else None."""
    try:
        with open(sidecar_path(data_path), "rb") as handle:
            raw = handle.read(MAX_SIDECAR_BYTES + 1)
        if len(raw) > MAX_SIDECAR_BYTES:
            return None
        content = json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(content, dict) or content.get("code") != code_token():
        return None
    if not isinstance(content.get("valid"), str) or not isinstance(content.get("plans"), dict):
        return None
    return content


def _write_sidecar(data_path: Path, content: dict[str, Any]) -> None:
    """Replace the sidecar atomically (no fsync: losing it only costs speed); never raises."""
    target = sidecar_path(data_path)
    payload = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    tmp: str | None = None
    try:
        import tempfile  # here: reads never need it, and it costs 1.7 ms to import

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            os.fchmod(fd, durable.FILE_MODE)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, target)
        tmp = None
    except OSError:
        pass  # a read-only folder, a full disk: the cache is only ever an optimisation
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def note_valid(data_path: Path, file_digest: str) -> None:
    """Record that the file version *file_digest* passed full validation (or was just written).

    Cached plans belong to one version: they are kept when the version is unchanged and
    dropped otherwise.
    """
    current = read_sidecar(data_path)
    if current is not None and current["valid"] == file_digest:
        return
    _write_sidecar(data_path, {"code": code_token(), "valid": file_digest, "plans": {}})


def remember_plan(data_path: Path, file_digest: str, day: date, text: str) -> None:
    """Keep ``today --json``'s answer for *day* on the (validated) version *file_digest*."""
    remember(data_path, file_digest, plans={day.isoformat(): text})


def remember(
    data_path: Path,
    file_digest: str,
    *,
    plans: dict[str, str] | None = None,
    home: dict[str, Any] | None = None,
) -> None:
    """Keep answers computed for the (validated) version *file_digest*, keyed by ISO date.

    *plans* are ``today --json`` texts, *home* the home screen's views (screens/homeview.py).
    Entries for the same version are kept (the newest win); another version's are dropped.
    """
    current = read_sidecar(data_path)
    kept: dict[str, dict[str, Any]] = {"plans": {}, "home": {}}
    if current is not None and current["valid"] == file_digest:
        kept["plans"] = {k: v for k, v in current["plans"].items() if isinstance(v, str)}
        old_home = current.get("home")
        kept["home"] = dict(old_home) if isinstance(old_home, dict) else {}
    for kind, new in (("plans", plans), ("home", home)):
        entries = kept[kind]
        entries.update(new or {})
        while len(entries) > MAX_CACHED_PLANS:
            entries.pop(min(entries))
    seen = current.get("stat") if current is not None and current["valid"] == file_digest else None
    if home:
        seen = _stat_of_version(data_path, file_digest) or seen
    extra = {"stat": seen} if seen else {}
    _write_sidecar(data_path, {"code": code_token(), "valid": file_digest, **kept, **extra})


def _stat_key(data_path: Path) -> list[int] | None:
    """Inode, size, modification and change times (ns): any write or replacement changes one.

    The change time cannot be set back by a program (utime sets it to now), and Runback's
    writers replace the file (a new inode).
    """
    try:
        st = os.stat(data_path)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _stat_of_version(data_path: Path, file_digest: str) -> list[int] | None:
    """The file's _stat_key when it holds exactly the version *file_digest*, else None.

    Read and hashed between two equal stats, so the key belongs to those very bytes.
    """
    before = _stat_key(data_path)
    try:
        raw = durable.read_file_bytes(data_path)
    except durable.StoreError:
        return None
    if before is None or raw is None or _stat_key(data_path) != before:
        return None
    return before if digest(raw) == file_digest else None


def cached_plan(data_path: Path, day: date) -> str | None:
    """``today --json``'s answer for *day* when the sidecar holds it for the file as it is now."""
    text = cached(data_path, "plans", day)
    return text if isinstance(text, str) else None


def cached(data_path: Path, kind: str, day: date, *, by_stat: bool = False) -> object | None:
    """The sidecar's *kind* entry ("plans" or "home") for *day*, if it is for the file as it is.

    The data file is read and hashed: an entry for any other version is never returned.
    With *by_stat*, a file whose inode, size and times are those the sidecar noted for its
    version is taken as that version unread (2 ms less on a 20-year file).  Only home's first
    frame uses it: the store then loads the file itself and home is redrawn from it.
    """
    content = read_sidecar(data_path)
    if content is None:
        return None
    entries = content.get(kind)
    if not isinstance(entries, dict) or day.isoformat() not in entries:
        return None
    if by_stat and content.get("stat") is not None and content["stat"] == _stat_key(data_path):
        return entries[day.isoformat()]
    try:
        raw = durable.read_file_bytes(data_path)
    except durable.StoreError:
        return None
    if raw is None or digest(raw) != content["valid"]:
        return None
    return entries[day.isoformat()]


def file_version(data_path: Path) -> tuple[int, int, int] | None:
    """A token that changes whenever the file is replaced or written (None: no such file)."""
    try:
        st = os.stat(data_path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def known_valid_digest(data_path: Path) -> str | None:
    """The digest the sidecar vouches for (validated by this code), if any."""
    content = read_sidecar(data_path)
    return None if content is None else str(content["valid"])


# -- the fast check-in ---------------------------------------------------------------------


class KnownValid:
    """A data file whose exact bytes the full Store validated (the sidecar says so)."""

    __slots__ = ("digest", "raw", "tables")

    def __init__(self, raw: bytes, file_digest: str, tables: dict[str, Any]) -> None:
        self.raw = raw
        self.digest = file_digest
        self.tables = tables

    @property
    def start_date(self) -> date | None:
        """The profile's start date, None without a profile."""
        for doc in self.tables.get("profile", {}).values():
            return date.fromisoformat(doc["start_date"])
        return None


def load_known_valid(data_path: Path) -> KnownValid | None:
    """The file, parsed, when its digest is the one the sidecar vouches for; else None."""
    vouched = known_valid_digest(data_path)
    if vouched is None:
        return None
    try:
        raw = durable.read_file_bytes(data_path)
    except durable.StoreError:
        return None
    if raw is None:
        return None
    file_digest = digest(raw)
    if file_digest != vouched:
        return None
    try:
        tables = json.loads(raw)
    except ValueError:  # pragma: no cover - the digest matched a validated file
        return None
    if not isinstance(tables, dict) or not _canonical_ids(tables, ("checkins", "checkin_edits")):
        return None
    return KnownValid(raw, file_digest, tables)


def _canonical_ids(tables: dict[str, Any], names: tuple[str, ...]) -> bool:
    """True when every document id of *names* is a plain decimal TinyDB writes back unchanged."""
    for name in names:
        for doc_id in tables.get(name, {}):
            if not doc_id.isascii() or not doc_id.isdigit() or str(int(doc_id)) != doc_id:
                return False
    return True


def _next_id(table: dict[str, Any]) -> str:
    """TinyDB's next document id: one more than the largest, 1 for an empty table."""
    return str(max((int(k) for k in table), default=0) + 1)


def checkin_tables(
    tables: dict[str, Any], record: dict[str, Any], replaced_at: str
) -> tuple[dict[str, Any], bool]:
    """*tables* with *record* as its date's check-in, exactly as Store.save_checkin leaves them.

    An earlier check-in of that date is archived into ``checkin_edits`` with *replaced_at*,
    removed, and the new one gets TinyDB's next id (computed after the removal).
    Returns the new tables and whether a check-in was replaced.
    """
    result = dict(tables)
    checkins = dict(result.get("checkins", {}))
    existing = [(k, d) for k, d in checkins.items() if d.get("date") == record["date"]]
    if existing:
        edits = dict(result.get("checkin_edits", {}))
        record = dict(record)
        for _, doc in existing:
            edit = dict(doc)
            edit["replaced_at"] = replaced_at
            edits[_next_id(edits)] = edit
            # protocol.md section 2: an earlier red flag of the date stands (as Store.save_checkin).
            record["red_flags"] = standing_red_flags(
                list(doc.get("red_flags", [])), record["red_flags"]
            )
        result["checkin_edits"] = edits
        for key, _ in existing:
            del checkins[key]
    checkins[_next_id(checkins)] = dict(record)
    result["checkins"] = checkins
    return result, bool(existing)


def stored_red_flags(tables: dict[str, Any], day: str) -> list[str]:
    """The red flags *tables* hold on the check-in of *day* (ISO date)."""
    for doc in tables.get("checkins", {}).values():
        if doc.get("date") == day:
            return list(doc.get("red_flags", []))
    return []


@contextlib.contextmanager
def _locked(data_path: Path, timeout: float) -> Iterator[None]:
    """The Store's inter-process lock on *data_path*."""
    lock_path = data_path.with_name(data_path.name + ".lock")
    with durable.InterProcessLock(lock_path, data_path, timeout):
        yield


def save_checkin(
    data_path: Path,
    seen: KnownValid,
    record: dict[str, Any],
    *,
    now: Callable[[], datetime] = datetime.now,
    lock_timeout: float | None = None,
) -> tuple[bool, list[str]] | None:
    """Store.save_checkin without pydantic, for a file whose bytes are known valid.

    *record* must equal ``CheckIn(...).model_dump(mode="json")`` (the CLI builds it from values
    argparse already checked; a property test compares both paths byte for byte).  Under the
    Store's lock the file is re-read: if it changed since *seen*, nothing is written and None
    comes back (the caller takes the full path).  Otherwise the new file is written the same
    crash-safe way (temp file, fsync, rename, directory fsync; daily ``.bak`` first) and the
    sidecar vouches for it.  Returns whether an earlier check-in was replaced, and the red
    flags stored (the new answers plus any earlier one of the date, which stands).
    """
    timeout = lock_timeout_from_env() if lock_timeout is None else lock_timeout
    with _locked(data_path, timeout):
        raw = durable.read_file_bytes(data_path)
        if raw != seen.raw:
            return None
        stamp = now()
        tables, replaced = checkin_tables(seen.tables, record, stamp.isoformat(timespec="seconds"))
        payload = durable.dump_json_bytes(tables)
        with durable.translate_write_errors(data_path):
            durable.rotate_daily_backup(data_path.with_name(data_path.name + ".bak"), raw, stamp)
            durable.atomic_write_bytes(data_path, payload)
        note_valid(data_path, digest(payload))
    return replaced, stored_red_flags(tables, record["date"])
