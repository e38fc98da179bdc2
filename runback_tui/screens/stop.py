"""The red-flag stop screen: what to do now, and recording a professional's clearance."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from runback_tui.domain.models import (
    RED_FLAG_QUESTIONS,
    URGENT_RED_FLAGS,
    Clearance,
    RedFlagKey,
)
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.forms import (
    StoreWriteDone,
    StoreWriteFailed,
    apply_cursor_setting,
    focus_first,
    note_problem,
)
from runback_tui.screens.today import Today, try_load_today
from runback_tui.storage.durable import StoreError
from runback_tui.storage.store import Store
from runback_tui.widgets.bars import KeyBar, TitleBar

if TYPE_CHECKING:
    pass

CLEARANCE_STATEMENT = "I have been assessed by a professional and cleared to continue."
"""What the user confirms when recording a clearance (protocol.md §2)."""


class StopScreen(RunbackScreen[None]):
    """Full-screen STOP: a red flag was reported; says what to do and never offers a run."""

    CSS_PATH = [stylesheet("stop.tcss")]
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "clearance", "Record clearance", id="stop-clearance"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="stop-scroll"), Vertical(id="stop-box"):
            yield Static(id="stop-heading")
            yield Static(id="stop-body")
            with Horizontal(id="stop-buttons"):
                yield Button("Record clearance  a", id="record-clearance", variant="warning")
                yield Button("Home  esc", id="stop-home")
        yield KeyBar()

    def on_mount(self) -> None:
        """Fill in from the store."""
        self.query_one("#stop-box").border_title = "STOP"
        self.query_one("#stop-box").border_subtitle = "red flag"
        self.refresh_from_store()
        focus_first(self, "#record-clearance")

    def refresh_from_store(self) -> None:
        """Say which red flags are in force and what to do."""
        today, problem = try_load_today(self.runback)
        heading = self.query_one("#stop-heading", Static)
        body = self.query_one("#stop-body", Static)
        flags = _red_flags_in_force(today)
        urgent = bool(set(flags) & URGENT_RED_FLAGS)
        paused = today is not None and today.plan.phase == "paused"
        self.set_class(urgent, "-urgent")
        if today is None:
            heading.update(Text("⛔ STOP RUNNING", style="bold"))
            body.update(problem or "No profile yet.")
            return
        if not paused:
            heading.update(Text("✓ No red flag in force", style="bold"))
            body.update(
                "Your plan is not paused. If you ever answer Yes to a red-flag question at "
                "check-in, this screen tells you what to do."
            )
            self.query_one("#record-clearance").display = False
            return
        title = Text()
        if urgent:
            title.append("⛔ SEEK EMERGENCY CARE NOW\n", style="bold")
        title.append("⛔ STOP RUNNING — SEE A HEALTHCARE PROVIDER", style="bold")
        heading.update(title)
        text = Text()
        since = today.plan.paused_since.isoformat() if today.plan.paused_since else "recently"
        text.append(f"You answered Yes to a red-flag question (since {since}):\n")
        for key in flags:
            marker = "URGENT" if key in URGENT_RED_FLAGS else "STOP"
            text.append(f"• {marker}: {RED_FLAG_QUESTIONS[key]} Yes\n", style="bold")
        text.append("\n")
        if urgent:
            text.append(
                "Loss of bladder or bowel control is a medical emergency. Seek emergency care "
                "now: call your local emergency number or go to an emergency department.\n\n",
                style="bold",
            )
        text.append("What to do:\n", style="bold")
        text.append(
            "1. Stop running now: no run-walk, no strength work.\n"
            "2. See a healthcare provider (a doctor or physiotherapist).\n"
            "3. Once a professional has assessed you and cleared you to continue,\n"
            "   press a to record it; the plan resumes one run-walk stage lower.\n\n"
        )
        text.append("Runback's plan is paused until then. ", style="bold")
        text.append("Runback is not medical advice.", style="italic")
        body.update(text)

    def action_clearance(self) -> None:
        """Ask for the clearance confirmation."""
        self.app.push_screen(ClearanceDialog(), self._clearance_recorded)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the clearance only while the plan is paused."""
        if action == "clearance":
            return bool(self.query_one("#record-clearance").display)
        return True

    def _clearance_recorded(self, recorded: bool | None) -> None:
        """Back to home once the clearance is stored."""
        if recorded:
            self.app.pop_screen()
            self.notify("Clearance recorded. The plan resumes (a run-walk stage one lower).")

    @on(Button.Pressed, "#record-clearance")
    def _record_pressed(self) -> None:
        """The button does what `a` does."""
        self.action_clearance()

    @on(Button.Pressed, "#stop-home")
    def _home_pressed(self) -> None:
        """Back to home."""
        self.app.pop_screen()


