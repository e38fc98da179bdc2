"""The profile form: units, start date, history answers; onboarding builds on it."""

from __future__ import annotations

import math
from datetime import date
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from runback_tui.domain import wording
from runback_tui.domain.limits import start_date_problem
from runback_tui.domain.models import (
    HISTORY_KEYS,
    HISTORY_QUESTIONS,
    MAX_WEEKLY_KM,
    HistoryKey,
    Profile,
    Shoe,
    Units,
    ValidationError,
    describe_validation_error,
    from_km,
    to_km,
)
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.forms import (
    StoreWriteConflict,
    StoreWriteDone,
    StoreWriteFailed,
    apply_cursor_setting,
    ask_whose,
    build_or_refuse,
    failure_text,
    focus_first,
)
from runback_tui.storage.durable import StoreError
from runback_tui.storage.store import RecordChanged, Store
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.choice import Choice, YesNo

HISTORY_WHY = (
    "Why we ask: each of these raises the risk of a fracture in the spine, so back pain that "
    "persists should be assessed by a healthcare professional. A Yes never blocks your plan; "
    "home shows a standing advisory."
)
"""The reason given with the history questions (protocol.md §2)."""

PROFILE_FIELDS = {
    "start_date": "Start date",
    "units": "Units",
    "history": "History",
    "starting_weekly_km": "Starting weekly distance",
    "name": "Shoe name",
    "start_distance_km": "Distance already on the shoes",
}
"""How the model's fields read in a message."""


def parse_distance(raw: str, units: Units, limit_km: float, label: str) -> tuple[float | None, str]:
    """A typed distance in *units* as km (None when empty), and a problem ('' when fine)."""
    text = raw.strip()
    if not text:
        return None, ""
    try:
        value = float(text)
    except ValueError:
        return None, f"✗ {label}: type a number, e.g. 12.5."
    if not math.isfinite(value) or value < 0:
        return None, f"✗ {label}: must be a number of 0 or more."
    km = to_km(value, units)
    if km > limit_km + 1e-9:
        return None, f"✗ {label}: at most {from_km(limit_km, units):.0f} {units}."
    return km, ""


def parse_start_date(raw: str, today: date) -> tuple[date | None, str]:
    """The typed start date, and a problem ('' when fine)."""
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        return None, "✗ Start date: use YYYY-MM-DD, e.g. 2026-11-21."
    ahead = start_date_problem(value, today)
    if ahead:
        return None, f"✗ Start date: {ahead}."
    try:
        Profile(start_date=value)
    except ValidationError as error:
        return None, "✗ " + describe_validation_error(error, PROFILE_FIELDS)
    return value, ""


