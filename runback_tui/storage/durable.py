"""Crash-safe JSON files and the inter-process lock.

Stock TinyDB rewrites its file in place and has no lock (../shared/quality.md: 4 of 200
kills left the file unparseable; two unlocked writers destroyed it).  Here every write goes
to a temporary file in the same directory, is fsynced, renamed over the target with
``os.replace`` and the directory is fsynced, so a reader or a crash only ever sees the old
file or the new one.  Writers hold an exclusive ``flock`` on a sibling ``.lock`` file for
the whole read-modify-write; the kernel drops a ``flock`` when its holder dies, so a lock
left by a killed process is recovered without any clean-up.

Nothing here is fooled by what else sits in the folder (interface.md v2, "Data file"):

- the lock file and the sidecar are opened with ``O_NOFOLLOW`` (a symbolic link there is
  refused, never written through) and temporary files are created with ``O_EXCL`` (so never
  through a link either); the data file and the lock must be regular files, looked at on the
  opened descriptor (``O_NONBLOCK``: a FIFO cannot hang the open), and the data file is read
  up to a size cap, so a FIFO, ``/dev/zero`` or a huge file is refused at once;
- a data file or folder that another user can write or owns is refused (OpenSSH's StrictModes),
  with the ``chmod``/``chown`` that fixes it;
- writers lock the data folder as well as the lock file (both ``flock``), and check that the
  lock file they locked is still the one at its path: deleting ``runback.json.lock`` while a
  write holds it does not let a second writer in;
- the lock holder removes temporary files left by killed writers (their process is gone, or
  they are over a minute old): only the lock holder writes the data file's temporary files,
  so none of those belongs to a live write.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import math
import os
import stat
import time
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from time import time as _wall_clock  # not ``time.time``: tests replace this module's ``time``
from typing import Any

FILE_MODE = 0o600
"""Mode of every file Runback writes."""
DIR_MODE = 0o700
"""Mode of every directory Runback creates."""
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Refuse to load data files larger than this (a hostile or runaway file; twenty years of
daily records are a few megabytes)."""
STALE_TEMP_SECONDS = 60.0
"""A temporary file this old (or whose writer's process is gone) was left by a killed write."""
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_SYMLINK_ERRNOS = (errno.ELOOP, errno.EMLINK)
"""What opening a symbolic link with O_NOFOLLOW fails with (Linux, macOS: ELOOP; BSD: EMLINK)."""


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


class SettingError(StoreError):
    """An environment variable has a value Runback cannot use (exit 2, like a bad option)."""

    exit_code = 2


def _quoted(path: Path | str) -> str:
    """*path* as a shell would need it typed."""
    import shlex  # only ever needed for a message

    return shlex.quote(str(path))


def _user_name(uid: int) -> str:
    """The login name of *uid*, else the number."""
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def symlink_refusal(path: Path, role: str) -> DataFileError:
    """The error for a symbolic link found where Runback keeps its *role* file."""
    return DataFileError(
        path,
        f"this is a symbolic link where Runback keeps its {role}; Runback never follows one "
        "there, so nothing was written through it and the file it points to, like the data "
        "file, was left exactly as it was",
        f"Remove the link, then try again: rm {_quoted(path)}",
    )


READ_ONLY_ROLES = frozenset({"export", "activity file"})
"""Files the user hands Runback to read (read_file_bytes' *role*): never its own to remove."""


def special_file_refusal(path: Path, mode: int, role: str) -> DataFileError:
    """The error for a FIFO, device, socket or folder where Runback keeps its *role* file."""
    kind = _kind_of(mode)
    if role == "data file":
        advice = (
            "Point --data (or RUNBACK_DATA) at your Runback file, a regular file; if you did "
            f"not put this there, look at what is in its folder: ls -la {_quoted(path.parent)}"
        )
    elif role in READ_ONLY_ROLES:
        advice = f"Give the path of the {role} you meant, a regular file."
    else:
        advice = f"Remove it, then try again: rm {_quoted(path)}"
    return DataFileError(
        path,
        f"this is {kind}, not a regular file; Runback uses only a regular file as its {role}, "
        "so it read nothing from it and left it exactly as it was",
        advice,
    )


