"""The red-flag stop screen: what to do now, and recording a professional's clearance."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, cast

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from runback_tui.domain import wording
from runback_tui.domain.models import (
    RED_FLAG_QUESTIONS,
    URGENT_RED_FLAGS,
    Clearance,
    RedFlagKey,
)
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.forms import (
    StoreWriteConflict,
    StoreWriteDone,
    StoreWriteFailed,
    apply_cursor_setting,
    ask_whose,
    focus_first,
    note_problem,
    report_from_worker,
)
from runback_tui.screens.today import Today, try_load_today
from runback_tui.storage.durable import StoreError
from runback_tui.storage.store import UNCHECKED, RecordChanged, Store, red_flag_state
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.confirm import ConfirmDialog
from runback_tui.widgets.steps import Hanging, numbered_steps

CLEARANCE_STATEMENT = "I have been assessed by a professional and cleared to continue."
"""What the user confirms when recording a clearance (protocol.md §2)."""


class StopScreen(RunbackScreen[None]):
    """Full-screen STOP: a red flag was reported; says what to do and never offers a run."""

    CSS_PATH = [stylesheet("stop.tcss")]
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "clearance", "Clearance", id="stop-clearance"),
        Binding("m", "mistake", "Mistake", id="stop-mistake"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._withdrawable: list[RedFlagKey] = []
        """Today's red flags, when the pause began today and a mistake can withdraw them."""
        self._since: date | None = None
        """The date the pause began (None when not paused)."""
        self._flag_state: Any = UNCHECKED
        """The red flags and clearances shown (a clearance over changed ones asks first)."""
        self._withdrawing = False
        self._paused = False
        """Whether the plan is paused (the clearance and the mistake are offered only then)."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="stop-scroll"), Vertical(id="stop-box"):
            yield Static(id="stop-heading")
            yield Static(id="stop-body")
            with Horizontal(id="stop-buttons"):
                yield Button("Record clearance  a", id="record-clearance", variant="warning")
                yield Button("I answered this by mistake  m", id="stop-mistake")
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
        urgent = wording.is_urgent(flags)
        paused = today is not None and today.plan.phase == "paused"
        self._paused = paused
        self._since = today.plan.paused_since if today is not None and paused else None
        self._withdrawable = _withdrawable_today(today) if paused else []
        self._flag_state = red_flag_state(today.history) if today is not None else UNCHECKED
        self.set_class(urgent, "-urgent")
        self.query_one("#record-clearance").display = paused
        self.query_one("#stop-mistake").display = paused
        self.refresh_bindings()
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
            return
        if urgent:
            heading.update(Text("⛔ SEEK EMERGENCY CARE NOW", style="bold"))
        else:
            heading.update(Text("⛔ STOP RUNNING — SEE A HEALTHCARE PROVIDER", style="bold"))
        body.update(self._body_text(flags, urgent))

    def _body_text(self, flags: list[RedFlagKey], urgent: bool) -> Group:
        """The flags in force and what to do: one urgent message, or stop and consult.

        The flags and the steps are lists whose wrapped lines hang under their text
        (widgets/steps.py), at any width.
        """
        since = self._since.isoformat() if self._since else "recently"
        intro = Text(f"You answered Yes to a red-flag question (since {since}):")
        answered = Hanging(
            (
                "• ",
                Text(
                    f"{'URGENT' if key in URGENT_RED_FLAGS else 'STOP'}: "
                    f"{RED_FLAG_QUESTIONS[key]} Yes",
                    style="bold",
                ),
            )
            for key in flags
        )
        parts: list[RenderableType] = [intro, answered, Text()]
        if urgent:
            urgent_flags = [key for key in flags if key in URGENT_RED_FLAGS]
            parts.append(
                Text(
                    f"{wording.name_flags(urgent_flags).capitalize()}: this is a medical "
                    f"emergency. {wording.URGENT_CARE}\n",
                    style="bold",
                )
            )
            first = [
                "Seek emergency care now, as above. Do not wait for an appointment.",
                "No running, no run-walk, no strength work.",
            ]
        else:
            first = [
                "Stop running now: no run-walk, no strength work.",
                "See a healthcare provider (a doctor or physiotherapist).",
            ]
        steps = [
            *first,
            "Once a professional has assessed you and cleared you to continue, press a to "
            "record it; the plan resumes one run-walk stage lower.",
        ]
        parts += [Text("What to do:", style="bold"), numbered_steps(steps), Text()]
        tail = Text()
        if self._withdrawable:
            tail.append(
                "Answered Yes by mistake today? Press m to withdraw it (it asks first, and the "
                "withdrawal is kept in the history).\n"
            )
        else:
            tail.append(
                f"This red flag dates from {since}: only a professional's clearance lifts it now.\n"
            )
        tail.append("\n")
        tail.append("Runback's plan is paused until then. ", style="bold")
        tail.append("Runback is not medical advice.", style="italic")
        parts.append(tail)
        return Group(*parts)

    def action_clearance(self) -> None:
        """Ask for the clearance confirmation."""
        self.app.push_screen(ClearanceDialog(self._flag_state), self._clearance_recorded)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the clearance and the mistake withdrawal only while the plan is paused."""
        if action in ("clearance", "mistake"):
            return self._paused
        return True

    def _clearance_recorded(self, recorded: bool | None) -> None:
        """Back to home once the clearance is stored."""
        if recorded:
            self.app.pop_screen()
            self.notify("Clearance recorded. The plan resumes (a run-walk stage one lower).")

    # -- an answer given by mistake ----------------------------------------------------------

    def action_mistake(self) -> None:
        """Withdraw today's red flag as answered by mistake: asked first, twice when urgent.

        Only on the red flag's own date (protocol.md section 2); an earlier red flag is lifted
        by a professional's clearance alone, and the action says so.
        """
        if self._withdrawing or not self._paused:
            return
        if not self._withdrawable:
            since = self._since.isoformat() if self._since else "an earlier day"
            self.notify(
                f"The red flag in force dates from {since}. An answer can be "
                "withdrawn as a mistake only on its own date: now only a professional's "
                "clearance lifts it (press a once you have been assessed and cleared).",
                title="Cannot withdraw as a mistake",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        questions = wording.withdraw_questions(self._withdrawable)
        answers = [("withdraw it", "keep it"), ("yes, it was a mistake", "keep the red flag")]

        def ask(step: int) -> None:
            if step == len(questions):
                self._withdraw()
                return
            yes, no = answers[step]
            self.app.push_screen(
                ConfirmDialog(questions[step], yes, no),
                lambda answer: ask(step + 1) if answer else None,
            )

        ask(0)

    def _withdraw(self) -> None:
        """Start the withdrawal write."""
        if self._withdrawing:
            return
        self._withdrawing = True
        today = self.runback.clock.today()
        self._write_withdrawal(self.runback.store, today, self.app)

    @work(thread=True, exclusive=True, group="store-write")
    def _write_withdrawal(self, store: Store, today: date, app: App[Any]) -> None:
        """Withdraw in a thread; report back with a message, never touching widgets."""
        try:
            clearance = store.withdraw_red_flags(today, today=today)
        except StoreError as error:
            report_from_worker(
                app, self, StoreWriteFailed(str(error)), f"Not withdrawn: {error}", error=True
            )
            return
        report_from_worker(
            app,
            self,
            StoreWriteDone(clearance),
            "Red flag withdrawn as answered by mistake.",
            error=False,
        )

    def on_store_write_failed(self, message: StoreWriteFailed) -> None:
        """Say why nothing was withdrawn; the screen stays."""
        self._withdrawing = False
        self.notify(message.problem, title="Red flag not withdrawn", severity="error", markup=False)
        self.refresh_from_store()

    def on_store_write_done(self, message: StoreWriteDone) -> None:
        """Back to home: the red flag is withdrawn."""
        self._withdrawing = False
        clearance: Clearance = message.result
        self.app.pop_screen()
        self.notify(
            f"Red flag withdrawn as answered by mistake ({wording.name_flags(clearance.flags)}). "
            "It is kept in the history as a withdrawal, not as a professional's clearance.",
            markup=False,
        )

    @on(Button.Pressed, "#record-clearance")
    def _record_pressed(self) -> None:
        """The button does what `a` does."""
        self.action_clearance()

    @on(Button.Pressed, "#stop-mistake")
    def _mistake_pressed(self) -> None:
        """The button does what `m` does."""
        self.action_mistake()

    @on(Button.Pressed, "#stop-home")
    def _home_pressed(self) -> None:
        """Back to home."""
        self.app.pop_screen()


def _withdrawable_today(today: Today | None) -> list[RedFlagKey]:
    """Today's red flags, when the pause began today (so withdrawing them lifts it)."""
    if today is None or today.plan.paused_since != today.date:
        return []
    for checkin in today.history.checkins:
        if checkin.date == today.date:
            return list(checkin.red_flags)
    return []


def _red_flags_in_force(today: Today | None) -> list[RedFlagKey]:
    """The engine's red flags in force (question order), the urgent ones first."""
    if today is None:
        return []
    flags = cast(list[RedFlagKey], list(today.plan.red_flags_in_force))
    return sorted(flags, key=lambda key: key not in URGENT_RED_FLAGS)


class ClearanceDialog(RunbackScreen[bool], ModalScreen[bool]):
    """Confirm 'assessed and cleared', with an optional note; `enter` confirms, `escape` cancels."""

    CSS_PATH = [stylesheet("stop.tcss")]
    AUTO_FOCUS = "#clearance-note"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="clearance-cancel"),
        Binding("enter", "confirm", "Confirm", id="clearance-confirm"),
    ]

    def __init__(self, expected: Any = UNCHECKED) -> None:
        super().__init__()
        self._saving = False
        self.expected = expected
        """The red flags and clearances the stop screen showed (Store.red_flag_state)."""

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
        clearance = Clearance(date=self.runback.clock.today(), note=note)
        self._write(self.runback.store, clearance, self.expected)

    @on(Button.Pressed, "#clearance-no")
    def action_cancel(self) -> None:
        """Close without recording anything."""
        self.dismiss(False)

    @work(thread=True, exclusive=True, group="store-write")
    def _write(self, store: Store, clearance: Clearance, expected: Any) -> None:
        """Save in a thread; report back with a message, never touching widgets.

        A red flag or clearance that came or went since the stop screen read them refuses
        the save (a clearance never lifts a red flag its maker has not seen): then ask.
        """
        try:
            store.add_clearance(clearance, expected=expected)
        except RecordChanged as error:
            self.post_message(StoreWriteConflict(error, clearance))
            return
        except StoreError as error:
            self.post_message(StoreWriteFailed(str(error)))
            return
        self.post_message(StoreWriteDone())

    def on_store_write_conflict(self, message: StoreWriteConflict) -> None:
        """The red flags changed elsewhere since the stop screen showed them: ask."""
        self._saving = False
        clearance: Clearance = message.mine

        def resave(theirs: Any) -> None:
            self.expected = theirs
            self._saving = True
            self._write(self.runback.store, clearance, theirs)

        def keep_theirs() -> None:
            self.dismiss(False)

        ask_whose(
            self,
            message,
            wording.describe_red_flag_state,
            mine=self.expected,
            keep_mine=wording.KEEP_MINE_CLEARANCE,
            show=self.query_one("#clearance-message", Static).update,
            resave=resave,
            keep_theirs=keep_theirs,
        )

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
