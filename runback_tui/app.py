"""RunbackApp and make_app: the one factory the CLI and every test use."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import Screen

from runback_tui.domain.clock import Clock, SystemClock
from runback_tui.paths import stylesheet
from runback_tui.screens.commands import RunbackCommands
from runback_tui.storage import fastpath
from runback_tui.storage.durable import StoreError

if TYPE_CHECKING:
    from runback_tui.domain.models import Profile
    from runback_tui.screens.today import Today
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
    CSS_PATH = [stylesheet("app.tcss"), stylesheet("home.tcss")]
    """Home's styles too: a screen bringing its own CSS_PATH makes Textual re-parse every
    stylesheet and re-style every widget when it is first pushed (about 4 ms of the start)."""
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
        store: Store | None,
        clock: Clock,
        *,
        data_path: Path | None = None,
        home_view: dict[str, Any] | None = None,
        blink_cursor: bool = True,
        animations: bool = True,
    ) -> None:
        """*store*, or None with *data_path* and the *home_view* cached for that file.

        With a cached view, home's first frame is drawn from it and the Store (pydantic,
        years of records) loads in a worker thread after that frame.
        """
        super().__init__()
        if store is None and (data_path is None or home_view is None):
            raise ValueError("RunbackApp needs a store, or a data path and its home view")
        self._store = store
        self._store_lock = threading.Lock()
        self.data_path: Path = store.path if store is not None else Path(str(data_path))
        """The data file's path."""
        self.home_view = home_view
        """Home as cached for the file at start-up, None when the store was loaded first."""
        self._remembered: tuple[str, object] | None = None
        self.manages_collector = False
        """True when run_tui paused the garbage collector for start-up (first_frame resumes)."""
        self._pending_views: tuple[Today, str] | None = None
        self.clock = clock
        """Injected time: tests pass a FakeClock."""
        self.blink_cursor = blink_cursor
        """Whether text cursors blink (off for snapshots and screenshots)."""
        if not animations:
            self.animation_level = "none"

    @property
    def store(self) -> Store:
        """The data file, the only way screens reach it (loaded on first use)."""
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    from runback_tui.storage.store import Store

                    self._store = Store(self.data_path)
        return self._store

    @store.setter
    def store(self, store: Store) -> None:
        self._store = store
        self.data_path = store.path

    def data_version(self) -> tuple[int, int, int] | None:
        """A token that changes whenever any process writes the file (a stat, no parsing)."""
        if self._store is None:
            return fastpath.file_version(self.data_path)
        return self._store.data_version()

    def on_mount(self) -> None:
        """Open onboarding without a profile, else the home screen."""
        from runback_tui.screens.home import HomeScreen
        from runback_tui.sessions.lifecycle import (
            install_session_signal_handlers,
            offer_unfinished_session,
        )

        if self.home_view is not None:
            # The view exists only for a file with a profile and no session under way.
            self.push_screen(HomeScreen(self.home_view))
        elif self.current_profile():
            self.push_screen(HomeScreen())
        else:
            from runback_tui.screens.onboarding import OnboardingScreen

            self.push_screen(OnboardingScreen())
        install_session_signal_handlers(self)
        if self.home_view is None and self.current_profile() is not None:
            offer_unfinished_session(self)
        self.screen_change_signal.subscribe(self, self._check_size)
        self.call_after_refresh(self.first_frame)

    def first_frame(self) -> None:
        """After the first frame: resume the collector paused by run_tui.

        What start-up built (and the records, when loaded first) lives as long as the app:
        frozen, the collector's full passes never walk it again.
        """
        if self.manages_collector and not gc.isenabled():
            gc.freeze()
            gc.enable()

    def load_in_background(self) -> None:
        """Load the store and today's plan in a worker thread (after home's first frame)."""
        self.run_worker(self._load, thread=True, group="load", exit_on_error=False)

    def _load(self) -> None:
        """Worker: validate the file and plan today, then redraw home from what was read."""
        from runback_tui.screens.today import try_load_today

        try_load_today(self)
        self.call_from_thread(self._loaded)

    def _loaded(self) -> None:
        """The store is loaded: redraw home from it (same view, or a newer one)."""
        from runback_tui.screens.home import HomeScreen

        if self.manages_collector:
            gc.freeze()  # years of records: keep them out of the collector's full passes
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_from_store()
        self.data_loaded()

    def warm_up(self) -> None:
        """While home is idle, do in a worker thread what the next steps will need.

        That is: compute the dashboard's aggregates, which are cached per file version and
        date, so the first press of d finds them ready; then keep home's views for this file
        version in the sidecar (see remember_views).  settled() is called when done.
        """
        self.run_worker(self._warm_up, thread=True, group="warm", exclusive=True,
                        exit_on_error=False)  # fmt: skip

    def _warm_up(self) -> None:
        """Worker: the dashboard's data (the next key may be d), then the views ahead."""
        from runback_tui.screens.dashboard import dashboard_data

        with contextlib.suppress(StoreError):  # the dashboard says why when it is opened
            dashboard_data(self)
        pending, self._pending_views = self._pending_views, None
        if pending is not None:
            self._remember(*pending)
        self.call_from_thread(self.settled)

    def settled(self) -> None:
        """Called when a warm-up is done (a hook for the benchmark)."""

    def data_loaded(self) -> None:
        """Called once the background load is done (a hook for the benchmark and tests)."""

    def remember_views(self, today: Today) -> None:
        """Keep home's views and today's plan for this file version in the sidecar.

        Done by the next warm_up, off the event loop.  The next start (tomorrow's too) then
        draws home without loading anything first.
        """
        if today.digest is None or today.session_under_way:
            return  # with a session under way the next start must load, to offer resuming it
        key = (today.digest, today.date)
        if self._remembered != key:
            self._remembered = key
            self._pending_views = (today, today.digest)

    def _remember(self, today: Today, digest: str) -> None:
        """Compute the views ahead and write them into the sidecar (in a worker)."""
        import json

        from runback_tui.screens.homeview import views_ahead

        views = views_ahead(today)
        plan = json.dumps(today.plan.to_json(), ensure_ascii=False)
        fastpath.remember(self.data_path, digest, plans={today.date.isoformat(): plan}, home=views)

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

    def has_profile(self) -> bool:
        """True once onboarding wrote a profile (known without loading for a cached home)."""
        if self._store is None and self.home_view is not None:
            return True
        return self.current_profile() is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what cannot be done yet: screens need a profile; back needs somewhere to go."""
        if action in NEEDS_PROFILE and not self.has_profile():
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
        # A worker thread may be importing it right now: then the class may not exist yet.
        screen_class = getattr(loaded, name, None)
        return screen_class is not None and isinstance(self.screen, screen_class)

    def action_home(self) -> None:
        """Go back to the home screen."""
        from runback_tui.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def _open(self, screen: Screen[None]) -> None:
        """Show *screen* on top of home, replacing any other screen above home."""
        session = sys.modules.get("runback_tui.screens.session")  # never imported: none runs
        timer = getattr(session, "TimerScreen", None)
        if timer is not None and any(isinstance(s, timer) for s in self.screen_stack):
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


def run_tui(path: Path, *, speed: float = 1.0, cached: bool = True) -> int:
    """Open the TUI on *path*; returns the exit code.

    When the sidecar holds home's view for the file exactly as it is (fastpath.cached checks
    the digest, or the inode, size and times noted for it), home is drawn from it at once and
    the store loads after the first frame.  Otherwise the file is read and validated first,
    so a bad file still exits 3 before any screen opens.  *cached* False
    (``RUNBACK_FAST_PATH=0``) always loads first.
    """
    from runback_tui.screens.homeview import valid_view
    from runback_tui.screens.too_small import follow_real_terminal_size

    clock = SystemClock(speed)
    real = Path(os.path.realpath(path))
    view = (
        valid_view(fastpath.cached(real, "home", clock.today(), by_stat=True), clock.today())
        if cached
        else None
    )
    # No collector passes until the first frame (start-up allocates much and frees little:
    # about 15 ms saved); RunbackApp.first_frame re-enables it.
    gc.disable()
    try:
        if view is not None:
            follow_real_terminal_size()
            app = RunbackApp(None, clock, data_path=real, home_view=view)
        else:
            from runback_tui.storage.store import Store

            store = Store(path)
            try:
                store.snapshot()
            except StoreError as error:
                print(f"runback: error: {error}", file=sys.stderr)
                return error.exit_code
            follow_real_terminal_size()
            app = make_app(store, clock)
        app.manages_collector = True
        app.run()
    finally:
        gc.enable()
    return 0
