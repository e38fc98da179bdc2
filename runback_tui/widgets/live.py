"""Live data: recompute a screen's data when another process writes the data file.

:class:`LiveData` is an invisible widget a screen composes.  Every *interval* seconds it calls
*version* — for a Runback screen ``store.data_version()`` (a ``stat``, cheap) combined with the
clock's date — and only when that token changed it runs *compute* in a thread worker, which
posts :class:`LiveData.Updated` with the result.  The message bubbles to the screen
(``on_live_data_updated``); widgets are only touched there, on the app's thread.  A compute
that fails posts :class:`LiveData.Failed` instead.  Results of a superseded computation are
dropped, so a slow old result never overwrites a newer one.

Usage in a screen::

    def compose(self) -> ComposeResult:
        yield LiveData(self._compute, self._version, id="home-live")

    def _version(self) -> object:
        return (self.app.store.data_version(), self.app.clock.today())

    def _compute(self) -> Today | None:          # runs in a thread: no widget access here
        return load_today(self.app)

    def on_live_data_updated(self, message: LiveData.Updated) -> None:
        self.show(message.value)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

LIVE_POLL_SECONDS = 1.0
"""How often the data file is checked; a change shows within about this long."""


class LiveData(Widget):
    """Polls a version token and recomputes in a thread worker when it changes."""

    DEFAULT_CSS = """
    LiveData {
        display: none;
    }
    """

    class Updated(Message):
        """A fresh result of the compute function."""

        def __init__(self, live: LiveData, value: Any, version: object, generation: int) -> None:
            super().__init__()
            self.live = live
            """The LiveData that computed it."""
            self.value = value
            """The result of the compute function."""
            self.version = version
            """The version token the result was computed for."""
            self.generation = generation
            """Which computation this is (older ones are dropped)."""

        @property
        def control(self) -> LiveData:
            """The LiveData that posted the message."""
            return self.live

    class Failed(Message):
        """The compute function raised."""

        def __init__(self, live: LiveData, error: Exception, generation: int) -> None:
            super().__init__()
            self.live = live
            """The LiveData whose compute failed."""
            self.error = error
            """What it raised."""
            self.generation = generation
            """Which computation this is."""

        @property
        def control(self) -> LiveData:
            """The LiveData that posted the message."""
            return self.live

    def __init__(
        self,
        compute: Callable[[], Any],
        version: Callable[[], object],
        *,
        interval: float = LIVE_POLL_SECONDS,
        id: str | None = None,  # noqa: A002 - Textual's name
    ) -> None:
        super().__init__(id=id)
        self._compute = compute
        self._version = version
        self.interval = interval
        """Seconds between two version checks."""
        self._seen: object = _UNSET
        self._generation = 0
        self.computations = 0
        """How many computations were started (for tests and diagnostics)."""

    def on_mount(self) -> None:
        """Compute once now, then poll."""
        self.set_interval(self.interval, self.poll)
        self.poll()

    def poll(self) -> None:
        """Recompute when the version token changed since the last computation."""
        try:
            version = self._version()
        except Exception:  # noqa: BLE001 - a failing stat is reported by the compute
            version = _UNSET
        if version is _UNSET or version != self._seen:
            self._start(version)

    def _start(self, version: object) -> None:
        self._seen = version
        self._generation += 1
        self.computations += 1
        self._run(version, self._generation)

    @work(thread=True, exclusive=True, group="live-data", exit_on_error=False)
    def _run(self, version: object, generation: int) -> None:
        """Compute in a thread and post the result (never touches widgets)."""
        try:
            value = self._compute()
        except Exception as error:  # noqa: BLE001 - shown by the screen
            if not get_current_worker().is_cancelled:
                self.post_message(self.Failed(self, error, generation))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Updated(self, value, version, generation))

    def _on_live_data_updated(self, message: Updated) -> None:
        """Drop a result that a newer computation superseded (it never reaches the screen)."""
        if message.generation != self._generation:
            message.stop()
            message.prevent_default()

    def _on_live_data_failed(self, message: Failed) -> None:
        """Drop a failure that a newer computation superseded (a failure is retried only once
        the version changes, e.g. when the file was fixed)."""
        if message.generation != self._generation:
            message.stop()
            message.prevent_default()


class _Unset:
    """A version no token equals."""

    def __repr__(self) -> str:
        return "<unset>"


_UNSET: Any = _Unset()