class ProfileFormScreen(RunbackScreen[None]):
    """Shared form: units, start date and the history questions, with live validation."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="profile-save"),
    ]
    AUTO_FOCUS = ""
    TITLE_TEXT = "Profile"
    SAVE_LABEL = "Save  ctrl+s"

    def __init__(self) -> None:
        super().__init__()
        self._saving = False
        self._read: Profile | None = None
        """The profile as this form read it (a save over a changed one asks first)."""

    def initial_profile(self) -> Profile | None:
        """The profile to pre-fill the form with."""
        return self.runback.current_profile()

    def compose(self) -> ComposeResult:
        profile = self.initial_profile()
        self._read = profile
        units: Units = profile.units if profile else "km"
        start = profile.start_date if profile else self.runback.clock.today()
        yield TitleBar()
        with VerticalScroll(id="form"):
            yield Static(self.TITLE_TEXT, classes="form-title")
            yield from self.compose_intro()
            yield Choice(
                "Show distances in", [("km", "km"), ("mi", "mi (miles)")], value=units, id="units"
            )
            yield Static("Program start date (day 1), YYYY-MM-DD", classes="section")
            yield Input(start.isoformat(), id="start-date")
            yield Static("", id="start-date-error", classes="field-error")
            yield Static("Health history", classes="section")
            yield Static(HISTORY_WHY, classes="hint")
            for key in HISTORY_KEYS:
                yield YesNo(
                    HISTORY_QUESTIONS[key],
                    value=bool(profile and key in profile.history),
                    prompt_width=24,
                    id=f"hist-{key}",
                )
            yield from self.compose_extra(profile, units)
            yield Static("", id="form-message", classes="form-message")
            with Horizontal(classes="buttons"):
                yield Button(self.SAVE_LABEL, id="save", variant="primary")
                yield from self.compose_cancel()
        yield KeyBar()

    def compose_intro(self) -> ComposeResult:
        """Text above the form."""
        yield from ()

    def compose_extra(self, profile: Profile | None, units: Units) -> ComposeResult:
        """Fields after the history questions."""
        yield from ()

    def compose_cancel(self) -> ComposeResult:
        """The cancel button, where leaving is possible."""
        yield Button("Cancel  esc", id="cancel")

    def on_mount(self) -> None:
        """Apply the cursor setting, name the unit and check the pre-filled values."""
        apply_cursor_setting(self)
        focus_first(self, "#units")
        self.show_units()
        self._validate()

    @property
    def units(self) -> Units:
        """The units chosen on the form."""
        value: Units = self.query_one("#units", Choice).value
        return value

    def _show_error(self, field_id: str, problem: str) -> None:
        """Show (or clear) the message under a field."""
        error = self.query_one(f"#{field_id}-error", Static)
        error.update(problem)
        error.display = bool(problem)
        self.query_one(f"#{field_id}").set_class(bool(problem), "-invalid")

    def _validate(self) -> list[str]:
        """Check every field, show problems under them, and return them."""
        _, problem = parse_start_date(
            self.query_one("#start-date", Input).value, self.runback.clock.today()
        )
        self._show_error("start-date", problem)
        return [problem, *self.validate_extra()] if problem else self.validate_extra()

    def validate_extra(self) -> list[str]:
        """Check the subclass's own fields."""
        return []

    @on(Input.Changed)
    @on(Choice.Changed)
    def _revalidate(self) -> None:
        """Live validation as the user types or chooses."""
        if self.is_mounted:
            self._validate()
            self.query_one("#form-message", Static).update("")
            self.show_units()

    def show_units(self) -> None:
        """Update labels that name the chosen unit."""

    def build_profile(self) -> Profile:
        """The profile the form describes (ValidationError if it cannot be one)."""
        history: list[HistoryKey] = [
            key for key in HISTORY_KEYS if self.query_one(f"#hist-{key}", YesNo).value
        ]
        start, _ = parse_start_date(
            self.query_one("#start-date", Input).value, self.runback.clock.today()
        )
        return Profile.model_validate(
            {
                "start_date": start,
                "units": self.units,
                "history": history,
                **self.profile_extra(),
            }
        )

    def profile_extra(self) -> dict[str, Any]:
        """Profile fields the subclass adds."""
        return {}

    def build_shoe(self) -> Shoe | None:
        """A first pair of shoes to add with the profile, if any."""
        return None

    def action_save(self) -> None:
        """Validate, then store the profile off the event loop."""
        if self._saving:
            return
        built = build_or_refuse(
            self,
            self._validate(),
            lambda: (self.build_profile(), self.build_shoe()),
            PROFILE_FIELDS,
        )
        if built is None:
            return
        profile, shoe = built
        self._saving = True
        self.query_one("#form-message", Static).update("Saving…")
        self._write(self.runback.store, profile, shoe, self._read)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        """The Save button does what ctrl+s does."""
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        """Leave without saving."""
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="store-write")
    def _write(
        self, store: Store, profile: Profile, shoe: Shoe | None, expected: Profile | None
    ) -> None:
        """Save in a thread; report back with a message, never touching widgets.

        *expected* is the profile as this form read it: when another process changed it
        since, nothing is saved and the runner is asked whose to keep.
        """
        try:
            store.save_profile(profile, expected=expected)
            if shoe is not None:
                store.add_shoe(shoe)
        except RecordChanged as error:
            self.post_message(StoreWriteConflict(error, (profile, shoe)))
            return
        except StoreError as error:
            self.post_message(StoreWriteFailed(str(error)))
            return
        self.post_message(StoreWriteDone(profile))

    def on_store_write_conflict(self, message: StoreWriteConflict) -> None:
        """Another process changed the profile since this form read it: ask."""
        self._saving = False
        profile, shoe = message.mine

        def resave(theirs: Profile | None) -> None:
            self._read = theirs
            self._saving = True
            self._write(self.runback.store, profile, shoe, theirs)

        ask_whose(
            self,
            message,
            wording.describe_profile,
            mine=profile,
            keep_mine=wording.KEEP_MINE_PROFILE,
            show=self.query_one("#form-message", Static).update,
            resave=resave,
            keep_theirs=self.kept_theirs,
        )

    def kept_theirs(self) -> None:
        """The profile saved elsewhere stands: leave without saving."""
        self.app.pop_screen()
        self.notify(wording.KEPT_THEIRS_PROFILE)

    def on_store_write_failed(self, message: StoreWriteFailed) -> None:
        """Say what went wrong and keep the answers for a retry."""
        self._saving = False
        form_message = self.query_one("#form-message", Static)
        form_message.update(failure_text(message.problem))
        self.call_after_refresh(self.query_one("#form").scroll_end, animate=False)
        self.notify(message.problem, title="Not saved", severity="error", markup=False)

    def on_store_write_done(self, message: StoreWriteDone) -> None:
        """Hand over to the screen's own follow-up."""
        self._saving = False
        self.after_save()

    def after_save(self) -> None:
        """Back to home."""
        self.app.pop_screen()
        self.notify("Profile saved.")