def _refuse_unsafe(data_path: Path, target: Path, st: os.stat_result, *, folder: bool) -> None:
    """StrictModes: refuse *target* (the data file or its folder) when another user owns it or
    anyone but its owner can write it; the error names the command that fixes it."""
    euid = os.geteuid()
    what = f"its folder {target}" if folder else "this data file"
    if st.st_uid not in (euid, 0):
        sudo = "" if euid == 0 else "sudo "
        raise DataFileError(
            data_path,
            f"{what} belongs to another user ({_user_name(st.st_uid)}), who could change or "
            "replace your data; Runback refuses to use it and left the file exactly as it was",
            f"If it is yours, give it back to your user: {sudo}chown {_user_name(euid)} "
            f"{_quoted(target)}; otherwise keep your data in a folder of your own (--data).",
        )
    if st.st_mode & 0o022:
        who = "every user" if st.st_mode & 0o002 else "its group"
        mode = stat.S_IMODE(st.st_mode)
        if folder and (st.st_uid != euid or st.st_mode & stat.S_ISVTX):
            # a shared folder such as /tmp: making it private is not the user's to do
            advice = (
                "Keep the data file in a folder only you can write, e.g. "
                f"mkdir -m 700 ~/runback && mv {_quoted(data_path)} ~/runback/ "
                f"and use --data ~/runback/{_quoted(data_path.name)}"
            )
        else:
            advice = f"Make it private, then try again: chmod {700 if folder else 600} " + (
                _quoted(target)
            )
        raise DataFileError(
            data_path,
            f"{what} can be written by {who} (mode {mode:04o}), who could change or replace "
            "your data; Runback refuses to use it and left the file exactly as it was",
            advice,
        )


def check_data_folder(data_path: Path) -> None:
    """Refuse (DataFileError) a data folder another user owns or can write; a missing or
    unreadable folder is left to the operation that needs it."""
    folder = data_path.parent
    try:
        st = os.stat(folder)
    except OSError:
        return
    _refuse_unsafe(data_path, folder, st, folder=True)


def check_data_path(data_path: Path) -> None:
    """Every check :func:`read_file_bytes` makes before reading, from stats only (no open):
    the folder, then the file's type, owner and mode.  No file is no problem."""
    check_data_folder(data_path)
    try:
        st = os.stat(data_path)
    except OSError:
        return
    if not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            return  # read_file_bytes says "this is a folder"
        raise special_file_refusal(data_path, st.st_mode, "data file")
    _refuse_unsafe(data_path, data_path, st, folder=False)
    if st.st_size > MAX_FILE_BYTES:
        raise _too_big(data_path, st.st_size)


def _too_big(path: Path, size: int, role: str = "data file") -> DataFileError:
    return DataFileError(
        path,
        f"the file is {size} bytes or more, larger than any Runback file should be "
        f"(the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB); it was left exactly as it was",
        "Check that --data points at your Runback file."
        if role == "data file"
        else f"Give the path of the {role} you meant.",
    )


