"""Home: the profile and the latest check-in, or how to start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from runback_tui.domain.models import RED_FLAG_QUESTIONS, from_km
from runback_tui.paths import stylesheet

if TYPE_CHECKING:
    from runback_tui.app import RunbackApp


class HomeScreen(Screen[None]):
    """Today at a glance."""

    CSS_PATH = [stylesheet("home.tcss")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield Static(id="home-profile")
            yield Static(id="home-checkin")
        yield Footer()

    def on_mount(self) -> None:
        """Fill in from the store."""
        self.refresh_from_store()

    def refresh_from_store(self) -> None:
        """Show the profile and the latest check-in."""
        app: RunbackApp = self.app  # type: ignore[assignment]
        snap = app.store.snapshot()
        profile = snap.profile
        panel = self.query_one("#home-profile", Static)
        checkin_panel = self.query_one("#home-checkin", Static)
        if profile is None:
            panel.update(
                "Welcome to Runback.\n\n"
                "No profile yet. Create one with:\n"
                "  runback init --start-date YYYY-MM-DD --units km --accept-disclaimer\n"
                f"Data file: {app.store.path}"
            )
            checkin_panel.display = False
            return
        day = (app.clock.today() - profile.start_date).days + 1
        panel.update(
            f"Program day {day} (day 1 was {profile.start_date.isoformat()})\n"
            f"Units: {profile.units}   Shoes: {len(snap.history.shoes)}\n"
            f"Data file: {app.store.path}"
        )
        checkins = sorted(snap.history.checkins, key=lambda c: c.date)
        if not checkins:
            checkin_panel.update("No check-in yet. Record one with: runback checkin --pain N")
            return
        last = checkins[-1]
        lines = [f"Latest check-in: {last.date.isoformat()} — pain {last.pain}/10"]
        if last.stiffness is not None:
            lines.append(f"Stiffness {last.stiffness}/10")
        for key in last.red_flags:
            lines.append(f"RED FLAG: {RED_FLAG_QUESTIONS[key]}")
        distance = sum(getattr(s, "distance_km", None) or 0.0 for s in snap.history.sessions)
        lines.append(f"Logged distance: {from_km(distance, profile.units):.1f} {profile.units}")
        checkin_panel.update("\n".join(lines))
