"""Guided exercise sessions: the shared timer screen and the routine/exercise session on top of it.

:class:`TimerScreen` is what every timed session shares (routines, single exercises, run-walk,
the ice timer): a :class:`~runback_tui.sessions.controller.SessionController` over a timeline
and the app's injected clock, a :class:`~runback_tui.sessions.cues.CueDispatcher`, the cue
banner, and the keys of interface.md (`space` pause/resume, `n` next, `b` back, `enter` count
a rep, `0`–`9` log pain, `escape` end early).  The screen ticks every 0.25 s, but each tick
only reads the clock and compares text: widgets repaint when what they show changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ProgressBar

from runback_tui.domain.exercises import EXERCISES, ROUTINES
from runback_tui.domain.models import Settings
from runback_tui.domain.protocol import is_flare
from runback_tui.domain.timeline import Cue, Segment, Timeline
from runback_tui.paths import stylesheet
from runback_tui.screens.base import Runback, RunbackScreen
from runback_tui.sessions.controller import STALL_S, SessionController, Tick
from runback_tui.sessions.cues import CueDispatcher, CueEvent
from runback_tui.sessions.results import RoutineResult
from runback_tui.storage.durable import StoreError
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.confirm import ConfirmDialog
from runback_tui.widgets.countdown import (
    BigWord,
    Countdown,
    CueBanner,
    QuietStatic,
    countdown_text,
    fmt_clock,
)
from runback_tui.widgets.steps import Hanging, numbered_steps

TICK_S = 0.25
"""Real seconds between ticks; every value shown is computed from the clock, not counted."""
FLASH_S = 1.5
"""Session seconds a cue banner stays highlighted."""
PROGRESS_STEPS = 100
"""Resolution of the progress bar: its percentage, so it repaints once per percent."""

KIND_WORDS = {
    "get_ready": "READY",
    "hold": "HOLD",
    "reps": "REPS",
    "timed": "GO",
    "switch": "SWITCH",
    "rest": "REST",
}
"""The large word of each kind of routine segment (short enough to be large at 80×24)."""

SESSION_ACTIONS = frozenset(
    {"toggle_pause", "skip", "back", "count_rep", "end_early", "settings", "quit_session"}
)
"""The actions of a session's own keys."""

BLOCKED_KEYS = ("c", "e", "r", "h", "d")
"""Global screen keys that would leave a running session; they only say how to end it."""


def clock_speed(app: Runback) -> float:
    """Session seconds per real second (``--speed``; 1 for a FakeClock)."""
    speed = getattr(app.clock, "speed", 1.0)
    return float(speed) if isinstance(speed, int | float) and speed > 0 else 1.0


def replace_screen(app: App[Any], screen: Screen[None]) -> None:
    """Replace the top screen with *screen*, from the app's own message queue.

    Called from a screen's timer or from a dialog's callback (both run on that screen's
    message pump), ``switch_screen`` would wait for the screen's own removal; deferring
    it to the app keeps the screen free to close.
    """
    app.call_later(app.switch_screen, screen)


def load_settings(app: Runback) -> Settings:
    """The saved cue settings, or the defaults when the file cannot be read."""
    try:
        return app.store.settings()
    except StoreError:
        return Settings()


