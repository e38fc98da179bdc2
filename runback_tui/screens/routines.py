"""The routine picker (`e`): every routine with its length and when it is suggested.

Today's suggestions (routine ids in the plan's activities) come first, the first one
highlighted; then the other routines, the ice timer, and every single exercise.  `enter`
starts the highlighted item; the panel below describes it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from runback_tui.domain.exercises import DEFAULT_TEMPO_S, EXERCISES, ROUTINES
from runback_tui.domain.timeline import (
    build_exercise_timeline,
    build_routine_timeline,
    estimated_minutes_text,
)
from runback_tui.domain.wording import phase_title
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.session import RoutineSessionScreen
from runback_tui.screens.today import try_load_today
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.steps import Hanging, hanging, numbered_steps

GENTLE_ROUTINES = frozenset({"post_run", "desk_mobility", "relief"})
"""Stretching, mobility and flare relief: the only routines offered while paused or acute
(protocol.md §2 and §3: no strength work; the warm-up is for running, which is off too)."""
GENTLE_EXERCISES = frozenset(
    exercise_id
    for routine_id in GENTLE_ROUTINES
    for exercise_id in ROUTINES[routine_id].exercise_ids
)
"""The exercises of those routines."""


ICE_LINE = "Ice timer · 15–20 min · Acute days"
"""The ice timer's line in the list, worded as the routines' lines are."""


def routine_line(routine_id: str, suggested: bool) -> str:
    """'★ 10-minute core · ~10 min · Daily in phase 1; any day after'."""
    routine = ROUTINES[routine_id]
    mark = "★ " if suggested else "  "
    return f"{mark}{routine.name} · {estimated_minutes_text(routine_id)} · {routine.when}"


def list_line(line: str) -> Hanging:
    """A list line whose wrapped part hangs under its name, past the ★ mark and indent."""
    return hanging(line[:2], Text(line[2:]))


def routine_steps(routine_id: str) -> Hanging:
    """The routine's exercises, numbered, each with its dose in this routine."""
    routine = ROUTINES[routine_id]
    return numbered_steps(
        [
            f"{exercise.name} · {routine.dose_for(exercise.id).summary()}"
            for exercise in routine.exercises
        ]
    )


class RoutinesScreen(RunbackScreen[None]):
    """Pick a routine, the ice timer or a single exercise."""

    CSS_PATH = [stylesheet("routines.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "settings", "Cue settings", id="routines-settings"),
    ]
    AUTO_FOCUS = "#routine-options"

    def __init__(self) -> None:
        super().__init__()
        self.suggested: tuple[str, ...] = ()
        """Routine ids suggested today, in plan order."""

    def compose(self) -> ComposeResult:
        today, problem = try_load_today(self.runback)
        plan = today.plan if today else None
        activities = plan.activities if plan else ()
        self.suggested = tuple(a for a in activities if a in ROUTINES)
        resting = plan is not None and plan.phase in ("paused", "acute")
        yield TitleBar()
        if plan is not None:
            head = f"Day {plan.day} · {phase_title(plan)}"
            if plan.phase == "paused":
                head += "\nSTOP: no strength work while a red flag pauses the plan."
            elif resting:
                head += "\nAcute care: no strength work for 48 hours; relief, stretches and ice."
        else:
            head = problem or "No profile yet: today's suggestions appear after onboarding."
        yield Static(head, id="routines-plan", classes="panel")
        options: list[Option | None] = []
        if self.suggested or "ice" in activities:
            options.append(Option("Suggested today", id="h-today", disabled=True))
            for routine_id in self.suggested:
                line = routine_line(routine_id, True)
                options.append(Option(list_line(line), id=f"routine:{routine_id}"))
            if "ice" in activities:
                options.append(Option(list_line(f"★ {ICE_LINE}"), id="ice"))
            options.append(None)
        options.append(Option("Routines", id="h-routines", disabled=True))
        for routine_id in ROUTINES:
            if routine_id not in self.suggested:
                blocked = resting and routine_id not in GENTLE_ROUTINES
                line = routine_line(routine_id, False) + (" · not today" if blocked else "")
                options.append(
                    Option(list_line(line), id=f"routine:{routine_id}", disabled=blocked)
                )
        if "ice" not in activities:
            options.append(Option(list_line(f"  {ICE_LINE}"), id="ice"))
        options.append(None)
        options.append(Option("Single exercises", id="h-exercises", disabled=True))
        for exercise in EXERCISES.values():
            blocked = resting and exercise.id not in GENTLE_EXERCISES
            line = f"  {exercise.name} · {exercise.dose.summary()}" + (
                " · not today" if blocked else ""
            )
            options.append(Option(list_line(line), id=f"exercise:{exercise.id}", disabled=blocked))
        yield OptionList(*options, id="routine-options")
        yield Static(id="routine-detail", classes="panel")
        yield KeyBar()

    def on_mount(self) -> None:
        """Highlight today's first suggestion (or the first routine)."""
        option_list = self.query_one("#routine-options", OptionList)
        for index in range(option_list.option_count):
            option = option_list.get_option_at_index(index)
            if not option.disabled:
                option_list.highlighted = index
                break
        self.query_one("#routine-detail", Static).border_title = "What it holds"
        self._describe(option_list.highlighted_option)

    @on(OptionList.OptionHighlighted, "#routine-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._describe(event.option)

    def _describe(self, option: Option | None) -> None:
        """Describe the highlighted item below the list: a routine's exercises in order,
        numbered; an exercise's dose and key points; the ice rule."""
        detail: Hanging | str = ""
        option_id = option.id if option is not None else None
        if option_id and option_id.startswith("routine:"):
            detail = routine_steps(option_id.removeprefix("routine:"))
        elif option_id and option_id.startswith("exercise:"):
            exercise = EXERCISES[option_id.removeprefix("exercise:")]
            detail = Hanging(
                [
                    (Text("Dose: ", style="bold"), exercise.dose_text),
                    (Text("Key points: ", style="bold"), " ".join(exercise.key_points)),
                ]
            )
        elif option_id == "ice":
            detail = "15–20 min in a thin towel, never on bare skin; then the next is due in 2–3 h."
        self.query_one("#routine-detail", Static).update(detail)

    @on(OptionList.OptionSelected, "#routine-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.start(event.option.id or "")

    def start(self, choice: str) -> None:
        """Start the chosen routine, exercise or ice timer."""
        if choice == "ice":
            from runback_tui.screens.ice import IceSetupScreen

            self.app.push_screen(IceSetupScreen())
        elif choice.startswith("routine:"):
            routine_id = choice.removeprefix("routine:")
            timeline = build_routine_timeline(routine_id, tempo_s=DEFAULT_TEMPO_S)
            self.app.push_screen(RoutineSessionScreen(timeline, routine_id))
        elif choice.startswith("exercise:"):
            exercise_id = choice.removeprefix("exercise:")
            timeline = build_exercise_timeline(exercise_id, tempo_s=DEFAULT_TEMPO_S)
            self.app.push_screen(RoutineSessionScreen(timeline, exercise_id))

    def action_settings(self) -> None:
        """Open the cue settings."""
        from runback_tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())
