"""RunbackApp and make_app: the one factory the CLI and every test use."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.geometry import Size

from runback_tui.domain.clock import Clock, SystemClock
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.commands import RunbackCommands
from runback_tui.storage import cache
from runback_tui.storage.durable import StoreError

if TYPE_CHECKING:
    from textual.screen import Screen

    from runback_tui.domain.models import Profile
    from runback_tui.screens.home import HomeApp
    from runback_tui.screens.today import Today
    from runback_tui.storage.store import Store


class Destination(NamedTuple):
    """A screen the navigation keys and the command palette open: ``open('<name>')``."""

    module: str
    """The module of the screen, imported when the screen is first opened (never at start)."""
    screen: str
    """The screen's class in *module*."""
    over_home: bool = True
    """Opened on top of home, closing what was above it (never under a running session);
    False: on top of whatever shows."""
    needs_profile: bool = True
    """Only once onboarding has written a profile."""


DESTINATIONS: dict[str, Destination] = {
    "home": Destination("runback_tui.screens.home", "HomeScreen"),
    "checkin": Destination("runback_tui.screens.checkin", "CheckInScreen"),
    "routines": Destination("runback_tui.screens.routines", "RoutinesScreen"),
    "run_session": Destination("runback_tui.screens.run", "RunStartScreen"),
    "dashboard": Destination("runback_tui.screens.dashboard", "DashboardScreen"),
    "profile": Destination("runback_tui.screens.profile", "ProfileScreen"),
    "stop_screen": Destination("runback_tui.screens.stop", "StopScreen"),
    "road_ahead": Destination("runback_tui.screens.road", "RoadAheadScreen"),
    "import_runs": Destination("runback_tui.screens.import_runs", "ImportRunsScreen"),
    "pending_imports": Destination("runback_tui.screens.pending", "PendingRunsScreen"),
    "cue_settings": Destination(
        "runback_tui.screens.settings", "SettingsScreen", over_home=False, needs_profile=False
    ),
    "help": Destination(
        "runback_tui.screens.help", "HelpScreen", over_home=False, needs_profile=False
    ),
}
"""Every navigation destination by name: the one table the keys, the palette and home use.

Opening "home" closes what is above home; opening another shows its screen (see Destination),
unless it is showing already.
"""


