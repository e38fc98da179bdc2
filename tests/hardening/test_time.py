"""Time while the app is open: the wall clock jumps (NTP, DST, a time-zone change), a run
crosses midnight, a check-in is made just after midnight.

Home polls (data_version, clock.today()) every second; here the poll is called directly,
exactly as its timer would call it, so no real time passes.  Session timers read only the
monotonic clock, so a wall-clock jump must not move them.

Documented behaviour: a run session is logged on the date it STARTED (23:50 → 00:20 counts
for the first day, like a watch does); a check-in is dated when it is saved (00:30 → the new
day).  Times carry their UTC offset (v2): a session saved under one time zone and reopened
under another resumes where it really is, and no record moves to another date.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from runback_tui.app import RunbackApp
from runback_tui.domain.clock import FakeClock, aware
from runback_tui.domain.models import CheckIn, RoutineLog, RunWalkLog
from runback_tui.domain.timeline import build_routine_timeline
from runback_tui.screens.checkin import CheckInScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.resume import ResumeScreen, offer_unfinished_session
from runback_tui.screens.run import RunSessionScreen, RunStartScreen
from runback_tui.screens.session import RoutineSessionScreen
from runback_tui.screens.summary import RoutineSummaryScreen, RunSummaryScreen
from runback_tui.sessions.lifecycle import save_running_sessions
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
        assert clock.now() == aware(datetime(2026, 11, 22, 0, 20))
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


# -- time zones (issue 18, attack 7) ------------------------------------------------------------


@pytest.fixture
def zone() -> Iterator[Callable[[str], None]]:
    """Set the process's time zone (TZ and tzset, as a laptop that travelled); restored after."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset")
    saved = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


async def run_then_vanish(store: Store, clock: FakeClock, seconds: int) -> None:
    """Start today's stage 1, run it *seconds*, save as the signal handler does, and vanish."""
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        step(app, clock, seconds)
        assert save_running_sessions(app) == 1
        await settle(pilot)


def offered(app: RunbackApp) -> str:
    """The facts of the resume offer on top."""
    offer = app.screen
    assert isinstance(offer, ResumeScreen), offer
    return str(offer.query_one("#resume-facts").render())


async def test_a_session_saved_under_utc_resumes_ten_seconds_on_under_utc_plus_2(
    store: Store, zone: Callable[[str], None]
) -> None:
    """The attack: saved under TZ=UTC, reopened under TZ=Etc/GMT-2 (UTC+2) ten seconds later;
    with naive times it was two hours on: "finished"."""
    seed_run_walk(store)
    zone("UTC")
    clock = FakeClock(datetime(2026, 11, 21, 7, 30))  # 07:30 UTC
    await run_then_vanish(store, clock, 400)  # RUN 3 of 10, 40 s in; saved 07:36:40 UTC
    record = store.active_session()
    assert record is not None and record.elapsed_at_save_s == 400
    stored = store.path.read_text()
    zone("Etc/GMT-2")  # POSIX signs: two hours east of Greenwich
    clock.set_wall(datetime(2026, 11, 21, 9, 36, 50))  # the local wall clock, 10 s after the save
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert offer_unfinished_session(app)
        await pilot.pause()
        facts = offered(app)
        assert "started Sat 21 Nov 09:30" in facts  # shown in the zone the runner is in now
        assert "Last saved 09:36:40: RUN 3 of 10, 0:40 in (6:40 of 30:00)" in facts
        assert "By the clock now: RUN 3 of 10, 0:50 in (6:50 of 30:00)" in facts
        await pilot.press("enter")  # resume
        await pilot.pause()
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, RunSessionScreen)
        assert screen.controller.elapsed() == 410
        step(app, clock, 5)
        assert save_running_sessions(app) == 1
        await settle(pilot)
    assert record.saved_at == datetime(2026, 11, 21, 7, 36, 40, tzinfo=UTC)
    assert '"saved_at":"2026-11-21T07:36:40Z"' in stored  # stored with its offset
    again = store.active_session()
    assert again is not None and again.elapsed_at_save_s == 415
    assert again.started_at == datetime(2026, 11, 21, 7, 30, tzinfo=UTC)  # the same instant
    assert again.saved_at.utcoffset() == timedelta(hours=2)  # written in the new zone
    assert again.saved_at == datetime(2026, 11, 21, 7, 36, 55, tzinfo=UTC)
    assert again.date == TODAY


async def test_a_zone_change_moves_no_record_to_another_date(
    store: Store, zone: Callable[[str], None]
) -> None:
    """A run started 23:50 UTC, reopened where it is already 01:51 the next day: it resumes
    where it is, is logged on the date it started, and the day's check-in stays on its date."""
    seed_run_walk(store)
    zone("UTC")
    clock = FakeClock(datetime(2026, 11, 21, 23, 50))
    store.save_checkin(CheckIn(date=clock.today(), pain=1))
    await run_then_vanish(store, clock, 100)  # saved 23:51:40 UTC
    zone("Etc/GMT-2")
    clock.set_wall(datetime(2026, 11, 22, 1, 51, 50))  # 23:51:50 UTC
    assert clock.today() == date(2026, 11, 22)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert offer_unfinished_session(app)
        await pilot.pause()
        facts = offered(app)
        assert "started Sun 22 Nov 01:50" in facts
        assert "By the clock now: WALK 1 of 10, 0:50 in (1:50 of 30:00)" in facts
        await pilot.press("l")  # finish and log what was done by the save
        await pilot.pause()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, RunSummaryScreen)
        await pilot.press("1", "tab", "1", "enter")
        await settle(pilot)
        assert summary.saved
    [log] = [s for s in store.history().sessions if isinstance(s, RunWalkLog)]
    assert log.date == TODAY  # the date where it started, not the new zone's date
    assert log.logged_at is not None and log.logged_at.utcoffset() is not None
    checkin = store.checkin_on(TODAY)
    assert checkin is not None and checkin.pain == 1  # kept on its date
    assert store.checkin_on(TODAY + timedelta(days=1)) is None
    assert store.active_session() is None
