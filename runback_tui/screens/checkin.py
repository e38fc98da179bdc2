"""The morning check-in: pain, stiffness, red flags, the phase-1 gates, medication and a note."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from runback_tui.domain import wording
from runback_tui.domain.models import (
    RED_FLAG_KEYS,
    RED_FLAG_QUESTIONS,
    CheckIn,
    History,
    RedFlagKey,
)
from runback_tui.domain.protocol import GATES_FROM_DAY, plan_for
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
    note_problem,
    report_from_worker,
)
from runback_tui.screens.today import try_load_today
from runback_tui.storage.durable import StoreError
from runback_tui.storage.store import RecordChanged, Store
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.choice import YesNo
from runback_tui.widgets.pain_scale import PainScale

FIELD_NAMES = {
    "pain": "Pain",
    "stiffness": "Stiffness",
    "note": "Note",
    "red_flags": "Red flags",
}
"""How the model's fields read in a message."""

QUESTION_WIDTH = 50
"""Questions are padded to this width so the answers line up."""


class CheckInScreen(RunbackScreen[None]):
    """Today's check-in; saving replaces an earlier one of the same day."""

    CSS_PATH = [stylesheet("checkin.tcss")]
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="checkin-save"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._existing: CheckIn | None = None
        self._show_gates = True
        self._saving = False
        self._standing: list[RedFlagKey] = []
        """Red flags saved earlier today that stand: an edit that leaves them out keeps them."""
        self._paused = True
        """Whether the plan is paused now (False: a clearance recorded today lifted it)."""

    def _load(self) -> None:
        """Today's saved check-in, and whether the phase-1 gate questions apply."""
        app = self.runback
        today = app.clock.today()
        try:
            snapshot = app.store.snapshot()
        except StoreError:
            return
        self._existing = next((c for c in snapshot.history.checkins if c.date == today), None)
        if snapshot.profile is None:
            return
        if self._existing is not None and self._existing.red_flags:
            self._standing = list(self._existing.red_flags)
            now, _ = try_load_today(app)
            self._paused = now is None or now.plan.phase == "paused"
        # Judge the gates without today's own answers, so editing them cannot hide them.
        history = snapshot.history
        earlier = History.model_construct(
            checkins=[c for c in history.checkins if c.date != today],
            clearances=history.clearances,
            sessions=history.sessions,
            shoes=history.shoes,
        )
        plan = plan_for(snapshot.profile, earlier, today)
        self._show_gates = plan.program_phase == "movement" and plan.day >= GATES_FROM_DAY

    def compose(self) -> ComposeResult:
        self._load()
        existing = self._existing
        today = self.runback.clock.today()
        yield TitleBar()
        with VerticalScroll(id="form"):
            yield Static(
                f"Morning check-in · {today.strftime('%A %d %B %Y')}", classes="form-title"
            )
            if existing is not None:
                yield Static(
                    "Editing today's check-in: saving replaces it (the earlier answers are kept "
                    "in the file's history).",
                    classes="hint",
                )
            yield PainScale("Pain now", value=existing.pain if existing else None, id="pain")
            yield Static("", id="pain-error", classes="field-error")
            yield PainScale(
                "Stiffness",
                value=existing.stiffness if existing else None,
                optional=True,
                id="stiffness",
            )
            yield Static(
                "Red flags — answer Yes if it is true now (y / n, or space)", classes="section"
            )
            if self._standing:
                yield Static(self._standing_text(), id="rf-standing", classes="hint warning")
            for key in RED_FLAG_KEYS:
                yield YesNo(
                    RED_FLAG_QUESTIONS[key],
                    value=bool(existing and key in existing.red_flags),
                    prompt_width=QUESTION_WIDTH,
                    id=f"rf-{key}",
                    classes="red-flag",
                )
            if self._show_gates:
                yield Static("Gates to phase 2 (run-walk)", classes="section")
                yield YesNo(
                    "Can you walk 30 minutes without pain?",
                    value=bool(existing and existing.walked_30_pain_free),
                    prompt_width=QUESTION_WIDTH,
                    id="gate-walked",
                )
                yield YesNo(
                    "Single-leg bridges without discomfort?",
                    value=bool(existing and existing.single_leg_bridge_ok),
                    prompt_width=QUESTION_WIDTH,
                    id="gate-bridge",
                )
            yield Static("Daily life", classes="section")
            yield YesNo(
                "Do you need pain medication for daily activities?",
                value=bool(existing and existing.pain_meds_for_daily_life),
                prompt_width=QUESTION_WIDTH,
                id="meds",
            )
            yield Static("Note (optional)", classes="section")
            yield Input(
                existing.note if existing else "",
                placeholder="e.g. slept badly, long drive yesterday",
                id="note",
            )
            yield Static("", id="note-error", classes="field-error")
            yield Static("", id="form-message", classes="form-message")
            with Horizontal(classes="buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary")
                yield Button("Cancel  esc", id="cancel")
        yield KeyBar()

    def _standing_text(self, unticked: list[RedFlagKey] | None = None) -> str:
        """What the form says about red flags saved earlier today (protocol.md section 2)."""
        named = wording.name_flags(self._standing)
        if not self._paused:
            return (
                f"Saved earlier today: {named}. It stays in the history; saving cannot remove "
                "it. A clearance recorded since has lifted the pause."
            )
        text = (
            f"⛔ A red flag saved earlier today stands until a clearance: {named}. Unticking it "
            "here does not lift it. If you answered Yes by mistake, press m (“I answered this "
            "by mistake”) on the stop screen; otherwise record a professional's clearance there "
            "(a)."
        )
        if unticked:
            text += (
                f"\nYou unticked: {wording.name_flags(unticked)}. Saving keeps it: it stands "
                "until a clearance."
            )
        return text

    @on(YesNo.Changed, ".red-flag")
    def _red_flag_changed(self) -> None:
        """Say at once that unticking a standing red flag does not lift it."""
        if not self.is_mounted or not self._standing:
            return
        unticked = [key for key in self._standing if not self.query_one(f"#rf-{key}", YesNo).value]
        self.query_one("#rf-standing", Static).update(self._standing_text(unticked))

    def on_mount(self) -> None:
        """Apply the cursor setting and show any problems with pre-filled values."""
        apply_cursor_setting(self)
        focus_first(self, "#pain")
        self._validate()

    # -- validation ------------------------------------------------------------------------

    def _validate(self) -> list[str]:
        """Check every field, show problems under them, and return them."""
        problems: list[str] = []
        pain = self.query_one("#pain", PainScale)
        pain_error = self.query_one("#pain-error", Static)
        if pain.value is None:
            problems.append("✗ Pain: not set — press 0–9 (→ for 10).")
            pain_error.update("Required: press 0–9, or ←/→ to step (up to 10).")
        else:
            pain_error.update("")
        pain_error.display = pain.value is None
        note = self.query_one("#note", Input).value
        note_message = note_problem(note)
        note_error = self.query_one("#note-error", Static)
        note_error.update(note_message or "")
        note_error.display = note_message is not None
        self.query_one("#note", Input).set_class(note_message is not None, "-invalid")
        if note_message:
            problems.append(note_message)
        return problems

    @on(PainScale.Changed)
    @on(Input.Changed, "#note")
    def _revalidate(self) -> None:
        """Live validation as the user types or sets a scale."""
        if self.is_mounted:
            self._validate()
            self.query_one("#form-message", Static).update("")

    def _build(self) -> CheckIn:
        """The check-in the form describes (ValidationError if it cannot be one)."""
        existing = self._existing
        red_flags: list[RedFlagKey] = [
            key for key in RED_FLAG_KEYS if self.query_one(f"#rf-{key}", YesNo).value
        ]
        if self._show_gates:
            walked = bool(self.query_one("#gate-walked", YesNo).value)
            bridge = bool(self.query_one("#gate-bridge", YesNo).value)
        else:
            walked = bool(existing and existing.walked_30_pain_free)
            bridge = bool(existing and existing.single_leg_bridge_ok)
        return CheckIn.model_validate(
            {
                "date": self.runback.clock.today(),
                "pain": self.query_one("#pain", PainScale).value,
                "stiffness": self.query_one("#stiffness", PainScale).value,
                "red_flags": red_flags,
                "walked_30_pain_free": walked,
                "single_leg_bridge_ok": bridge,
                "pain_meds_for_daily_life": bool(self.query_one("#meds", YesNo).value),
                "note": self.query_one("#note", Input).value,
            }
        )

    # -- saving ----------------------------------------------------------------------------

    def action_save(self) -> None:
        """Validate, then store the check-in off the event loop."""
        if self._saving:
            return
        checkin = build_or_refuse(self, self._validate(), self._build, FIELD_NAMES)
        if checkin is None:
            return
        self._saving = True
        self.query_one("#form-message", Static).update("Saving…")
        self._write(self.runback.store, checkin, self.app, self._existing)

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
        self, store: Store, checkin: CheckIn, app: App[Any], expected: CheckIn | None
    ) -> None:
        """Save in a thread; report back with a message, never touching widgets.

        *expected* is today's check-in as this screen read it: when another process changed
        it since, nothing is saved and the runner is asked whose answers to keep.
        """
        try:
            saved = store.save_checkin(checkin, expected=expected)
        except RecordChanged as error:
            report_from_worker(
                app,
                self,
                StoreWriteConflict(error, checkin),
                f"Check-in not saved: {error}",
                error=True,
            )
            return
        except StoreError as error:
            report_from_worker(
                app, self, StoreWriteFailed(str(error)), f"Check-in not saved: {error}", error=True
            )
            return
        # The Store keeps a red flag saved earlier the same day (protocol.md section 2): what
        # counts is the check-in as stored, not as answered.
        stored, replaced = saved.stored, saved.replaced
        verb = "replaced" if replaced else "saved"
        report_from_worker(
            app,
            self,
            StoreWriteDone((checkin, stored, replaced)),
            f"Check-in {verb}: pain {checkin.pain}/10.",
            error=False,
        )

    def on_store_write_conflict(self, message: StoreWriteConflict) -> None:
        """Another process changed today's check-in since this form read it: ask."""
        self._saving = False

        def resave(theirs: CheckIn | None) -> None:
            self._existing = theirs
            self._saving = True
            self._write(self.runback.store, message.mine, self.app, theirs)

        def keep_theirs() -> None:
            self.app.pop_screen()
            self.notify(wording.KEPT_THEIRS_CHECKIN)

        ask_whose(
            self,
            message,
            wording.describe_checkin,
            mine=message.mine,
            keep_mine=wording.KEEP_MINE_CHECKIN,
            show=self.query_one("#form-message", Static).update,
            resave=resave,
            keep_theirs=keep_theirs,
        )

    def on_store_write_failed(self, message: StoreWriteFailed) -> None:
        """Say what went wrong and keep the answers for a retry."""
        self._saving = False
        form_message = self.query_one("#form-message", Static)
        form_message.update(failure_text(message.problem))
        self.call_after_refresh(self.query_one("#form").scroll_end, animate=False)
        self.notify(message.problem, title="Check-in not saved", severity="error", markup=False)

    def on_store_write_done(self, message: StoreWriteDone) -> None:
        """Go home, or to the stop screen when a red flag was reported."""
        checkin, stored, replaced = message.result
        self._saving = False
        verb = "replaced" if replaced else "saved"
        kept = [key for key in stored.red_flags if key not in checkin.red_flags]
        if stored.red_flags:
            from runback_tui.screens.stop import StopScreen

            self.app.switch_screen(StopScreen())
            if kept:
                lift = (
                    "it stands until a clearance. Answered by mistake? Press m here. Otherwise "
                    "record a professional's clearance (a)."
                    if self._paused
                    else "it stays in the history; the clearance recorded today lifted the pause."
                )
                self.notify(
                    f"Check-in {verb}, but the red flag saved earlier today was kept: {lift}",
                    title="Red flag kept",
                    severity="warning",
                    timeout=6,
                    markup=False,
                )
            else:
                self.notify(f"Check-in {verb}. A red flag pauses your plan.", severity="warning")
        else:
            self.app.pop_screen()
            self.notify(f"Check-in {verb}: pain {checkin.pain}/10.")
