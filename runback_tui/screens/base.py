"""The base of Runback's screens, and what they use of the app (``self.runback``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from textual.screen import Screen, ScreenResultType

if TYPE_CHECKING:
    from runback_tui.domain.clock import Clock
    from runback_tui.domain.models import Profile
    from runback_tui.storage.store import Store


class Runback(Protocol):
    """What screens use of the app beyond Textual's App: the data, the clock, where to go.

    RunbackApp (app.py) provides it.  A protocol rather than the class: app.py imports the
    screens, so no screen imports app.py (app.py has mypy check that RunbackApp fits).
    """

    clock: Clock
    """Injected time: tests pass a FakeClock."""
    blink_cursor: bool
    """Whether text cursors blink (off for snapshots and screenshots)."""
    asked_about_imports: bool
    """True once home has asked, this run, about imported runs waiting for their pain (it
    asks once, at the start: screens/pending.py)."""

    @property
    def store(self) -> Store:
        """The data file (loaded on first use)."""
        ...

    def data_version(self) -> tuple[int, ...] | None:
        """A token that changes whenever any process writes the file."""
        ...

    def current_profile(self) -> Profile | None:
        """The stored profile, None before onboarding or when the file cannot be read."""
        ...

    def load_in_background(self) -> None:
        """Load the store and today's plan in a worker (after home's first frame)."""
        ...

    def warm_up(self) -> None:
        """While home is idle, prepare in a worker what the next keys will need."""
        ...

    def open_screen(self, name: str) -> None:
        """Open the navigation destination *name* (app.DESTINATIONS), as its key does."""
        ...

    def opens_now(self, name: str, screen: Screen[Any] | None = None) -> bool:
        """Whether destination *name*'s key would open it from *screen* now."""
        ...

    def replace_with_routine(self, routine_id: str) -> None:
        """Replace the current screen with a guided session of the routine *routine_id*."""
        ...


class RunbackScreen(Screen[ScreenResultType]):
    """A screen of Runback (modal ones also derive from ModalScreen)."""

    RUNS_SESSION: ClassVar[bool] = False
    """True for the screens running a timed session: navigation never closes one under it."""

    @property
    def runback(self) -> Runback:
        """The app, typed: its store and clock are what screens use."""
        return cast("Runback", self.app)
