"""Help: the keys, the protocol in brief, and when to see a professional."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from importlib import import_module
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from runback_tui.domain.exercises import RECOVERY_TIPS
from runback_tui.domain.protocol import STAGES
from runback_tui.domain.wording import URGENT_CARE, stage_intervals
from runback_tui.paths import stylesheet
from runback_tui.widgets.bars import KeyBar, TitleBar

_STAGES = "; ".join(f"stage {n}: {stage_intervals(stage)}" for n, stage in STAGES.items())
"""The run-walk stages as protocol.STAGES holds them, worded once (wording.stage_intervals)."""

KeyRow = tuple[str, str]
"""(the keys as written, what they do) — one line of the key table."""

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Home", ("runback_tui.screens.home:HomeScreen",)),
    (
        "Check-in, profile and first start",
        (
            "runback_tui.screens.checkin:CheckInScreen",
            "runback_tui.screens.profile:ProfileFormScreen",
            "runback_tui.widgets.pain_scale:PainScale",
            "runback_tui.widgets.choice:Choice",
            "textual.screen:Screen",
        ),
    ),
    ("Red-flag stop screen", ("runback_tui.screens.stop:StopScreen",)),
    ("Clearance dialog", ("runback_tui.screens.stop:ClearanceDialog",)),
    ("Lists (routines, run, unfinished session)", ("textual.widgets:OptionList",)),
    ("Exercise routines", ("runback_tui.screens.routines:RoutinesScreen",)),
    ("Run session", ("runback_tui.screens.run:RunStartScreen",)),
    ("Ice timer", ("runback_tui.screens.ice:IceSetupScreen",)),
    ("Sessions (routine, run, ice timer)", ("runback_tui.screens.session:TimerScreen",)),
    ("Session cue settings", ("runback_tui.screens.settings:SettingsScreen",)),
    (
        "Summary after a session",
        (
            "runback_tui.screens.summary:SummaryScreen",
            "runback_tui.screens.summary:RoutineSummaryScreen",
        ),
    ),
    ("Unfinished session offer", ("runback_tui.screens.resume:ResumeScreen",)),
    ("Import runs", ("runback_tui.screens.import_runs:ImportRunsScreen",)),
    (
        "Imported runs waiting for how your back felt",
        ("runback_tui.screens.pending:PendingRunsScreen",),
    ),
    ("Dashboard", ("runback_tui.screens.dashboard:DashboardScreen",)),
    ("Questions (end the session? withdraw?)", ("runback_tui.widgets.confirm:ConfirmDialog",)),
    (
        "Changed elsewhere (another terminal saved first)",
        ("runback_tui.widgets.conflict:ConflictDialog",),
    ),
)
"""The key table's sections after the keys that work everywhere: each lists the bindings
that the classes named ("module:Class") declare themselves.  tests/ui/test_whole_screens.py checks
that every class of Runback with bindings is named here."""

TEXTUAL_ACTIONS: dict[str, frozenset[str]] = {
    "textual.screen:Screen": frozenset({"app.focus_next", "app.focus_previous"}),
    "textual.widgets:OptionList": frozenset({"cursor_up", "cursor_down", "select"}),
}
"""Of Textual's own classes, the bindings the key table lists."""

