"""Run sessions: the start screen (`r`) and the run-walk / continuous-run screen.

The start screen opens on today's session from the plan with its start action highlighted;
any stage can be chosen by hand, the warm-up and stretch routines are separate choices, and
a continuous run (build phase) takes its minutes from `←`/`→`.

The session screen shows RUN or WALK in large letters (words and colours), the segment
countdown, repeat n/N, elapsed and remaining, what is next, one running-form cue per run
interval and a progress bar.  The session is saved as a resumable record when it starts,
at every segment change, pause, resume and pain tap (in the background), and synchronously
on SIGHUP/SIGTERM and on quit.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from runback_tui.domain.exercises import ROUTINES, form_cue_for
from runback_tui.domain.models import ActiveSession, PauseSpan
from runback_tui.domain.protocol import STAGES, DayPlan, is_flare
from runback_tui.domain.timeline import Segment, build_routine_timeline, estimated_minutes_text
from runback_tui.domain.wording import phase_title, stage_text, why_no_run
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.session import (
    PROGRESS_STEPS,
    RoutineSessionScreen,
    TimerScreen,
    clock_speed,
    replace_screen,
)
from runback_tui.screens.today import logged_time, try_load_today
from runback_tui.sessions.active import (
    DEFAULT_RUN_MINUTES,
    MAX_RUN_MINUTES,
    MIN_RUN_MINUTES,
    ActiveSaver,
    RunSpec,
    make_record,
    repeats_done,
    resume_controller,
    runs_skipped,
)
from runback_tui.sessions.controller import SessionController, Tick
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

if TYPE_CHECKING:
    pass

MINUTES_STEP = 5
"""`←`/`→` change a continuous run by this many minutes."""


class RunStartScreen(RunbackScreen[None]):
    """Choose today's run session, another stage, a continuous run, or the warm-up/stretch."""

    CSS_PATH = [stylesheet("run.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "minutes(1)", "+5 min", key_display="→", id="run-more"),
        Binding("left", "minutes(-1)", "−5 min", key_display="←", id="run-less"),
        Binding("s", "settings", "Cue settings", id="run-settings"),
    ]
    AUTO_FOCUS = "#run-options"

    def __init__(self) -> None:
        super().__init__()
        self.minutes = DEFAULT_RUN_MINUTES
        """Length of a continuous run."""
        self._today_id: str | None = None
        self._paused = False
        self._ran_today = False
        """Today's planned run is already logged (the option then offers another)."""
        self._no_run: str | None = None
        """Why today's plan holds no run (None when it holds one, or when paused)."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="run-plan", classes="panel")
        yield OptionList(id="run-options")
        yield Static(
            "enter starts · ↑/↓ choose · ←/→ minutes of a continuous run · s cue settings",
            classes="hint",
            id="run-hint",
        )
        yield KeyBar()

    def _run_prompt(self, today: bool) -> str:
        """The continuous run's option text."""
        lead = "Continuous run (build phase)"
        if today:
            lead = "▶ Start another run today" if self._ran_today else "▶ Start today's run"
        return f"{lead}: {self.minutes} min  (←/→ change)"

    def on_mount(self) -> None:
        """Fill in today's plan and the choices."""
        today, problem = try_load_today(self.runback)
        plan = today.plan if today else None
        self._paused = plan is not None and plan.phase == "paused"
        self._ran_today = plan is not None and "run" in plan.done
        self._no_run = why_no_run(plan) if plan is not None else None
        lines: list[str] = []
        if plan is None:
            lines.append(problem or "No profile yet: finish onboarding first.")
        else:
            lines.append(f"Day {plan.day} · {phase_title(plan)}")
            if self._paused:
                lines.append("STOP: a red flag pauses running until a professional clears you.")
            elif self._no_run is not None:
                lines.append(f"✗ {self._no_run}")
                lines.append("Starting a run below anyway asks you first.")
            elif plan.stage is not None:
                lines.append(f"Today: run-walk {stage_text(plan.stage, plus=True)}.")
            else:
                lines.append("Today: an easy continuous run.")
            done = self._done_today(plan)
            if done is not None:
                lines.append(done)
        plan_box = self.query_one("#run-plan", Static)
        plan_box.update("\n".join(lines))
        plan_box.border_title = "Run session"
        plan_box.set_class(self._paused, "danger")
        options: list[Option | None] = []
        if plan is not None and plan.stage is not None and not self._paused:
            self._today_id = "today"
            lead = "another session" if "run_walk" in plan.done else "today's session"
            options.append(
                Option(f"▶ Start {lead} — run-walk {stage_text(plan.stage, plus=True)}", id="today")
            )
        elif plan is not None and "run" in plan.activities and not self._paused:
            self._today_id = "today-run"
            options.append(Option(self._run_prompt(True), id="today-run"))
        for routine_id, when in (("pre_run", "before"), ("post_run", "after")):
            routine = ROUTINES[routine_id]
            options.append(
                Option(
                    f"{routine.name} ({estimated_minutes_text(routine_id)}) — {when} the run",
                    id=routine_id,
                )
            )
        options.append(None)
        for stage in STAGES:
            options.append(
                Option(
                    f"Run-walk {stage_text(STAGES[stage], plus=True)}",
                    id=f"stage-{stage}",
                    disabled=self._paused,
                )
            )
        options.append(Option(self._run_prompt(False), id="run", disabled=self._paused))
        option_list = self.query_one("#run-options", OptionList)
        option_list.add_options(options)
        option_list.highlighted = 0
        option_list.focus()

    @staticmethod
    def _done_today(plan: DayPlan) -> str | None:
        """'Today's session is already done (logged 07:10). …' once today's run-walk (or run)
        is logged (protocol.md §8 done); None before that, and on days with no run planned."""
        if plan.phase == "paused" or not plan.running_allowed:
            return None
        activity = "run_walk" if plan.stage is not None else "run"
        if activity not in plan.activities or activity not in plan.done:
            return None
        when = logged_time(plan, activity)
        text = f"✓ Today's session is already done{f' (logged {when})' if when else ''}. "
        text += "You can still start another below"
        if activity == "run_walk":  # protocol.md §5: several sessions on a date
            text += "; the worst of the day's sessions decides the next stage"
        return text + "."

    def _highlighted_id(self) -> str | None:
        """The id of the highlighted option."""
        option_list = self.query_one("#run-options", OptionList)
        option = option_list.highlighted_option
        return option.id if option is not None else None

    def action_minutes(self, direction: int) -> None:
        """Lengthen or shorten the continuous run."""
        self.minutes = max(
            MIN_RUN_MINUTES, min(MAX_RUN_MINUTES, self.minutes + direction * MINUTES_STEP)
        )
        option_list = self.query_one("#run-options", OptionList)
        option_list.replace_option_prompt("run", self._run_prompt(False))
        if self._today_id == "today-run":
            option_list.replace_option_prompt("today-run", self._run_prompt(True))

    @on(OptionList.OptionSelected, "#run-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.start(event.option.id or "")

    def start(self, choice: str) -> None:
        """Start the chosen session."""
        today, _ = try_load_today(self.runback)
        if choice in ("pre_run", "post_run"):
            tempo = 4.0
            timeline = build_routine_timeline(choice, tempo_s=tempo)
            self.app.push_screen(RoutineSessionScreen(timeline, choice))
            return
        if choice == "today" and today is not None and today.plan.stage is not None:
            spec = RunSpec("run_walk", stage=today.plan.stage.number)
        elif choice.startswith("stage-"):
            spec = RunSpec("run_walk", stage=int(choice.removeprefix("stage-")))
        elif choice in ("run", "today-run"):
            spec = RunSpec("run", minutes=float(self.minutes))
        else:
            return
        if self._no_run is None:
            self.app.push_screen(RunSessionScreen(spec))
            return

        def answered(start: bool | None) -> None:
            if start:
                self.app.push_screen(RunSessionScreen(spec))

        self.app.push_screen(
            ConfirmDialog(
                f"{self._no_run}\nStart “{spec.title}” anyway?",
                "start anyway",
                "not now",
            ),
            answered,
        )

    def action_settings(self) -> None:
        """Open the cue settings."""
        from runback_tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())


class RunSessionScreen(TimerScreen):
    """A run-walk or continuous run, cued at every switch and saved as it goes."""

    CSS_PATH = [stylesheet("session.tcss"), stylesheet("run.tcss")]
    """The shared session styles (big word flashes, cue banner, progress row), then the run's."""

    def __init__(self, spec: RunSpec, *, record: ActiveSession | None = None) -> None:
        super().__init__(spec.timeline())
        self.spec = spec
        """What is being run."""
        self.record = record
        """The saved record being resumed, if any."""
        self._started_at = record.started_at if record else None
        self._pauses: list[PauseSpan] = [p.model_copy() for p in record.pauses] if record else []
        self.saver: ActiveSaver | None = None
        """Background writer of the resumable record."""
        self._flare_asked = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield QuietStatic(id="run-title", classes="title")
        yield CueBanner(id="cue-banner")
        yield BigWord(id="run-word")
        yield Countdown(id="run-countdown")
        with Horizontal(id="run-facts"):
            yield QuietStatic(id="run-repeat")
            yield QuietStatic(id="run-next")
        yield QuietStatic(id="run-form")
        with Horizontal(id="run-state"):
            yield QuietStatic(id="run-status")
            yield QuietStatic(id="run-pain")
        with Horizontal(id="session-bottom"):
            yield ProgressBar(total=PROGRESS_STEPS, show_eta=False, id="session-progress")
            yield QuietStatic(id="run-times")
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Runs have no reps: hide `enter` from the footer."""
        return action != "count_rep" and super().check_action(action, parameters)

    # -- set-up and saving -------------------------------------------------------------------

    def make_controller(self) -> SessionController:
        """Start where the saved record would be now, when resuming."""
        if self.record is not None:
            self._start_at = self.record.elapsed_at(self.runback.clock.now())
        return super().make_controller()

    def before_start(self) -> None:
        """Restore saved pains and skips; make the saver."""
        if self.record is not None:
            resume_controller(self.record, self.controller)
        app = self.app

        def failed(problem: str) -> None:
            app.call_from_thread(
                app.notify, f"Could not save the session: {problem}", severity="error"
            )

        store = self.runback.store
        self.saver = ActiveSaver(
            store.save_active_session,
            failed,
            start=lambda fn: app.run_worker(fn, thread=True, group="active-session"),
        )

    def after_start(self) -> None:
        """Note the wall-clock start (or go on paused) and save the record."""
        if self._started_at is None:
            self._started_at = self.runback.clock.now()
        if self.record is not None and self.record.paused:
            self.controller.pause()
            self.set_class(True, "-paused")
        self.save_active()

    def active_record(self) -> ActiveSession:
        """The resumable record as of now."""
        assert self._started_at is not None
        clock = self.runback.clock
        return make_record(
            self.spec,
            self.controller,
            day=self.start_day(),
            started_at=self._started_at,
            pauses=self._pauses,
            now=clock.now(),
            speed=clock_speed(self.runback),
        )

    def start_day(self) -> date:
        """The date the session counts for: the day it started (23:50 → 00:20 is one run)."""
        if self.record is not None:
            return self.record.date
        if self._started_at is not None:
            return self._started_at.date()
        return self.runback.clock.today()

    def save_active(self) -> None:
        """Save the resumable record in the background."""
        if self.saver is not None and not self.controller.ended:
            self.saver.submit(self.active_record())

    def save_active_now(self) -> None:
        """Save the resumable record on this thread (signal handlers and quit call this)."""
        if self.saver is None or self.controller.ended:
            return
        with contextlib.suppress(StoreError):
            self.saver.save_now(self.active_record())

    def before_quit(self) -> None:
        """Keep the session resumable."""
        self.save_active_now()

    def quit_question(self) -> str:
        """The question asked before quitting mid-session."""
        return (
            "Quit Runback? The session is saved: next time you can resume it, "
            "log what was done, or discard it."
        )

    # -- hooks -----------------------------------------------------------------------------

    def segment_changed(self, segment: Segment) -> None:
        """RUN/WALK, repeat n/N, next, the form cue; and save the record."""
        word = "RUN" if segment.kind == "run" else "WALK"
        big = self.query_one("#run-word", BigWord)
        big.set_word("PAUSED" if self.controller.paused else word)
        big.set_class(segment.kind == "run", "-run")
        big.set_class(segment.kind == "walk", "-walk")
        self.query_one("#run-countdown", Countdown).fit = countdown_text(segment.duration_s)
        self.set_class(segment.kind == "run", "-running")
        self.set_class(segment.kind == "walk", "-walking")
        if segment.repeat_count and segment.repeat_count > 1:
            repeat = f"{word} · repeat {segment.repeat_number} of {segment.repeat_count}"
        else:
            repeat = f"{word} · {fmt_clock(segment.duration_s)}"
        self.set_text("#run-title", f"{self.spec.title} · {repeat}")
        self.set_text(
            "#run-repeat",
            f"Repeat {segment.repeat_number or 1}/"
            f"{segment.repeat_count or 1} · {word} of "
            f"{fmt_clock(segment.duration_s)}",
        )
        self.set_text("#run-next", self._next(segment), layout=True)
        form = self.query_one("#run-form", QuietStatic)
        if segment.kind == "run":
            form.set(f"Form: {form_cue_for((segment.repeat_number or 1) - 1)}", layout=True)
        else:
            upcoming = (segment.repeat_number or 0) % max(1, len(self._runs()) or 1)
            form.set(
                f"Walk briskly and breathe easy. Next run's focus: {form_cue_for(upcoming)}"
                if segment.index + 1 < len(self.timeline.segments)
                else "Last walk: easy does it.",
                layout=True,
            )
        if segment.index != 0 or self.record is not None:
            self.save_active()

    def _runs(self) -> list[Segment]:
        """The run segments."""
        return [s for s in self.timeline.segments if s.kind == "run"]

    def _next(self, segment: Segment) -> str:
        """What comes after this segment."""
        if segment.index + 1 >= len(self.timeline.segments):
            return "Next: done — then the summary"
        following = self.timeline.segments[segment.index + 1]
        return f"Next: {following.kind.upper()} {fmt_clock(following.duration_s)}"

    def render_tick(self, tick: Tick) -> None:
        """The countdown, elapsed and remaining, pain, pause state."""
        state = tick.state
        self.query_one("#run-countdown", Countdown).show_remaining(state.remaining_in_segment)
        self.set_text("#run-times", self.times_text(tick))
        self.set_text("#run-pain", self.pain_text())
        status = "‖ PAUSED — space resumes  " if self.controller.paused else ""
        self.set_text("#run-status", status, layout=True)
        word = "RUN" if state.segment.kind == "run" else "WALK"
        self.query_one("#run-word", BigWord).set_word("PAUSED" if self.controller.paused else word)

    def paused_changed(self, paused: bool) -> None:
        """Record the pause in wall-clock time and save."""
        now = self.runback.clock.now()
        if paused:
            self._pauses.append(PauseSpan(start=now))
        elif self._pauses and self._pauses[-1].end is None:
            self._pauses[-1].end = now
        self.save_active()

    def pain_logged(self, pain: int) -> None:
        """Save the tap; at 4 or more suggest stopping (a prompt, not an automatic stop)."""
        self.save_active()
        if not is_flare(pain):
            return

        def answered(stop: bool | None) -> None:
            if stop:
                self.finish(completed=False, flare=True)

        self.app.push_screen(
            ConfirmDialog(
                f"⚠ Pain {pain}/10. The flare rule (pain 4 or more) says stop now, walk home "
                "gently and start acute care. Stop the session?",
                "stop and log",
                "keep going",
                over_session=True,
            ),
            answered,
        )

    def _saved_record(self) -> ActiveSession | None:
        """The resumable record as this screen last wrote it."""
        return self.saver.last_saved if self.saver is not None else None

    def show_summary(self, *, completed: bool, flare: bool) -> None:
        """Replace this screen with the run summary."""
        from runback_tui.screens.summary import RunSummaryScreen
        from runback_tui.sessions.results import RunResult

        elapsed = self.controller.elapsed()
        skipped = self.controller.skipped_indices
        finished = elapsed >= self.timeline.total_s
        done = completed and finished and not runs_skipped(self.timeline, skipped)
        if self.saver is not None:
            self.saver.close()
        record = self.record
        result = RunResult(
            spec=self.spec,
            day=self.start_day(),
            completed=done,
            repeats_done=repeats_done(self.timeline, elapsed, skipped),
            elapsed_s=elapsed,
            # A resumed session ran on while disconnected: its timeline position is the
            # best measure of the time taken.
            active_s=elapsed if record else self.controller.active_seconds(),
            max_pain=self.controller.max_pain,
            skipped=tuple(self.controller.skipped_labels),
            pains=tuple((m.elapsed_s, m.at, m.pain) for m in self.controller.pains),
            saver_idle=self.saver.idle if self.saver else None,
            saved_record=self._saved_record if self.saver else None,
        )
        replace_screen(self.app, RunSummaryScreen(result))
