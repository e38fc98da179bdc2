"""Imported runs waiting for their pain: "2 runs imported — how did your back feel?"

`runback import` without --pain-during/--pain-after keeps each new run pending
(models.ImportedActivity): it counts for nothing until the runner says how their back felt.
The app asks here once at the next start (home opens this screen), and home, the import
screen and the palette offer it with `i` while any wait.

Each run is a heading (date, distance, time, what it was logged as, its file) and two 0-10
scales, pain during and pain after: `0`-`9` set the focused scale, `tab` moves on, `enter`
logs every run whose two scales are set (Store.settle_imports, in a worker thread; the others
keep waiting), `x` drops the focused run (not a run of yours) after asking, `escape` leaves
them all waiting.  Logging pain at the flare threshold shows the flare advice, as a log
anywhere does.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from runback_tui.domain import wording
from runback_tui.domain.models import ImportedActivity, Units
from runback_tui.domain.protocol import flare_acute_on, is_flare, session_pain
from runback_tui.domain.text import printable
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.forms import (
    StoreWriteDone,
    StoreWriteFailed,
    failure_text,
    focus_first,
)
from runback_tui.storage.activities import logged_as
from runback_tui.storage.durable import StoreError
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.confirm import ConfirmDialog
from runback_tui.widgets.pain_scale import PainScale

HINT = "Set both scales of a run (0-9, → for 10), tab to move on; enter logs the runs answered."


def run_heading(activity: ImportedActivity, units: Units) -> str:
    """One pending run in a line: when, how far and long, what it would be logged as."""
    from runback_tui.domain.load import format_distance

    when = f"{activity.started_at:%a %d %b %H:%M}"
    distance = format_distance(activity.distance_km, units, decimals=2)
    minutes = f", {activity.minutes:.0f} min" if activity.minutes else ""
    return f"{when} · {distance}{minutes} · {logged_as(activity)}"


class PendingRunsScreen(RunbackScreen[None]):
    """Pain during and after for each imported run waiting for it."""

    CSS_PATH = [stylesheet("summary.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Log the answered", id="pending-save"),
        Binding("x", "drop", "Not my run: drop", id="pending-drop"),
        Binding("escape", "later", "Later", id="pending-later"),
        Binding("escape", "back", "Back", id="pending-back"),
    ]
    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__()
        self._runs: list[ImportedActivity] = []
        self._units: Units = "km"
        self._saving = False

    def compose(self) -> ComposeResult:
        problem = None
        try:
            snapshot = self.runback.store.snapshot()
            self._runs = list(snapshot.pending_imports)
            if snapshot.profile is not None:
                self._units = snapshot.profile.units
        except StoreError as error:
            problem = str(error)
        yield TitleBar()
        with VerticalScroll(id="summary-form"):
            yield Static(self._title(len(self._runs)), id="pending-title", classes="form-title")
            yield Static(wording.PENDING_NOT_COUNTED, id="pending-intro", classes="hint")
            for number, run in enumerate(self._runs):
                with Vertical(id=f"run-{number}", classes="pending-run"):
                    heading = Text(run_heading(run, self._units), style="bold")
                    heading.append(f"  ({printable(run.source)})", style="dim")
                    yield Static(heading, classes="pending-heading")
                    yield PainScale("Pain during", id=f"during-{number}")
                    yield PainScale("Pain after", id=f"after-{number}")
            yield Static(HINT, id="summary-hint", classes="hint")
            yield Static(problem or "", id="summary-message")
        yield KeyBar()

    @staticmethod
    def _title(waiting: int) -> str:
        if not waiting:
            return "No imported runs are waiting for how your back felt."
        return wording.pending_prompt(waiting)

    def _waiting(self) -> list[tuple[int, ImportedActivity]]:
        """The runs still shown (not logged or dropped here), with their row numbers."""
        return [
            (number, run)
            for number, run in enumerate(self._runs)
            if self.query(f"#run-{number}")
            and not self.query_one(f"#run-{number}").has_class("-done")
        ]

    def on_mount(self) -> None:
        focus_first(self, "PainScale")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Log, drop and later only while a run waits; back once none does."""
        if action in ("save", "drop", "later"):
            return bool(self._waiting())
        if action == "back":
            return not self._waiting()
        return True

    def _answers(self) -> dict[str, tuple[int, int]]:
        """{id: (pain during, pain after)} of every shown run with both scales set."""
        answers = {}
        for number, run in self._waiting():
            during = self.query_one(f"#during-{number}", PainScale).value
            after = self.query_one(f"#after-{number}", PainScale).value
            if during is not None and after is not None:
                answers[run.id] = (during, after)
        return answers

    def set_message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#summary-message", Static)
        message.update(Text(text))
        message.set_class(error, "danger")

    def action_save(self) -> None:
        """Log every run answered; the others keep waiting."""
        if self._saving:
            return
        answers = self._answers()
        if not answers:
            self.set_message(
                "Set pain during and pain after for a run first (0-9 on the focused scale).",
                error=True,
            )
            return
        self._saving = True
        self.set_message("Saving…")
        self._settle(answers)

    @work(thread=True, exclusive=True, group="store-write")
    def _settle(self, answers: dict[str, tuple[int, int]]) -> None:
        try:
            logs = self.runback.store.settle_imports(answers)
            acute = any(is_flare(session_pain(log)) for log in logs) and flare_acute_on(
                self.runback.store.history(), self.runback.clock.today()
            )  # read again only for a flare: does its 48 hours reach today?
        except StoreError as error:
            self.post_message(StoreWriteFailed(str(error)))
            return
        self.post_message(StoreWriteDone((answers, logs, acute)))

    def on_store_write_failed(self, message: StoreWriteFailed) -> None:
        self._saving = False
        self.set_message(failure_text(message.problem, "enter"), error=True)

    def on_store_write_done(self, message: StoreWriteDone) -> None:
        """Mark the answered runs done; say what was logged and any flare."""
        self._saving = False
        answers, logs, acute = message.result
        self._mark_done(set(answers))
        lines = []
        if logs:
            lines.append(f"✓ Logged {wording.plural(len(logs), 'run')}:")
            lines += [
                f"  {log.date:%a %d %b}: {logged_as(log)}, pain {log.pain_during}/10 during, "
                f"{log.pain_after}/10 after"
                for log in logs
            ]
        if len(logs) < len(answers):
            lines.append(
                f"{wording.plural(len(answers) - len(logs), 'run')} not logged: already "
                "logged (typed in, or answered in another Runback) or dropped meanwhile."
            )
        flares = [log for log in logs if is_flare(session_pain(log))]
        if flares:  # the latest flare's advice: acute when a flare's 48 hours reach today
            latest = max(flares, key=lambda log: (log.date, session_pain(log)))
            over = None if acute else latest.date
            worst = max(latest.pain_during, latest.pain_after)  # a run log: both are set
            lines.append(wording.flare_after_log(worst, "tui", over_since=over))
        if self._waiting():
            lines.append(f"{wording.plural(len(self._waiting()), 'run')} still waiting.")
        elif logs and not flares:
            lines.append("They count from now on: press h for today's plan.")
        self.set_message("\n".join(lines))

    def _mark_done(self, ids: set[str]) -> None:
        for number, run in self._waiting():
            if run.id in ids:
                row = self.query_one(f"#run-{number}")
                row.add_class("-done")
                row.display = False
        self.query_one("#pending-title", Static).update(self._title(len(self._waiting())))
        waiting = self._waiting()
        if not waiting:
            self.query_one("#summary-hint").display = False
            self.query_one("#pending-intro").display = False
            self.set_focus(None)  # the hidden scales' keys leave the key bar
        self.refresh_bindings()
        if waiting:
            focus_first(self, f"#during-{waiting[0][0]}")

    def _focused_run(self) -> tuple[int, ImportedActivity] | None:
        focused = self.focused
        for number, run in self._waiting():
            if focused is not None and focused.id in (f"during-{number}", f"after-{number}"):
                return number, run
        return None

    def action_drop(self) -> None:
        """Drop the focused run (after asking): never logged."""
        target = self._focused_run()
        if target is None:
            self.set_message("Move to a run's pain scale first (tab), then press x.", error=True)
            return
        number, run = target

        def answered(answer: bool | None) -> None:
            if answer:
                self._drop(run.id)

        self.app.push_screen(
            ConfirmDialog(
                f"Drop {run_heading(run, self._units)}? It will not be logged "
                "(importing its file again brings it back).",
                "drop it",
                "keep it",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="store-write")
    def _drop(self, run_id: str) -> None:
        try:
            self.runback.store.drop_imports([run_id])
        except StoreError as error:
            self.app.call_from_thread(self.set_message, f"✗ Not dropped: {error}", error=True)
            return
        self.app.call_from_thread(self._dropped, run_id)

    def _dropped(self, run_id: str) -> None:
        self._mark_done({run_id})
        self.set_message("Dropped: it will not be logged unless you import its file again.")

    def action_later(self) -> None:
        """Leave the waiting runs for another time (home offers them again with i)."""
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()

    @on(PainScale.Changed)
    def _changed(self) -> None:
        self.query_one("#summary-message", Static).update("")
