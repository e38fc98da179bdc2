"""RunbackApp and make_app: the one factory the CLI and every test use."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import Screen

from runback_tui.domain.clock import Clock, SystemClock
from runback_tui.domain.models import Profile
from runback_tui.paths import stylesheet
from runback_tui.screens.commands import RunbackCommands
from runback_tui.storage.durable import StoreError
from runback_tui.storage.store import Store

_SCREEN_OF_ACTION = {
    "home": ("runback_tui.screens.home", "HomeScreen"),
    "checkin": ("runback_tui.screens.checkin", "CheckInScreen"),
    "dashboard": ("runback_tui.screens.dashboard", "DashboardScreen"),
    "help": ("runback_tui.screens.help", "HelpScreen"),
    "routines": ("runback_tui.screens.routines", "RoutinesScreen"),
    "run_session": ("runback_tui.screens.run", "RunStartScreen"),
}
"""The screen each navigation action opens, by module and class name."""

NEEDS_PROFILE = frozenset(
    {"checkin", "dashboard", "home", "profile", "stop_screen", "routines", "run_session"}
)
"""Actions that only make sense once onboarding has written a profile."""


class RunbackApp(App[None]):
    """The Runback terminal app."""

    TITLE = "Runback"
    SUB_TITLE = "back to running, without the back pain"
    CSS_PATH = [stylesheet("app.tcss")]
    COMMANDS = App.COMMANDS | {RunbackCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "checkin", "Check-in", id="checkin"),
        Binding("e", "routines", "Exercises", id="routines"),
        Binding("r", "run_session", "Run", id="run-session"),
        Binding("d", "dashboard", "Dashboard", id="dashboard"),
        Binding("h", "home", "Home", id="home"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("escape", "back", "Back", id="back"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        blink_cursor: bool = True,
        animations: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        """The data file, the only way screens reach it."""
        self.clock = clock
        """Injected time: tests pass a FakeClock."""
        self.blink_cursor = blink_cursor
        """Whether text cursors blink (off for snapshots and screenshots)."""
        if not animations:
            self.animation_level = "none"

    def on_mount(self) -> None:
        """Open onboarding without a profile, else the home screen."""
        from runback_tui.screens.home import HomeScreen
        from runback_tui.screens.onboarding import OnboardingScreen

        self.push_screen(HomeScreen() if self.current_profile() else OnboardingScreen())
        from runback_tui.sessions.lifecycle import (
            install_session_signal_handlers,
            offer_unfinished_session,
        )

        install_session_signal_handlers(self)
        if self.current_profile() is not None:
            offer_unfinished_session(self)
        self.screen_change_signal.subscribe(self, self._check_size)

    def on_resize(self, event: events.Resize) -> None:
        """Cover the screen with 'make the window larger' while the terminal is too small."""
        self._check_size(size=event.size)

    def _check_size(self, _screen: object = None, size: Size | None = None) -> None:
        """Show or remove the too-small notice on the current screen."""
        from runback_tui.screens.too_small import sync_too_small

        sync_too_small(self, size)

    def current_profile(self) -> Profile | None:
        """The stored profile, None before onboarding or when the file cannot be read."""
        try:
            return self.store.profile()
        except StoreError:
            return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what cannot be done yet: screens need a profile; back needs somewhere to go."""
        if action in NEEDS_PROFILE and self.current_profile() is None:
            return False
        if action in _SCREEN_OF_ACTION:
            return not self._showing(*_SCREEN_OF_ACTION[action])
        if action == "back":
            return len(self.screen_stack) > 2
        return True

    def _showing(self, module: str, name: str) -> bool:
        """True when the current screen is *module*.*name*.

        Asked on every footer refresh: a screen module that was never imported cannot be
        showing, so this never imports one (the dashboard's charts cost ~30 ms at start-up).
        """
        loaded = sys.modules.get(module)
        return loaded is not None and isinstance(self.screen, getattr(loaded, name))

    def action_home(self) -> None:
        """Go back to the home screen."""
        from runback_tui.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def _open(self, screen: Screen[None]) -> None:
        """Show *screen* on top of home, replacing any other screen above home."""
        session = sys.modules.get("runback_tui.screens.session")  # never imported: none runs
        if session is not None and any(
            isinstance(s, session.TimerScreen) for s in self.screen_stack
        ):
            self.notify("A session is running: press escape on it to end it first.")
            return
        self.action_home()
        self.push_screen(screen)

    def action_checkin(self) -> None:
        """Open today's check-in."""
        from runback_tui.screens.checkin import CheckInScreen

        if not isinstance(self.screen, CheckInScreen):
            self._open(CheckInScreen())

    def action_dashboard(self) -> None:
        """Open the progress dashboard."""
        from runback_tui.screens.dashboard import DashboardScreen

        if not isinstance(self.screen, DashboardScreen):
            self._open(DashboardScreen())

    def action_routines(self) -> None:
        """Open the routine picker."""
        from runback_tui.screens.routines import RoutinesScreen

        if not isinstance(self.screen, RoutinesScreen):
            self._open(RoutinesScreen())

    def action_run_session(self) -> None:
        """Open the run screen."""
        from runback_tui.screens.run import RunStartScreen

        if not isinstance(self.screen, RunStartScreen):
            self._open(RunStartScreen())

    def action_cue_settings(self) -> None:
        """Open the session cue settings."""
        from runback_tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def action_profile(self) -> None:
        """Open the profile."""
        from runback_tui.screens.profile import ProfileScreen

        if not isinstance(self.screen, ProfileScreen):
            self._open(ProfileScreen())

    def action_stop_screen(self) -> None:
        """Open the red-flag stop screen (and its clearance)."""
        from runback_tui.screens.stop import StopScreen

        if not isinstance(self.screen, StopScreen):
            self._open(StopScreen())

    def action_help(self) -> None:
        """Open the help screen."""
        from runback_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_back(self) -> None:
        """Close the current screen (never home or onboarding)."""
        if len(self.screen_stack) > 2:
            await self.pop_screen()


def make_app(
    store: Store,
    clock: Clock | None = None,
    *,
    speed: float = 1.0,
    blink_cursor: bool = True,
    animations: bool = True,
) -> RunbackApp:
    """Build the app around a store and a clock."""
    return RunbackApp(
        store, clock or SystemClock(speed), blink_cursor=blink_cursor, animations=animations
    )


def run_tui(path: Path, *, speed: float = 1.0) -> int:
    """Open the TUI on *path*; returns the exit code."""
    store = Store(path)
    gc.disable()
    try:
        store.snapshot()
    except StoreError as error:
        print(f"runback: error: {error}", file=sys.stderr)
        return error.exit_code
    finally:
        # Years of records live as long as the app: move them out of the collector's way, so
        # its full passes (pauses a frame can feel) never walk them again.
        gc.freeze()
        gc.enable()
    from runback_tui.screens.too_small import follow_real_terminal_size

    follow_real_terminal_size()
    make_app(store, speed=speed).run()
    return 0
