"""What the hardening tests share: real faults (a full tmpfs, a read-only bind mount, a held
lock), the clock a held lock's wait runs by, the text a terminal would show, and a cheap way to
wait for a worker."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from runback_tui.domain.clock import FakeClock
from runback_tui.storage import durable
from tests.unit.test_store import read_only

__all__ = [
    "LockClock",
    "LockHolder",
    "disk_full",
    "file_bytes",
    "freeze_lock_clock",
    "read_only",
    "screen_text",
    "stray_temp_files",
    "tiny_tmpfs",
    "wait_until",
]

ROOT = Path(__file__).resolve().parents[2]
TMPFS_KB = 256
"""Size of the tmpfs the disk-full tests fill: room for a seeded file, its backup and sidecar."""


def screen_text(app: App[Any]) -> str:
    """The characters the terminal shows now (every line of the current screen)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def file_bytes(path: Path) -> bytes | None:
    """The file's bytes, None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def stray_temp_files(folder: Path) -> list[str]:
    """Temporary files a failed write left behind (there must be none)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@contextmanager
def tiny_tmpfs(folder: Path, size_kb: int = TMPFS_KB) -> Iterator[bool]:
    """Mount a small tmpfs on *folder* (True), or leave it a plain folder (False) when mounting
    is not allowed here; the disk-full fault then falls back to a patched ``os.write``."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield False
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@contextmanager
def disk_full(folder: Path, is_tmpfs: bool, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The disk under *folder* is full until the block ends.

    On a tmpfs the disk really fills (a filler file takes every free block, then is deleted);
    otherwise Runback's writes are made to fail with ENOSPC.
    """
    if is_tmpfs:
        filler = folder / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
        finally:
            os.close(fd)
        try:
            yield
        finally:
            filler.unlink()
        return
    real_write = durable.os.write

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(durable.os, "write", full)
    try:
        yield
    finally:
        monkeypatch.setattr(durable.os, "write", real_write)


class LockHolder:
    """Another process holding the data file's lock (a long CLI call, a second window)."""

    def __init__(self, lock_path: Path, data_path: Path) -> None:
        script = textwrap.dedent(
            f"""
            import sys
            from pathlib import Path
            from runback_tui.storage.durable import InterProcessLock
            lock = InterProcessLock(Path({str(lock_path)!r}), Path({str(data_path)!r}), 5)
            lock.acquire()
            print("locked", flush=True)
            sys.stdin.read()
            """
        )
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        """Let go of the lock (the process ends)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


class LockClock(FakeClock):
    """The clock a data-file lock waits by in a test: it stands still until the test advances
    it, so a held lock times out when the test says so and never because the machine is slow.

    ``reads`` counts the lock's looks at it (each poll of the held lock is one), so a test can
    wait until the lock has really polled before it moves the clock on.
    """

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def monotonic(self) -> float:
        self.reads += 1
        return super().monotonic()


def freeze_lock_clock(monkeypatch: pytest.MonkeyPatch) -> LockClock:
    """Make the inter-process lock's timeout run by a :class:`LockClock` (its polling still
    sleeps for real) until the test ends."""
    clock = LockClock()
    monkeypatch.setattr(
        durable, "time", SimpleNamespace(monotonic=clock.monotonic, sleep=time.sleep)
    )
    return clock


async def wait_until(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the app run until *check* holds (for work done in a worker thread: a held lock).

    *timeout* only stops a wait that would never end; it is not a measurement."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; the screen shows:\n{screen_text(pilot.app)}")
        await pilot.pause(0.02)
