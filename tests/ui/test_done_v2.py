"""Pilot tests of protocol v2's "done" on the screens: home ticks off what was logged today,
the run screen says today's session is done and still starts another, and the summary after a
second run-walk that day gives the engine's decision, naming the session that decided it.

Also: the urgent red-flag line names the flags with the one urgent message, a rest day reads
consistently with its daily core, heat and the single-run spike have labels, and the
dashboard's 10% heading agrees with the at-a-glance Load line.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from textual.widgets import OptionList, Static

from runback_tui.app import RunbackApp, make_app
from runback_tui.domain import wording
from runback_tui.domain.aggregates import WeekVolume, at_a_glance
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import CheckIn, RoutineLog, RunLog, RunWalkLog
from runback_tui.domain.protocol import PlanWarning, WarningCode, plan_for
from runback_tui.screens.dashboard import DashboardScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.homeview import valid_view
from runback_tui.screens.run import RunSessionScreen, RunStartScreen
from runback_tui.screens.summary import RunSummaryScreen
from runback_tui.screens.today import ACTIVITY_LABELS, WARNING_MARKERS, warning_line
from runback_tui.storage import cache
from runback_tui.storage.store import Store
from tests.ui.fixtures import (
    TODAY,
    _easy_checkins,
    _profile,
    days_ago,
    seed_build,
    seed_run_walk,
    seed_urgent,
)
from tests.ui.session_helpers import settle, step, timer_screen

SIZE = (80, 24)
WIDE = (120, 40)


def app_for(store: Store, clock: FakeClock) -> RunbackApp:
    """The app as the tests drive it: no blinking cursor, no animations."""
    return make_app(store, clock, blink_cursor=False, animations=False)


def at(hour: int, minute: int) -> Callable[[], datetime]:
    """A store clock stopped at *hour*:*minute* of the frozen today (its logs' stamp)."""
    return lambda: datetime.combine(TODAY, datetime.min.time()).replace(hour=hour, minute=minute)


def home_text(app: RunbackApp, name: str) -> str:
    """The text of a home panel."""
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    return str(screen.query_one(f"#{name}", Static).render())


async def home_now(store: Store, clock: FakeClock, name: str, size: tuple[int, int] = WIDE) -> str:
    """Home's panel *name* as drawn from the store."""
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        return home_text(app, name)


# -- home ----------------------------------------------------------------------------------


async def test_home_ticks_off_a_logged_routine_with_its_time(
    store: Store, data_path: Path, clock: FakeClock
) -> None:
    """A daily core logged at 07:05 is ticked with its time; the rest of the plan is not."""
    seed_run_walk(store)
    Store(data_path, now=at(7, 5)).add_session(
        RoutineLog(date=TODAY, routine_id="daily_core", completed=True, duration_s=600.0)
    )
    plan = await home_now(store, clock, "home-plan")
    lines = plan.splitlines()
    [core] = [line for line in lines if "10-minute core" in line]
    assert core.startswith("4. ✓ 10-minute core")
    assert core.endswith(" · done 07:05")
    [run_walk] = [line for line in lines if line.startswith("2. ")]
    assert "Run-walk stage 1" in run_walk and "✓" not in run_walk
    assert "complete" not in plan


async def test_home_says_when_the_days_plan_is_complete(
    store: Store, data_path: Path, clock: FakeClock
) -> None:
    """Every activity logged: each is ticked, home says the plan is complete, and an extra
    routine logged beside the plan is listed as done too (from the cached view as well)."""
    seed_run_walk(store)
    logger = Store(data_path, now=at(7, 0))
    logger.add_session(RoutineLog(date=TODAY, routine_id="pre_run"))
    logger.add_session(
        RunWalkLog(
            date=TODAY, stage=1, completed=True, repeats_done=10, pain_during=0, pain_after=0
        )
    )
    logger.add_session(RoutineLog(date=TODAY, routine_id="post_run"))
    logger.add_session(RoutineLog(date=TODAY, routine_id="daily_core"))
    logger.add_session(RoutineLog(date=TODAY, routine_id="glutes_hips"))
    plan = await home_now(store, clock, "home-plan")
    assert plan.count("✓") == 6  # four activities, the extra routine, and the day
    assert "✓ Also logged today: Glutes and hips" in plan
    assert "✓ Today's plan is complete." in plan
    # The next start draws home from the sidecar: the same ticks, before anything loads.
    view = valid_view(cache.cached(data_path, "home", TODAY), TODAY)
    assert view is not None
    cached = "".join(text for text, _ in view["panels"]["home-plan"])
    assert "✓ Today's plan is complete." in cached and " · done 07:00" in cached


async def test_the_urgent_line_names_the_flags_with_the_one_urgent_message(
    store: Store, clock: FakeClock
) -> None:
    """protocol.md §2: the urgent flags named, then URGENT_CARE; never "see a provider"."""
    seed_urgent(store)  # bladder or bowel, and leg weakness
    store.save_checkin(CheckIn(date=TODAY, pain=4, red_flags=["saddle_numbness"]))
    banner = await home_now(store, clock, "home-paused")
    first, urgent = banner.splitlines()[:2]
    assert first == "STOP — PLAN PAUSED"
    flags = wording.name_flags(["bladder_bowel", "saddle_numbness"])
    assert urgent.startswith(flags.capitalize() + ": this is a medical emergency.")
    assert wording.URGENT_CARE in " ".join(banner.split())
    assert "leg weakness" not in urgent  # only the urgent flags on the emergency line
    assert "see a healthcare provider" not in banner


def _build_rest_day(store: Store) -> None:
    """seed_build with strength on the off days: six training days in a row before today."""
    seed_build(store)
    for n in (5, 3, 1):
        store.add_session(RoutineLog(date=days_ago(n), routine_id="posterior_chain"))


async def test_a_build_rest_day_reads_the_same_in_every_line(
    store: Store, clock: FakeClock
) -> None:
    """A build-phase rest day lists the daily core; no line says stretching only, and the rest
    day's activities are said once, on the plan's line (issue 17)."""
    _build_rest_day(store)
    assert plan_for(store.profile(), store.history(), TODAY).rest_day  # type: ignore[arg-type]
    day = await home_now(store, clock, "home-day")
    plan = await home_now(store, clock, "home-plan")
    assert "core every day" in " ".join(day.split())
    lines = plan.splitlines()
    assert lines[0] == "1. Full rest day: gentle walking, stretching and the daily core"
    assert lines[2].startswith("3. Core stability")
    assert "stretching only" not in plan
    both = " ".join((day + " " + plan).split()).lower()
    assert both.count("gentle walking, stretching and the daily core") == 1, both
    assert "why: full rest day: you trained on each of the last 6 days." in both


async def test_heat_and_the_long_run_spike_have_their_words(store: Store, clock: FakeClock) -> None:
    """Stiffness 5 or more puts heat on the plan, with its safety words (protocol.md §3)."""
    seed_run_walk(store)
    store.save_checkin(CheckIn(date=TODAY, pain=1, stiffness=6))
    plan = await home_now(store, clock, "home-plan")
    assert "5. Heat for stiffness: a warm pack 15–20 min, wrapped" in plan
    cli = wording.ACTIVITY_TEXT["heat"].replace("-", "–")
    assert cli in " ".join(plan.split())  # as the CLI and the report say it
    assert "never while sleeping" in " ".join(plan.split())
    marker = warning_line(PlanWarning("long_run_spike", "Your run of 9.0 km ...")).marker
    assert marker == "⚠ LONG RUN"
    assert set(typing.get_args(WarningCode)) <= set(WARNING_MARKERS)
    non_routines = {"run_walk", "run", "pool_run", "cycle_easy", "ice", "heat", "rest"}
    assert non_routines <= set(ACTIVITY_LABELS)  # interface.md's activities; routines have names


# -- the run screen ------------------------------------------------------------------------


async def test_the_run_screen_says_todays_session_is_done_and_starts_another(
    store: Store, data_path: Path, clock: FakeClock
) -> None:
    """Today's run-walk logged at 07:05: the screen says so, and enter still starts one."""
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        assert "already done" not in str(app.screen.query_one("#run-plan", Static).render())
        option = app.screen.query_one(OptionList).highlighted_option
        assert option is not None and "Start today's session" in str(option.prompt)
        app.pop_screen()
        Store(data_path, now=at(7, 5)).add_session(
            RunWalkLog(
                date=TODAY, stage=1, completed=True, repeats_done=10, pain_during=1, pain_after=1
            )
        )
        app.push_screen(RunStartScreen())
        await pilot.pause()
        told = " ".join(str(app.screen.query_one("#run-plan", Static).render()).split())
        assert "Today's session is already done (logged 07:05)." in told
        assert "You can still start another" in told
        options = app.screen.query_one(OptionList)
        assert app.focused is options
        assert options.highlighted_option is not None
        assert options.highlighted_option.id == "today"
        assert "Start another session — run-walk stage 1" in str(options.highlighted_option.prompt)
        await pilot.press("enter")
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, RunSessionScreen)
        assert screen.spec.kind == "run_walk" and screen.spec.stage == 1


