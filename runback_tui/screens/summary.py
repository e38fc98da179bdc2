"""End-of-session summaries (interface.md): pain during and after, then distance and shoe for runs.

The first empty pain field has focus; `0`–`9` set the focused field, `tab` moves on, `enter`
saves.  Saving runs in a thread worker; a StoreError shows the message and keeps every value,
so `enter` tries again.  `escape` asks before discarding the session without logging it.
After a run-walk is saved the screen shows the plan engine's decision for next time.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from runback_tui.domain import wording
from runback_tui.domain.models import (
    MAX_SESSION_KM,
    RoutineLog,
    RunLog,
    RunWalkLog,
    ValidationError,
    describe_validation_error,
    to_km,
)
from runback_tui.domain.protocol import STAGES, StageDecision, decide_next_stage, is_flare
from runback_tui.domain.shoes import default_shoe
from runback_tui.domain.wording import after_marker
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.forms import (
    StoreWriteConflict,
    StoreWriteDone,
    StoreWriteFailed,
    ask_whose,
    failure_text,
    focus_first,
)
from runback_tui.sessions.results import RoutineResult, RunResult
from runback_tui.storage.durable import StoreError
from runback_tui.storage.store import UNCHECKED, RecordChanged, Store
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.choice import Choice
from runback_tui.widgets.confirm import ConfirmDialog
from runback_tui.widgets.countdown import fmt_clock
from runback_tui.widgets.pain_scale import PainScale

OUTCOME_WORDS: dict[str, str] = {
    "progress": "▲ PROGRESS",
    "repeat": "● REPEAT",
    "step_back": "▼ STEP BACK",
    "flare": "⚠ FLARE",
    "build": "★ BUILD",
}
"""A word marker per decision outcome (never colour alone)."""

SAVED = "✔ Saved. Press enter or escape to close."
"""What a summary says once its log is stored (its footer then offers Close for both keys)."""


class SummaryScreen(RunbackScreen[None]):
    """The fields and keys every summary shares."""

    CSS_PATH = [stylesheet("summary.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Save the log", id="summary-save"),
        Binding("enter", "close", "Close", show=False, id="summary-close"),
        Binding("escape", "discard", "Discard", id="summary-discard"),
        Binding("escape", "close", "Close", id="summary-close-esc"),
        *[Binding(k, "noop", "", show=False, id=f"summary-block-{k}") for k in "cerhd"],
    ]
    """Before saving, enter saves and escape asks to discard; once saved, both close and the
    footer says "esc Close" (check_action offers one binding of each pair)."""
    AUTO_FOCUS = ""
    HINT = "enter saves · tab moves on · escape discards"
    """The line under the form until the log is saved."""

    def __init__(self) -> None:
        super().__init__()
        self.expected_active: Any = UNCHECKED
        """The session under way as this session last wrote it (a log over a session taken
        over elsewhere asks first)."""
        self.saved = False
        """True once the log is stored."""
        self._saving = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Save and discard until the log is stored; close after."""
        if action in ("save", "discard"):
            return not self.saved
        if action == "close":
            return self.saved
        return True

    def pain_fields(self, during: int | None) -> ComposeResult:
        """Pain during (pre-filled with the session's highest) and pain after."""
        yield PainScale("Pain during", value=during, id="pain-during")
        yield PainScale("Pain after", id="pain-after")

    def focus_first_empty(self) -> None:
        """Focus the first pain field without a value."""
        during = self.query_one("#pain-during", PainScale)
        target = "#pain-after" if during.value is not None else "#pain-during"
        focus_first(self, target)

    def set_message(self, text: str, *, error: bool = False) -> None:
        """Show a line under the form."""
        message = self.query_one("#summary-message", Static)
        message.update(Text(text))  # it may quote what was typed: never read as markup
        message.set_class(error, "danger")

    def action_noop(self) -> None:
        """Navigation waits until the log is saved or discarded, then until it is closed."""
        if self.saved:
            self.notify("Saved. Close this summary first (enter or escape).", timeout=3)
        else:
            self.notify("Save (enter) or discard (escape) this session first.", timeout=3)

    def action_save(self) -> None:
        """Save the log (subclasses build it)."""
        if self.saved:
            self.close()
            return
        if self._saving:
            return
        log = self.build_log()
        if log is None:
            return
        self._saving = True
        self.set_message("Saving…")
        self.write(self.runback.store, log)

    def build_log(self) -> Any:
        """The log to store, or None after showing what is missing."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="store-write")
    def write(self, store: Store, log: Any) -> None:
        """Store the log off the event loop."""
        try:
            result = self.store_log(store, log)
        except RecordChanged as error:
            self.post_message(StoreWriteConflict(error, log))
            return
        except StoreError as error:
            self.post_message(StoreWriteFailed(str(error)))
            return
        self.post_message(StoreWriteDone(result))

    def store_log(self, store: Store, log: Any) -> Any:
        """The write itself (runs in the worker thread)."""
        store.add_session(log)
        return log

    def on_store_write_conflict(self, message: StoreWriteConflict) -> None:
        """Another process took the session under way over since it was saved: ask."""
        self._saving = False

        def resave(theirs: Any) -> None:
            self.expected_active = theirs
            self._saving = True
            self.write(self.runback.store, message.mine)

        def keep_theirs() -> None:
            self.dismiss()
            self.notify(wording.KEPT_THEIRS_SESSION)

        ask_whose(
            self,
            message,
            wording.describe_active_session,
            mine=self.expected_active,
            keep_mine=wording.KEEP_MINE_SESSION,
            show=self.set_message,
            resave=resave,
            keep_theirs=keep_theirs,
        )

    def on_store_write_failed(self, message: StoreWriteFailed) -> None:
        """Keep the values; say what went wrong and how to retry."""
        self._saving = False
        self.set_message(failure_text(message.problem, "enter"), error=True)

    def on_store_write_done(self, message: StoreWriteDone) -> None:
        """Show that the log was stored; enter and escape now close."""
        self._saving = False
        self.saved = True
        self.query_one("#summary-hint", Static).display = False  # the saved message says it
        self.refresh_bindings()
        self.after_save(message.result)

    def after_save(self, result: Any) -> None:
        """Hook: the log was stored."""
        self.set_message(SAVED)

    def action_close(self) -> None:
        """Leave the saved summary."""
        self.close()

    def action_discard(self) -> None:
        """Close; before saving, ask first (the session will not be logged)."""
        if self.saved:
            self.close()
            return

        def answered(answer: bool | None) -> None:
            if answer:
                self.discarded()
                self.close()

        self.app.push_screen(
            ConfirmDialog("Discard this session without logging it?", "discard", "keep it"),
            answered,
        )

    def discarded(self) -> None:
        """Hook: the user discarded the session."""

    def close(self) -> None:
        """Leave the summary."""
        self.dismiss()


class RoutineSummaryScreen(SummaryScreen):
    """The end of a routine or single exercise: saved as a RoutineLog."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "relief", "Flare relief routine", id="summary-relief"),
    ]

    def __init__(self, result: RoutineResult) -> None:
        super().__init__()
        self.result = result
        """What the session did."""
        self.suggest_relief = result.flare
        """True when the flare rule applies: `f` starts the relief routine."""
        self._stored_log: RoutineLog | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the relief routine only after a flare."""
        if action == "relief":
            return self.suggest_relief
        return super().check_action(action, parameters)

    def compose(self) -> ComposeResult:
        result = self.result
        yield TitleBar()
        with VerticalScroll(id="summary-form"):
            state = "finished" if result.completed else "ended early"
            yield Static(f"{result.title} — {state}", classes="form-title")
            if result.flare:
                yield Static(
                    f"⚠ FLARE: pain {result.max_pain} (4 or more) stopped the session. "
                    "The next 48 hours are acute care: ice, gentle walking, no running or "
                    "strength work. Press f for the Flare relief routine after saving.",
                    id="summary-flare",
                    classes="warning",
                )
            skipped = ", ".join(result.skipped) if result.skipped else "nothing"
            yield Static(
                f"Time taken {fmt_clock(result.duration_s)} · skipped: {skipped}",
                id="summary-facts",
            )
            yield from self.pain_fields(result.max_pain)
            yield Static(self.HINT, id="summary-hint", classes="hint")
            yield Static("", id="summary-message")
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the first empty pain field."""
        self.focus_first_empty()

    def build_log(self) -> RoutineLog | None:
        """The RoutineLog of the session."""
        result = self.result
        try:
            return RoutineLog(
                date=result.day or self.runback.clock.today(),
                routine_id=result.routine_id,
                pain_during=self.query_one("#pain-during", PainScale).value,
                pain_after=self.query_one("#pain-after", PainScale).value,
                completed=result.completed,
                duration_s=round(result.duration_s, 1),
                skipped=list(result.skipped),
            )
        except ValidationError as error:
            self.set_message("✗ " + describe_validation_error(error), error=True)
            return None

    def store_log(self, store: Store, log: Any) -> Any:
        """Store the routine log, and the ice block of a relief routine.

        Two writes: when the first lands and the second fails, a retry must not log the
        routine twice, so the stored log is remembered and only the ice is tried again.
        """
        if self._stored_log is None:
            store.add_session(log)
            self._stored_log = log
        minutes = self.result.ice_minutes
        if minutes:
            start = self.runback.clock.now()
            store.log_ice(start, minutes, completed=True)
        return self._stored_log

    def after_save(self, result: Any) -> None:
        """Say it was saved; suggest relief after a flare."""
        log: RoutineLog = result
        pain = max(log.pain_during or 0, log.pain_after or 0)
        text = SAVED
        if is_flare(pain) or self.result.flare:
            text = (
                "✔ Saved. Flare rule: press f for the Flare relief routine, or enter or escape "
                "to close."
            )
            self.suggest_relief = True
            self.refresh_bindings()
        self.set_message(text)

    def action_relief(self) -> None:
        """Start the relief routine (after a flare)."""
        if not self.saved:
            self.notify("Save (enter) or discard (escape) first.", timeout=3)
            return
        self.runback.replace_with_routine("relief")