def _red_flags_in_force(today: Today | None) -> list[RedFlagKey]:
    """Red-flag keys answered yes since the pause began, in question order."""
    if today is None or today.plan.paused_since is None:
        return []
    since = today.plan.paused_since
    found = {
        key
        for checkin in today.history.checkins
        if since <= checkin.date <= today.date
        for key in checkin.red_flags
    }
    ordered = [key for key in RED_FLAG_QUESTIONS if key in found]
    return sorted(ordered, key=lambda key: key not in URGENT_RED_FLAGS)


class ClearanceDialog(RunbackScreen[bool], ModalScreen[bool]):
    """Confirm 'assessed and cleared', with an optional note; `enter` confirms, `escape` cancels."""

    CSS_PATH = [stylesheet("stop.tcss")]
    AUTO_FOCUS = "#clearance-note"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="clearance-cancel"),
        Binding("enter", "confirm", "Confirm", id="clearance-confirm"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="clearance-box"):
            yield Static("Record a clearance", classes="form-title")
            yield Static(f"Confirm: “{CLEARANCE_STATEMENT}”", id="clearance-statement")
            yield Static("Note (optional, e.g. who assessed you)", classes="section")
            yield Input(placeholder="e.g. Dr Smith, physio clinic", id="clearance-note")
            yield Static("", id="clearance-message", classes="form-message")
            with Horizontal(classes="buttons"):
                yield Button("Confirm  enter", id="clearance-yes", variant="warning")
                yield Button("Cancel  esc", id="clearance-no")

    def on_mount(self) -> None:
        """Apply the cursor setting."""
        apply_cursor_setting(self)
        self.query_one("#clearance-box").border_title = "Clearance"

    @on(Input.Changed, "#clearance-note")
    def _note_changed(self, event: Input.Changed) -> None:
        """Live check of the note."""
        self.query_one("#clearance-message", Static).update(note_problem(event.value) or "")

    @on(Input.Submitted, "#clearance-note")
    @on(Button.Pressed, "#clearance-yes")
    def action_confirm(self) -> None:
        """Store the clearance off the event loop."""
        if self._saving:
            return
        note = self.query_one("#clearance-note", Input).value
        problem = note_problem(note)
        message = self.query_one("#clearance-message", Static)
        if problem:
            message.update(problem)
            self.notify(problem, severity="error", markup=False)
            return
        self._saving = True
        message.update("Saving…")
        self._write(self.runback.store, Clearance(date=self.runback.clock.today(), note=note))

    @on(Button.Pressed, "#clearance-no")
    def action_cancel(self) -> None:
        """Close without recording anything."""
        self.dismiss(False)

    @work(thread=True, exclusive=True, group="store-write")
    def _write(self, store: Store, clearance: Clearance) -> None:
        """Save in a thread; report back with a message, never touching widgets."""
        try:
            store.add_clearance(clearance)
        except StoreError as error:
            self.post_message(StoreWriteFailed(str(error)))
            return
        self.post_message(StoreWriteDone())

    def on_store_write_failed(self, message: StoreWriteFailed) -> None:
        """Say what went wrong; the note stays for a retry."""
        self._saving = False
        self.query_one("#clearance-message", Static).update(
            f"✗ Not saved: {message.problem}\nPress enter to try again."
        )
        self.notify(message.problem, title="Clearance not saved", severity="error", markup=False)

    def on_store_write_done(self) -> None:
        """Close the dialog."""
        self.dismiss(True)