MEANINGS: dict[str, str] = {
    # everywhere (app.py)
    "checkin": "today's check-in",
    "routines": "exercise routines: guided core, strength, stretches, ice timer",
    "run-session": "run session: today's run-walk or run, warm-up and stretch",
    "dashboard": "dashboard: pain trend, adherence, load, shoes, events",
    "home": "home: today's plan",
    "help": "this help",
    "back": "back to the screen before",
    "quit": "quit (a running session asks first)",
    "command_palette": "command palette: every screen, the theme",
    # home
    "home-profile": "the profile: units, start date, history answers",
    "home-road-ahead": "the road ahead: today's plan, then the projected coming days",
    "home-stop": "while a red flag pauses the plan: what to do, the clearance",
    "home-pending-imports": "while imported runs wait: how your back felt during and after each",
    # forms
    "checkin-save": "save the check-in",
    "profile-save": "save the profile",
    "scale-0": "set the focused pain or stiffness scale",
    "scale-up": "step the focused scale (up to 10)",
    "scale-clear": "clear the focused scale",
    "choice-next": "change the focused answer",
    "choice-toggle": "next answer of the focused question (wraps round)",
    "Screen.app.focus_next": "next field / the field before",
    # stop screen and clearance
    "stop-clearance": "record a professional's clearance (asks to confirm)",
    "stop-mistake": "withdraw today's red flag, answered by mistake (asks first)",
    "clearance-confirm": "record the clearance",
    "clearance-cancel": "close without recording",
    # lists
    "OptionList.cursor_down": "choose in the list",
    "OptionList.select": "start the highlighted routine, exercise or run",
    "routines-settings": "the session cue settings",
    "run-more": "continuous run: 5 minutes more or less",
    "run-settings": "the session cue settings",
    "ice-start": "start the ice timer (←/→ choose its minutes)",
    # sessions
    "session-pause": "pause / resume",
    "session-next": "skip to the next segment",
    "session-back": "back one segment",
    "session-rep": "count a rep",
    "session-end": "end early (asks; enter confirms), then the summary",
    "session-settings": "the cue settings (the clock keeps running)",
    "session-quit": "quit Runback (asks first)",
    "session-pain-0": "log pain now (4 or more suggests stopping)",
    # cue settings
    "settings-save": "save the cue settings",
    "settings-close": "close without saving",
    # import runs, and imported runs waiting for their pain
    "import-pending": "once runs were kept waiting: say how your back felt, run by run",
    "pending-save": "log every run whose two pain scales are set (the rest keep waiting)",
    "pending-drop": "drop the focused run, not yours (asks first; its file can bring it back)",
    "pending-later": "leave them waiting (they count for nothing until answered)",
    "pending-back": "back to home, once none is waiting",
    # summary
    "summary-save": "save the log",
    "summary-close": "close, once the log is saved",
    "summary-discard": "discard the session (nothing is logged)",
    "summary-relief": "start the flare relief routine",
    # resume offer
    "resume-log": "finish and log what was done by the last save",
    "resume-discard": "discard it (nothing is logged)",
    "resume-later": "decide later (the offer comes back)",
    # dashboard
    "dashboard-panels": "show a panel: where you are, pain, adherence, load, shoes, events",
    "dashboard-pain-range": "the pain chart's range (2, 4 or 12 weeks, everything)",
    "dashboard-event-filter": "filter the events by kind",
    # questions
    "confirm-yes": "yes (the answer on the left)",
    "confirm-no": "no, cancel",
    # changed elsewhere
    "conflict-theirs": "keep the version saved elsewhere (your answers are dropped)",
    "conflict-mine": "keep yours (saved over theirs; a replaced check-in stays in the history)",
    "conflict-both": "show both versions field by field",
    "conflict-back": "back to your answers, nothing saved",
}
"""What each key does, longer than its footer label, by the binding's id (or, for a binding
without one, "Class.action"); a binding missing here is described by its footer label."""

JOINS: dict[str, str] = {
    "scale-down": "scale-up",
    "choice-prev": "choice-next",
    "run-less": "run-more",
    "Screen.app.focus_previous": "Screen.app.focus_next",
    "OptionList.cursor_up": "OptionList.cursor_down",
}
"""Bindings written on the row of another (the other direction of the same thing)."""

UNBOUND: dict[str, tuple[KeyRow, ...]] = {
    "runback_tui.widgets.choice:Choice": (
        ("a letter", "pick the answer starting with it (y/n answer Yes/No)"),
    ),
}
"""Keys a class handles in on_key rather than through a binding (listed after its bindings)."""

KEY_NAMES = {
    "question_mark": "?",
    "escape": "esc",
    "right": "→",
    "left": "←",
    "up": "↑",
    "down": "↓",
}
"""How a key is written in the table (other keys by their Textual name: ctrl+s, enter)."""


KEYS_WIDTH = 9
"""The key column's width (longer keys push their meaning right)."""


def key_name(key: str) -> str:
    """*key* (a Textual key name) as the table writes it."""
    return KEY_NAMES.get(key, key)


def binding_rows(owner: str, bindings: Iterable[BindingType]) -> list[KeyRow]:
    """The table's rows for *bindings* of the class *owner* ("module:Class").

    A binding shares the row of an earlier one with the same action (two keys for one thing,
    as the footer shows one), of its other half (JOINS: step left after step right), or of
    the digit before it for the same action (set 0, set 1, …: written 0–9).  A binding without
    a description (one that only blocks its key) is left out: it does nothing.
    """
    cls_name = owner.rpartition(":")[2]
    wanted = TEXTUAL_ACTIONS.get(owner)
    rows: dict[str, tuple[list[str], str]] = {}  # by the first binding's name: keys, meaning
    actions: dict[str, str] = {}  # action → the name of its row
    last: tuple[str, str] | None = None  # the previous binding's action name and row
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        if wanted is not None and binding.action not in wanted:
            continue
        name = binding.id or f"{cls_name}.{binding.action}"
        action_name = binding.action.partition("(")[0]
        row = actions.get(binding.action) or JOINS.get(name)
        if (
            row is None
            and last is not None
            and last[0] == action_name
            and binding.key.isdigit()
            and rows[last[1]][0][-1].isdigit()
        ):
            row = last[1]
        if row is None or row not in rows:
            row = name
            rows[row] = ([], MEANINGS.get(name, binding.description))
        rows[row][0].extend(binding.key.split(","))
        actions.setdefault(binding.action, row)
        last = (action_name, row)
    return [(_keys_text(keys), meaning) for keys, meaning in rows.values()]