def _this_session(log: RunWalkLog) -> str:
    """What the session just logged was, when it is one of several on its date."""
    total = STAGES[log.stage].repeats if log.stage in STAGES else log.repeats_done
    how = (
        "was completed"
        if log.completed
        else f"was stopped early (after {log.repeats_done} of {total} repeats)"
    )
    return (
        f"This session {how}, pain {log.pain_during} during and {log.pain_after} after; "
        "it was judged with the day's other run-walk sessions."
    )


class RunSummaryScreen(SummaryScreen):
    """The end of a run-walk or run: pain during, pain after, distance and shoe."""

    def __init__(self, result: RunResult) -> None:
        super().__init__()
        self.result = result
        """What the session did."""
        self.decision: StageDecision | None = None
        """The engine's decision once saved (run-walk only)."""
        self._units = "km"

    def compose(self) -> ComposeResult:
        result = self.result
        snapshot = None
        with contextlib.suppress(StoreError):
            snapshot = self.runback.store.snapshot()
        profile = snapshot.profile if snapshot else None
        self._units = profile.units if profile else "km"
        shoes = list(snapshot.history.shoes) if snapshot else []
        last_shoe = default_shoe(snapshot.history) if snapshot else None
        yield TitleBar()
        with VerticalScroll(id="summary-form"):
            state = "finished" if result.completed else "ended early"
            yield Static(f"{result.spec.title} — {state}", classes="form-title")
            facts = f"Time {fmt_clock(result.active_s)}"
            if result.spec.kind == "run_walk":
                total = {1: 10, 2: 8, 3: 6}.get(result.spec.stage or 1, 0)
                facts += f" · repeats done {result.repeats_done} of {total}"
            if result.skipped:
                facts += " · skipped: " + ", ".join(result.skipped)
            yield Static(facts, id="summary-facts")
            yield from self.pain_fields(result.max_pain)
            optional = "" if result.spec.kind == "run" else " (optional)"
            yield Static(f"Distance in {self._units}{optional}", classes="section")
            yield Input(placeholder=f"e.g. 3.2 {self._units}", id="distance")
            options: list[tuple[Any, str]] = [(None, "No shoe")]
            options += [(shoe.name, shoe.name) for shoe in shoes]
            yield Choice("Shoe", options, value=last_shoe, id="shoe")
            yield Static(self.HINT, id="summary-hint", classes="hint")
            yield Static("", id="summary-message")
            yield Static("", id="summary-decision")
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the first empty pain field; inputs follow the cursor-blink switch."""
        for field_ in self.query(Input):
            field_.cursor_blink = self.runback.blink_cursor
        self.focus_first_empty()

    @on(Input.Submitted, "#distance")
    def _submitted(self) -> None:
        self.action_save()

    def _distance_km(self) -> tuple[float | None, str | None]:
        """The distance in km, or a problem."""
        raw = self.query_one("#distance", Input).value.strip().replace(",", ".")
        if not raw:
            if self.result.spec.kind == "run":
                return None, f"Distance: a run needs its distance in {self._units}."
            return None, None
        try:
            value = float(raw)
        except ValueError:
            return None, f"Distance: {raw!r} is not a number."
        if not math.isfinite(value) or value < 0:
            return None, "Distance: must be 0 or more."
        km = to_km(value, self._units)  # type: ignore[arg-type]
        if km > MAX_SESSION_KM:
            return None, f"Distance: must be at most {MAX_SESSION_KM:g} km."
        return km, None

    def build_log(self) -> RunWalkLog | RunLog | None:
        """The RunWalkLog (or RunLog) of the session."""
        result = self.result
        during = self.query_one("#pain-during", PainScale).value
        after = self.query_one("#pain-after", PainScale).value
        problems = []
        if during is None:
            problems.append("Pain during: press 0–9 (its field first).")
        if after is None:
            problems.append("Pain after: press 0–9 (its field first).")
        km, distance_problem = self._distance_km()
        if distance_problem:
            problems.append(distance_problem)
        if problems:
            self.set_message("✗ " + "\n✗ ".join(problems), error=True)
            return None
        shoe = self.query_one("#shoe", Choice).value
        try:
            if result.spec.kind == "run_walk":
                return RunWalkLog.model_validate(
                    {
                        "date": result.day,
                        "stage": result.spec.stage or 1,
                        "completed": result.completed,
                        "repeats_done": result.repeats_done,
                        "pain_during": during,
                        "pain_after": after,
                        "distance_km": km,
                        "shoe": shoe,
                    }
                )
            return RunLog.model_validate(
                {
                    "date": result.day,
                    "distance_km": km,
                    "minutes": max(0.1, round(result.active_s / 60, 1)),
                    "pain_during": during,
                    "pain_after": after,
                    "shoe": shoe,
                }
            )
        except ValidationError as error:
            self.set_message("✗ " + describe_validation_error(error), error=True)
            return None

    def store_log(self, store: Store, log: Any) -> Any:
        """Log the session and drop the resumable record in one write; then decide.

        Returns (log, the engine's decision or None, how many run-walks that date holds, the
        waiting imported run this log is or None).
        """
        if self.result.saver_idle is not None:
            self.result.saver_idle.wait(timeout=5)
        if self.expected_active is UNCHECKED and self.result.saved_record is not None:
            self.expected_active = self.result.saved_record() or UNCHECKED
        taken = store.finish_active_session(log, expected=self.expected_active)
        decision = None
        same_day = 0
        if isinstance(log, RunWalkLog):
            snapshot = store.snapshot()
            if snapshot.profile is not None:
                decision = decide_next_stage(snapshot.profile, snapshot.history, log)
            same_day = sum(
                1
                for s in snapshot.history.sessions
                if isinstance(s, RunWalkLog) and s.date == log.date
            )
        return (log, decision, same_day, taken)

    def after_save(self, result: Any) -> None:
        """Show the engine's decision for next time, in the engine's words.

        With several run-walks on the date the engine judges them together by the worst and
        names the session that decided (protocol.md §5); the line after it then says what this
        session was, so it never reads as the one the decision describes.
        """
        log, decision, same_day, taken = result
        self.decision = decision
        self.set_message(SAVED)
        text = ""
        if decision is not None:
            word = OUTCOME_WORDS.get(decision.outcome, decision.outcome.upper())
            nxt = f" → next session: stage {decision.next_stage}" if decision.next_stage else ""
            _, reason = after_marker(word, decision.reason)  # "⚠ FLARE", never then "Flare:"
            text = f"{word}{nxt}\n{reason[:1].upper()}{reason[1:]}"
            if same_day > 1:
                text += f"\n{_this_session(log)}"
        elif is_flare(max(log.pain_during, log.pain_after)):
            text = "⚠ FLARE: pain 4 or more — 48 hours of acute care come first."
        if taken is not None:
            text = "\n".join(filter(None, [text, wording.pending_taken(taken.started_at)]))
        self.query_one("#summary-decision", Static).update(text)
        self.query_one("#summary-decision", Static).set_class(bool(text), "panel")

    def discarded(self) -> None:
        """Forget the resumable record (off the event loop, in an app worker that outlives us)."""
        store, idle, app = self.runback.store, self.result.saver_idle, self.app

        saved = self.result.saved_record

        def clear() -> None:
            if idle is not None:
                idle.wait(timeout=5)
            expected = (saved() if saved is not None else None) or UNCHECKED
            try:
                store.clear_active_session(expected=expected)
            except RecordChanged:
                app.call_from_thread(
                    app.notify,
                    "The session was taken over elsewhere: it was left there, not discarded.",
                )
            except StoreError as error:
                app.call_from_thread(app.notify, f"Not discarded: {error}", severity="error")

        app.run_worker(clear, thread=True, group="active-session")