class TimerScreen(RunbackScreen[None]):
    """What every timed session screen shares: clock, controller, cues, keys."""

    RUNS_SESSION = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "Pause/resume", id="session-pause"),
        Binding("n", "skip", "Next", id="session-next"),
        Binding("b", "back", "Back", id="session-back"),
        Binding("enter", "count_rep", "Count rep", id="session-rep"),
        Binding("escape", "end_early", "End", id="session-end"),
        Binding("s", "settings", "Cue settings", id="session-settings"),
        Binding("q", "quit_session", "Quit", id="session-quit"),
        *[
            Binding(str(n), f"log_pain({n})", f"Pain {n}", show=False, id=f"session-pain-{n}")
            for n in range(10)
        ],
        *[
            Binding(key, "blocked", "", show=False, id=f"session-block-{key}")
            for key in BLOCKED_KEYS
        ],
    ]
    AUTO_FOCUS = ""

    def __init__(self, timeline: Timeline, *, start_at: float = 0.0) -> None:
        super().__init__()
        self.timeline = timeline
        """The session's segments and cues."""
        self._start_at = start_at
        self.controller: SessionController
        """The session runner (made on mount, when the app's clock is known)."""
        self.dispatcher: CueDispatcher
        """Cue delivery (made on mount)."""
        self.settings = Settings()
        """The cue settings in force."""
        self._tick_timer: Timer | None = None
        self._segment_index = -1
        self._progress_step = -1
        self._finishing = False
        self._big_words: list[BigWord] = []
        """The screen's big words (found once on mount: the tick runs four times a second)."""

    # -- set-up ----------------------------------------------------------------------------

    def make_controller(self) -> SessionController:
        """The controller for this session (subclasses choose manual or tempo reps)."""
        return SessionController(
            self.timeline,
            self.runback.clock,
            manual_reps=not self.settings.tempo_reps,
            stall_s=STALL_S * clock_speed(self.runback),
            start_at=self._start_at,
        )

    def on_mount(self) -> None:
        """Load the settings, start the clock and the tick."""
        self._big_words = list(self.query(BigWord))
        self.settings = load_settings(self.runback)
        self.controller = self.make_controller()
        self.dispatcher = CueDispatcher(
            self.app, self.settings, self.show_cue, title=self.timeline.title
        )
        # focus reporting (DECSET 1004): Textual turns FocusIn/FocusOut into App.app_focus
        self.watch(self.app, "app_focus", self.dispatcher.focus_changed, init=False)
        self.before_start()
        cues = self.controller.start()
        self.after_start()
        self.dispatcher.dispatch(cues)
        self.tick()
        self._tick_timer = self.set_interval(TICK_S, self.tick)

    def before_start(self) -> None:
        """Hook: runs just before the controller starts."""

    def after_start(self) -> None:
        """Hook: runs just after the controller starts."""

    def apply_settings(self, settings: Settings) -> None:
        """Use new cue settings from now on (tempo reps apply to the next session)."""
        self.settings = settings
        self.dispatcher.settings = settings

    # -- the tick --------------------------------------------------------------------------

    def tick(self) -> None:
        """Read the clock, deliver due cues, repaint what changed; finish at the end."""
        if self._finishing or self.controller.ended:
            return
        tick = self.controller.poll()
        if tick.cues:
            self.dispatcher.dispatch(tick.cues)
        if tick.state.index != self._segment_index:
            self._segment_index = tick.state.index
            self.segment_changed(tick.state.segment)
        self.render_tick(tick)
        now = self.runback.clock.monotonic()
        self.query_one("#cue-banner", CueBanner).settle(now, self.resting_banner(tick))
        for word in self._big_words:
            word.settle(now)
        step = int(tick.state.progress * PROGRESS_STEPS)
        if step != self._progress_step:
            self._progress_step = step
            self.query_one("#session-progress", ProgressBar).update(progress=step)
        if tick.state.finished:
            self.finish(completed=True)

    def show_cue(self, event: CueEvent) -> None:
        """Flash a cue: its word in large letters for its moment, its words on the banner."""
        until = self.runback.clock.monotonic() + FLASH_S * clock_speed(self.runback)
        self.query_one("#cue-banner", CueBanner).flash(event, until)
        for word in self._big_words:
            word.flash(event, until)

    def resting_banner(self, tick: Tick) -> str:
        """The banner's text between cues."""
        if self.controller.paused:
            return "‖ PAUSED — space to resume"
        if tick.waiting_for_reps:
            return "enter counts a rep · n when done"
        return ""

    def segment_changed(self, segment: Segment) -> None:
        """Hook: a new segment began (refresh what only changes per segment)."""

    def render_tick(self, tick: Tick) -> None:
        """Hook: show the tick's values."""

    def set_text(self, selector: str, text: str | Hanging, *, layout: bool = False) -> None:
        """Show *text* in a QuietStatic (repaints only on change; *layout* when its height may
        change with the text)."""
        self.query_one(selector, QuietStatic).set(text, layout=layout)

    def times_text(self, tick: Tick) -> str:
        """'Elapsed 3:12 · left 6:48' (timeline time)."""
        state = tick.state
        return f"Elapsed {fmt_clock(state.elapsed_s)} · left {countdown_text(state.remaining_s)}"

    def pain_text(self) -> str:
        """The latest pain logged, with when."""
        if not self.controller.pains:
            return "Pain: none logged — 0–9 logs pain now"
        mark = self.controller.pains[-1]
        return (
            f"Pain {mark.pain}/10 logged at {fmt_clock(mark.elapsed_s)} "
            f"({mark.at.strftime('%H:%M')}) · highest {self.controller.max_pain}"
        )

    # -- keys ------------------------------------------------------------------------------

    FINISHED_ACTIONS = frozenset({"end_early", "quit_session"})
    """What still works once the session has ended (escape closes, q quits)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once the session has ended, the footer offers only escape and q."""
        controller = getattr(self, "controller", None)
        if controller is not None and controller.ended and action in SESSION_ACTIONS:
            return action in self.FINISHED_ACTIONS
        return True

    def _deliver(self, cues: list[Cue]) -> None:
        """Deliver cues from a key press and repaint at once."""
        self.dispatcher.dispatch(cues)
        self.tick()

    def action_toggle_pause(self) -> None:
        """Pause or resume."""
        if self.controller.ended:
            return
        self.controller.toggle_pause()
        self.set_class(self.controller.paused, "-paused")
        self.paused_changed(self.controller.paused)
        self.tick()

    def paused_changed(self, paused: bool) -> None:
        """Hook: the session was paused or resumed."""

    def action_skip(self) -> None:
        """Skip to the next segment."""
        self._deliver(self.controller.skip())

    def action_back(self) -> None:
        """Go back one segment."""
        self._deliver(self.controller.back())

    def action_count_rep(self) -> None:
        """Count a rep (manual reps only)."""
        if not self.controller.waiting_for_reps:
            return
        self._deliver(self.controller.count_rep())

    def action_log_pain(self, pain: int) -> None:
        """Log pain now; at 4 or more the flare rule applies."""
        if self.controller.ended:
            return
        self.controller.log_pain(pain, self.runback.clock.now())
        self.pain_logged(pain)
        self.tick()

    def pain_logged(self, pain: int) -> None:
        """Hook: pain was logged."""

    def action_blocked(self) -> None:
        """Say how to leave a running session."""
        self.notify("A session is running: press escape to end it first.", timeout=3)

    def action_end_early(self) -> None:
        """Ask, then end the session early."""

        def answered(answer: bool | None) -> None:
            if answer:
                self.finish(completed=False)

        self.app.push_screen(
            ConfirmDialog(
                "End the session now and go to the summary?",
                "end it",
                "keep going",
                over_session=True,
            ),
            answered,
        )

    def action_settings(self) -> None:
        """Open the cue settings; they apply as soon as they are saved."""
        from runback_tui.screens.settings import SessionSettingsDialog

        def saved(settings: Settings | None) -> None:
            if settings is not None:
                self.apply_settings(settings)

        self.app.push_screen(SessionSettingsDialog(), saved)

    def action_quit_session(self) -> None:
        """Ask, then quit Runback."""

        def answered(answer: bool | None) -> None:
            if answer:
                self.before_quit()
                self.app.exit()

        self.app.push_screen(
            ConfirmDialog(self.quit_question(), "quit", "stay", over_session=True), answered
        )

    def quit_question(self) -> str:
        """The question asked before quitting mid-session."""
        return "Quit Runback? This session will not be logged."

    def before_quit(self) -> None:
        """Hook: the user confirmed quitting."""

    def finish(self, *, completed: bool, flare: bool = False) -> None:
        """Stop the clock and show the summary."""
        if self._finishing:
            return
        self._finishing = True
        self.controller.end()
        if self._tick_timer is not None:
            self._tick_timer.stop()
        self.refresh_bindings()
        self.show_summary(completed=completed, flare=flare)

    def show_summary(self, *, completed: bool, flare: bool) -> None:
        """Hook: replace this screen with its summary."""
        self.dismiss()