async def test_the_run_screen_says_todays_run_is_done_in_build(
    store: Store, data_path: Path, clock: FakeClock
) -> None:
    """Build phase: today's run logged, the screen says so and offers another run."""
    seed_build(store)
    plan = plan_for(store.profile(), store.history(), TODAY)  # type: ignore[arg-type]
    assert "run" in plan.activities
    Store(data_path, now=at(6, 45)).add_session(
        RunLog(date=TODAY, distance_km=4.0, minutes=28.0, pain_during=0, pain_after=0)
    )
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        told = " ".join(str(app.screen.query_one("#run-plan", Static).render()).split())
        assert "Today's session is already done (logged 06:45)." in told
        options = app.screen.query_one(OptionList)
        assert options.highlighted_option is not None
        assert options.highlighted_option.id == "today-run"
        assert "Start another run today" in str(options.highlighted_option.prompt)
        await pilot.press("enter")
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, RunSessionScreen) and screen.spec.kind == "run"


# -- the summary ---------------------------------------------------------------------------


def _stage_2_today(store: Store) -> None:
    """Phase 2 with stage 2 due today: stage 1 was completed pain-free two days ago."""
    _profile(store, days_ago(11))
    _easy_checkins(store, days_ago(11), days_ago(1), gates_from=days_ago(4))
    store.add_session(
        RunWalkLog(
            date=days_ago(2), stage=1, completed=True, repeats_done=10, pain_during=0, pain_after=0
        )
    )


