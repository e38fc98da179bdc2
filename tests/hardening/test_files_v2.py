"""Files nobody else can slip in (issue 18, "Files"; interface.md v2, "Data file").

One test per attack of the issue: the lock, sidecar and temporary files are never followed
through a symbolic link (the file it points to stays byte for byte); a FIFO, ``/dev/zero`` or a
huge file as the data file or sidecar is refused at once (exit 3), never waited on nor read
without limit; a data file or folder another user can write or owns is refused with the
command that fixes it; deleting the lock file while a write holds it lets no second writer in;
a bad ``RUNBACK_LOCK_TIMEOUT`` is a usage error; temporary files of killed writers are removed
by the next writer, never a live writer's; an export that fails leaves nothing half-written
and says so truthfully.  And the crash run: at least 100 SIGKILLs of writers on the new lock.

Attacks that could hang or eat memory on code without the fix run in a child process with a
timeout and a memory limit, so such code fails the test instead of stopping the suite.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import resource
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from runback_tui.cli import run
from runback_tui.domain.models import CheckIn, CrossLog
from runback_tui.storage import cache, durable, transaction
from runback_tui.storage.durable import DataFileError
from runback_tui.storage.store import Store
from tests.conftest import CliRunner
from tests.hardening.helpers import disk_full, tiny_tmpfs

ROOT = Path(__file__).resolve().parents[2]
INIT = ("init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer")
HANG = 30.0
"""Seconds after which a child counts as hung (the fix answers in well under 2 s)."""
MEMORY_LIMIT = 2 << 30
"""Address space of a child: code reading /dev/zero without limit fails fast, not the host."""
IS_ROOT = os.geteuid() == 0


# -- helpers ---------------------------------------------------------------------------------


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def runback(data: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """`runback ARGS` in a child process on *data*; its result and how long it took (s)."""
    environ = dict(os.environ, PYTHONPATH=str(ROOT), RUNBACK_DATA=str(data))
    environ.update(env)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "runback_tui", *args],
        capture_output=True,
        text=True,
        timeout=HANG,
        env=environ,
        preexec_fn=_limit_memory,
    )
    return result, time.monotonic() - started


def seeded(folder: Path) -> Path:
    """A data file with a profile starting ten days ago, in a new private *folder*."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "runback.json"
    start = (date.today() - timedelta(days=10)).isoformat()
    argv = ["--data", str(path), *INIT[:2], start, *INIT[3:]]
    assert run(argv, out=io.StringIO(), err=io.StringIO()) == 0
    return path


def baseline(path: Path) -> float:
    """How long a plain `runback today` on *path* takes here (the budget is 2 s beyond it)."""
    result, took = runback(path, "today")
    assert result.returncode == 0, result.stderr
    return took


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 3 with a message holding *words*, and no traceback."""
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file of the user's that an attacker's symbolic link points at."""
    path = tmp_path / "victim.txt"
    path.write_bytes(b"the user's own file\n")
    return path


# -- 1. no symbolic link followed --------------------------------------------------------------


def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(
    tmp_path: Path, victim: Path
) -> None:
    path = seeded(tmp_path / "data")
    lock = path.with_name("runback.json.lock")
    lock.unlink()
    lock.symlink_to(victim)
    before = path.read_bytes()
    result, _ = runback(path, "checkin", "--pain", "2")
    refused(result, str(lock), "symbolic link", f"rm {lock}")
    assert victim.read_bytes() == b"the user's own file\n"  # not truncated, no PID in it
    assert path.read_bytes() == before
    assert lock.is_symlink()  # left as it was


def test_a_symlinked_sidecar_is_refused_and_never_read_nor_written_through(
    tmp_path: Path, victim: Path
) -> None:
    path = seeded(tmp_path / "data")
    sidecar = cache.sidecar_path(path)
    sidecar.unlink(missing_ok=True)
    sidecar.symlink_to(victim)
    before = path.read_bytes()
    for command in (("today",), ("today", "--json"), ("checkin", "--pain", "2")):
        result, _ = runback(path, *command)
        refused(result, str(sidecar), "symbolic link", f"rm {sidecar}")
    assert victim.read_bytes() == b"the user's own file\n"
    assert path.read_bytes() == before
    sidecar.unlink()  # what the message says to do: then it works again
    result, _ = runback(path, "checkin", "--pain", "2")
    assert result.returncode == 0, result.stderr


