"""RunbackApp and make_app: the one factory the CLI and every test use."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from runback_tui.domain.clock import Clock, SystemClock
from runback_tui.paths import stylesheet
from runback_tui.storage.durable import StoreError
from runback_tui.storage.store import Store


class RunbackApp(App[None]):
    """The Runback terminal app."""

    TITLE = "Runback"
    SUB_TITLE = "back to running, without the back pain"
    CSS_PATH = [stylesheet("app.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, store: Store, clock: Clock) -> None:
        super().__init__()
        self.store = store
        """The data file, the only way screens reach it."""
        self.clock = clock
        """Injected time: tests pass a FakeClock."""

    def on_mount(self) -> None:
        """Open the home screen."""
        from runback_tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())


def make_app(store: Store, clock: Clock | None = None, *, speed: float = 1.0) -> RunbackApp:
    """Build the app around a store and a clock."""
    return RunbackApp(store, clock or SystemClock(speed))


def run_tui(path: Path, *, speed: float = 1.0) -> int:
    """Open the TUI on *path*; returns the exit code."""
    import sys

    store = Store(path)
    try:
        store.snapshot()
    except StoreError as error:
        print(f"runback: error: {error}", file=sys.stderr)
        return error.exit_code
    make_app(store, speed=speed).run()
    return 0
