"""The startup offer for an unfinished run session: resume, finish and log, or discard.

Resuming puts the session where it would be now by the wall clock (the runner kept going
while the connection was down); "finish and log" logs what was done up to the moment the
session was last saved (on a dropped connection that is the moment it dropped).  The stored
times carry their UTC offset: the position is judged in UTC, and the start and save times are
shown in the zone the runner is in now.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from runback_tui.domain.clock import aware, local
from runback_tui.domain.models import ActiveSession
from runback_tui.paths import stylesheet
from runback_tui.screens.base import Runback, RunbackScreen
from runback_tui.sessions.active import Position, RunSpec, describe_position, repeats_done
from runback_tui.storage.durable import StoreError


class ResumeScreen(RunbackScreen[str], ModalScreen[str]):
    """Offer what to do with an unfinished run session; dismisses with the choice."""

    CSS_PATH = [stylesheet("session.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "choose('log')", "Finish and log", id="resume-log"),
        Binding("d", "choose('discard')", "Discard", id="resume-discard"),
        Binding("escape", "choose('later')", "Decide later", id="resume-later"),
    ]
    AUTO_FOCUS = "#resume-options"

    def __init__(self, record: ActiveSession) -> None:
        super().__init__()
        self.record = record
        """The unfinished session."""
        self.spec = RunSpec.of(record)
        """What was being run."""
        self.now_position: Position
        """Where the session would be now by the wall clock."""
        self.saved_position: Position
        """Where it was when last saved."""

    def compose(self) -> ComposeResult:
        record = self.record
        timeline = self.spec.timeline()
        now = self.runback.clock.now()
        self.now_position = describe_position(timeline, record.elapsed_at(now))
        self.saved_position = describe_position(timeline, record.elapsed_at_save_s)
        paused = " (it was paused)" if record.paused else ""
        here = aware(now).tzinfo  # the zone the runner is in now
        started, saved = local(record.started_at, here), local(record.saved_at, here)
        with Vertical(id="resume-box", classes="dialog"):
            yield Static("Unfinished session", classes="title")
            yield Static(
                f"{self.spec.title}, started {started:%a %d %b %H:%M}, "
                f"was not finished{paused}.\n"
                f"Last saved {saved:%H:%M:%S}: {self.saved_position.label}.\n"
                f"By the clock now: {self.now_position.label}.",
                id="resume-facts",
            )
            yield OptionList(
                Option(f"▶ Resume at {self.now_position.label}", id="resume"),
                Option(
                    f"Finish and log what was done by the last save "
                    f"({self.saved_position.repeats_done} "
                    f"repeat{'' if self.saved_position.repeats_done == 1 else 's'})",
                    id="log",
                ),
                Option("Discard it (nothing is logged)", id="discard"),
                id="resume-options",
            )
            yield Static("enter chooses · l log · d discard · escape decide later", classes="hint")

    def on_mount(self) -> None:
        """Highlight 'resume'."""
        self.query_one("#resume-options", OptionList).highlighted = 0

    @on(OptionList.OptionSelected, "#resume-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option.id or "later")

    def action_choose(self, choice: str) -> None:
        """Act on the choice and close."""
        if choice == "resume":
            self.dismiss(choice)
            self.app.push_screen(run_screen_for(self.record))
        elif choice == "log":
            self.dismiss(choice)
            self.app.push_screen(summary_for(self.record))
        elif choice == "discard":
            self.dismiss(choice)
            store, app = self.runback.store, self.app

            def clear() -> None:
                try:
                    store.clear_active_session()
                except StoreError as error:
                    app.call_from_thread(app.notify, f"Not discarded: {error}", severity="error")

            app.run_worker(clear, thread=True, group="active-session")
        else:
            self.dismiss("later")


def run_screen_for(record: ActiveSession) -> Screen[None]:
    """The run screen resuming *record*."""
    from runback_tui.screens.run import RunSessionScreen

    return RunSessionScreen(RunSpec.of(record), record=record)


def summary_for(record: ActiveSession) -> Screen[None]:
    """The run summary of what *record* had done when it was last saved."""
    from runback_tui.screens.summary import RunSummaryScreen
    from runback_tui.sessions.results import RunResult

    spec = RunSpec.of(record)
    timeline = spec.timeline()
    skipped = {s.index for s in timeline.segments if s.label in set(record.skipped)}
    elapsed = min(record.elapsed_at_save_s, timeline.total_s)
    finished = elapsed >= timeline.total_s
    runs_skipped = any(timeline.segments[i].kind == "run" for i in skipped)
    result = RunResult(
        spec=spec,
        day=record.date,
        completed=finished and not runs_skipped,
        repeats_done=repeats_done(timeline, elapsed, skipped),
        elapsed_s=elapsed,
        active_s=elapsed,
        max_pain=max((tap.pain for tap in record.pains), default=None),
        skipped=tuple(record.skipped),
        pains=tuple((tap.elapsed_s, tap.at, tap.pain) for tap in record.pains),
    )
    return RunSummaryScreen(result)


def offer_unfinished_session(app: App[Any]) -> bool:
    """Push the resume offer when the data file holds an unfinished session; True if so."""
    try:
        record = cast("Runback", app).store.active_session()
    except StoreError:
        return False
    if record is None:
        return False
    app.push_screen(ResumeScreen(record))
    return True
