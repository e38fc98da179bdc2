"""Time while the app is open: the wall clock jumps (NTP, DST, a time-zone change), a run
crosses midnight, a check-in is made just after midnight.

Home polls (data_version, clock.today()) every second; here the poll is called directly,
exactly as its timer would call it, so no real time passes.  Session timers read only the
monotonic clock, so a wall-clock jump must not move them.

Documented behaviour: a run session is logged on the date it STARTED (23:50 → 00:20 counts
for the first day, like a watch does); a check-in is dated when it is saved (00:30 → the new
day).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.pilot import Pilot
from textual.widgets import Static

from runback_tui.app import RunbackApp
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import RoutineLog, RunWalkLog
from runback_tui.domain.timeline import build_routine_timeline
from runback_tui.screens.checkin import CheckInScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.run import RunSessionScreen, RunStartScreen
from runback_tui.screens.session import RoutineSessionScreen
from runback_tui.screens.summary import RoutineSummaryScreen, RunSummaryScreen
from runback_tui.storage.store import Store
from runback_tui.widgets.countdown import Countdown
from tests.ui.fixtures import NOW, TODAY, seed_movement, seed_run_walk
from tests.ui.session_helpers import SIZE, app_for, settle, step, timer_screen


def home_day(app: RunbackApp) -> str:
    """The 'Today' panel of home."""
    screen = app.screen
    assert isinstance(screen, HomeScreen), screen
    return str(screen.query_one("#home-day", Static).render())


async def poll(app: RunbackApp, pilot: Pilot[None]) -> None:
    """One tick of home's file/date poll."""
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    screen._poll_file()
    await pilot.pause()


async def test_home_replans_when_the_wall_clock_jumps(store: Store) -> None:
    seed_movement(store)  # program day 4, checked in today
    clock = FakeClock(NOW)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert "Saturday 21 November 2026 · Program day 4" in home_day(app)
        # Hours forward and back (DST, NTP): the same date, the same plan.
        for hours in (3, -1, 1, -7):
            clock.set_wall(NOW + timedelta(hours=hours))
            await poll(app, pilot)
            assert "Saturday 21 November 2026 · Program day 4" in home_day(app)
            assert "Checked in today" in home_day(app)
        # A day forward (a laptop woken the next morning, a zone change across midnight).
        clock.set_wall(NOW + timedelta(days=1))
        await poll(app, pilot)
        assert "Sunday 22 November 2026 · Program day 5" in home_day(app)
        assert "Not checked in yet today" in home_day(app)
        # Two days back: yesterday, which has its own check-in.
        clock.set_wall(NOW - timedelta(days=1))
        await poll(app, pilot)
        assert "Friday 20 November 2026 · Program day 3" in home_day(app)
        assert "Checked in today" in home_day(app)
        # A week ahead and back home.
        clock.set_wall(NOW + timedelta(days=7, hours=5))
        await poll(app, pilot)
        assert "Saturday 28 November 2026 · Program day 11" in home_day(app)
        clock.set_wall(NOW)
        await poll(app, pilot)
        assert "Saturday 21 November 2026 · Program day 4" in home_day(app)
        assert app._exception is None


async def test_wall_clock_jumps_never_move_a_session_timer(store: Store) -> None:
    seed_movement(store)
    clock = FakeClock(NOW)
    app = app_for(store, clock)
    timeline = build_routine_timeline("daily_core")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutineSessionScreen(timeline, "daily_core"))
        await pilot.pause()
        screen = timer_screen(app)
        for _ in range(12):
            step(app, clock, 1)
        await pilot.pause()
        shown = screen.query_one("#session-countdown", Countdown).value
        assert screen.controller.elapsed() == 12
        for jump in (
            timedelta(hours=1),
            timedelta(hours=-2),
            timedelta(days=3),
            -timedelta(days=9),
        ):
            clock.set_wall(clock.now() + jump)
            screen.tick()
            await pilot.pause()
            assert screen.controller.elapsed() == 12  # monotonic time did not move
            assert screen.query_one("#session-countdown", Countdown).value == shown
            assert screen.dispatcher.delivered[-1].cue.at_s <= 12  # no cue fired by the jump
        step(app, clock, 1)
        assert screen.controller.elapsed() == 13


async def test_a_run_from_2350_to_0020_is_logged_on_the_day_it_started(store: Store) -> None:
    seed_run_walk(store)  # stage 1 due on 21 November
    start = datetime(2026, 11, 21, 23, 50)
    clock = FakeClock(start)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, RunSessionScreen)
        for _ in range(60):  # 30 minutes in 30-second ticks, across midnight
            step(app, clock, 30)
            if isinstance(app.screen, RunSessionScreen):
                await settle(pilot)
                record = store.active_session()
                assert record is not None and record.date == TODAY
        await pilot.pause()
        await pilot.pause()
        assert clock.now() == datetime(2026, 11, 22, 0, 20)
        summary = app.screen
        assert isinstance(summary, RunSummaryScreen)
        await pilot.press("1", "tab", "1", "enter")
        await settle(pilot)
        assert summary.saved
    [log] = [s for s in store.history().sessions if isinstance(s, RunWalkLog)]
    assert log.date == TODAY  # the start date, not 22 November
    assert log.completed and log.repeats_done == 10
    assert store.active_session() is None


async def test_a_routine_across_midnight_is_logged_on_the_day_it_started(store: Store) -> None:
    seed_movement(store)
    clock = FakeClock(datetime(2026, 11, 21, 23, 58))
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutineSessionScreen(build_routine_timeline("daily_core"), "daily_core"))
        await pilot.pause()
        step(app, clock, 300)  # 00:03
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, RoutineSummaryScreen)
        await pilot.press("1", "tab", "1", "enter")
        await settle(pilot)
    [log] = [s for s in store.history().sessions if isinstance(s, RoutineLog)]
    assert log.date == TODAY


async def test_a_checkin_at_0030_lands_on_the_new_local_date(store: Store) -> None:
    seed_movement(store)  # checked in on the 21st
    clock = FakeClock(datetime(2026, 11, 21, 23, 40))
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert "Saturday 21 November 2026" in home_day(app)
        clock.set_wall(datetime(2026, 11, 22, 0, 30))  # the app stayed open past midnight
        await poll(app, pilot)
        assert "Sunday 22 November 2026" in home_day(app)
        assert "Not checked in yet today" in home_day(app)
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CheckInScreen)
        title = str(form.query_one(".form-title", Static).render())
        assert "Sunday 22 November 2026" in title
        assert "Editing" not in str(form.query_one("#form").render())
        await pilot.press("2", "ctrl+s")
        await settle(pilot)
        assert "Checked in today: pain 2/10" in home_day(app)
    new_day = TODAY + timedelta(days=1)
    checkin = store.checkin_on(new_day)
    assert checkin is not None and checkin.pain == 2
    before = store.checkin_on(TODAY)
    assert before is not None and before.pain == 1  # the 21st's check-in is untouched
    assert store.snapshot().checkin_edits == ()
