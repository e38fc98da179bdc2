"""Help: the keys, the protocol in brief, and when to see a professional."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from runback_tui.domain.exercises import RECOVERY_TIPS
from runback_tui.domain.protocol import STAGES
from runback_tui.domain.wording import URGENT_CARE, stage_intervals
from runback_tui.paths import stylesheet
from runback_tui.widgets.bars import KeyBar, TitleBar

_STAGES = "; ".join(f"stage {n}: {stage_intervals(stage)}" for n, stage in STAGES.items())
"""The run-walk stages as protocol.STAGES holds them, worded once (wording.stage_intervals)."""

KEYS: tuple[tuple[str, str], ...] = (
    ("c", "today's check-in"),
    ("h", "home: today's plan"),
    ("e", "exercise routines: guided core, strength, stretches, ice timer"),
    ("r", "run session: today's run-walk or run, warm-up and stretch"),
    ("d", "dashboard: pain trend, adherence, load, shoes, events"),
    ("?", "this help"),
    ("ctrl+p", "command palette: every screen, the theme"),
    ("escape", "back"),
    ("q", "quit"),
    ("", ""),
    ("0–9", "check-in: set the focused pain or stiffness scale"),
    ("← →", "step a scale (up to 10), or change a Yes/No answer"),
    ("y n", "answer a Yes/No question"),
    ("tab", "next field (shift+tab: previous)"),
    ("ctrl+s", "save the form"),
    ("space", "session: pause / resume"),
    ("n  b", "session: next segment / back one segment"),
    ("enter", "session: count a rep; lists and dialogs: start or confirm"),
    ("0–9", "session: log pain now (4 or more suggests stopping)"),
    ("escape", "session: end early (asks; enter confirms), then the summary"),
    ("p", "home: the profile"),
    ("s", "home, while paused: the red-flag stop screen and clearance"),
)
"""Keys shown on the help screen."""

PROTOCOL = (
    (
        "Phase 1 · pain-free movement (days 1–7, longer if needed)",
        "The 10-minute core routine every day, easy pool running or cycling. From day 8 the "
        "check-in asks the gates: a 30-minute walk without pain, single-leg bridges without "
        "discomfort, and no pain medication for daily life.",
    ),
    (
        "Phase 2 · run-walk intervals",
        _STAGES[0].upper()
        + _STAGES[1:]
        + ". One stage up after a session done with pain below 2 during and after; "
        "never on two days in a row.",
    ),
    (
        "Phase 3 · build",
        "Continuous running; each week at most 10% more than the last, every 4th week a deload, "
        "strength 2–3 times a week, core every day, at least one rest day a week.",
    ),
    (
        "Flare · the 48-hour protocol",
        "Pain of 4 or more: two days of acute care — ice 15–20 min every 2–3 waking hours in a "
        "thin towel (never bare skin), a compression wrap by day, resting positions, gentle "
        "walking, no running. Then back one stage.",
    ),
)
"""The protocol in brief."""

PROFESSIONAL = (
    "STOP and see a healthcare provider: numbness or tingling below the knee, leg weakness "
    "(trouble walking on heels or toes), or back pain that wakes you from sleep.",
    "EMERGENCY: any loss of bladder or bowel control, or numbness in the groin, genitals or "
    f"inner thighs (the saddle area). {URGENT_CARE}",
    "See a professional: pain that does not improve with rest (Runback warns after 14 "
    "check-ins in a row at 3 or more).",
    "A history of cancer, osteoporosis or long-term steroid use raises fracture risk: have "
    "persistent back pain assessed.",
)
"""When to see a professional."""


class HelpScreen(Screen[None]):
    """Keys, the protocol in brief, and when to see a professional."""

    CSS_PATH = [stylesheet("help.tcss")]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="help-scroll"):
            yield Static(_professional_text(), id="help-professional", classes="panel")
            yield Static(_keys_text(), id="help-keys", classes="panel")
            yield Static(_protocol_text(), id="help-protocol", classes="panel")
            yield Static(_tips_text(), id="help-tips", classes="panel")
        yield KeyBar()

    def on_mount(self) -> None:
        """Title the panels."""
        self.query_one("#help-keys").border_title = "Keys"
        self.query_one("#help-professional").border_title = "When to see a professional"
        self.query_one("#help-protocol").border_title = "The protocol in brief"
        self.query_one("#help-tips").border_title = "Recovery habits"


def _keys_text() -> Text:
    """The key table."""
    text = Text()
    for key, meaning in KEYS:
        if not key:
            text.append("\n")
            continue
        text.append(f"{key:>8}", style="bold")
        text.append(f"  {meaning}\n")
    text.rstrip()
    return text


def _professional_text() -> Text:
    """When to stop and see someone, and the not-medical-advice note."""
    text = Text()
    for line in PROFESSIONAL:
        text.append("• " + line + "\n")
    text.append(
        "Runback is not medical advice and gives no diagnosis; when in doubt, ask a professional.",
        style="italic",
    )
    return text


def _protocol_text() -> Text:
    """The phases in a few lines each."""
    text = Text()
    for title, body in PROTOCOL:
        text.append(title + "\n", style="bold")
        text.append(body + "\n")
    text.rstrip()
    return text


def _tips_text() -> Text:
    """Every recovery tip."""
    text = Text()
    for tip in RECOVERY_TIPS:
        text.append(f"• {tip}\n")
    text.rstrip()
    return text