def test_a_fast_path_reader_ignores_a_symlinked_sidecar(tmp_path: Path, victim: Path) -> None:
    """The fast paths (no Store) only ignore it: they never fail, they fall back to the Store."""
    path = seeded(tmp_path / "data")
    sidecar = cache.sidecar_path(path)
    sidecar.unlink(missing_ok=True)
    sidecar.symlink_to(victim)
    assert cache.read_sidecar(path) is None
    assert cache.cached_plan(path, date.today()) is None
    with pytest.raises(DataFileError, match="symbolic link"):
        cache.validated_digest(path)


# -- 2. FIFOs, devices, huge files --------------------------------------------------------------


@pytest.mark.parametrize("command", [("today",), ("today", "--json"), ("checkin", "--pain", "2")])
def test_a_fifo_as_data_file_is_refused_at_once(tmp_path: Path, command: tuple[str, ...]) -> None:
    normal = baseline(seeded(tmp_path / "ok"))
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "runback.json"
    os.mkfifo(path)
    result, took = runback(path, *command)
    refused(result, str(path), "named pipe", "--data")
    assert took < normal + 2.0
    assert stat.S_ISFIFO(os.stat(path).st_mode)


@pytest.mark.parametrize("command", [("today",), ("today", "--json"), ("checkin", "--pain", "2")])
def test_a_fifo_as_sidecar_never_hangs(tmp_path: Path, command: tuple[str, ...]) -> None:
    path = seeded(tmp_path / "data")
    normal = baseline(path)
    sidecar = cache.sidecar_path(path)
    sidecar.unlink()
    os.mkfifo(sidecar)
    before = path.read_bytes()
    result, took = runback(path, *command)
    refused(result, str(sidecar), "named pipe", f"rm {sidecar}")
    assert took < normal + 2.0
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", [("today",), ("checkin", "--pain", "2")])
def test_a_data_file_linked_to_dev_zero_is_refused_without_reading_it(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    normal = baseline(seeded(tmp_path / "ok"))
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "runback.json"
    path.symlink_to("/dev/zero")
    result, took = runback(path, *command)
    refused(result, "/dev/zero", "device", "--data")
    assert took < normal + 2.0


def test_a_huge_data_file_is_refused_by_its_size(tmp_path: Path) -> None:
    normal = baseline(seeded(tmp_path / "ok"))
    path = seeded(tmp_path / "data")
    with open(path, "r+b") as handle:  # sparse: 100 MB that take no disk
        handle.truncate(100 * 1024 * 1024)
    size = path.stat().st_size
    result, took = runback(path, "today")
    refused(result, str(path), "larger than any Runback file", "--data")
    assert took < normal + 2.0
    assert path.stat().st_size == size


# -- 3. StrictModes ----------------------------------------------------------------------------


@pytest.fixture
def ready(cli: CliRunner, data_path: Path) -> Path:
    """The suite's data file with a profile (mode 0600 in a folder of mode 0700)."""
    assert cli(*INIT).code == 0
    assert cli("today", "--json").code == 0  # a cached plan: the fast path is tried too
    assert stat.S_IMODE(data_path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(data_path.stat().st_mode) == 0o600
    return data_path


COMMANDS = (("today",), ("today", "--json"), ("checkin", "--pain", "2"), ("export",))


def _all_refused(cli: CliRunner, path: Path, *words: str) -> None:
    before = path.read_bytes()
    for command in COMMANDS:
        result = cli(*command)
        assert result.code == 3, (command, result.err)
        assert str(path) in result.err
        for word in words:
            assert word in result.err, (command, result.err)
    assert path.read_bytes() == before


def test_a_data_folder_anyone_can_write_is_refused_with_the_chmod(
    cli: CliRunner, ready: Path
) -> None:
    folder = ready.parent
    folder.chmod(0o777)
    _all_refused(cli, ready, "every user", "mode 0777", f"chmod 700 {folder}")
    folder.chmod(0o700)
    assert cli("checkin", "--pain", "2").code == 0  # the advice works


def test_a_group_writable_data_folder_is_refused_too(cli: CliRunner, ready: Path) -> None:
    ready.parent.chmod(0o770)
    _all_refused(cli, ready, "its group", f"chmod 700 {ready.parent}")


def test_a_shared_sticky_folder_gets_advice_to_move_not_to_chmod(
    cli: CliRunner, ready: Path
) -> None:
    ready.parent.chmod(0o1777)  # as /tmp is
    _all_refused(cli, ready, "mode 1777", "mkdir -m 700")
    assert "chmod" not in cli("today").err


def test_a_data_file_others_can_write_is_refused_with_the_chmod(
    cli: CliRunner, ready: Path
) -> None:
    ready.chmod(0o666)
    _all_refused(cli, ready, "this data file can be written by every user", f"chmod 600 {ready}")
    ready.chmod(0o600)
    assert cli("checkin", "--pain", "2").code == 0


@pytest.mark.skipif(not IS_ROOT, reason="giving a file to another user needs root")
def test_a_data_file_another_user_owns_is_refused_with_the_chown(
    cli: CliRunner, ready: Path
) -> None:
    os.chown(ready, 1, -1)  # daemon
    _all_refused(cli, ready, "belongs to another user", f"chown root {ready}")
    os.chown(ready, 0, -1)
    assert cli("checkin", "--pain", "2").code == 0  # root's own file is fine for root


@pytest.mark.skipif(not IS_ROOT, reason="giving a folder to another user needs root")
def test_a_data_folder_another_user_owns_is_refused_with_the_chown(
    cli: CliRunner, ready: Path
) -> None:
    os.chown(ready.parent, 1, -1)
    _all_refused(cli, ready, "its folder", "belongs to another user", f"chown root {ready.parent}")


def test_the_tuis_first_frame_is_not_drawn_from_the_sidecar_of_a_refused_file(
    cli: CliRunner, ready: Path
) -> None:
    """The TUI may draw home from the sidecar by the file's stat alone (no read): a file the
    Store would refuse is never answered from it, so the TUI loads, and exits 3, first."""
    day = date(2026, 11, 21)
    cache.remember(ready, cache.digest(ready.read_bytes()), home={day.isoformat(): {"v": 1}})
    assert cache.cached(ready, "home", day, by_stat=True) == {"v": 1}
    ready.parent.chmod(0o777)
    assert cache.cached(ready, "home", day, by_stat=True) is None
    ready.parent.chmod(0o700)
    ready.chmod(0o606)
    assert cache.cached(ready, "home", day, by_stat=True) is None


def test_a_new_file_is_not_created_in_a_folder_anyone_can_write(
    cli: CliRunner, data_path: Path
) -> None:
    folder = data_path.parent
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    result = cli(*INIT)
    assert result.code == 3 and f"chmod 700 {folder}" in result.err
    assert list(folder.iterdir()) == []  # no data file, no lock file


# -- 4. the lock still at its path ------------------------------------------------------------

PAUSED_WRITER = textwrap.dedent(
    """
    import sys
    from runback_tui.cli import run
    from runback_tui.storage import transaction
    real_commit = transaction.LockedFileStorage.commit
    def paused(self, *args, **kwargs):
        # holding the lock, the file read and changed in memory: wait for the test
        print("locked", flush=True)
        sys.stdin.readline()
        return real_commit(self, *args, **kwargs)
    transaction.LockedFileStorage.commit = paused
    code = run(sys.argv[1:])
    print(f"exit {code}", flush=True)
    sys.exit(code)
    """
)

WAITING_WRITER = textwrap.dedent(
    """
    import sys, time, types
    from runback_tui.cli import run
    from runback_tui.storage import durable
    said = []
    def sleep(seconds):
        # the lock's poll sleeps only when another process holds the lock
        if not said:
            said.append(True)
            print("waiting", flush=True)
        time.sleep(seconds)
    durable.time = types.SimpleNamespace(monotonic=time.monotonic, sleep=sleep)
    code = run(sys.argv[1:])
    print(f"exit {code}", flush=True)
    sys.exit(code)
    """
)


def _spawn(script: str, path: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), RUNBACK_LOCK_TIMEOUT="60")
    return subprocess.Popen(
        [sys.executable, "-c", script, "--data", str(path), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _line(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    return child.stdout.readline().strip()


def _exit_line(child: subprocess.Popen[str]) -> str:
    """The child's "exit N" line, past what the command printed (EOF: "")."""
    while (line := _line(child)) and not line.startswith("exit "):
        pass
    return line


def test_deleting_the_held_lock_file_lets_no_second_writer_in(tmp_path: Path) -> None:
    path = seeded(tmp_path / "data")
    lock = path.with_name("runback.json.lock")
    first_day, second_day = (date.today() - timedelta(days=n) for n in (2, 1))
    first = _spawn(PAUSED_WRITER, path, "checkin", "--pain", "3", "--date", str(first_day))
    second: subprocess.Popen[str] | None = None
    try:
        assert _line(first) == "locked"  # it holds the lock, has read the file, waits
        lock.unlink()  # the attack
        second = _spawn(WAITING_WRITER, path, "checkin", "--pain", "4", "--date", str(second_day))
        # Without the fix the second writer takes a new lock file at once and says "saved".
        assert _line(second) == "waiting"
        assert second.poll() is None
        assert first.stdin is not None
        first.stdin.write("go\n")
        first.stdin.flush()
        assert _exit_line(first) == "exit 0"
        assert _exit_line(second) == "exit 0"
        assert first.wait(HANG) == 0 and second.wait(HANG) == 0
    finally:
        for child in (first, second):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
    stored = {c.date: c.pain for c in Store(path).history().checkins}
    assert stored == {first_day: 3, second_day: 4}  # nothing acknowledged was lost


def test_without_a_folder_lock_a_replaced_lock_file_fails_the_save_instead_of_losing_one(
    data_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where folders cannot be locked (some network file systems) the lock file alone is used:
    a writer whose lock file was deleted while it held it refuses to save (nothing written, not
    acknowledged) rather than overwrite the write the second writer made meanwhile."""
    monkeypatch.setattr(durable.InterProcessLock, "_lock_folder", lambda self: True, raising=False)
    store = Store(data_path)
    store.save_checkin(CheckIn(date=date(2026, 11, 1), pain=1))
    holding, go = threading.Event(), threading.Event()
    real_commit = transaction.LockedFileStorage.commit

    def paused(self: Any, *args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "first":
            holding.set()
            assert go.wait(HANG)
        return real_commit(self, *args, **kwargs)

    monkeypatch.setattr(transaction.LockedFileStorage, "commit", paused)
    outcome: list[BaseException | None] = []

    def first_save() -> None:
        try:
            Store(data_path).save_checkin(CheckIn(date=date(2026, 11, 2), pain=2))
            outcome.append(None)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    first = threading.Thread(target=first_save, name="first")
    first.start()
    assert holding.wait(HANG)
    store.lock_path.unlink()
    Store(data_path).save_checkin(CheckIn(date=date(2026, 11, 3), pain=3))  # gets in
    go.set()
    first.join(HANG)
    (error,) = outcome
    assert isinstance(error, DataFileError) and error.exit_code == 3
    assert "removed or replaced" in str(error) and "nothing was saved" in str(error)
    stored = {c.date.day: c.pain for c in Store(data_path).history().checkins}
    assert stored == {1: 1, 3: 3}  # the acknowledged write is kept; the refused one absent


def test_a_lock_file_replaced_before_it_was_locked_is_locked_again(data_path: Path) -> None:
    """Opened, then replaced before the flock: the lock taken must be the file at the path."""
    store = Store(data_path)
    store.save_checkin(CheckIn(date=date(2026, 11, 1), pain=1))
    lock = durable.InterProcessLock(store.lock_path, store.path, 5)
    real_open = lock._open_lock_file
    replaced: list[int] = []

    def open_then_replace() -> int:
        fd = real_open()
        if not replaced:
            replaced.append(os.fstat(fd).st_ino)
            os.unlink(store.lock_path)  # another process deletes and recreates it meanwhile
            store.lock_path.write_text("")
        return fd

    lock._open_lock_file = open_then_replace  # type: ignore[method-assign]
    with lock:
        held = os.fstat(lock._fd).st_ino  # type: ignore[arg-type]
        assert held == store.lock_path.stat().st_ino
        assert held != replaced[0]


# -- 5. RUNBACK_LOCK_TIMEOUT --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "abc", "1e400", "99999"])
def test_a_bad_lock_timeout_is_a_usage_error(
    cli: CliRunner, ready: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("RUNBACK_LOCK_TIMEOUT", value)
    before = ready.read_bytes()
    result = cli("checkin", "--pain", "2")
    assert result.code == 2, result.err
    assert f"RUNBACK_LOCK_TIMEOUT={value!r}" in result.err
    assert "finite number of seconds from 0 to 3600" in result.err
    assert ready.read_bytes() == before


@pytest.mark.parametrize("value", ["0", "0.5", "30", "3600"])
def test_a_good_lock_timeout_is_taken(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("RUNBACK_LOCK_TIMEOUT", value)
    assert durable.lock_timeout_from_env() == float(value)


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1.0])
def test_a_store_given_a_bad_lock_timeout_never_waits(data_path: Path, timeout: float) -> None:
    with pytest.raises(durable.SettingError, match="finite number of seconds"):
        Store(data_path, lock_timeout=timeout).save_checkin(CheckIn(date=date(2026, 11, 2), pain=1))
    assert not data_path.exists()


def test_nan_lock_timeout_never_waits_for_a_held_lock(tmp_path: Path) -> None:
    path = seeded(tmp_path / "data")
    holder = _spawn(PAUSED_WRITER, path, "checkin", "--pain", "3")
    try:
        assert _line(holder) == "locked"
        result, _ = runback(path, "checkin", "--pain", "2", RUNBACK_LOCK_TIMEOUT="nan")
        assert result.returncode == 2 and "RUNBACK_LOCK_TIMEOUT" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()


# -- 6. stale temporary files -----------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_next_writer_removes_killed_writers_temp_files_and_keeps_live_ones(
    cli: CliRunner, ready: Path, victim: Path
) -> None:
    folder = ready.parent
    dead = _dead_pid()
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                            stdin=subprocess.PIPE)  # fmt: skip
    try:
        stale = {
            f".runback.json.{dead}.k1lled00.tmp": b"{}",  # its writer is gone
            f".runback.json.cache.{dead}.k1lled01.tmp": b"{}",
            f".runback.json.bak.{dead}.k1lled02.tmp": b"{}",
            ".runback.json.0ldname0.tmp": b"{}",  # an older version's name, two minutes old
        }
        kept = {
            f".runback.json.{live.pid}.l1ve0000.tmp": b"{}",  # a live writer's, fresh
            f".runback.json.cache.{os.getpid()}.l1ve0001.tmp": b"{}",  # this process's
            ".runback.json.fresh000.tmp": b"{}",  # no PID and fresh: it may be in use
            "notes.tmp": b"mine",  # not Runback's
        }
        for name, content in {**stale, **kept}.items():
            (folder / name).write_bytes(content)
        old = time.time() - 120
        os.utime(folder / ".runback.json.0ldname0.tmp", (old, old))
        link = folder / f".runback.json.{dead}.l1nk0000.tmp"
        link.symlink_to(victim)
        (folder / f".runback.json.{dead}.d1r00000.tmp").mkdir()  # not a file: left alone
        assert cli("checkin", "--pain", "2").code == 0
        names = {p.name for p in folder.iterdir()}
        assert not names & set(stale), sorted(names & set(stale))
        assert not link.is_symlink() and victim.read_bytes() == b"the user's own file\n"
        assert set(kept) <= names
        assert f".runback.json.{dead}.d1r00000.tmp" in names
    finally:
        live.kill()
        live.wait()


def test_temp_files_carry_the_writers_pid(
    ready: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        seen.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(durable.os, "replace", spy)
    assert cli("checkin", "--pain", "2").code == 0
    temps = [name for name in seen if name.endswith(".tmp")]
    assert temps and all(f".{os.getpid()}." in name for name in temps), seen


# -- 7. exports that fail leave nothing half-written ---------------------------------------------


@pytest.fixture
def full_disk_folder(tmp_path: Path) -> Iterator[tuple[Path, bool]]:
    folder = tmp_path / "out"
    with tiny_tmpfs(folder) as is_tmpfs:
        yield folder, is_tmpfs


def _runback_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name != "filler")


def test_a_csv_export_on_a_full_disk_leaves_no_folder_and_says_so(
    cli: CliRunner, ready: Path, full_disk_folder: tuple[Path, bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    folder, is_tmpfs = full_disk_folder
    target = folder / "export"
    with disk_full(folder, is_tmpfs, monkeypatch):
        result = cli("export", "--format", "csv", "--out", str(target))
        assert result.code == 3, result.err
        assert str(target) in result.err
        assert "the disk is full" in result.err and "nothing was written" in result.err
        assert "left as it was" not in result.err
        assert _runback_files(folder) == []  # no folder, no temporary folder
    assert cli("export", "--format", "csv", "--out", str(target)).code == 0
    assert sorted(p.name for p in target.iterdir()) == [
        "checkins.csv", "clearances.csv", "pending_imports.csv", "pre_program.csv",
        "profile.csv", "sessions.csv", "shoes.csv",
    ]  # fmt: skip
    assert stat.S_IMODE(target.stat().st_mode) == 0o700


def test_a_csv_export_over_an_old_one_on_a_full_disk_keeps_the_old_one_whole(
    cli: CliRunner, ready: Path, full_disk_folder: tuple[Path, bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    folder, is_tmpfs = full_disk_folder
    target = folder / "export"
    target.mkdir()
    (target / "mine.txt").write_text("the user's own file in that folder")
    assert cli("export", "--format", "csv", "--out", str(target)).code == 0
    old = {p.name: p.read_bytes() for p in target.iterdir()}
    assert cli("checkin", "--pain", "3", "--note", "after the first export").code == 0
    with disk_full(folder, is_tmpfs, monkeypatch):
        result = cli("export", "--format", "csv", "--out", str(target))
        assert result.code == 3, result.err
        assert "the disk is full" in result.err and "it was left as it was" in result.err
    assert {p.name: p.read_bytes() for p in target.iterdir()} == old
    assert cli("export", "--format", "csv", "--out", str(target)).code == 0
    assert b"after the first export" in (target / "checkins.csv").read_bytes()
    assert (target / "mine.txt").read_text() == "the user's own file in that folder"
    assert not [p for p in target.iterdir() if p.name.endswith(".tmp")]


def test_a_csv_export_that_runs_out_of_space_half_way_changes_no_file(
    cli: CliRunner, ready: Path, full_disk_folder: tuple[Path, bool]
) -> None:
    """Room for one more page only: file by file, the first new files would replace their old
    ones before a big one fails, leaving an export of two different moments; all or nothing,
    not one file changes."""
    folder, is_tmpfs = full_disk_folder
    if not is_tmpfs:
        pytest.skip("needs a real tmpfs (root) to leave exactly one page free")
    target = folder / "export"
    assert cli("export", "--format", "csv", "--out", str(target)).code == 0
    old = {p.name: p.read_bytes() for p in target.iterdir()}
    assert cli("checkin", "--pain", "3").code == 0  # checkins.csv: still one page
    store = Store(ready)
    for day in range(60):  # sessions.csv: several pages
        store.add_session(
            CrossLog(date=date(2026, 11, 1) + timedelta(days=day % 20), activity="cycle_easy",
                     minutes=20 + day)
        )  # fmt: skip
    page = os.statvfs(folder).f_frsize
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * page)
        os.ftruncate(fd, os.fstat(fd).st_size - page)  # exactly one page free
    finally:
        os.close(fd)
    try:
        result = cli("export", "--format", "csv", "--out", str(target))
        assert result.code == 3, result.err
        assert "the disk is full" in result.err and "it was left as it was" in result.err
        assert {p.name: p.read_bytes() for p in target.iterdir()} == old
    finally:
        filler.unlink()
    assert cli("export", "--format", "csv", "--out", str(target)).code == 0
    assert (target / "sessions.csv").read_bytes().count(b"cycle_easy") == 60


def test_a_json_export_on_a_full_disk_writes_nothing_and_says_so(
    cli: CliRunner, ready: Path, full_disk_folder: tuple[Path, bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    folder, is_tmpfs = full_disk_folder
    target = folder / "backup.json"
    with disk_full(folder, is_tmpfs, monkeypatch):
        result = cli("export", "--out", str(target))
        assert result.code == 3, result.err
        assert "the disk is full" in result.err and "nothing was written" in result.err
        assert _runback_files(folder) == []
    assert cli("export", "--out", str(target)).code == 0
    old = target.read_bytes()
    with disk_full(folder, is_tmpfs, monkeypatch):
        result = cli("export", "--out", str(target))
        assert result.code == 3 and "it was left as it was" in result.err
    assert target.read_bytes() == old and _runback_files(folder) == ["backup.json"]
    assert json.loads(old)["profile"] is not None


# -- 8. the crash run on the new lock ----------------------------------------------------------

KILLS = int(os.environ.get("RUNBACK_CRASH_KILLS", "300"))
BASE = date(2000, 1, 1)

ZYGOTE = textwrap.dedent(
    """
    import os, sys
    from datetime import date, timedelta
    from pathlib import Path
    from runback_tui.domain.models import CheckIn, CrossLog
    from runback_tui.storage.store import Store
    CheckIn(date=date(2000, 1, 1), pain=0)  # validators built once, before any fork
    path, base = Path(sys.argv[1]), date(2000, 1, 1)
    print("ready", flush=True)
    for line in sys.stdin:
        first = int(line)
        pid = os.fork()
        if pid == 0:  # a writer: one Store, check-ins until it is killed
            store = Store(path, lock_timeout=30)
            print(f"pid {os.getpid()}", flush=True)
            number = first
            while True:
                store.save_checkin(CheckIn(date=base + timedelta(days=number), pain=number % 11))
                print(number, flush=True)
                number += 1
        _, status = os.waitpid(pid, 0)
        print("dead", flush=True)
    """
)


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.slow
def test_sigkill_at_random_moments_on_the_new_lock(tmp_path: Path) -> None:
    """Writers SIGKILLed at random moments: every acknowledged write is there after each kill,
    the file always parses, and the next writer removes the killed one's temporary files."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "runback.json"
    rng = random.Random(18)
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    acknowledged: set[int] = set()
    kills = unparseable = most_temps = temps_seen = 0
    next_number = 0
    try:
        assert _line(zygote) == "ready"
        while kills < KILLS:
            zygote.stdin.write(f"{next_number}\n")
            zygote.stdin.flush()
            pid = int(_line(zygote).removeprefix("pid "))
            time.sleep(rng.uniform(0.0, 0.04))
            os.kill(pid, signal.SIGKILL)
            kills += 1
            numbers = []
            while not (line := _line(zygote)).endswith("dead"):
                numbers.append(int(line))
            # "123dead": killed mid-print; the write had returned, but count only whole lines
            acknowledged.update(numbers)
            next_number = max([next_number, *numbers]) + 2  # one may have landed unacknowledged
            temps = _temp_files(folder)
            temps_seen += len(temps)
            most_temps = max(most_temps, len(temps))
            # the killed writer's own leftover at most: every earlier one was removed
            assert len(temps) <= 1, (kills, temps)
            if path.exists():
                try:
                    json.loads(path.read_bytes())
                except ValueError:
                    unparseable += 1
                    continue
                stored = {(c.date - BASE).days for c in Store(path).history().checkins}
                lost = acknowledged - stored
                assert not lost, f"kill {kills}: acknowledged writes lost: {sorted(lost)[:5]}"
    finally:
        zygote.kill()
        zygote.wait()
    assert unparseable == 0
    Store(path).save_checkin(CheckIn(date=BASE, pain=0))  # the next writer cleans up
    left = _temp_files(folder)
    assert left == []
    assert kills >= 100 and len(acknowledged) > 100
    print(
        f"\ncrash test (new lock): {kills} SIGKILLs, {len(acknowledged)} acknowledged writes, "
        f"0 lost, {unparseable} unparseable; temp files seen after kills: {temps_seen} "
        f"(at most {most_temps} at once), left after the next write: {len(left)}"
    )


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "-1"])
def test_a_bad_lock_timeout_is_refused_before_the_tui_or_a_cached_answer(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI and `today --json` from the sidecar create no lock: the setting is still
    checked first, exit 2 with the variable named, no traceback, no screen."""
    from io import StringIO

    from runback_tui import cli

    monkeypatch.setenv("RUNBACK_LOCK_TIMEOUT", value)
    for argv in ([], ["today", "--json"]):
        err = StringIO()
        code = cli.run([*argv, "--data", str(tmp_path / "d" / "runback.json")], err=err)
        assert code == 2, (argv, err.getvalue())
        assert "RUNBACK_LOCK_TIMEOUT" in err.getvalue() and "Traceback" not in err.getvalue()
