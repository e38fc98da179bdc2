"""Resuming a run session after a kill or a dropped connection, and SIGHUP/SIGTERM handling.

The Pilot tests save a session mid-way as a killed process would have, then reopen the file
later.  The ``slow`` tests run a real Runback in a pseudo-terminal and send it the signals.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import RunWalkLog
from runback_tui.screens.resume import ResumeScreen, offer_unfinished_session
from runback_tui.screens.run import RunSessionScreen
from runback_tui.screens.summary import RunSummaryScreen
from runback_tui.sessions.lifecycle import save_running_sessions
from runback_tui.storage.store import Store
from runback_tui.widgets.countdown import BigWord
from runback_tui.widgets.pain_scale import PainScale
from tests.ui.fixtures import NOW, new_store, seed_run_walk
from tests.ui.session_helpers import SIZE, app_for, settle, step, timer_screen

ROOT = Path(__file__).resolve().parents[2]


async def killed_mid_session(store: Store, clock: FakeClock) -> None:
    """Run stage 1 to 400 s (RUN 3, 40 s in) with a pain tap, save, and vanish."""
    from runback_tui.screens.run import RunStartScreen

    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        step(app, clock, 100)
        await pilot.press("3")
        step(app, clock, 300)
        assert save_running_sessions(app) == 1  # what the signal handler does
        await settle(pilot)


async def test_reopened_five_minutes_later_it_offers_the_right_repeat_and_second(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    await killed_mid_session(store, clock)
    record = store.active_session()
    assert record is not None and record.elapsed_at_save_s == 400
    clock.advance(300)  # the runner kept going for 5 minutes while disconnected
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert offer_unfinished_session(app)
        await pilot.pause()
        offer = app.screen
        assert isinstance(offer, ResumeScreen)
        facts = str(offer.query_one("#resume-facts").render())
        assert "Last saved 07:36:40: RUN 3 of 10, 0:40 in (6:40 of 30:00)" in facts
        assert "By the clock now: WALK 4 of 10, 1:40 in (11:40 of 30:00)" in facts
        await pilot.press("enter")  # resume is highlighted
        await pilot.pause()
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, RunSessionScreen)
        assert screen.controller.elapsed() == 700
        assert [m.pain for m in screen.controller.pains] == [3]
        assert app.screen.query_one("#run-word", BigWord).word == "WALK"
        for _ in range(1100):
            step(app, clock, 1)
        await pilot.pause()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, RunSummaryScreen)
        assert summary.query_one("#pain-during", PainScale).value == 3
        await pilot.press("1", "enter")
        await settle(pilot)
    [log] = [s for s in store.history().sessions if isinstance(s, RunWalkLog)]
    assert (log.completed, log.repeats_done, log.pain_during) == (True, 10, 3)
    assert store.active_session() is None


async def test_finish_and_log_logs_what_was_done_by_the_save(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    await killed_mid_session(store, clock)
    clock.advance(3600)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        offer_unfinished_session(app)
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, RunSummaryScreen)
        assert summary.result.repeats_done == 2 and not summary.result.completed
        await pilot.press("2", "enter")
        await settle(pilot)
        assert "REPEAT" in str(summary.query_one("#summary-decision").render())
    [log] = [s for s in store.history().sessions if isinstance(s, RunWalkLog)]
    assert (log.completed, log.repeats_done, log.pain_during, log.pain_after) == (False, 2, 3, 2)
    assert store.active_session() is None


async def test_discard_removes_the_unfinished_session(store: Store, clock: FakeClock) -> None:
    seed_run_walk(store)
    await killed_mid_session(store, clock)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        offer_unfinished_session(app)
        await pilot.pause()
        await pilot.press("d")
        await settle(pilot)
    assert store.active_session() is None
    assert not [s for s in store.history().sessions if isinstance(s, RunWalkLog)]


# -- a real Runback in a pseudo-terminal ---------------------------------------------------------


def spawn(
    data: Path, *, speed: float = 20.0, size: tuple[int, int] = (80, 24)
) -> tuple[subprocess.Popen[bytes], int]:
    """Runback in a pty of *size* (columns, rows); returns the process and the pty's master."""
    master, slave = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
    env.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "runback_tui"]
    process = subprocess.Popen(
        [*command, "--data", str(data), "--speed", str(speed)],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True,
        close_fds=True,
    )  # fmt: skip
    os.close(slave)
    return process, master


def drain(master: int, seconds: float) -> bytes:
    """Read what the app writes for *seconds*."""
    out = b""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
    return out


def open_run_session(master: int) -> None:
    """From home (or the run screen) start today's run-walk session."""
    drain(master, 2.5)
    os.write(master, b"r")
    drain(master, 0.8)
    os.write(master, b"\r")
    drain(master, 1.5)


def wait_exit(process: subprocess.Popen[bytes], master: int, limit: float) -> float:
    """Seconds until *process* exits (reading its output meanwhile); fails past *limit*."""
    start = time.monotonic()
    while process.poll() is None:
        if time.monotonic() - start > limit + 2:
            process.kill()
            pytest.fail(f"Runback did not exit within {limit} s")
        drain(master, 0.02)
    return time.monotonic() - start


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A data file with stage 1 due today (by the real clock)."""
    path = tmp_path / "runback.json"
    store = new_store(path)
    seed_run_walk(store)
    return path


def _shift_to_today(path: Path) -> None:
    """Move the seeded dates so 'today' is the real today (the subprocess has a real clock)."""
    import json
    from datetime import date

    shift = (date.today() - NOW.date()).days
    raw = json.loads(path.read_text())
    for table in raw.values():
        for doc in table.values():
            for key in ("date", "start_date", "added"):
                if isinstance(doc.get(key), str):
                    doc[key] = (date.fromisoformat(doc[key]) + timedelta(days=shift)).isoformat()
    path.write_text(json.dumps(raw))


@pytest.mark.slow
def test_sighup_mid_session_saves_a_resumable_session_and_exits(seeded: Path) -> None:
    _shift_to_today(seeded)
    process, master = spawn(seeded)
    try:
        open_run_session(master)
        assert process.poll() is None
        os.kill(process.pid, signal.SIGHUP)
        os.close(master)  # the connection is gone
        master = -1
        _wait_plain(process, 15.0)  # a wait, not a timing: tests.bench_session times the exit
    finally:
        if process.poll() is None:
            process.kill()
        if master >= 0:
            os.close(master)
    record = Store(seeded).active_session()
    assert record is not None and record.kind == "run_walk" and record.stage == 1
    assert record.elapsed_at_save_s > 0 and not record.paused


def _wait_plain(process: subprocess.Popen[bytes], limit: float) -> float:
    """Seconds until *process* exits; fails past *limit* (+ grace)."""
    start = time.monotonic()
    try:
        process.wait(timeout=limit + 2)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"Runback did not exit within {limit} s")
    return time.monotonic() - start


@pytest.mark.slow
def test_sigterm_while_idle_on_the_run_screen_saves_and_exits(seeded: Path) -> None:
    _shift_to_today(seeded)
    process, master = spawn(seeded)
    try:
        open_run_session(master)
        os.write(master, b" ")  # pause: the loop goes idle
        drain(master, 1.5)
        assert process.poll() is None
        os.kill(process.pid, signal.SIGTERM)
        wait_exit(process, master, 15.0)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    record = Store(seeded).active_session()
    assert record is not None and record.paused
    assert record.elapsed_at_save_s > 0
