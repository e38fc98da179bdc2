"""The sidecar: a read cache of views derived from one version of the data file.

Next to the data file sits ``runback.json.cache`` (mode 0600, replaced atomically).  It holds

- ``validated``: the digest (BLAKE2b of the file's bytes) of the last version the Store
  validated or wrote.  Only the Store records it (:func:`note_valid`); a Store that finds the
  file still holding those bytes parses it without checking every record again;
- ``views``: answers computed from one version, keyed by that version's digest and by date:
  ``today --json`` texts (``plans``) and the home screen's views (``home``, see
  screens/homeview.py).  Whoever computed them from a Store's snapshot may keep them
  (:func:`remember`); keeping a view vouches for nothing.

A reader hashes the data file and uses an entry only when the digest matches, so a stale,
foreign, corrupt or missing sidecar only means the slow path.  The sidecar is opened with
O_NOFOLLOW and O_NONBLOCK and must be a regular file: a symbolic link or FIFO in its place is
never followed nor waited on (the Store refuses it, exit 3; the fast paths only ignore it),
and it is replaced by rename, which replaces a link itself.  Every entry is also tied to a
token of the installed code, so an upgrade starts afresh.  Deleting the sidecar is always safe.

This module imports neither pydantic, tinydb nor textual: ``runback today --json`` on a cache
hit runs without them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
from datetime import date
from pathlib import Path
from typing import Any

from runback_tui.storage import durable

SIDECAR_SUFFIX = ".cache"
"""The sidecar is the data file's name plus this."""
SIDECAR_FORMAT = 2
"""Bumped whenever the sidecar's layout or meaning changes."""
MAX_SIDECAR_BYTES = 4 * 1024 * 1024
"""A larger sidecar is ignored (a hostile or runaway file)."""
MAX_CACHED_VIEWS = 8
"""Dates kept per kind of view (today, and a few dates scripts asked about)."""
VIEW_KINDS = ("plans", "home")
"""The kinds of derived view the sidecar keeps."""

_CODE_DIRS = ("domain", "storage")
_CODE_FILES = ("cli.py", "screens/today.py", "screens/homeview.py")
"""Files outside those folders whose code shapes a cached answer (home's view, plans)."""


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
        parts = [f"format={SIDECAR_FORMAT}"]
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


