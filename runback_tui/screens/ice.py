"""The ice timer for acute days: 15–20 minutes, then when the next ice is due (2–3 h later).

protocol.md §3: ice 15–20 min every 2–3 waking hours, wrapped in a thin towel, never on bare
skin.  The block is recorded (``ice`` table) with the time the next one is due, which the
home screen shows through ``Store.next_ice_due()``.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ProgressBar, Static

from runback_tui.domain.exercises import EXERCISES, Dose
from runback_tui.domain.models import MAX_ICE_MINUTES, MIN_ICE_MINUTES, IceLog
from runback_tui.domain.timeline import build_exercise_timeline
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.forms import StoreWriteDone, StoreWriteFailed, focus_first
from runback_tui.screens.session import (
    PROGRESS_STEPS,
    TimerScreen,
    load_settings,
    replace_screen,
)
from runback_tui.sessions.controller import Tick
from runback_tui.storage.durable import StoreError
from runback_tui.storage.store import Store
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.choice import Choice
from runback_tui.widgets.countdown import (
    BigWord,
    Countdown,
    CueBanner,
    QuietStatic,
    countdown_text,
    fmt_clock,
)
from runback_tui.widgets.steps import Hanging, numbered_steps

MIN_LOGGED_S = 60.0
"""An ice block shorter than this is not recorded."""


def ice_steps() -> Hanging:
    """The ice exercise's steps and key points, wrapped lines hanging under their text."""
    ice = EXERCISES["ice"]
    return numbered_steps(ice.steps, ice.key_points)


class IceSetupScreen(RunbackScreen[None]):
    """Choose 15–20 minutes, then `enter` starts the timer."""

    CSS_PATH = [stylesheet("session.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start the ice timer", id="ice-start"),
    ]
    AUTO_FOCUS = ""

    def compose(self) -> ComposeResult:
        minutes = load_settings(self.runback).ice_minutes
        yield TitleBar()
        with VerticalScroll(id="ice-setup"):
            yield Static("Ice timer", classes="form-title")
            yield Static("Acute care: ice 15–20 minutes every 2–3 waking hours.", classes="hint")
            yield Choice(
                "Minutes",
                [(m, str(m)) for m in range(MIN_ICE_MINUTES, MAX_ICE_MINUTES + 1)],
                value=minutes,
                id="ice-minutes",
            )
            yield Static(ice_steps(), id="ice-steps")
            yield Static("←/→ minutes · enter starts · escape back", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the minutes."""
        focus_first(self, "#ice-minutes")

    def action_start(self) -> None:
        """Start the timer."""
        minutes = int(self.query_one("#ice-minutes", Choice).value)
        replace_screen(self.app, IceTimerScreen(minutes))


class IceTimerScreen(TimerScreen):
    """A single timed ice block with the usual cues; records the next ice time at the end."""

    CSS_PATH = [stylesheet("session.tcss")]

    def __init__(self, minutes: int) -> None:
        timeline = build_exercise_timeline("ice", dose=Dose(minutes=minutes), get_ready_s=0)
        super().__init__(timeline)
        self.minutes = minutes
        """The planned length."""
        self.logged: IceLog | None = None
        """The stored block, once recorded."""
        self._started_wall: datetime | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield QuietStatic(f"Ice · {self.minutes} min", id="session-title", classes="title")
        yield CueBanner(id="cue-banner")
        with Horizontal(id="session-big"):
            kind = BigWord(id="session-kind", classes="kind-timed")
            kind.fit_words("ICE")
            kind.set_word("ICE")
            yield kind
            countdown = Countdown(id="session-countdown")
            countdown.fit = countdown_text(self.timeline.total_s)  # sized for the whole block
            yield countdown
        with Horizontal(id="session-facts"):
            yield QuietStatic("Thin towel, never bare skin.", id="session-what")
            yield QuietStatic(id="session-clock-hint", classes="hint")
        with Horizontal(id="session-state"):
            yield QuietStatic(id="session-status")
            yield QuietStatic(id="session-pain")
        yield QuietStatic(id="session-next")
        yield QuietStatic(ice_steps(), id="session-steps")
        with Horizontal(id="session-bottom"):
            yield ProgressBar(total=PROGRESS_STEPS, show_eta=False, id="session-progress")
            yield QuietStatic(id="session-times")
        yield KeyBar()

    def after_start(self) -> None:
        """Remember the wall-clock start."""
        self._started_wall = self.runback.clock.now()

    def render_tick(self, tick: Tick) -> None:
        """The countdown and times."""
        state = tick.state
        self.query_one("#session-countdown", Countdown).show_remaining(state.remaining_s)
        self.query_one("#session-kind", BigWord).set_word(
            "PAUSED" if self.controller.paused else "ICE"
        )
        self.set_text("#session-clock-hint", f"of {fmt_clock(self.timeline.total_s)}", layout=True)
        status = "‖ PAUSED — space resumes" if self.controller.paused else "▶ icing"
        self.set_text("#session-status", status, layout=True)
        self.set_text("#session-times", self.times_text(tick))

    def show_summary(self, *, completed: bool, flare: bool) -> None:
        """Record the block (off the event loop) and say when the next is due."""
        done_s = self.controller.elapsed()
        if done_s < MIN_LOGGED_S:
            self.set_text(
                "#session-next", "Stopped before a minute: nothing recorded.", layout=True
            )
            self.set_text("#session-status", "Press escape to close.", layout=True)
            return
        started = self._started_wall or self.runback.clock.now()
        self.set_text("#session-status", "Saving…", layout=True)
        self._write(self.runback.store, started, round(done_s / 60, 1), completed)

    @work(thread=True, exclusive=True, group="store-write")
    def _write(self, store: Store, started: datetime, minutes: float, completed: bool) -> None:
        try:
            entry = store.log_ice(started, minutes, completed=completed)
        except StoreError as error:
            self.post_message(StoreWriteFailed(str(error)))
            return
        self.post_message(StoreWriteDone(entry))

    def on_store_write_failed(self, message: StoreWriteFailed) -> None:
        """Say what went wrong."""
        self.set_text("#session-status", f"✗ Not recorded: {message.problem}", layout=True)

    def on_store_write_done(self, message: StoreWriteDone) -> None:
        """Show when the next ice is due."""
        entry: IceLog = message.result
        self.logged = entry
        self.set_text(
            "#session-next",
            f"✔ Recorded {entry.minutes:g} min. Next ice due {entry.next_due_from:%H:%M}–"
            f"{entry.next_due_by:%H:%M} (2–3 h).",
            layout=True,
        )
        self.set_text("#session-status", "Press escape to close.", layout=True)

    def action_end_early(self) -> None:
        """Once finished, escape closes; before, it asks first."""
        if self.controller.ended:
            self.dismiss()
            return
        super().action_end_early()