def _same_file(fd: int, path: Path) -> bool:
    """True when the open *fd* is the file now at *path* (not followed through a link)."""
    try:
        at_path = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (at_path.st_dev, at_path.st_ino)


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
    """An exclusive ``flock`` on the data folder and on *lock_path*, waited for at most
    *timeout* seconds.

    The folder's lock is what keeps a second writer out when the lock file is deleted (or
    replaced) while held: a process that then creates a new lock file still waits for the
    folder.  Where a folder cannot be locked (some network file systems), the lock file alone
    is used, and :meth:`check_held` refuses a save whose lock file is no longer at its path.
    Runback versions without the folder's lock still take the same lock file.
    """

    def __init__(self, lock_path: Path, data_path: Path, timeout: float) -> None:
        if not (math.isfinite(timeout) and timeout >= 0):  # NaN would wait forever
            raise SettingError(
                f"the lock timeout must be a finite number of seconds from 0, not {timeout!r}"
            )
        self.lock_path = lock_path
        self.data_path = data_path
        self.timeout = timeout
        self._fd: int | None = None
        self._dir_fd: int | None = None
        """The data folder, open while locked (or while waiting with its lock held)."""
        self._dir_lockable = True

    def _holder(self) -> str:
        """Who holds the lock, as far as the lock file says."""
        try:
            fd = os.open(self.lock_path, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            return "another Runback process"
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return "another Runback process"
            text = os.read(fd, 32).decode("ascii", errors="replace").strip()
        except OSError:
            return "another Runback process"
        finally:
            os.close(fd)
        return f"Runback process {text}" if text.isdigit() else "another Runback process"

    def _cannot_lock(self, error: OSError) -> DataFileError:
        return DataFileError(
            self.data_path,
            f"cannot lock the data file for writing ({_describe_os_error(error)} "
            f"for {self.lock_path.name}); the file was left as it was",
            "Make the folder writable for your user, or choose another file with --data.",
        )

    def _lock_folder(self) -> bool:
        """Try the data folder's lock once: False while another writer holds it."""
        if not self._dir_lockable or self._dir_fd is not None:
            return True
        try:
            fd = os.open(self.lock_path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            self._dir_lockable = False  # e.g. a folder we may enter but not list
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError:
            os.close(fd)
            self._dir_lockable = False  # no flock on folders here: the lock file alone
            return True
        self._dir_fd = fd
        return True

    def _open_lock_file(self) -> int:
        """Open (or create) the lock file, never through a link; it must be a regular file."""
        flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(self.lock_path, flags, FILE_MODE)
        except OSError as error:
            if error.errno in _SYMLINK_ERRNOS and os.path.islink(self.lock_path):
                raise symlink_refusal(self.lock_path, "writers' lock") from None
            raise self._cannot_lock(error) from error
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise special_file_refusal(self.lock_path, mode, "writers' lock")
        return fd

    def _try_lock(self) -> bool:
        """One attempt at both locks; True once held, with the lock file at its path."""
        if not self._lock_folder():
            return False
        fd = self._open_lock_file()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as error:
            os.close(fd)
            raise self._cannot_lock(error) from error
        if not _same_file(fd, self.lock_path):
            # Deleted or replaced between our open and our lock: whoever holds the file now
            # at the path is not waiting for the one we hold.  Try again on that one.
            os.close(fd)
            return False
        self._fd = fd
        return True

    def acquire(self) -> None:
        """Take the lock, polling until the timeout; raise LockTimeoutError after it.

        The folder is checked first (StrictModes): nothing is created in a folder another
        user can write.  Once held, temporary files of killed writers are removed.
        """
        check_data_folder(self.data_path)
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        try:
            while not self._try_lock():
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    raise LockTimeoutError(
                        self.data_path,
                        f"{holder} has kept the file locked for over {self.timeout:g} s",
                        "Close the other Runback window or command and try again; "
                        "if none is running, the lock frees itself when that process ends.",
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        except BaseException:
            self.release()
            raise
        assert self._fd is not None
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, str(os.getpid()).encode("ascii"), 0)
        remove_stale_temp_files(self.data_path)

    def check_held(self) -> None:
        """Before saving: refuse (DataFileError, nothing written) when the lock file was
        deleted or replaced while held and no folder lock kept other writers out meanwhile."""
        if self._dir_fd is not None:
            return
        if self._fd is None or not _same_file(self._fd, self.lock_path):
            raise DataFileError(
                self.data_path,
                f"the lock file {self.lock_path.name} was removed or replaced while this write "
                "held it, so another writer may have saved meanwhile; nothing was saved and "
                "the file was left as it was",
                f"Try again; do not delete {self.lock_path.name} while Runback is running.",
            )

    def release(self) -> None:
        """Drop the lock."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        if self._dir_fd is not None:
            fd, self._dir_fd = self._dir_fd, None
            with contextlib.suppress(OSError):
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


def temp_prefix(path: Path) -> str:
    """The name start of a temporary file for *path*: ``.NAME.PID.`` (the writer's process id,
    so the next writer can tell a killed writer's file from a live one's)."""
    return f".{path.name}.{os.getpid()}."


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace *path* with *data*: temp file, fsync, os.replace, fsync the directory.

    The temporary file is created with O_EXCL (mkstemp), so never through a symbolic link, and
    ``os.replace`` replaces a link at *path* itself, never what it points to.
    """
    directory = path.parent
    import tempfile  # here: reads never need it, and it costs 1.7 ms to import

    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        try:
            os.fchmod(fd, FILE_MODE)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_directory(directory)


class PartlyWritten(OSError):
    """:func:`atomic_write_files` failed after moving some files into an existing folder."""

    def __init__(self, error: OSError, done: list[str]) -> None:
        super().__init__(error.errno, error.strerror)
        self.done = done
        """The names already replaced with their new content."""


def atomic_write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write *files* (name -> bytes) into *folder*, so that a failure leaves nothing half-written.

    A new folder is built whole as a temporary folder beside it (every file fsynced), then
    renamed into place: it appears complete or not at all.  Into an existing folder (which
    may hold other files of the user's) the files are first written and fsynced in a
    temporary folder inside it, then each renamed over its name, and the temporary folder is
    removed.  A failure while writing (a full disk) removes the temporary folder and changes
    nothing; one during the renames, which need no data space, raises :class:`PartlyWritten`.
    """
    import shutil
    import tempfile

    existed = folder.is_dir()
    if not existed:
        make_private_dirs(folder.parent)
    where = folder if existed else folder.parent
    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(folder), suffix=".tmp", dir=where))
    done: list[str] = []
    try:
        for name, data in files.items():
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | os.O_CLOEXEC
            fd = os.open(tmp / name, flags, FILE_MODE)
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_directory(tmp)
        if not existed:
            os.rename(tmp, folder)
            fsync_directory(folder.parent)
            return
        try:
            for name in files:
                os.replace(tmp / name, folder / name)
                done.append(name)
        except OSError as error:
            raise PartlyWritten(error, done) from error
        os.rmdir(tmp)
        fsync_directory(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def export_failed(target: Path, error: OSError, kept: str) -> DataFileError:
    """The error (exit 3) for an export to *target* that could not be written; *kept* says
    truthfully what is there now ("nothing was written", "it was left as it was")."""
    return DataFileError(
        target,
        f"could not export ({_describe_os_error(error)}); {kept}",
        "Free some disk space or choose another place with --out, then try again "
        "(your data file was not changed).",
    )


def _process_gone(pid: int) -> bool:
    """True when no process *pid* exists (a killed writer's)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # exists, but another user's
    return False


def _stale_temp(middle: str, st: os.stat_result, now: float) -> bool:
    """Whether a temporary file ``.NAME.<middle>.tmp`` was left by a killed write.

    *middle* is ``PID.RANDOM`` (or ``cache.PID.RANDOM``, ``bak.PID.RANDOM`` for the sidecar's
    and the backup's); names from older versions carry no PID and go by age alone.
    """
    parts = middle.split(".")
    if len(parts) >= 2 and parts[-2].isdigit():
        pid = int(parts[-2])
        if pid != os.getpid() and _process_gone(pid):
            return True
    return now - st.st_mtime > STALE_TEMP_SECONDS


def remove_stale_temp_files(data_path: Path) -> list[str]:
    """Remove ``.NAME.*.tmp`` files left by killed writers beside *data_path*; their names.

    Called by the lock holder.  Only the lock holder writes the data file's (and the
    backup's) temporary files, so none of those belongs to a live write; the sidecar's are
    written without the lock, so a file is removed only when its writer's process is gone or
    it is over STALE_TEMP_SECONDS old.  A link is removed itself, never followed; folders
    and other kinds of file are left alone.  Never raises.
    """
    prefix = f".{data_path.name}."
    removed: list[str] = []
    now = _wall_clock()
    try:
        entries = os.scandir(data_path.parent)
    except OSError:
        return removed
    with entries:
        for entry in entries:
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(".tmp")):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
                continue
            if _stale_temp(name[len(prefix) : -len(".tmp")], st, now):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(name)
    return removed


def rotate_daily_backup(backup_path: Path, raw: bytes, now: datetime) -> None:
    """Copy the previous good file *raw* to *backup_path* once a day, before changing it.

    The copy's modification time is set to *now*, so "once a day" is judged by one clock
    (the writer's, which tests inject) and not by the file system's.
    """
    try:
        mtime = os.stat(backup_path, follow_symlinks=False).st_mtime
        stamp: date | None = datetime.fromtimestamp(mtime).date()
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


def open_nonblocking(path: str, flags: int) -> int:
    """An ``open()`` opener adding O_NONBLOCK: opening a FIFO never waits for a writer."""
    return os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC)


def read_file_bytes(path: Path, *, private: bool = True, role: str = "data file") -> bytes | None:
    """The file's bytes, None if it does not exist; DataFileError if it cannot be read.

    Before any byte is read: *path* must be a regular file (a FIFO, device or socket is
    refused, looked at on the opened descriptor) of at most MAX_FILE_BYTES; and, for the data
    file (*private*, the default), neither it nor its folder may be another user's or
    writable by anyone else (StrictModes).  Pass ``private=False`` for a file the user only
    hands Runback to read (an export to restore, an activity to import), with its *role* for
    the messages.
    """
    if private:
        check_data_folder(path)
    try:
        with open(path, "rb", opener=open_nonblocking) as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise special_file_refusal(path, st.st_mode, role)
            if private:
                _refuse_unsafe(path, path, st, folder=False)
            if st.st_size > MAX_FILE_BYTES:
                raise _too_big(path, st.st_size, role)
            data = handle.read(MAX_FILE_BYTES + 1)  # it may have grown since the fstat
            if len(data) > MAX_FILE_BYTES:
                raise _too_big(path, len(data), role)
            return data
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise DataFileError(
            path,
            f"this is a folder, not a {role}",
            "Give a file path with --data." if role == "data file" else "Give a file path.",
        ) from None
    except OSError as error:
        raise DataFileError(
            path,
            f"cannot read the {role} ({_describe_os_error(error)})",
            "Check the file's permissions, or choose another file with --data."
            if role == "data file"
            else "Check the file's permissions.",
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


MAX_LOCK_TIMEOUT = 3600.0
"""The longest wait for the lock RUNBACK_LOCK_TIMEOUT may ask for (seconds)."""


def lock_timeout_from_env(environ: Mapping[str, str] | None = None) -> float:
    """RUNBACK_LOCK_TIMEOUT of *environ* (the process's by default), else the default;
    SettingError (exit 2) for anything but a finite number of seconds from 0 to
    MAX_LOCK_TIMEOUT, so a write never waits forever."""
    value = (os.environ if environ is None else environ).get("RUNBACK_LOCK_TIMEOUT")
    if not value:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_LOCK_TIMEOUT):
        raise SettingError(
            f"RUNBACK_LOCK_TIMEOUT={value!r} is not allowed: give a finite number of seconds "
            f"from 0 to {MAX_LOCK_TIMEOUT:g} (how long a write waits for another Runback's "
            f"lock; the default is {DEFAULT_LOCK_TIMEOUT:g}), or unset it"
        )
    return seconds
