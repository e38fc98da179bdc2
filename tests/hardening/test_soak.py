"""A 30-day soak through the UI on a FakeClock: every day a check-in (keys only), the day's
first suggested routine driven to its end, and a run session whenever the plan has one, its
summary saved.  The test keeps its own record of what was entered; at the end the data file
(parsed as plain JSON, not through the app) must hold exactly that: nothing missing, nothing
doubled.  Tempo reps (a saved setting) let the clock finish routines without `enter` per rep.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import pytest
from textual.widgets import OptionList

from runback_tui.app import RunbackApp
from runback_tui.domain.clock import FakeClock, aware
from runback_tui.domain.models import Profile, Settings, Shoe
from runback_tui.domain.protocol import plan_for
from runback_tui.screens.checkin import CheckInScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.routines import RoutinesScreen
from runback_tui.screens.run import RunSessionScreen, RunStartScreen
from runback_tui.screens.session import RoutineSessionScreen
from runback_tui.screens.summary import RoutineSummaryScreen, RunSummaryScreen
from runback_tui.storage.store import Store
from tests.ui.session_helpers import SIZE, app_for, settle, step, timer_screen

pytestmark = pytest.mark.slow

DAYS = int(__import__("os").environ.get("SOAK_DAYS", "30"))
START = date(2026, 11, 1)
MORNING = timedelta(hours=7, minutes=30)


def pains_for(day_number: int) -> tuple[int, int]:
    """(check-in pain, session pain) of a day: low, varied, never a flare."""
    return day_number % 2, (day_number // 2) % 2


async def check_in(pilot: Any, app: RunbackApp, pain: int, note: str) -> None:
    """c, the pain digit, the gates answered Yes when asked, the note when given, ctrl+s.

    Every key is a real key press; focus moves the way a user moves it (shift+tab from the
    pain scale goes round by the buttons to the note).
    """
    await pilot.press("c")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, CheckInScreen)
    await pilot.press(str(pain))
    if form.query("#gate-walked"):
        await pilot.press("tab", "tab", "tab", "tab", "tab", "tab")  # stiffness, five red flags
        await pilot.press("tab", "y", "tab", "y")  # the two gates: Yes
    if note:
        # The form itself, cancel, save, then the note.
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab", *note)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, HomeScreen), "check-in not saved"


async def do_routine(pilot: Any, app: RunbackApp, clock: FakeClock, pain: int) -> str:
    """e, enter on the suggested routine, let the clock finish it, save the summary."""
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, RoutinesScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = timer_screen(app)
    assert isinstance(screen, RoutineSessionScreen)
    assert not screen.controller.manual_reps  # tempo reps: the clock alone finishes it
    step(app, clock, 1)
    step(app, clock, screen.timeline.total_s)
    await pilot.pause()
    await pilot.pause()
    summary = await summary_shown(pilot, RoutineSummaryScreen)
    assert summary.result.completed
    await pilot.press(str(pain), "tab", str(pain), "enter")
    await settle(pilot)
    assert summary.saved
    await pilot.press("enter")  # close
    await pilot.pause()
    return screen.routine_id


S = TypeVar("S", RoutineSummaryScreen, RunSummaryScreen)


async def summary_shown(pilot: Any, kind: type[S]) -> S:
    """The summary that replaced the session screen, once it is composed (keys pressed before
    would reach a screen still being built; under load that takes more than a pause or two)."""
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, kind) and screen.is_mounted and screen.query("#summary-message"):
            return screen
        await pilot.pause(0.01)
    raise AssertionError(f"no {kind.__name__} on screen, but {pilot.app.screen!r}")


async def do_run(
    pilot: Any, app: RunbackApp, clock: FakeClock, pain: int, distance: str
) -> tuple[str, int | None] | None:
    """When today's plan has a run session: r, enter, let the clock finish it, save the summary.

    Whether it has one is asked of the plan engine (cheaper than opening the run screen on
    every rest day); the run screen must then offer it first.
    """
    snapshot = app.store.snapshot()
    assert snapshot.profile is not None
    plan = plan_for(snapshot.profile, snapshot.history, clock.today())
    if plan.stage is None and "run" not in plan.activities:
        return None
    await pilot.press("r")
    await pilot.pause()
    assert isinstance(app.screen, RunStartScreen)
    highlighted = app.screen.query_one(OptionList).highlighted_option
    assert highlighted is not None and highlighted.id in ("today", "today-run")
    await pilot.press("enter")
    await pilot.pause()
    screen = timer_screen(app)
    assert isinstance(screen, RunSessionScreen)
    step(app, clock, 1)
    step(app, clock, screen.timeline.total_s)
    await pilot.pause()
    await pilot.pause()
    summary = await summary_shown(pilot, RunSummaryScreen)
    await pilot.press(str(pain), "tab", str(pain), "tab", *distance, "enter")
    await settle(pilot)
    assert summary.saved, summary.query_one("#summary-message").render()
    await pilot.press("enter")
    await pilot.pause()
    return screen.spec.kind, screen.spec.stage


async def test_thirty_days_through_the_ui_land_exactly_once(store: Store) -> None:
    store.save_profile(Profile(start_date=START, accepted_disclaimer=True))
    store.add_shoe(Shoe(name="Daily", start_distance_km=0.0, added=START))
    store.save_settings(Settings(tempo_reps=True))
    clock = FakeClock(datetime.combine(START, datetime.min.time()) + MORNING)
    app = app_for(store, clock)
    checkins: dict[str, tuple[int, str]] = {}
    routines: Counter[tuple[str, str, int]] = Counter()
    runs: Counter[tuple[str, str, int | None, int, float]] = Counter()
    async with app.run_test(size=SIZE) as pilot:
        for number in range(1, DAYS + 1):
            day = START + timedelta(days=number - 1)
            if number > 1:  # overnight: both clocks move on to 07:30
                target = datetime.combine(day, datetime.min.time()) + MORNING
                clock.advance((aware(target) - clock.now()).total_seconds())
            checkin_pain, session_pain = pains_for(number)
            note = f"d{number}" if number % 5 == 1 else ""  # a typed note every fifth day
            await check_in(pilot, app, checkin_pain, note)
            checkins[day.isoformat()] = (checkin_pain, note)
            routine_id = await do_routine(pilot, app, clock, session_pain)
            routines[(day.isoformat(), routine_id, session_pain)] += 1
            distance = f"{2 + number / 10:.1f}"
            ran = await do_run(pilot, app, clock, session_pain, distance)
            if ran is not None:
                kind, stage = ran
                runs[(day.isoformat(), kind, stage, session_pain, float(distance))] += 1
            assert app._exception is None
    # The file, read as plain JSON: exactly what was entered, once each.
    tables = json.loads(store.path.read_text(encoding="utf-8"))
    stored_checkins = {
        doc["date"]: (doc["pain"], doc["note"]) for doc in tables["checkins"].values()
    }
    assert len(tables["checkins"]) == DAYS
    assert stored_checkins == checkins
    assert not tables.get("checkin_edits")  # no check-in was saved twice
    sessions = list(tables["sessions"].values())
    stored_routines = Counter(
        (s["date"], s["routine_id"], s["pain_after"]) for s in sessions if s["kind"] == "routine"
    )
    assert stored_routines == routines
    stored_runs = Counter(
        (s["date"], s["kind"], s.get("stage"), s["pain_after"], s["distance_km"])
        for s in sessions
        if s["kind"] in ("run_walk", "run")
    )
    assert stored_runs == runs
    assert len(sessions) == sum(routines.values()) + sum(runs.values())
    assert len({s["id"] for s in sessions}) == len(sessions)
    assert not tables.get("active_session")
    # The plan moved on as the entries say: run sessions started once the gates were met.
    assert runs, "30 days never reached a run session"
    first_run = min(key[0] for key in runs)
    assert first_run > (START + timedelta(days=6)).isoformat()
