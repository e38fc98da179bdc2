"""Odd terminal sizes through Pilot: every main screen at 60x18 (the minimum), 80x24 and
200x60 mounts and draws without an error; under the minimum a "make the window larger"
notice covers the screen and goes when the terminal grows back; a run session keeps its
time through 80x24 → 40x12 → 120x40.  (Real terminals with TERM/NO_COLOR variants are in
test_real_terminals.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from textual.screen import Screen

from runback_tui.app import RunbackApp
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import ActiveSession
from runback_tui.domain.timeline import build_routine_timeline
from runback_tui.screens.checkin import CheckInScreen
from runback_tui.screens.dashboard import DashboardScreen
from runback_tui.screens.help import HelpScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.ice import IceSetupScreen, IceTimerScreen
from runback_tui.screens.onboarding import OnboardingScreen
from runback_tui.screens.profile import ProfileScreen
from runback_tui.screens.resume import ResumeScreen
from runback_tui.screens.routines import RoutinesScreen
from runback_tui.screens.run import RunSessionScreen, RunStartScreen
from runback_tui.screens.session import RoutineSessionScreen
from runback_tui.screens.settings import SettingsScreen
from runback_tui.screens.stop import ClearanceDialog, StopScreen
from runback_tui.screens.summary import RoutineSummaryScreen, RunSummaryScreen
from runback_tui.screens.too_small import (
    MIN_HEIGHT,
    MIN_WIDTH,
    TooSmallNotice,
    follow_real_terminal_size,
)
from runback_tui.sessions.active import RunSpec
from runback_tui.sessions.results import RoutineResult, RunResult
from runback_tui.storage.store import Store
from runback_tui.widgets.confirm import ConfirmDialog
from runback_tui.widgets.countdown import Countdown
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import NOW, TODAY, seed_build, seed_run_walk
from tests.ui.session_helpers import app_for, settle, step, timer_screen

NOTICE = "Make the window larger"

SCREENS: dict[str, Callable[[], Screen[Any]]] = {
    "checkin": CheckInScreen,
    "onboarding": OnboardingScreen,
    "profile": ProfileScreen,
    "stop": StopScreen,
    "clearance": ClearanceDialog,
    "routines": RoutinesScreen,
    "run start": RunStartScreen,
    "routine session": lambda: RoutineSessionScreen(
        build_routine_timeline("daily_core"), "daily_core"
    ),
    "run session": lambda: RunSessionScreen(RunSpec("run_walk", stage=2)),
    "routine summary": lambda: RoutineSummaryScreen(
        RoutineResult("daily_core", "10-minute core", True, 600.0, (), 2, False)
    ),
    "run summary": lambda: RunSummaryScreen(
        RunResult(RunSpec("run", minutes=20.0), TODAY, True, 0, 1200.0, 1200.0, 1)
    ),
    "settings": SettingsScreen,
    "resume": lambda: ResumeScreen(
        ActiveSession(
            kind="run_walk",
            stage=1,
            date=TODAY,
            started_at=NOW - timedelta(minutes=10),
            saved_at=NOW - timedelta(minutes=5),
            elapsed_at_save_s=300.0,
        )
    ),
    "ice setup": IceSetupScreen,
    "ice timer": lambda: IceTimerScreen(15),
    "dashboard": DashboardScreen,
    "help": HelpScreen,
    "confirm": lambda: ConfirmDialog("End the session now?", "end it", "keep going"),
}
"""Every main screen and dialog, built as the app builds them."""


def notice_shown(app: RunbackApp) -> bool:
    """True when the too-small notice covers the current screen."""
    return bool(app.screen.query_children(TooSmallNotice))


@pytest.mark.parametrize("size", [(MIN_WIDTH, MIN_HEIGHT), (80, 24), (200, 60), (40, 12)])
async def test_every_screen_mounts_and_draws(store: Store, size: tuple[int, int]) -> None:
    seed_build(store)
    clock = FakeClock(NOW)
    app = app_for(store, clock)
    small = size == (40, 12)
    async with app.run_test(size=size) as pilot:
        assert isinstance(app.screen, HomeScreen)
        for name, make in [("home", None), *SCREENS.items()]:
            if make is not None:
                app.push_screen(make())
                await pilot.pause()
                await pilot.pause()
            text = screen_text(app)
            assert app._exception is None, name
            assert len(text.splitlines()) == size[1], name
            assert notice_shown(app) is small, name
            assert (NOTICE in text) is small, (name, text)
            if not small:
                assert text.strip(), name
            await settle(pilot)
            while not isinstance(app.screen, HomeScreen):
                app.pop_screen()
                await pilot.pause()
        assert app._exception is None


async def test_too_small_notice_comes_and_goes_with_the_size(store: Store) -> None:
    seed_run_walk(store)
    app = app_for(store, FakeClock(NOW))
    async with app.run_test(size=(40, 12)) as pilot:
        text = screen_text(app)
        assert NOTICE in text and "40×12" in text and f"{MIN_WIDTH}×{MIN_HEIGHT}" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not notice_shown(app)
        assert "Program day 9" in screen_text(app)
        # Just under the minimum in one direction only.
        for width, height in ((MIN_WIDTH - 1, 30), (100, MIN_HEIGHT - 1)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert notice_shown(app) and f"{width}×{height}" in screen_text(app)
        await pilot.resize_terminal(MIN_WIDTH, MIN_HEIGHT)
        await pilot.pause()
        assert not notice_shown(app)
        # Keys still work under the notice: open the check-in while small, set pain, grow.
        await pilot.resize_terminal(40, 12)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen) and notice_shown(app)  # follows the screen
        await pilot.press("3")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not notice_shown(app)
        assert "3/10" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and not notice_shown(app)
        assert app._exception is None
    checkin = store.checkin_on(TODAY)
    assert checkin is not None and checkin.pain == 3


async def test_resizing_mid_run_keeps_the_session_and_its_time(store: Store) -> None:
    seed_run_walk(store)
    clock = FakeClock(NOW)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, RunSessionScreen)
        for _ in range(50):
            step(app, clock, 1)
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert notice_shown(app) and app.screen is screen
        for _ in range(30):  # the session runs on under the notice
            step(app, clock, 1)
        await pilot.press("space")  # and its keys work: pause...
        step(app, clock, 20)
        await pilot.press("space")  # ...and resume
        step(app, clock, 5)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not notice_shown(app) and app.screen is screen
        assert screen.controller.elapsed() == 85
        await pilot.pause()
        # 85 s in: the walk of repeat 1 began at 60 s and lasts 120 s → 1:35 left.
        assert screen.query_one("#run-countdown", Countdown).value == "1:35"
        assert "Elapsed 1:25" in screen_text(app)
        await settle(pilot)
        record = store.active_session()
        assert record is not None and record.elapsed_at_save_s <= 85
        assert app._exception is None


def test_stale_columns_and_lines_are_dropped_except_for_the_web_driver() -> None:
    environ = {"COLUMNS": "80", "LINES": "24", "TERM": "xterm"}
    assert follow_real_terminal_size(environ)
    assert environ == {"TERM": "xterm"}
    assert not follow_real_terminal_size(environ)
    served = {"COLUMNS": "132", "LINES": "40", "TEXTUAL_DRIVER": "textual.drivers.web_driver:X"}
    assert not follow_real_terminal_size(served)
    assert served["COLUMNS"] == "132" and served["LINES"] == "40"
