"""The road ahead (`a` on home, or the palette): today's real plan, then the engine's projection.

What ``runback plan`` prints, as a screen: the summary ("If your back stays quiet: stage 2 on
the 4th, build from the 15th."), what the projection stands on, and one row a day, each
labelled today or projected (domain/projection.py words every part; nothing here restates a
rule).  It is recomputed whenever the data file changes (a log, a check-in from another
terminal) or the date does, in a worker thread, and never stored.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from runback_tui.domain.models import Units
from runback_tui.domain.projection import Projection, project
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.storage.durable import StoreError
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.live import LiveData
from runback_tui.widgets.steps import Hanging

DAYS = 21
"""Days shown, today included (``runback plan``'s default)."""


def road_ahead_text(projection: Projection, units: Units) -> RenderableType:
    """The projection as the screen shows it: summary, notes, then a row a day whose wrapped
    lines hang under the day's text."""
    today = projection.today
    notes = projection.notes()
    rows: list[tuple[str | Text, str | Text]] = []
    for day in projection.days:
        label = "today" if not day.projected else "projected"
        lead = Text(f"{day.date:%a %d %b}  ", style="bold" if not day.projected else "")
        body = Text(f"{label}: ", style="dim" if day.projected else "bold")
        body.append(day.text(units, today))
        rows.append((lead, body))
        if day.after_checkin is not None:
            after = Text("after a clean check-in today: ", style="dim")
            after.append(type(day)(day.after_checkin, True, day.events).text(units, today))
            rows.append(("", after))
    parts: list[RenderableType] = [Text(projection.summary(), style="bold")]
    parts += [Text(note, style="dim") for note in notes[:-1]]
    parts += [Text(), Hanging(rows), Text(), Text(notes[-1], style="italic")]
    return Group(*parts)


class RoadAheadScreen(RunbackScreen[None]):
    """Today's plan, then the projected coming days; updated after every log."""

    CSS_PATH = [stylesheet("help.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="road-scroll"):
            yield Static(
                f"The road ahead: today, then a projection of the next {DAYS - 1} days",
                classes="form-title",
            )
            yield Static("Working out the days ahead…", id="road-body")
        yield LiveData(self._compute, self._version, id="road-live")
        yield KeyBar()

    def _version(self) -> object:
        return (self.runback.data_version(), self.runback.clock.today())

    def _compute(self) -> tuple[Projection, Units] | str:
        """In a worker thread: the projection from the stored history (no widget access)."""
        app = self.runback
        try:
            snapshot = app.store.snapshot()
        except StoreError as error:
            return f"✗ {error}"
        if snapshot.profile is None:
            return "No profile yet: finish onboarding first."
        today = app.clock.today()
        return project(snapshot.profile, snapshot.history, today, DAYS), snapshot.profile.units

    def on_live_data_updated(self, message: LiveData.Updated) -> None:
        """Show the fresh projection."""
        body = self.query_one("#road-body", Static)
        if isinstance(message.value, str):
            body.update(message.value)
            return
        projection, units = message.value
        body.update(road_ahead_text(projection, units))

    def on_live_data_failed(self, message: LiveData.Failed) -> None:
        """Say what went wrong."""
        self.query_one("#road-body", Static).update(f"✗ Could not project: {message.error}")
