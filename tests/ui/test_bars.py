"""The title bar and key bar (widgets/bars.py) that replace Textual's Header and Footer: the
keys shown follow the screen's bindings, whole keys give way when room is short (never `?`
Help or the palette's key), a click presses a key, an unavailable key rings the bell, titles
repaint, and home keeps its panels when it changes between one and two columns.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widget import Widget

from runback_tui.domain.clock import FakeClock
from runback_tui.screens.dashboard import DashboardScreen
from runback_tui.screens.help import HelpScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.storage.store import Store
from runback_tui.widgets.bars import KeyBar, TitleBar
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import NOW, seed_build, seed_paused
from tests.ui.screens_at_sizes import footer_expectation, footer_problems
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
        assert keys.endswith(" ? Help  ^p Palette ")  # kept at the right
        bar = app.screen.query_one(KeyBar)
        start = keys.index(" d Dashboard ")
        await pilot.click(KeyBar, offset=(start + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert bar is not app.screen.query_one(KeyBar)  # each screen has its own bar


class Field(Widget, can_focus=True):
    """A focused field with a key of its own (a hint, as a form's answers have)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle", "Change answer")]


class ManyKeys(Screen[None]):
    """A screen with keys of its own, one of them unavailable when *dim_bookmark*, and a
    focused field with one more."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "note", "Add a note"),
        Binding("b", "bookmark", "Bookmark"),
        Binding("x", "export", "Export"),
    ]
    dim_bookmark = False

    def compose(self) -> ComposeResult:
        yield Field()
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "bookmark" and self.dim_bookmark else True


class ManyKeysApp(App[None]):
    """An app with Runback's kinds of keys: navigation, help, back and quit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "open('checkin')", "Check-in"),
        Binding("e", "open('routines')", "Exercises"),
        Binding("r", "open('run_session')", "Run"),
        Binding("d", "open('dashboard')", "Dashboard"),
        Binding("h", "open('home')", "Home"),
        Binding("question_mark", "open('help')", "Help", key_display="?"),
        Binding("escape", "back", "Back"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(ManyKeys())

    def action_open(self, name: str) -> None:
        self.opened.append(name)


def assert_whole(app: App[Any]) -> list[str]:
    """The keys on the key bar, after checking each is whole (its click span too) and that
    `?` and ^p are there."""
    line = bar_text(app)
    items = footer_expectation(app)
    assert items is not None
    assert footer_problems(line, items, app.size.width) == []
    shown = [line[key.start : key.end].strip() for key in app.screen.query_one(KeyBar)._keys]
    assert set(shown) <= {item.label for item in items}, shown
    return shown


async def test_at_80_columns_whole_keys_give_way_but_never_help_or_the_palette() -> None:
    app = ManyKeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # navigation gives way first, then the field's key; the screen's own, back and quit stay
        assert assert_whole(app) == [
            *("a Add a note", "b Bookmark", "x Export", "esc Back", "q Quit"),
            *("? Help", "^p Palette"),
        ]
        assert bar_text(app).endswith("▏ ? Help  ^p Palette ")
        screen = app.screen
        assert isinstance(screen, ManyKeys)
        screen.dim_bookmark = True  # an unavailable key gives way before any other
        screen.refresh_bindings()
        await pilot.pause()
        assert assert_whole(app) == [
            *("a Add a note", "x Export", "c Check-in", "esc Back", "q Quit"),
            *("? Help", "^p Palette"),
        ]


async def test_with_room_every_key_shows_in_the_screens_order() -> None:
    app = ManyKeysApp()
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        assert assert_whole(app) == [
            *("space Change answer", "a Add a note", "b Bookmark", "x Export"),
            *("c Check-in", "e Exercises", "r Run", "d Dashboard", "h Home"),
            *("esc Back", "q Quit", "? Help", "^p Palette"),
        ]
        assert bar_text(app).endswith("▏ ? Help  ^p Palette ")


async def test_the_kept_keys_are_clicked_like_any_other() -> None:
    app = ManyKeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = bar_text(app)
        await pilot.click(KeyBar, offset=(line.index("? Help") + 1, 0))
        await pilot.pause()
        assert app.opened == ["help"]
        await pilot.click(KeyBar, offset=(line.index("^p Palette") + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_home_at_80_columns_shows_help_and_the_palette(store: Store) -> None:
    seed_build(store)
    app = app_for(store, FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = assert_whole(app)
        assert "q Quit" in shown and shown[-2:] == ["? Help", "^p Palette"]
        # Home's main keys are the app's navigation: its own spare keys give way first.
        assert {"c Check-in", "e Exercises", "r Run", "d Dashboard"} <= set(shown)
        assert "a Road ahead" not in shown
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = assert_whole(app)  # help's own key is not offered on help
        assert "? Help" not in shown and shown[-1] == "^p Palette"


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