class RunbackApp(App[None]):
    """The Runback terminal app."""

    TITLE = "Runback"
    SUB_TITLE = "back to running, without the back pain"
    CSS_PATH = [stylesheet("app.tcss"), stylesheet("home.tcss")]
    """Home's styles too: a screen bringing its own CSS_PATH makes Textual re-parse every
    stylesheet and re-style every widget when it is first pushed (about 4 ms of the start)."""
    COMMANDS = App.COMMANDS | {RunbackCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "open('checkin')", "Check-in", id="checkin"),
        Binding("e", "open('routines')", "Exercises", id="routines"),
        Binding("r", "open('run_session')", "Run", id="run-session"),
        Binding("d", "open('dashboard')", "Dashboard", id="dashboard"),
        Binding("h", "open('home')", "Home", id="home"),
        Binding("question_mark", "open('help')", "Help", key_display="?", id="help"),
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
        self.asked_about_imports = False
        """True once home asked, this run, about imported runs waiting for their pain."""
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

    def data_version(self) -> tuple[int, ...] | None:
        """A token that changes whenever any process writes the file (a stat, no parsing)."""
        if self._store is None:
            return cache.file_version(self.data_path)
        return self._store.data_version()

    def on_mount(self) -> None:
        """Open onboarding without a profile, else the home screen."""
        from runback_tui.screens.home import HomeScreen
        from runback_tui.sessions.lifecycle import install_session_signal_handlers

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
            # Imported here: the resume screen needs the records (pydantic), which a start
            # from home's cached view loads only after the first frame.
            from runback_tui.screens.resume import offer_unfinished_session

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
        cache.remember(self.data_path, digest, plans={today.date.isoformat(): plan}, home=views)

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
        """Hide what cannot be done now: see can_open; back needs somewhere to go."""
        if action == "open":
            return self.can_open(str(parameters[0]))
        if action == "back":
            return len(self.screen_stack) > 2
        return True

    def can_open(self, name: str) -> bool:
        """Whether destination *name* can be opened: it is not showing, and any profile it
        needs exists."""
        destination = DESTINATIONS[name]
        if destination.needs_profile and not self.has_profile():
            return False
        return not self._showing(destination)

    def opens_now(self, name: str, screen: Screen[Any] | None = None) -> bool:
        """Whether destination *name*'s key would open it from *screen* (the current screen
        by default): any profile it needs exists, it is not showing, and it would not close
        a running session.  The command palette offers exactly these."""
        destination = DESTINATIONS[name]
        if destination.needs_profile and not self.has_profile():
            return False
        if self._showing(destination, screen):
            return False
        return not (destination.over_home and self._session_running())

    def _session_running(self) -> bool:
        return any(isinstance(s, RunbackScreen) and s.RUNS_SESSION for s in self.screen_stack)

    def _showing(self, destination: Destination, screen: Screen[Any] | None = None) -> bool:
        """True when *screen* (the current one by default) is *destination*'s (or derives
        from it).

        Asked on every footer refresh, so it compares names and imports nothing: the screens'
        modules are imported when first opened (the dashboard's charts cost ~30 ms).
        """
        shown = self.screen if screen is None else screen
        return any(
            cls.__module__ == destination.module and cls.__name__ == destination.screen
            for cls in type(shown).__mro__
        )

    def action_open(self, name: str) -> None:
        """The navigation keys' action: open destination *name*."""
        self.open_screen(name)

    def open_screen(self, name: str) -> None:
        """Open destination *name* (DESTINATIONS), when can_open allows it."""
        if not self.can_open(name):
            return
        destination = DESTINATIONS[name]
        if destination.over_home:
            if self._session_running():
                self.notify("A session is running: press escape on it to end it first.")
                return
            while len(self.screen_stack) > 2 and not self._showing(DESTINATIONS["home"]):
                self.pop_screen()
            if name == "home":
                return
        screen_class = getattr(import_module(destination.module), destination.screen)
        self.push_screen(screen_class())

    def replace_with_routine(self, routine_id: str) -> None:
        """Replace the current screen with a guided session of the routine *routine_id*."""
        from runback_tui.domain.timeline import build_routine_timeline
        from runback_tui.screens.session import RoutineSessionScreen, replace_screen

        timeline = build_routine_timeline(routine_id)
        replace_screen(self, RoutineSessionScreen(timeline, routine_id))

    async def action_back(self) -> None:
        """Close the current screen (never home or onboarding)."""
        if len(self.screen_stack) > 2:
            await self.pop_screen()


def make_app(
    store: Store | None,
    clock: Clock | None = None,
    *,
    data_path: Path | None = None,
    home_view: dict[str, Any] | None = None,
    speed: float = 1.0,
    blink_cursor: bool = True,
    animations: bool = True,
) -> RunbackApp:
    """Build the app (the only place one is built): around a loaded *store*, or, with *store*
    None, around *data_path* and the *home_view* cached for it (the store loads after home's
    first frame).  Without a *clock*, the system's, running *speed* times real time."""
    return RunbackApp(
        store,
        clock or SystemClock(speed),
        data_path=data_path,
        home_view=home_view,
        blink_cursor=blink_cursor,
        animations=animations,
    )


if TYPE_CHECKING:

    def _provides_what_screens_use(app: RunbackApp) -> HomeApp:
        """Never called: mypy checks here that RunbackApp provides what screens ask of it."""
        return app


def run_tui(path: Path, *, speed: float = 1.0, cached: bool = True) -> int:
    """Open the TUI on *path*; returns the exit code.

    When the sidecar holds home's view for the file exactly as it is (cache.cached checks
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
        valid_view(cache.cached(real, "home", clock.today(), by_stat=True), clock.today())
        if cached
        else None
    )
    # No collector passes until the first frame (start-up allocates much and frees little:
    # about 15 ms saved); RunbackApp.first_frame re-enables it.
    gc.disable()
    try:
        if view is not None:
            follow_real_terminal_size()
            app = make_app(None, clock, data_path=real, home_view=view)
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
