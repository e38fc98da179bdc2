"""Faults while the app is open: the disk fills, the folder turns read-only, another process
holds the lock — while a check-in, a routine summary and a run summary are saved.

Each time: a clear message on screen, the answers still on the form, the data file byte for
byte as it was (and no temporary file left), and once the fault clears the same keys save it
exactly once.  While the lock is held the event loop keeps answering keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from runback_tui.app import RunbackApp
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import RoutineLog, RunWalkLog
from runback_tui.domain.timeline import build_routine_timeline
from runback_tui.screens.checkin import CheckInScreen
from runback_tui.screens.help import HelpScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.run import RunSessionScreen, RunStartScreen
from runback_tui.screens.session import RoutineSessionScreen
from runback_tui.screens.summary import RoutineSummaryScreen, RunSummaryScreen, SummaryScreen
from runback_tui.sessions.results import RoutineResult
from runback_tui.storage.durable import DataFileError
from runback_tui.storage.store import Store
from runback_tui.widgets.confirm import ConfirmDialog
from runback_tui.widgets.pain_scale import PainScale
from tests.hardening.helpers import (
    LockHolder,
    disk_full,
    file_bytes,
    freeze_lock_clock,
    read_only,
    screen_text,
    stray_temp_files,
    tiny_tmpfs,
    wait_until,
)
from tests.ui.fixtures import NOW, TODAY, seed_movement, seed_run_walk
from tests.ui.session_helpers import SIZE, app_for, settle, step

FAULTS = ("disk_full", "read_only")
"""The faults every save below meets."""

FAULT_WORDS = {"disk_full": "the disk is full", "read_only": "the file system is read-only"}
"""What the message must say for each fault (the store's own wording)."""


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[tuple[Path, bool]]:
    """The data folder: a 256 KiB tmpfs where mounting is allowed (so the disk can really fill)."""
    path = tmp_path / "data"
    with tiny_tmpfs(path) as is_tmpfs:
        yield path, is_tmpfs


def fault_in(
    kind: str, folder: tuple[Path, bool], monkeypatch: pytest.MonkeyPatch
) -> AbstractContextManager[None]:
    """The fault *kind* on *folder*, active for the length of a with-block."""
    path, is_tmpfs = folder
    if kind == "disk_full":
        return disk_full(path, is_tmpfs, monkeypatch)
    return read_only(path)


def open_store(folder: tuple[Path, bool], seed: Callable[[Store], None]) -> Store:
    """A seeded store in the fault folder."""
    store = Store(folder[0] / "runback.json", now=FakeClock(NOW).now)
    seed(store)
    return store


def message_of(app: RunbackApp, selector: str) -> str:
    """The text of a message line on the current screen."""
    return str(app.screen.query_one(selector, Static).render())


def saving(app: RunbackApp) -> bool:
    """True while a save runs in its worker (waiting for the lock, say)."""
    return any(w.group == "store-write" and not w.is_finished for w in app.workers)


def notifications(app: RunbackApp) -> str:
    """Every notification raised so far, in one string."""
    return "\n".join(f"{n.title or ''} {n.message}" for n in app._notifications)


@pytest.mark.parametrize("kind", FAULTS)
async def test_checkin_save_meets_a_fault_keeps_the_answers_and_retries(
    kind: str, folder: tuple[Path, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(folder, seed_run_walk)  # not checked in today yet
    clock = FakeClock(NOW)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("3")
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        screen.query_one("#note", Input).value = "long drive yesterday"
        await pilot.pause()
        before = file_bytes(store.path)
        with fault_in(kind, folder, monkeypatch):
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen  # still on the form
            message = message_of(app, "#form-message")
            assert "Not saved" in message and FAULT_WORDS[kind] in message
            assert "ctrl+s to try again" in message
            assert FAULT_WORDS[kind] in notifications(app)  # a toast on screen, too
            # in view, not scrolled off (the scroll lands after a refresh: wait for it)
            await wait_until(pilot, lambda: "try again" in screen_text(app))
            shown = screen_text(app)
            assert "Not saved" in shown and "try again" in shown
            assert file_bytes(store.path) == before
            assert screen.query_one("#pain", PainScale).value == 3
            assert screen.query_one("#note", Input).value == "long drive yesterday"
            assert store.checkin_on(TODAY) is None
        assert stray_temp_files(folder[0]) == []
        await pilot.press("ctrl+s")  # the fault has cleared: the same keys save it
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app._exception is None
    checkins = [c for c in store.history().checkins if c.date == TODAY]
    assert [(c.pain, c.note) for c in checkins] == [(3, "long drive yesterday")]
    assert store.snapshot().checkin_edits == ()  # landed once: nothing was replaced


async def end_routine_early(pilot: Pilot[None], app: RunbackApp, clock: FakeClock) -> None:
    """Start the 10-minute core, run 5 s, end it early: the routine summary is showing."""
    app.push_screen(RoutineSessionScreen(build_routine_timeline("daily_core"), "daily_core"))
    await pilot.pause()
    step(app, clock, 5)
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, RoutineSummaryScreen)


async def end_run_early(pilot: Pilot[None], app: RunbackApp, clock: FakeClock) -> None:
    """Start today's run-walk, run 20 s, end it early: the run summary is showing."""
    app.push_screen(RunStartScreen())
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, RunSessionScreen)
    for _ in range(20):
        step(app, clock, 1)
    await settle(pilot)
    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, RunSummaryScreen)
    await settle(pilot)