async def test_the_summary_after_a_second_session_names_the_one_that_decided(
    store: Store, data_path: Path, clock: FakeClock
) -> None:
    """Stage 2 stopped early at 07:10, then a pain-0 stage 2 completed: stage 2 again, and the
    summary names the 07:10 session (the engine's reason), not the one just done."""
    _stage_2_today(store)
    Store(data_path, now=at(7, 10)).add_session(
        RunWalkLog(
            date=TODAY, stage=2, completed=False, repeats_done=3, pain_during=1, pain_after=1
        )
    )
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        await pilot.press("enter")  # another stage-2 session
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, RunSessionScreen) and screen.spec.stage == 2
        await settle(pilot)
        step(app, clock, 24 * 60 + 1)
        await pilot.pause()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, RunSummaryScreen)
        assert summary.result.completed
        await pilot.press("0", "tab", "0", "enter")
        await settle(pilot)
        decision = " ".join(str(summary.query_one("#summary-decision").render()).split())
    assert summary.decision is not None
    assert decision.startswith("● REPEAT → next session: stage 2")
    assert summary.decision.reason in decision  # the engine's words, as they are
    assert "Stage 2 again: your stage 2 session logged at 07:10 was stopped early" in decision
    assert "worst decides" in decision
    # This session is named as the one judged alongside, never as the stopped one.
    assert "This session was completed" in decision
    runs = [s for s in store.history().sessions if isinstance(s, RunWalkLog) and s.date == TODAY]
    assert sorted(s.completed for s in runs) == [False, True]


# -- the dashboard -------------------------------------------------------------------------


def _week(start_days_ago: int, build_week: int, over_km: float) -> WeekVolume:
    """A build week that went over its cap by *over_km* (0: within it)."""
    monday = TODAY - timedelta(days=TODAY.weekday() + start_days_ago)
    return WeekVolume(
        week_start=monday,
        km=10.0,
        build_week=build_week,
        cap_km=9.0,
        planned_km=9.0,
        deload=False,
        current=start_days_ago == 0,
        over_km=over_km,
    )


def test_the_10_percent_heading_words_weeks_and_the_lead_in() -> None:
    """Plurals by wording.plural, and a lead-in is 'the build lead-in', never 'week 0'."""
    from runback_tui.screens.dashboard import over_cap_heading

    one = over_cap_heading((_week(7, 0, 0.4),), "km", recent=True)
    assert "1 build week went over" in one and "the build lead-in from" in one
    assert "week 0" not in one
    two = over_cap_heading((_week(21, 1, 0.5), _week(14, 2, 0.3)), "km", recent=False)
    assert "2 build weeks went over" in two and "build week 2 from" in two
    assert "ease off" not in two.lower()  # an old week: nothing to ease off now


async def test_the_10_percent_heading_agrees_with_the_load_line(
    store: Store, clock: FakeClock
) -> None:
    """A build week over its cap weeks ago: the Load line says no recent week is over, and the
    heading says the same (no red 'ease off'), naming the old week by the engine's figure."""
    seed_build(store)
    monday = TODAY - timedelta(days=TODAY.weekday())
    # Two weeks back: a long week far over the cap (by the runner's choice).
    for n in range(3):
        store.add_session(
            RunLog(
                date=monday - timedelta(days=14 - n),
                distance_km=9.0,
                minutes=60.0,
                pain_during=0,
                pain_after=0,
            )
        )
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = DashboardScreen()
        await pilot.app.push_screen(screen)
        for _ in range(100):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if screen.data is not None:
                break
        data = screen.data
        assert data is not None
        over = data.over_cap_weeks
        assert over and over[-1].over_km > 0
        load_line = at_a_glance(data)[2]
        head = " ".join(str(screen.query_one("#load-head", Static).render()).split())
        if "OVER" in load_line:
            assert head.startswith("⚠ 10% RULE")
        else:
            assert head.startswith("✓ No build week in the last two weeks went over")
            assert "ease off" not in head.lower()
        assert wording.plural(len(over), "build week") in head
