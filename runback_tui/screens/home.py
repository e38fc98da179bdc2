"""Home ("Today"): program day and phase, today's plan, warnings, check-in status and a tip."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from runback_tui.domain.exercises import tip_for
from runback_tui.domain.models import CheckIn
from runback_tui.domain.protocol import explain_phase, phase_title
from runback_tui.paths import stylesheet
from runback_tui.screens.today import (
    ICE_GUIDANCE,
    NOT_MEDICAL_ADVICE,
    Today,
    activity_label,
    ice_status,
    try_load_today,
    warning_line,
)
from runback_tui.storage.durable import StoreError

if TYPE_CHECKING:
    from runback_tui.app import RunbackApp

POLL_SECONDS = 1.0
"""How often home checks whether another process changed the data file."""


class HomeScreen(Screen[None]):
    """Today at a glance."""

    CSS_PATH = [stylesheet("home.tcss")]
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (100, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "profile", "Profile", id="home-profile"),
        Binding("s", "stop_screen", "STOP: what to do", id="home-stop"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._seen_version: object = None
        self._paused = False

    @property
    def runback(self) -> RunbackApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="home-scroll"):
            yield Static(id="home-paused", classes="stop-banner")
            with Horizontal(id="home-columns"):
                with Vertical(id="home-left"):
                    yield Static(id="home-day", classes="panel")
                    yield Static(id="home-plan", classes="panel")
                    yield Static(id="home-ice", classes="panel")
                with Vertical(id="home-right"):
                    yield Static(id="home-warnings", classes="panel")
                    yield Static(id="home-tip", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        """Fill in from the store and keep watching the file for other processes' writes."""
        self.query_one("#home-day").border_title = "Today"
        self.query_one("#home-plan").border_title = "Today's plan, in order"
        self.query_one("#home-ice").border_title = "Ice"
        self.query_one("#home-warnings").border_title = "Warnings and advisories"
        self.query_one("#home-tip").border_title = "Recovery tip"
        self.refresh_from_store()
        self.set_interval(POLL_SECONDS, self._poll_file)

    def on_screen_resume(self) -> None:
        """Show what changed while another screen was on top (nothing to do at first show)."""
        if self._current_version() != self._seen_version:
            self.refresh_from_store()

    def _poll_file(self) -> None:
        """Re-read when another process (the CLI, a second terminal) wrote the file."""
        if self._current_version() != self._seen_version:
            self.refresh_from_store()

    def _current_version(self) -> object:
        """The file's version and today's date: a new day re-plans too (open past midnight)."""
        try:
            return (self.runback.store.data_version(), self.runback.clock.today())
        except StoreError:  # shown by the refresh
            return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the stop screen only while the plan is paused."""
        if action == "stop_screen":
            return self._paused
        return True

    def action_profile(self) -> None:
        """Open the profile."""
        self.runback.action_profile()

    def action_stop_screen(self) -> None:
        """Open the red-flag stop screen."""
        self.runback.action_stop_screen()

    def refresh_from_store(self) -> None:
        """Show today's plan."""
        self._seen_version = self._current_version()
        today, problem = try_load_today(self.runback)
        if today is None:
            self._show_problem(problem or "No profile yet: restart Runback to set one up.")
            return
        self._paused = today.plan.phase == "paused"
        self.refresh_bindings()
        self._show_paused(today)
        self._show_day(today)
        self._show_plan(today)
        self._show_ice(today)
        self._show_warnings(today)
        tip = self.query_one("#home-tip", Static)
        tip.update(
            Text.assemble(
                ("Tip: ", "bold"), str(tip_for(today.date)), "\n", (NOT_MEDICAL_ADVICE, "italic")
            )
        )

    def _show_problem(self, problem: str) -> None:
        """Say why nothing can be shown."""
        self.query_one("#home-day", Static).update(Text.assemble(("✗ ", "bold"), problem))
        for name in ("#home-paused", "#home-plan", "#home-ice", "#home-warnings", "#home-tip"):
            self.query_one(name).display = False

    def _show_paused(self, today: Today) -> None:
        """The unmistakable banner while a red flag pauses the plan."""
        banner = self.query_one("#home-paused", Static)
        banner.display = self._paused
        if not self._paused:
            return
        since = today.plan.paused_since.isoformat() if today.plan.paused_since else "a recent day"
        urgent = "red_flag_urgent" in today.plan.warning_codes()
        lines = Text()
        lines.append("STOP — PLAN PAUSED\n", style="bold")
        if urgent:
            lines.append(
                "Seek emergency care now: loss of bladder or bowel control.\n", style="bold"
            )
        lines.append(
            f"A red flag was reported on {since}. Stop running and see a healthcare provider.\n"
        )
        lines.append("Press s for what to do and to record a professional's clearance.")
        banner.update(lines)

    def _show_day(self, today: Today) -> None:
        """Date, program day, phase and the check-in status."""
        plan = today.plan
        text = Text()
        text.append(f"{today.date.strftime('%A %d %B %Y')} · ")
        if plan.day >= 1:
            text.append(f"Program day {plan.day}\n", style="bold")
        else:
            text.append(f"Program starts {today.profile.start_date.isoformat()}\n", style="bold")
        text.append(phase_title(plan) + "\n", style="bold")
        if plan.phase != "paused":
            explanation = explain_phase(plan).split(": ", 1)[-1]
            text.append(explanation[:1].upper() + explanation[1:] + "\n", style="dim")
        checkin = _checkin_for(today)
        if checkin is None:
            text.append("[ ] Not checked in yet today — press c to check in.", style="bold")
        else:
            parts = [f"pain {checkin.pain}/10"]
            if checkin.stiffness is not None:
                parts.append(f"stiffness {checkin.stiffness}/10")
            if checkin.red_flags:
                parts.append(f"{len(checkin.red_flags)} red flag(s)")
            text.append(f"[x] Checked in today: {', '.join(parts)}. ")
            text.append("Press c to change it.", style="dim")
        self.query_one("#home-day", Static).update(text)

    def _show_plan(self, today: Today) -> None:
        """Today's activities in order, then why the plan is what it is."""
        plan = today.plan
        text = Text()
        for number, activity in enumerate(plan.activities, start=1):
            text.append(f"{number}. ", style="bold")
            text.append(activity_label(activity, plan) + "\n")
        for reason in plan.reasons:
            if reason:
                text.append(f"Why: {reason}\n", style="dim")
        text.rstrip()
        self.query_one("#home-plan", Static).update(text)

    def _show_ice(self, today: Today) -> None:
        """On acute days, the ice rule and the next ice times."""
        panel = self.query_one("#home-ice", Static)
        panel.display = today.plan.phase == "acute"
        if not panel.display:
            return
        try:
            last = self.runback.store.last_ice()
        except StoreError:
            last = None
        text = Text()
        text.append("❄ " + ICE_GUIDANCE + "\n", style="bold")
        text.append(ice_status(self.runback.clock.now(), last) + "\n")
        text.append(
            "Heat instead for stiffness without inflammation. Compression wrap by day, off at "
            "night. Gentle walking only.",
            style="dim",
        )
        panel.update(text)

    def _show_warnings(self, today: Today) -> None:
        """Every warning and advisory in force, each with a word marker and its reason."""
        text = Text()
        for warning in today.plan.warnings:
            marker, message = warning_line(warning)
            text.append(f"{marker}: ", style="bold")
            text.append(message + "\n")
        if not today.plan.warnings:
            text.append("✓ No warnings today.")
        text.rstrip()
        self.query_one("#home-warnings", Static).update(text)


def _checkin_for(today: Today) -> CheckIn | None:
    """Today's check-in, if there is one."""
    for checkin in today.history.checkins:
        if checkin.date == today.date:
            return checkin
    return None
