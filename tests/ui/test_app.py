"""The app shell: one navigation table behind the keys, the palette and home; one factory."""

from __future__ import annotations

import ast
import re
from importlib import import_module
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.screen import Screen

from runback_tui.app import DESTINATIONS, RunbackApp
from runback_tui.domain.clock import FakeClock
from runback_tui.screens.dashboard import DashboardScreen
from runback_tui.screens.help import HelpScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.routines import RoutinesScreen
from runback_tui.screens.session import TimerScreen
from runback_tui.screens.settings import SettingsScreen
from runback_tui.storage.store import Store
from tests.ui.fixtures import seed_movement
from tests.ui.session_helpers import SIZE, app_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", DESTINATIONS)
def test_every_destination_names_a_screen_class(name: str) -> None:
    destination = DESTINATIONS[name]
    screen_class = getattr(import_module(destination.module), destination.screen)
    assert issubclass(screen_class, Screen)


def test_every_navigation_key_opens_a_destination() -> None:
    opened = {}
    for binding in RunbackApp.BINDINGS:
        assert isinstance(binding, Binding)
        found = re.fullmatch(r"open\('(\w+)'\)", binding.action)
        if found:
            opened[binding.key] = found.group(1)
    assert opened == {
        "c": "checkin",
        "e": "routines",
        "r": "run_session",
        "d": "dashboard",
        "h": "home",
        "question_mark": "help",
    }
    assert set(opened.values()) <= set(DESTINATIONS)


def test_make_app_is_the_only_way_an_app_is_built() -> None:
    """No module and no test calls RunbackApp(...) itself: only make_app does."""
    builders = []
    for folder in ("runback_tui", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text())
            for function in ast.walk(tree):
                if not isinstance(function, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                name = getattr(function, "name", "<module>")
                for node in _own_nodes(function):
                    if isinstance(node, ast.Call) and _called_name(node.func) == "RunbackApp":
                        builders.append(f"{path.relative_to(ROOT)}:{name}")
    assert builders == ["runback_tui/app.py:make_app"]


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of *scope*, leaving out those of the functions defined in it."""
    nodes, todo = [], list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            nodes.append(node)
            todo.extend(ast.iter_child_nodes(node))
    return nodes


def _called_name(func: ast.expr) -> str | None:
    """The name a call calls (``RunbackApp`` for ``RunbackApp(...)`` and ``app.RunbackApp(...)``)."""
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


async def test_a_destination_showing_is_not_opened_again(store: Store, clock: FakeClock) -> None:
    """Its key is off while it shows; from another screen, its key closes that one first."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and not app.can_open("home")
        await pilot.press("d")
        await pilot.pause()
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen) and not app.can_open("dashboard")
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is dashboard and len(app.screen_stack) == 3
        await pilot.press("e")  # the routines replace the dashboard on top of home
        await pilot.pause()
        assert isinstance(app.screen, RoutinesScreen) and len(app.screen_stack) == 3
        await pilot.press("question_mark")  # help opens on top of what shows
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and len(app.screen_stack) == 4
        app.open_screen("cue_settings")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and len(app.screen_stack) == 5
        app.open_screen("home")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2


async def test_no_destination_closes_a_running_session(store: Store, clock: FakeClock) -> None:
    """The palette's entries too: a session ends with escape on its own screen, nowhere else."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "enter")  # the first routine starts
        await pilot.pause()
        session = app.screen
        assert isinstance(session, TimerScreen)
        for name in ("home", "dashboard", "checkin"):
            await app.run_action(f"open({name!r})")
            await pilot.pause()
            assert app.screen is session
        await app.run_action("open('help')")  # help only covers it
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and session in app.screen_stack