def _sidecar_bytes(data_path: Path, *, strict: bool) -> bytes | None:
    """The sidecar's bytes (at most MAX_SIDECAR_BYTES + 1), None when there is none to use.

    It is opened with O_NOFOLLOW and O_NONBLOCK and must be a regular file: a symbolic link,
    FIFO or device there is never followed nor waited on.  *strict* says so (DataFileError,
    exit 3: someone put it there), else it is only ignored, as a cache may be.
    """
    path = sidecar_path(data_path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if strict and error.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise durable.symlink_refusal(path, "read cache (deleting it is safe)") from None
        return None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            if strict and not stat.S_ISDIR(mode):  # a folder cannot be read or written through
                raise durable.special_file_refusal(path, mode, "read cache (deleting it is safe)")
            return None
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_SIDECAR_BYTES:
            chunk = os.read(fd, MAX_SIDECAR_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_sidecar(data_path: Path, *, strict: bool = False) -> dict[str, Any] | None:
    """The sidecar's content when it is well-formed and written by this code, else None.

    *strict*: a symbolic link or special file in its place is refused (DataFileError)."""
    raw = _sidecar_bytes(data_path, strict=strict)
    if raw is None or len(raw) > MAX_SIDECAR_BYTES:
        return None
    try:
        content = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(content, dict) or content.get("code") != code_token():
        return None
    if not isinstance(content.get("validated"), str | None):
        return None
    views = content.get("views")
    if views is not None and not (
        isinstance(views, dict)
        and isinstance(views.get("digest"), str)
        and all(isinstance(views.get(kind), dict) for kind in VIEW_KINDS)
    ):
        return None
    return content


def _write_sidecar(data_path: Path, content: dict[str, Any]) -> None:
    """Replace the sidecar atomically (no fsync: losing it only costs speed); never raises."""
    target = sidecar_path(data_path)
    payload = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    tmp: str | None = None
    try:
        import tempfile  # here: reads never need it, and it costs 1.7 ms to import

        fd, tmp = tempfile.mkstemp(
            prefix=durable.temp_prefix(target), suffix=".tmp", dir=target.parent
        )
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


def _content(data_path: Path) -> dict[str, Any]:
    """The sidecar's content, or an empty one for this code."""
    return read_sidecar(data_path) or {"code": code_token(), "validated": None, "views": None}


def note_valid(data_path: Path, file_digest: str) -> None:
    """Record that the file version *file_digest* passed full validation or was just written.

    Only the Store calls this (storage/store.py), after checking every record of that version
    or writing it from checked records.  Views kept for another version are dropped.
    """
    content = _content(data_path)
    views = content.get("views")
    if content.get("validated") == file_digest and (
        views is None or views["digest"] == file_digest
    ):
        return
    content["validated"] = file_digest
    if views is not None and views["digest"] != file_digest:
        content["views"] = None
    _write_sidecar(data_path, content)


def validated_digest(data_path: Path) -> str | None:
    """The digest of the version the Store last validated or wrote, per the sidecar.

    Only the Store asks (storage/store.py): a symbolic link or special file where the sidecar
    belongs is refused (DataFileError, exit 3), so the runner learns of it."""
    content = read_sidecar(data_path, strict=True)
    return None if content is None else content.get("validated")


def remember(
    data_path: Path,
    file_digest: str,
    *,
    plans: dict[str, str] | None = None,
    home: dict[str, Any] | None = None,
) -> None:
    """Keep views computed from the version *file_digest* (a Store snapshot's ``digest``).

    *plans* are ``today --json`` texts and *home* the home screen's views, each keyed by ISO
    date.  Entries for the same version are kept (the newest win); another version's are
    dropped.  This records nothing about whether the version is valid.
    """
    content = _content(data_path)
    old = content.get("views")
    views: dict[str, Any] = {"digest": file_digest, "plans": {}, "home": {}}
    if old is not None and old["digest"] == file_digest:
        views.update({kind: dict(old[kind]) for kind in VIEW_KINDS})
        if "stat" in old:
            views["stat"] = old["stat"]
    for kind, new in (("plans", plans), ("home", home)):
        entries = views[kind]
        entries.update(new or {})
        while len(entries) > MAX_CACHED_VIEWS:
            entries.pop(min(entries))
    if home:
        views["stat"] = _stat_of_version(data_path, file_digest) or views.get("stat")
    content["views"] = views
    _write_sidecar(data_path, content)


def file_version(data_path: Path) -> durable.FileIdentity | None:
    """durable.file_identity, None also when the file cannot be looked at."""
    try:
        return durable.file_identity(data_path)
    except OSError:
        return None


def _stat_key(data_path: Path) -> list[int] | None:
    """file_version as the sidecar stores it (a JSON list)."""
    version = file_version(data_path)
    return None if version is None else list(version)


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
    """The sidecar's *kind* view ("plans" or "home") for *day*, if it is for the file as it is.

    The data file is read and hashed: a view of any other version is never returned.  With
    *by_stat*, a file whose inode, size and times are those noted for the views' version is
    taken as that version unread (2 ms less on a 20-year file).  Only home's first frame uses
    it: the store then loads the file itself and home is redrawn from it.
    """
    content = read_sidecar(data_path)
    views = None if content is None else content.get("views")
    if views is None:
        return None
    entries = views[kind]
    if day.isoformat() not in entries:
        return None
    if by_stat and views.get("stat") is not None and views["stat"] == _stat_key(data_path):
        try:  # answered by its stat: a file the Store would refuse is never answered
            durable.check_data_path(data_path)
        except durable.StoreError:
            return None
        return entries[day.isoformat()]
    # Otherwise read_file_bytes below makes the same checks on the opened file.
    try:
        raw = durable.read_file_bytes(data_path)
    except durable.StoreError:
        return None
    if raw is None or digest(raw) != views["digest"]:
        return None
    return entries[day.isoformat()]
