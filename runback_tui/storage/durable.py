"""Crash-safe JSON files and the inter-process lock.

Stock TinyDB rewrites its file in place and has no lock (../shared/quality.md: 4 of 200
kills left the file unparseable; two unlocked writers destroyed it).  Here every write goes
to a temporary file in the same directory, is fsynced, renamed over the target with
``os.replace`` and the directory is fsynced, so a reader or a crash only ever sees the old
file or the new one.  Writers hold an exclusive ``flock`` on a sibling ``.lock`` file for
the whole read-modify-write; the kernel drops a ``flock`` when its holder dies, so a lock
left by a killed process is recovered without any clean-up.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

FILE_MODE = 0o600
"""Mode of every file Runback writes."""
DIR_MODE = 0o700
"""Mode of every directory Runback creates."""
MAX_FILE_BYTES = 256 * 1024 * 1024
"""Refuse to load data files larger than this (a hostile or runaway file)."""


class StoreError(Exception):
    """A problem the user can act on; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class DataFileError(StoreError):
    """The data file is unreadable, corrupt, locked too long or not writable (exit 3)."""

    exit_code = 3

    def __init__(self, path: Path, problem: str, advice: str) -> None:
        self.path = path
        self.problem = problem
        self.advice = advice
        super().__init__(f"{path}: {problem}\n{advice}")


class LockTimeoutError(DataFileError):
    """Another process held the lock for longer than we are willing to wait."""


def _describe_os_error(error: OSError) -> str:
    """A short plain description of an OS error."""
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EROFS:
        return "the file system is read-only"
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno == errno.EDQUOT:
        return "the disk quota is exceeded"
    return error.strerror or str(error)


class InterProcessLock:
    """An exclusive ``flock`` on *lock_path*, waited for at most *timeout* seconds."""

    def __init__(self, lock_path: Path, data_path: Path, timeout: float) -> None:
        self.lock_path = lock_path
        self.data_path = data_path
        self.timeout = timeout
        self._fd: int | None = None

    def _holder(self) -> str:
        """Who holds the lock, as far as the lock file says."""
        try:
            text = self.lock_path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            return "another Runback process"
        return f"Runback process {text}" if text.isdigit() else "another Runback process"

    def acquire(self) -> None:
        """Take the lock, polling until the timeout; raise LockTimeoutError after it."""
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        except OSError as error:
            raise DataFileError(
                self.data_path,
                f"cannot lock the data file for writing ({_describe_os_error(error)} "
                f"for {self.lock_path.name}); the file was left as it was",
                "Make the folder writable for your user, or choose another file with --data.",
            ) from error
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    os.close(fd)
                    raise LockTimeoutError(
                        self.data_path,
                        f"{holder} has kept the file locked for over {self.timeout:g} s",
                        "Close the other Runback window or command and try again; "
                        "if none is running, the lock frees itself when that process ends.",
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        """Drop the lock."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> InterProcessLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def make_private_dirs(directory: Path) -> None:
    """Create *directory* and any missing parents with mode 0700."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, DIR_MODE)
        os.chmod(folder, DIR_MODE)


def fsync_directory(directory: Path) -> None:
    """Flush a directory entry change (a rename) to disk."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace *path* with *data*: temp file, fsync, os.replace, fsync the directory."""
    directory = path.parent
    import tempfile  # here: reads never need it, and it costs 1.7 ms to import

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        try:
            os.fchmod(fd, FILE_MODE)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_directory(directory)


def rotate_daily_backup(backup_path: Path, raw: bytes, now: datetime) -> None:
    """Copy the previous good file *raw* to *backup_path* once a day, before changing it.

    The copy's modification time is set to *now*, so "once a day" is judged by one clock
    (the writer's, which tests inject) and not by the file system's.
    """
    try:
        stamp: date | None = datetime.fromtimestamp(os.stat(backup_path).st_mtime).date()
    except FileNotFoundError:
        stamp = None
    if stamp != now.date():
        atomic_write_bytes(backup_path, raw)
        os.utime(backup_path, (now.timestamp(), now.timestamp()))


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object hook that refuses repeated keys (two records with one id)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    """Refuse NaN and Infinity, which are not JSON."""
    raise ValueError(f"{name} is not a valid JSON value")


def parse_json_bytes(data: bytes) -> Any:
    """Parse strict JSON: no duplicate keys, no NaN/Infinity; ValueError on any problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"it is not UTF-8 text (byte {error.start})") from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_refuse_constant,
        )
    except RecursionError:
        raise ValueError("it is nested too deeply to be a Runback file") from None
    except json.JSONDecodeError as error:
        raise ValueError(
            f"it is not valid JSON ({error.msg}, line {error.lineno} column {error.colno})"
        ) from None


def dump_json_text(data: Any) -> str:
    """*data* as the compact JSON Runback stores, keys in a stable order (NaN refused)."""
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def dump_json_bytes(data: Any) -> bytes:
    """Serialise *data* as the compact UTF-8 JSON Runback stores, keys in a stable order."""
    return dump_json_text(data).encode("utf-8")


FileIdentity = tuple[int, int, int, int]
"""A file version's inode, size, modification and change times (ns)."""


def file_identity(path: Path) -> FileIdentity | None:
    """*path*'s FileIdentity (None: no such file): any write or replacement changes it.

    The change time cannot be set back by a program (utime sets it to now), and Runback's
    writers replace the file (a new inode).  Other OS errors are raised.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_file_bytes(path: Path) -> bytes | None:
    """The file's bytes, None if it does not exist; DataFileError if it cannot be read."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise DataFileError(
                    path,
                    f"the file is {size} bytes, larger than any Runback file should be",
                    "Check that --data points at your Runback file.",
                )
            return handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise DataFileError(
            path, "this is a folder, not a data file", "Give a file path with --data."
        ) from None
    except OSError as error:
        raise DataFileError(
            path,
            f"cannot read the data file ({_describe_os_error(error)})",
            "Check the file's permissions, or choose another file with --data.",
        ) from error


@contextlib.contextmanager
def translate_write_errors(path: Path) -> Iterator[None]:
    """Turn OS errors while writing *path* into a DataFileError that says what to do."""
    try:
        yield
    except OSError as error:
        raise DataFileError(
            path,
            f"could not save ({_describe_os_error(error)}); the file was left as it was",
            "Free some disk space or make the file and its folder writable, then try again.",
        ) from error


# -- where the file lives --------------------------------------------------------------------

APP_NAME = "runback"
DATA_FILE_NAME = "runback.json"
DEFAULT_LOCK_TIMEOUT = 10.0
"""Seconds a writer waits for another process's lock before giving up (exit 3)."""


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
    """RUNBACK_LOCK_TIMEOUT, else the default."""
    value = os.environ.get("RUNBACK_LOCK_TIMEOUT")
    return float(value) if value else DEFAULT_LOCK_TIMEOUT
