"""The title bar and key bar (widgets/bars.py) that replace Textual's Header and Footer: the
keys shown follow the screen's bindings, a click presses a key, an unavailable key rings the
bell, titles repaint, and home keeps its panels when it changes between one and two columns.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from runback_tui.domain.clock import FakeClock
from runback_tui.screens.dashboard import DashboardScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.storage.store import Store
from runback_tui.widgets.bars import KeyBar, TitleBar
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import NOW, seed_build, seed_paused
from tests.ui.session_helpers import app_for


def bar_text(app: App[Any]) -> str:
    """The key bar's line as drawn now."""
    return app.screen.query_one(KeyBar).render().plain


def title_text(app: App[Any]) -> str:
    """The title bar's line as drawn now."""
    return app.screen.query_one(TitleBar).render().plain


async def test_keys_follow_the_screen_and_a_click_presses_one(store: Store) -> None:
    seed_build(store)
    app = app_for(store, FakeClock(NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        keys = bar_text(app)
        assert " c Check-in " in keys and " d Dashboard " in keys and " q Quit " in keys
        assert " s STOP" not in keys  # offered only while the plan is paused
        assert keys.rstrip().endswith("^p palette")  # room for the palette's key at 100 cells
        bar = app.screen.query_one(KeyBar)
        start = keys.index(" d Dashboard ")
        await pilot.click(KeyBar, offset=(start + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert bar is not app.screen.query_one(KeyBar)  # each screen has its own bar


async def test_without_room_the_palette_key_gives_way(store: Store) -> None:
    seed_build(store)
    app = app_for(store, FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = bar_text(app)
        assert " q Quit " in keys and "palette" not in keys


async def test_a_paused_plan_offers_the_stop_screen(store: Store) -> None:
    seed_paused(store)
    app = app_for(store, FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert " s STOP: what to do " in bar_text(app)


async def test_an_unavailable_key_rings_the_bell(store: Store) -> None:
    seed_build(store)
    app = app_for(store, FakeClock(NOW))
    rings: list[bool] = []
    app.bell = lambda: rings.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        bar._keys = [key._replace(enabled=False) for key in bar._keys]
        await pilot.click(KeyBar, offset=(bar._keys[0].start + 1, 0))
        await pilot.pause()
        assert rings == [True]
        assert isinstance(app.screen, HomeScreen)


async def test_the_title_bar_follows_title_changes(store: Store) -> None:
    seed_build(store)
    app = app_for(store, FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Runback — back to running" in title_text(app)
        app.sub_title = "DEMO"
        await pilot.pause()
        assert title_text(app).split() == ["⭘", "Runback", "—", "DEMO"]


async def test_home_keeps_its_panels_between_one_and_two_columns(store: Store) -> None:
    seed_build(store)
    app = app_for(store, FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen) and not home.query("#home-columns")
        narrow = screen_text(app)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert home.query("#home-columns") and home.query_one("#home-left #home-plan")
        wide = screen_text(app)
        assert "Today's plan, in order" in wide and "Warnings and advisories" in wide
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not home.query("#home-columns")
        assert screen_text(app) == narrow