class RoutineSessionScreen(TimerScreen):
    """A guided routine or single exercise: holds, reps, rests and cues."""

    CSS_PATH = [stylesheet("session.tcss")]

    def __init__(self, timeline: Timeline, routine_id: str) -> None:
        super().__init__(timeline)
        self.routine_id = routine_id
        """The routine's id (or the exercise's, for a single exercise)."""
        self.start_day: date | None = None
        """The date the routine started (a routine across midnight counts for that day)."""
        self._kind_word = ""

    def after_start(self) -> None:
        """Note the start date."""
        self.start_day = self.runback.clock.today()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield QuietStatic(id="session-title", classes="title")
        yield CueBanner(id="cue-banner")
        with Horizontal(id="session-big"):
            yield BigWord(id="session-kind")
            yield Countdown(id="session-countdown")
        with Horizontal(id="session-facts"):
            yield QuietStatic(id="session-what")
            yield QuietStatic(id="session-clock-hint", classes="hint")
        with Horizontal(id="session-state"):
            yield QuietStatic(id="session-status")
            yield QuietStatic(id="session-pain")
        yield QuietStatic(id="session-next")
        yield QuietStatic(id="session-steps")
        with Horizontal(id="session-bottom"):
            yield ProgressBar(total=PROGRESS_STEPS, show_eta=False, id="session-progress")
            yield QuietStatic(id="session-times")
        yield KeyBar()

    def _exercise_position(self, segment: Segment) -> str:
        """'exercise 1 of 2' for routines."""
        routine = ROUTINES.get(self.routine_id)
        if routine is None or segment.exercise_id not in routine.exercise_ids:
            return ""
        number = routine.exercise_ids.index(segment.exercise_id) + 1
        return f" · exercise {number} of {len(routine.exercise_ids)}"

    def segment_changed(self, segment: Segment) -> None:
        """Show what only changes per segment: title, what, steps, next."""
        exercise = EXERCISES.get(segment.exercise_id or "")
        name = exercise.name if exercise else segment.label
        self.set_text(
            "#session-title",
            f"{self.timeline.title}{self._exercise_position(segment)} · {name}",
        )
        kind = self.query_one("#session-kind", BigWord)
        self._kind_word = KIND_WORDS.get(segment.kind, segment.kind.upper())
        kind.set_word("PAUSED" if self.controller.paused else self._kind_word)
        for other in KIND_WORDS:
            kind.set_class(other == segment.kind, f"kind-{other}")
        self.query_one("#session-countdown", Countdown).fit = countdown_text(segment.duration_s)
        self.set_text("#session-what", self._what(segment))
        self.set_text("#session-next", self._next(segment), layout=True)
        self.set_text("#session-steps", self._steps(segment), layout=True)

    def _what(self, segment: Segment) -> str:
        """Side, set, hold or rep target in words."""
        parts: list[str] = []
        if segment.side:
            coming = " (coming up)" if segment.kind == "switch" else ""
            parts.append(f"{segment.side.capitalize()} side{coming}")
        if segment.set_count and segment.set_count > 1:
            word = "area" if segment.area else "set"
            parts.append(f"{word} {segment.set_number}/{segment.set_count}")
        if segment.area:
            parts.append(segment.area)
        if segment.hold_count and segment.hold_count > 1:
            parts.append(f"hold {segment.hold_number}/{segment.hold_count}")
        if segment.kind == "hold":
            parts.append(f"{segment.duration_s:g} s")
        if segment.rep_target:
            parts.append(f"{segment.rep_target} reps")
        if segment.kind == "get_ready":
            parts.append(segment.label)
        return " · ".join(parts) or segment.label

    def _next(self, segment: Segment) -> str:
        """What comes after this segment."""
        if segment.index + 1 >= len(self.timeline.segments):
            return "Next: the end — well done"
        following = self.timeline.segments[segment.index + 1]
        return f"Next: {following.label}"

    def _steps(self, segment: Segment) -> str | Hanging:
        """The exercise's steps and key points, wrapped lines hanging under their text."""
        exercise = EXERCISES.get(segment.exercise_id or "")
        if exercise is None:
            return ""
        points = list(exercise.key_points)
        if exercise.side_note and segment.side:
            points.append(exercise.side_note)
        return numbered_steps(exercise.steps, points)

    def render_tick(self, tick: Tick) -> None:
        """Countdown (or rep count), status, pain, elapsed and remaining."""
        state = tick.state
        segment = state.segment
        countdown = self.query_one("#session-countdown", Countdown)
        if segment.kind == "reps" and tick.reps_done is not None and not state.finished:
            countdown.show(str(tick.reps_done))
            how = "" if self.controller.manual_reps else ", by tempo"
            self.set_text("#session-clock-hint", f"of {segment.rep_target} reps{how}", layout=True)
        else:
            countdown.show_remaining(state.remaining_in_segment)
            self.set_text("#session-clock-hint", f"of {fmt_clock(segment.duration_s)}", layout=True)
        status = "‖ PAUSED — space resumes" if self.controller.paused else "▶ running"
        if tick.waiting_for_reps and not self.controller.paused:
            status = "▶ waiting for your reps"
        self.query_one("#session-kind", BigWord).set_word(
            "PAUSED" if self.controller.paused else self._kind_word
        )
        self.set_text("#session-status", status, layout=True)
        self.set_text("#session-pain", self.pain_text())
        self.set_text("#session-times", self.times_text(tick))

    def pain_logged(self, pain: int) -> None:
        """Pain of 4 or more stops the session (protocol.md §3 flare)."""
        if is_flare(pain):
            self.finish(completed=False, flare=True)

    def _ice_minutes(self) -> float | None:
        """Minutes of ice done in this session, when it held an ice block that was not skipped."""
        elapsed = self.controller.elapsed()
        skipped = self.controller.skipped_indices
        total = 0.0
        for segment in self.timeline.segments:
            if segment.exercise_id == "ice" and segment.kind == "timed":
                if segment.index in skipped:
                    continue
                total += max(0.0, min(elapsed, segment.end_s) - segment.start_s)
        return total / 60 if total >= 60 else None

    def show_summary(self, *, completed: bool, flare: bool) -> None:
        """Replace this screen with the routine summary."""
        from runback_tui.screens.summary import RoutineSummaryScreen

        result = RoutineResult(
            routine_id=self.routine_id,
            title=self.timeline.title,
            completed=completed,
            duration_s=self.controller.active_seconds(),
            skipped=tuple(self.controller.skipped_labels),
            max_pain=self.controller.max_pain,
            flare=flare,
            ice_minutes=self._ice_minutes(),
            day=self.start_day,
        )
        replace_screen(self.app, RoutineSummaryScreen(result))
