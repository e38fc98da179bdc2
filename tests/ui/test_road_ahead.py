"""The road ahead in the TUI (issue 19 part 2): `a` on home opens today's plan and the engine's
projection, labelled as one, recomputed after a log."""

from __future__ import annotations

from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import RunWalkLog
from runback_tui.screens.road import RoadAheadScreen
from runback_tui.storage.store import Store
from runback_tui.widgets.live import LiveData
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import TODAY, seed_paused, seed_run_walk
from tests.ui.session_helpers import app_for, settle


async def test_home_opens_the_road_ahead_with_today_first_then_projected_days(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, RoadAheadScreen)
        text = screen_text(app)
        assert "a projection" in text
        assert "If your back stays quiet: stage 2 on the 23rd" in text
        assert f"{TODAY:%a %d %b}  today: phase 2, stage 1" in text
        assert "projected: phase 2, stage 2" in text


async def test_the_road_ahead_is_recomputed_after_a_log(store: Store, clock: FakeClock) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(RoadAheadScreen())
        await settle(pilot)
        assert "stage 2 on the 23rd" in screen_text(app)
        store.add_session(  # today's stage 1, stopped early: the stage repeats
            RunWalkLog(
                date=TODAY,
                stage=1,
                completed=False,
                repeats_done=3,
                pain_during=2,
                pain_after=2,
            )
        )
        app.screen.query_one(LiveData).poll()
        await settle(pilot)
        text = screen_text(app)
        assert "stage 2 on the 23rd" not in text
        assert "stage 2 on the 25th" in text


async def test_paused_the_road_ahead_projects_nothing(store: Store, clock: FakeClock) -> None:
    seed_paused(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(RoadAheadScreen())
        await settle(pilot)
        text = screen_text(app)
        assert "projected:" not in text
        assert "clearance" in text
