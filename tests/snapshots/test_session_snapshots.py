"""Snapshots of the session screens: picker, hold, reps, rest, summaries, run and walk segments,
a 3-2-1 cue, paused, a confirm dialog over the running clock, the ice timer and the resume offer
(FakeClock, no blinking cursor, no animations); the timer screens at 80x24 and 120x40."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from runback_tui.app import RunbackApp, make_app
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.timeline import build_routine_timeline
from runback_tui.screens.ice import IceTimerScreen
from runback_tui.screens.resume import offer_unfinished_session
from runback_tui.screens.routines import RoutinesScreen
from runback_tui.screens.run import RunStartScreen
from runback_tui.screens.session import RoutineSessionScreen, TimerScreen
from runback_tui.sessions.lifecycle import save_running_sessions
from runback_tui.storage.store import Store
from tests.ui.fixtures import new_store, seed_acute, seed_movement, seed_run_walk

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
BOTH_SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
"""The session screens are drawn for both sizes: their big letters scale with the window."""


def app_with(data_path: Path, clock: FakeClock, seed: Callable[[Store], None]) -> RunbackApp:
    """An app on a fresh file seeded by *seed*."""
    store = new_store(data_path)
    seed(store)
    return make_app(store, clock, blink_cursor=False, animations=False)


def advance(pilot: Pilot[None], clock: FakeClock, seconds: float) -> None:
    """Move the session *seconds* on in one-second ticks."""
    screen = pilot.app.screen
    assert isinstance(screen, TimerScreen)
    for _ in range(int(seconds)):
        clock.advance(1)
        screen.tick()


def routine_at(
    clock: FakeClock, seconds: float, *keys: str
) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Open daily_core and run it *seconds* in (pressing *keys* after)."""

    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(
            RoutineSessionScreen(build_routine_timeline("daily_core"), "daily_core")
        )
        await pilot.pause()
        advance(pilot, clock, seconds)
        if keys:
            await pilot.press(*keys)
        await pilot.pause()

    return run_before


def run_at(
    clock: FakeClock, seconds: float, *keys: str
) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Start today's stage-1 run-walk and run it *seconds* in (pressing *keys* after)."""

    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(RunStartScreen())
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        advance(pilot, clock, seconds)
        if keys:
            await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_routine_picker(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """The picker in phase 1: today's 10-minute core first and highlighted."""

    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(RoutinesScreen())
        await pilot.pause()

    app = app_with(data_path, clock, seed_movement)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@BOTH_SIZES
def test_hold(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """Bird dog, left side, hold 1 of 10, 3 s left: the 3-2-1 banner."""
    app = app_with(data_path, clock, seed_movement)
    assert snap_compare(app, terminal_size=size, run_before=routine_at(clock, 17))


@BOTH_SIZES
def test_rest(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """The rest between two bird-dog holds."""
    app = app_with(data_path, clock, seed_movement)
    assert snap_compare(app, terminal_size=size, run_before=routine_at(clock, 21))


def test_rep_set(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """Clamshells, left, set 1 of 2: waiting for reps, 4 counted with enter."""
    app = app_with(data_path, clock, seed_movement)
    keys = ("enter",) * 4
    assert snap_compare(app, terminal_size=SIZE, run_before=routine_at(clock, 320, *keys))


def test_routine_summary(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """Ended early after pain 2 was logged: pain during pre-filled, pain after focused."""
    app = app_with(data_path, clock, seed_movement)
    run_before = routine_at(clock, 40, "2", "n", "escape", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@BOTH_SIZES
def test_run_segment(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """RUN 1 of 10, 25 s in, with its form cue."""
    app = app_with(data_path, clock, seed_run_walk)
    assert snap_compare(app, terminal_size=size, run_before=run_at(clock, 25))


@BOTH_SIZES
def test_walk_segment(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """WALK 2 of 10 just after the switch, with pain 1 logged."""
    app = app_with(data_path, clock, seed_run_walk)
    assert snap_compare(app, terminal_size=size, run_before=run_at(clock, 242, "1"))


@BOTH_SIZES
def test_paused(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """A run paused 40 s in."""
    app = app_with(data_path, clock, seed_run_walk)
    assert snap_compare(app, terminal_size=size, run_before=run_at(clock, 40, "space"))


def test_run_summary_with_decision(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock
) -> None:
    """Stage 1 finished pain-free, saved: the engine says progress to stage 2."""

    async def run_before(pilot: Pilot[None]) -> None:
        await run_at(clock, 1800)(pilot)
        await pilot.pause()
        await pilot.press("1", "tab", "1", "tab", "4", "tab", "right", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()

    app = app_with(data_path, clock, seed_run_walk)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_resume_offer(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """Reopened 5 minutes after a session was saved at RUN 3, 40 s in."""

    async def run_before(pilot: Pilot[None]) -> None:
        await run_at(clock, 400)(pilot)
        save_running_sessions(pilot.app)
        await pilot.app.workers.wait_for_complete()
        pilot.app.pop_screen()
        await pilot.pause()
        clock.advance(300)
        offer_unfinished_session(pilot.app)
        await pilot.pause()

    app = app_with(data_path, clock, seed_run_walk)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@BOTH_SIZES
def test_run_countdown_cue(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """RUN 1 of 10 with 3 s left: the 3 of the 3-2-1 cue in large letters."""
    app = app_with(data_path, clock, seed_run_walk)
    assert snap_compare(app, terminal_size=size, run_before=run_at(clock, 57))


@BOTH_SIZES
def test_confirm_over_running_clock(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """Escape 30 s into a run: the end-early question at the bottom, the clock still in view."""
    app = app_with(data_path, clock, seed_run_walk)
    assert snap_compare(app, terminal_size=size, run_before=run_at(clock, 30, "escape"))


@BOTH_SIZES
def test_ice_timer(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """The ice timer 65 s into 15 minutes."""

    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(IceTimerScreen(15))
        await pilot.pause()
        advance(pilot, clock, 65)
        await pilot.pause()

    app = app_with(data_path, clock, seed_acute)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