@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize("session", ["routine", "run"])
async def test_session_summary_save_meets_a_fault_keeps_the_values_and_retries(
    kind: str, session: str, folder: tuple[Path, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(folder, seed_movement if session == "routine" else seed_run_walk)
    clock = FakeClock(NOW)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        if session == "routine":
            await end_routine_early(pilot, app, clock)
        else:
            await end_run_early(pilot, app, clock)
        assert isinstance(app.screen, SummaryScreen)
        summary: SummaryScreen = app.screen
        await pilot.press("2", "tab", "1")
        if session == "run":
            await pilot.press("tab", *"2.5")
        await pilot.pause()
        before = file_bytes(store.path)
        with fault_in(kind, folder, monkeypatch):
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is summary and not summary.saved
            message = message_of(app, "#summary-message")
            assert "Not saved" in message and FAULT_WORDS[kind] in message
            assert "press enter to try again" in message
            assert "Not saved" in screen_text(app)  # visible without scrolling
            assert file_bytes(store.path) == before
            assert summary.query_one("#pain-during", PainScale).value == 2
            assert summary.query_one("#pain-after", PainScale).value == 1
            if session == "run":
                assert summary.query_one("#distance", Input).value == "2.5"
        assert stray_temp_files(folder[0]) == []
        await pilot.press("enter")  # the fault has cleared: enter again saves
        await settle(pilot)
        assert summary.saved
        assert "Saved" in message_of(app, "#summary-message")
        assert app._exception is None
    kind_of_log = RoutineLog if session == "routine" else RunWalkLog
    logs = [s for s in store.history().sessions if isinstance(s, kind_of_log)]
    assert [(log.pain_during, log.pain_after) for log in logs] == [(2, 1)]  # exactly once
    if session == "run":
        assert isinstance(logs[0], RunWalkLog) and logs[0].distance_km == 2.5
        assert store.active_session() is None


async def test_a_held_lock_never_freezes_the_ui_and_says_what_happened(
    data_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeout = 1.5
    monkeypatch.setenv("RUNBACK_LOCK_TIMEOUT", str(timeout))
    lock_clock = freeze_lock_clock(monkeypatch)  # the held lock times out when the test says
    store = Store(data_path, now=FakeClock(NOW).now)
    assert store.lock_timeout == timeout
    seed_run_walk(store)
    before = file_bytes(store.path)
    clock = FakeClock(NOW)
    app = app_for(store, clock)
    holder = LockHolder(store.lock_path, store.path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("c")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, CheckInScreen)
            await pilot.press("4")
            reads = lock_clock.reads  # the seeding's writes took the lock too
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "Saving…" in message_of(app, "#form-message")
            # The save waits for the lock in a worker; the loop still answers keys meanwhile.
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert saving(app)  # help opened while the save still waits for the lock
            await pilot.press("escape")  # back to the form, still waiting
            await pilot.pause()
            assert app.screen is form
            # Just short of the timeout the lock keeps waiting (it polls, it does not give up) ...
            await wait_until(pilot, lambda: lock_clock.reads >= reads + 2)  # deadline, a poll
            lock_clock.advance(timeout - 0.1)
            polls = lock_clock.reads
            await wait_until(pilot, lambda: lock_clock.reads > polls + 1)
            assert saving(app) and "Saving…" in message_of(app, "#form-message")
            # ... and once the timeout has passed it gives up and says so.
            lock_clock.advance(0.2)
            await wait_until(pilot, lambda: "Not saved" in message_of(app, "#form-message"))
            await wait_until(pilot, lambda: not saving(app))  # nothing is left waiting
            message = message_of(app, "#form-message")
            assert f"kept the file locked for over {timeout:g} s" in message
            assert f"Runback process {holder.process.pid}" in message
            # in view, not scrolled off (the scroll lands after a refresh: wait for it)
            await wait_until(pilot, lambda: "try again" in screen_text(app))
            shown = screen_text(app)
            assert "Not saved" in shown and "try again" in shown
            assert file_bytes(store.path) == before
            assert form.query_one("#pain", PainScale).value == 4
            holder.release()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert app._exception is None
    finally:
        holder.release()
    assert [c.pain for c in store.history().checkins if c.date == TODAY] == [4]


async def test_leaving_the_form_while_the_lock_is_held_still_reports_the_outcome(
    data_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """escape while 'Saving…' waits: the failure still reaches the user as a notification."""
    monkeypatch.setenv("RUNBACK_LOCK_TIMEOUT", "0.5")
    lock_clock = freeze_lock_clock(monkeypatch)  # the held lock times out when the test says
    store = Store(data_path, now=FakeClock(NOW).now)
    seed_run_walk(store)
    before = file_bytes(store.path)
    app = app_for(store, FakeClock(NOW))
    holder = LockHolder(store.lock_path, store.path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("c")
            await pilot.pause()
            reads = lock_clock.reads  # the seeding's writes took the lock too
            await pilot.press("5", "ctrl+s")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            await wait_until(pilot, lambda: lock_clock.reads >= reads + 2)  # deadline, a poll
            assert "not saved" not in notifications(app)  # left while the save still waits
            lock_clock.advance(1.0)  # past the timeout: the save gives up
            await wait_until(pilot, lambda: "Check-in not saved" in notifications(app))
            assert "kept the file locked" in notifications(app)
            assert app._exception is None
    finally:
        holder.release()
    assert file_bytes(store.path) == before


async def test_a_relief_routine_whose_ice_fails_is_not_logged_twice_on_retry(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The relief summary writes the routine, then the ice block; only the ice is retried."""
    seed_movement(store)
    app = app_for(store, FakeClock(NOW))
    real_log_ice = Store.log_ice
    failures = {"left": 1}

    def flaky_log_ice(self: Store, *args: Any, **kwargs: Any) -> object:
        if failures["left"]:
            failures["left"] -= 1
            raise DataFileError(self.path, "could not save (the disk is full)", "Free space.")
        return real_log_ice(self, *args, **kwargs)

    monkeypatch.setattr(Store, "log_ice", flaky_log_ice)
    result = RoutineResult("relief", "Flare relief", True, 1500.0, (), 4, False, ice_minutes=15.0)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutineSummaryScreen(result))
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, RoutineSummaryScreen)
        await pilot.press("3", "enter")  # pain during is pre-filled (4): pain after, save
        await settle(pilot)
        assert not summary.saved and "disk is full" in message_of(app, "#summary-message")
        await pilot.press("enter")
        await settle(pilot)
        assert summary.saved
    logs = [s for s in store.history().sessions if isinstance(s, RoutineLog)]
    assert [(log.routine_id, log.pain_after) for log in logs] == [("relief", 3)]
    assert len(store.snapshot().ice) == 1