def _keys_text(keys: list[str]) -> str:
    """*keys* as one cell: digits as a range (0–9), others by name, a slash between."""
    if len(keys) > 2 and all(key.isdigit() and len(key) == 1 for key in keys):
        numbers = sorted(int(key) for key in keys)
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"{numbers[0]}–{numbers[-1]}"
    return "/".join(key_name(key) for key in keys)


def app_rows(app: App[Any]) -> list[KeyRow]:
    """The keys that work everywhere: the app's bindings and the command palette's key."""
    rows = binding_rows("app", type(app).BINDINGS)
    if app.ENABLE_COMMAND_PALETTE:
        after_help = next((n + 1 for n, (keys, _) in enumerate(rows) if keys == "?"), len(rows))
        rows.insert(
            after_help, (key_name(app.COMMAND_PALETTE_BINDING), MEANINGS["command_palette"])
        )
    return rows


def owner_class(owner: str) -> type:
    """The class named "module:Class" (its module imported now, on opening help)."""
    module, _, name = owner.partition(":")
    cls: type = getattr(import_module(module), name)
    return cls


def key_sections(app: App[Any]) -> list[tuple[str, list[KeyRow]]]:
    """The key table: the keys that work everywhere, then each SECTIONS entry's bindings."""
    sections = [("Everywhere", app_rows(app))]
    for title, owners in SECTIONS:
        rows: list[KeyRow] = []
        for owner in owners:
            rows += binding_rows(owner, owner_class(owner).__dict__.get("BINDINGS", ()))
            rows += UNBOUND.get(owner, ())
        sections.append((title, rows))
    return sections


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


Row = tuple[str, str, str, str]
"""(prefix, its style, text, its style): one entry of a panel; the text wraps under itself."""


class HangingText(Static):
    """Entries whose wrapped lines hang under their text, not under their bullet or key."""

    def __init__(self, rows: Sequence[Row], *, id: str) -> None:
        super().__init__(id=id, classes="panel")
        self.rows = tuple(rows)
        """The entries shown."""

    def render(self) -> Text:
        """The entries, wrapped for the width the panel has now."""
        return hanging(self.rows, self.content_size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the entries take at *width*."""
        return len(hanging(self.rows, width).plain.split("\n"))

    def on_resize(self) -> None:
        """Wrap again for the new width."""
        self.refresh(layout=True)


def hanging(rows: Sequence[Row], width: int) -> Text:
    """*rows* as text *width* cells wide, each entry's wrapped lines indented under its text
    (not wrapped at all before the width is known)."""
    text = Text()
    for prefix, prefix_style, body, body_style in rows:
        room = width - cell_len(prefix)
        lines = textwrap.wrap(body, room) if room >= MIN_WRAP else [body]
        for number, line in enumerate(lines or [""]):
            if number:
                text.append("\n" + " " * cell_len(prefix))
            else:
                text.append(prefix, prefix_style)
            text.append(line, body_style)
        text.append("\n")
    text.rstrip()
    return text


MIN_WRAP = 12
"""Below this many cells for the text, an entry is not wrapped (the width is not known yet)."""


class HelpScreen(Screen[None]):
    """Keys, the protocol in brief, and when to see a professional."""

    CSS_PATH = [stylesheet("help.tcss")]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="help-scroll"):
            yield HangingText(_professional_rows(), id="help-professional")
            yield HangingText(_key_rows(self.app), id="help-keys")
            yield Static(_protocol_text(), id="help-protocol", classes="panel")
            yield HangingText([("• ", "", str(tip), "") for tip in RECOVERY_TIPS], id="help-tips")
        yield KeyBar()

    def on_mount(self) -> None:
        """Title the panels."""
        self.query_one("#help-keys").border_title = "Keys"
        self.query_one("#help-professional").border_title = "When to see a professional"
        self.query_one("#help-protocol").border_title = "The protocol in brief"
        self.query_one("#help-tips").border_title = "Recovery habits"


def _key_rows(app: App[Any]) -> list[Row]:
    """The key table, section by section, as the bindings are now."""
    sections = key_sections(app)
    width = min(KEYS_WIDTH, max(len(k) for _title, rows in sections for k, _meaning in rows))
    rows: list[Row] = []
    for title, keys_rows in sections:
        rows.append(("", "", title, "bold underline"))
        rows += [(f"{keys:>{width}}  ", "bold", meaning, "") for keys, meaning in keys_rows]
    return rows


def _professional_rows() -> list[Row]:
    """When to stop and see someone, and the not-medical-advice note."""
    rows: list[Row] = [("• ", "", line, "") for line in PROFESSIONAL]
    note = (
        "Runback is not medical advice and gives no diagnosis; when in doubt, ask a professional."
    )
    rows.append(("", "", note, "italic"))
    return rows


def _protocol_text() -> Text:
    """The phases in a few lines each."""
    text = Text()
    for title, body in PROTOCOL:
        text.append(title + "\n", style="bold")
        text.append(body + "\n")
    text.rstrip()
    return text
