"""Imported runs waiting for their pain (issue 19): the TUI asks at the next start ("2 runs
imported — how did your back feel?"), logs each run answered, drops one that is not the
runner's, and says on home, the dashboard and the report what is still not counted."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from textual.widgets import Input

from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import RunWalkLog
from runback_tui.domain.report import report_markdown
from runback_tui.screens.dashboard import DashboardScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.import_runs import ImportRunsScreen
from runback_tui.screens.pending import PendingRunsScreen
from runback_tui.storage.store import Store
from runback_tui.widgets.confirm import ConfirmDialog
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import days_ago, pending_run, seed_pending, seed_run_walk
from tests.ui.session_helpers import app_for, settle
from tests.unit.test_import import NOON, STAGE2_DONE, fit


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_the_next_start_asks_and_logs_each_run_answered(
    store: Store, clock: FakeClock
) -> None:
    seed_pending(store)
    first, second = store.snapshot().pending_imports
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PendingRunsScreen)
        text = flat(screen_text(app))
        assert "2 runs imported — how did your back feel?" in text
        assert "run-walk stage 1, completed" in text and "count for nothing" in text
        await pilot.press("enter")  # nothing set: says so, logs nothing
        await settle(pilot)
        assert "Set pain during and pain after for a run first" in flat(screen_text(app))
        await pilot.press("1", "tab", "2", "enter")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Logged 1 run:" in text and "1 run still waiting" in text
        assert "1 run imported — how did your back feel?" in text
        (log,) = store.history().sessions
        assert isinstance(log, RunWalkLog)
        assert (log.id, log.pain_during, log.pain_after) == (first.id, 1, 2)
        # Logged when the watch logged it (its end), not when the runner answered:
        assert log.logged_at == first.started_at + timedelta(minutes=first.minutes or 0)
        assert [a.id for a in store.snapshot().pending_imports] == [second.id]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "[ ] 1 run imported — how did your back feel? Press i" in flat(screen_text(app))
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # asked once a run, not on every return
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, PendingRunsScreen)
        await pilot.press("0", "tab", "0", "enter")  # the last one: nothing waits any more
        await settle(pilot)
        text = flat(screen_text(app))
        assert "No imported runs are waiting" in text
        assert "count for nothing" not in text  # no longer true
        assert "pain 0/10 during, 0/10 after" in text and "press h for today's plan" in text
        assert "esc Back" in text and "esc Later" not in text and "+1" not in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_flare_pain_gives_the_flare_advice(store: Store, clock: FakeClock) -> None:
    seed_pending(store)
    app = app_for(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5", "tab", "1", "enter")
        await settle(pilot)
        assert "Pain 5/10 is a flare" in flat(screen_text(app))
        assert "Press h for today's plan" in flat(screen_text(app))


async def test_x_drops_the_focused_run_after_asking(store: Store, clock: FakeClock) -> None:
    seed_pending(store)
    first, second = store.snapshot().pending_imports
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "It will not be logged" in flat(screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PendingRunsScreen)
        assert "Dropped" in flat(screen_text(app))
        assert [a.id for a in store.snapshot().pending_imports] == [second.id]
        assert store.history().sessions == []


async def test_a_start_without_pending_runs_does_not_ask(store: Store, clock: FakeClock) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "imported" not in screen_text(app)
        await pilot.press("i")  # offered only while runs wait
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_runs_answered_in_another_terminal_are_not_logged_twice(
    store: Store, clock: FakeClock, data_path: Path
) -> None:
    seed_pending(store)
    first, _second = store.snapshot().pending_imports
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        Store(data_path, now=clock.now).settle_imports({first.id: (0, 0)})  # elsewhere
        await pilot.press("3", "tab", "3", "enter")
        await settle(pilot)
        assert "not logged: already logged (typed in, or answered in another Runback)" in flat(
            screen_text(app)
        )
        (log,) = store.history().sessions
        assert isinstance(log, RunWalkLog)
        assert (log.pain_during, log.pain_after) == (0, 0)


async def test_the_import_screen_keeps_runs_waiting_without_pain(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    seed_run_walk(store)
    good = tmp_path / "stage2.fit"
    good.write_bytes(fit(NOON, STAGE2_DONE))
    app = app_for(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ImportRunsScreen())
        await settle(pilot)
        for char in str(good):
            await pilot.press(char)
        await pilot.press("tab", "3", "enter")  # one pain only: both or neither
        await settle(pilot)
        assert "give both pain during and pain after" in flat(screen_text(app))
        await pilot.press("backspace", "enter")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Kept 1 run waiting for how your back felt:" in text
        assert "Press i to answer now" in text
        assert store.history().sessions == []
        assert not isinstance(app.focused, Input)  # or the `i` offered would be typed into it
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, PendingRunsScreen)
        assert "1 run imported — how did your back feel?" in flat(screen_text(app))


async def test_the_load_panel_shows_pre_program_history_and_waiting_runs(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    start = store.snapshot().profile.start_date  # type: ignore[union-attr]
    before = [pending_run(start.replace(day=start.day - n), stage=None) for n in (3, 5)]
    store.import_activities(pre_program=before, pending=[pending_run(days_ago(0))])
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "d", "4")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        text = flat(screen_text(app))
        assert "Before day 1 (context, not judged): 2 activities, 10.0 km" in text
        assert "1 imported run not counted yet" in text
    snapshot = store.snapshot()
    report = report_markdown(
        snapshot.profile,  # type: ignore[arg-type]
        snapshot.history,
        clock.today(),
        pre_program=snapshot.pre_program,
        pending=len(snapshot.pending_imports),
    )
    assert "Before day 1 (context, not judged): 2 activities, 10.0 km" in report
    assert "1 imported run not counted yet" in report


def test_the_cached_home_view_names_the_waiting_runs(store: Store, clock: FakeClock) -> None:
    """The view kept in the sidecar holds the count, so a start from it asks too."""
    from runback_tui.screens.homeview import build_home_view, valid_view
    from runback_tui.screens.today import load_today

    seed_pending(store)
    app = app_for(store, clock)
    today = load_today(app)
    assert today is not None and today.pending_imports == 2
    view = json.loads(json.dumps(build_home_view(today, None)))
    assert valid_view(view, clock.today()) == view and view["pending_imports"] == 2
    assert valid_view({**view, "pending_imports": "2"}, clock.today()) is None


async def test_each_run_is_as_tall_as_its_scales_on_a_big_terminal(
    store: Store, clock: FakeClock
) -> None:
    """At 120x40 the second run follows the first one's scales (no run stretched to fill)."""
    seed_pending(store)
    app = app_for(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = screen_text(app).splitlines()
        headings = [i for i, row in enumerate(rows) if "· 3.10 km" in row or "· 5.00 km" in row]
        assert len(headings) == 2, rows
        assert headings[1] - headings[0] <= 7, rows  # heading, 2 scales of 2 lines, 2 margins