class ProfileScreen(ProfileFormScreen):
    """Change the profile later: units, start date, history, the build phase's starting distance."""

    CSS_PATH = [stylesheet("profile.tcss")]

    def compose_extra(self, profile: Profile | None, units: Units) -> ComposeResult:
        """The starting weekly distance for the build phase."""
        weekly = profile.starting_weekly_km if profile else None
        yield Static("", id="weekly-label", classes="section")
        yield Static(
            "Used for the first build week only when no distance was logged in the last "
            "run-walk week. Leave empty if you log your run-walk distances.",
            classes="hint",
        )
        yield Input(
            f"{from_km(weekly, units):g}" if weekly is not None else "",
            placeholder="empty = not set",
            id="weekly",
        )
        yield Static("", id="weekly-error", classes="field-error")
        yield Static(
            "Not medical advice: acknowledged." if profile and profile.accepted_disclaimer else "",
            classes="hint",
        )

    def show_units(self) -> None:
        """Name the unit in the weekly distance's label."""
        self.query_one("#weekly-label", Static).update(
            f"Starting weekly distance for the build phase, in {self.units} (optional)"
        )

    def validate_extra(self) -> list[str]:
        """Check the weekly distance."""
        raw = self.query_one("#weekly", Input).value
        _, problem = parse_distance(raw, self.units, MAX_WEEKLY_KM, "Starting weekly distance")
        self._show_error("weekly", problem)
        return [problem] if problem else []

    def profile_extra(self) -> dict[str, Any]:
        """Keep the disclaimer and add the weekly distance."""
        current = self.initial_profile()
        raw = self.query_one("#weekly", Input).value
        weekly, _ = parse_distance(raw, self.units, MAX_WEEKLY_KM, "Starting weekly distance")
        return {
            "accepted_disclaimer": bool(current and current.accepted_disclaimer),
            "starting_weekly_km": weekly,
        }
