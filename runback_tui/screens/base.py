"""The base of Runback's screens: ``self.runback`` is the app, typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen, ScreenResultType

if TYPE_CHECKING:
    from runback_tui.app import RunbackApp


class RunbackScreen(Screen[ScreenResultType]):
    """A screen of Runback (modal ones also derive from ModalScreen)."""

    @property
    def runback(self) -> RunbackApp:
        """The app, typed: its store and clock are what screens use."""
        return cast("RunbackApp", self.app)
