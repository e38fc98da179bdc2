"""Onboarding: the first profile, the not-medical-advice note and an optional pair of shoes."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Static

from runback_tui.domain.models import (
    MAX_NAME_CHARS,
    MAX_SHOE_START_KM,
    Profile,
    Shoe,
    Units,
)
from runback_tui.domain.wording import URGENT_CARE
from runback_tui.paths import stylesheet
from runback_tui.screens.profile import ProfileFormScreen, parse_distance
from runback_tui.widgets.choice import YesNo

DISCLAIMER = (
    "Runback is not medical advice and gives no diagnosis. It follows a conservative return-to-"
    "running protocol. See a healthcare professional if your pain persists or gets worse, and "
    "at once if you have numbness or weakness in a leg or pain that wakes you at night. Any "
    "loss of bladder or bowel control, or numbness in the groin, genitals or inner thighs (the "
    f"saddle area), is an emergency. {URGENT_CARE}"
)
"""The acknowledgement every user accepts before starting (protocol.md)."""


class OnboardingScreen(ProfileFormScreen):
    """First run: set up the profile; the acknowledgement is required to continue."""

    CSS_PATH = [stylesheet("onboarding.tcss")]
    TITLE_TEXT = "Welcome to Runback"
    SAVE_LABEL = "Start  ctrl+s"

    def initial_profile(self) -> Profile | None:
        """Onboarding starts empty."""
        return None

    def compose_intro(self) -> ComposeResult:
        """What Runback is, in a sentence."""
        yield Static(
            "A coach for getting back to running after lower back pain: pain-free movement, "
            "then run-walk intervals, then a careful build. A few questions first "
            "(tab moves on, ←/→ or y/n answer, ctrl+s starts).",
            classes="hint",
        )

    def compose_extra(self, profile: Profile | None, units: Units) -> ComposeResult:
        """The acknowledgement and the optional first pair of shoes."""
        yield Static("Not medical advice (required)", classes="section")
        yield Static(DISCLAIMER, classes="hint")
        yield YesNo("I understand and accept this.", yes="Yes, I accept", id="disclaimer")
        yield Static("", id="disclaimer-error", classes="field-error")
        yield Static("First pair of shoes (optional)", classes="section")
        yield Input(placeholder="Name, e.g. Blue trainers", id="shoe-name")
        yield Static("", id="shoe-name-error", classes="field-error")
        yield Static("", id="shoe-distance-label", classes="hint")
        yield Input(placeholder="e.g. 120 (empty = 0)", id="shoe-distance")
        yield Static("", id="shoe-distance-error", classes="field-error")

    def compose_cancel(self) -> ComposeResult:
        """No cancel: there is nothing to go back to."""
        yield from ()

    def show_units(self) -> None:
        """Name the unit in the shoe distance's label."""
        self.query_one("#shoe-distance-label", Static).update(
            f"Distance already on them, in {self.units}"
        )

    def validate_extra(self) -> list[str]:
        """The acknowledgement, the shoe name and the shoe distance."""
        problems: list[str] = []
        accepted = bool(self.query_one("#disclaimer", YesNo).value)
        disclaimer = "" if accepted else "✗ Required: choose “Yes, I accept” to continue."
        # Only insist once the user has moved past the acknowledgement or tried to save.
        self._show_error("disclaimer", disclaimer if self._tried_save else "")
        if disclaimer:
            problems.append(disclaimer)
        name = self.query_one("#shoe-name", Input).value.strip()
        raw_distance = self.query_one("#shoe-distance", Input).value
        km, distance_problem = parse_distance(
            raw_distance, self.units, MAX_SHOE_START_KM, "Distance on the shoes"
        )
        name_problem = ""
        if len(name) > MAX_NAME_CHARS:
            name_problem = f"✗ Shoe name: at most {MAX_NAME_CHARS} characters (now {len(name)})."
        elif not name and km is not None:
            name_problem = "✗ Shoe name: give the pair a name, or clear the distance."
        self._show_error("shoe-name", name_problem)
        self._show_error("shoe-distance", distance_problem)
        problems += [p for p in (name_problem, distance_problem) if p]
        return problems

    _tried_save = False

    def action_save(self) -> None:
        """Insist on the acknowledgement from the first save attempt on."""
        self._tried_save = True
        super().action_save()

    def profile_extra(self) -> dict[str, Any]:
        """The acknowledgement."""
        return {"accepted_disclaimer": bool(self.query_one("#disclaimer", YesNo).value)}

    def build_shoe(self) -> Shoe | None:
        """The first pair of shoes, when a name was given."""
        name = self.query_one("#shoe-name", Input).value.strip()
        if not name:
            return None
        raw = self.query_one("#shoe-distance", Input).value
        km, _ = parse_distance(raw, self.units, MAX_SHOE_START_KM, "Distance on the shoes")
        return Shoe(name=name, start_distance_km=km or 0.0, added=self.runback.clock.today())

    def kept_theirs(self) -> None:
        """Another Runback created the profile meanwhile: go home on it."""
        from runback_tui.screens.home import HomeScreen

        self.app.switch_screen(HomeScreen())
        self.notify("A profile was created elsewhere meanwhile: Runback uses that one.")

    def after_save(self) -> None:
        """Show home."""
        from runback_tui.screens.home import HomeScreen

        self.app.switch_screen(HomeScreen())
        self.notify("Welcome! Your profile is saved. Press c for your first check-in.")
