"""Cue settings: which cues a session gives and how (banner, bell, desktop notification,
spoken words).

Spoken cues are offered only when espeak-ng is on PATH; without it the screen says so
instead of showing a switch that could do nothing.

Saved in the data file (``settings`` table).  `enter` or `ctrl+s` saves, `escape` closes
without saving; the screen dismisses with the saved Settings (or None).
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

from runback_tui.domain.models import MAX_ICE_MINUTES, MIN_ICE_MINUTES, Settings
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.forms import StoreWriteDone, StoreWriteFailed, focus_first
from runback_tui.sessions import cues
from runback_tui.storage.durable import StoreError
from runback_tui.storage.store import Store
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.choice import Choice, YesNo

WIDTH = 44
"""Questions are padded to this width so the answers line up."""

SWITCHES: tuple[tuple[str, str], ...] = (
    ("visual_cues", "Banner for cues that make no sound"),
    ("bell", "Ring the terminal bell"),
    ("notifications", "Desktop notification (OSC escape)"),
    ("countdown_cues", "3-2-1 before each change"),
    ("halfway_cues", "Halfway cue on long holds/intervals"),
    ("tempo_reps", "Tempo counts reps (2 s up, 2 s down)"),
)
"""The yes/no settings, in order, with their questions."""

SPOKEN_QUESTION = "Speak cues aloud (espeak-ng)"
"""The spoken-cues switch, shown only when espeak-ng is installed."""
NO_SPEECH_HINT = "Spoken cues need espeak-ng, which is not installed here."
"""Said instead of the switch when espeak-ng is missing."""
NOTIFY_WHEN_QUESTION = "Notify even while the terminal is in view"
"""No: notifications go only while the terminal reports (focus reporting) it is not focused."""
NOTIFY_WHEN: list[tuple[object, str]] = [("unfocused", "No"), ("always", "Yes")]
"""The answers and the Settings.notify_when value each one stands for."""

OPTIONS_INDENT = 4
"""Where the options start on their own line, under the question (past the focus mark)."""


class StackedChoice(Choice):
    """A Choice whose options go on the line under its question when they do not fit beside
    it: at 80 columns the six ice lengths would otherwise wrap "( ) 18" onto a line of its own.
    """

    def options_cells(self) -> int:
        """The cells the options take on one line ('(•) 15  ( ) 16 … ( ) 20')."""
        return sum(cell_len(f"( ) {label}  ") for _, label in self.options) - 2

    def beside(self, width: int) -> bool:
        """True when the question and every option fit on one line *width* cells wide."""
        question = max(self.prompt_width, cell_len(self.prompt))
        return 2 + question + 2 + self.options_cells() <= width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One line, or two when the options go under the question."""
        return 1 if self.beside(width) else 2

    def render(self) -> Text:
        """As Choice draws it, or the question, then the options indented under it."""
        if self.beside(self.size.width):
            return super().render()
        text = Text()
        text.append("▸ " if self.has_focus else "  ")
        text.append(self.prompt + "\n")
        text.append(" " * OPTIONS_INDENT)
        for position, (_, label) in enumerate(self.options):
            chosen = position == self.index
            text.append("(•) " if chosen else "( ) ", style="bold" if chosen else "")
            text.append(label, style="bold reverse" if chosen else "dim")
            if position < len(self.options) - 1:
                text.append("  ")
        return text


class SettingsScreen(RunbackScreen[Settings | None]):
    """Switch each cue kind and channel on or off."""

    CSS_PATH = [stylesheet("settings.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Save", id="settings-save"),
        Binding("ctrl+s", "save", "Save", show=False, id="settings-save-ctrl"),
        Binding("escape", "cancel", "Close", id="settings-close"),
    ]
    AUTO_FOCUS = ""
    SHOW_TITLE: ClassVar[bool] = True
    """The title bar (the session dialog leaves the session's own in view)."""

    def __init__(self) -> None:
        super().__init__()
        self._saving = False
        self._loaded = Settings()
        self._speech = cues.espeak_path() is not None

    def compose(self) -> ComposeResult:
        try:
            current = self.runback.store.settings()
        except StoreError:
            current = Settings()
        self._loaded = current
        if self.SHOW_TITLE:
            yield TitleBar()
        with VerticalScroll(id="settings-form"):
            yield Static("Session cues", classes="form-title")
            yield Static(
                "Every cue is shown and heard; switch off what you do not want. "
                "y / n or space change an answer, tab moves on.",
                classes="hint",
            )
            for name, question in SWITCHES:
                yield YesNo(question, value=getattr(current, name), prompt_width=WIDTH, id=name)
            if self._speech:
                yield YesNo(
                    SPOKEN_QUESTION,
                    value=current.spoken_cues,
                    prompt_width=WIDTH,
                    id="spoken_cues",
                )
            else:
                yield Static(NO_SPEECH_HINT, classes="hint", id="no-speech")
            yield StackedChoice(
                "Notification sequence",
                [("osc9", "OSC 9"), ("osc777", "OSC 777")],
                value=current.notify_style,
                prompt_width=WIDTH,
                id="notify_style",
            )
            yield StackedChoice(
                NOTIFY_WHEN_QUESTION,
                NOTIFY_WHEN,
                value=current.notify_when,
                prompt_width=WIDTH,
                id="notify_when",
            )
            yield StackedChoice(
                "Ice timer length (minutes)",
                [(m, str(m)) for m in range(MIN_ICE_MINUTES, MAX_ICE_MINUTES + 1)],
                value=current.ice_minutes,
                prompt_width=WIDTH,
                id="ice_minutes",
            )
            yield Static(
                "OSC 9 suits iTerm2, WezTerm and foot; OSC 777 suits kitty and foot. "
                "The bell travels over SSH, but a locked tmux swallows it: keep the banner on. "
                "In tmux: set -g allow-passthrough on and focus-events on. A terminal "
                "that never reports focus gets every notification.",
                classes="hint",
            )
            yield Static("", id="settings-message")
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the first switch."""
        focus_first(self, "#visual_cues")

    def current(self) -> Settings:
        """The settings as the form shows them."""
        values: dict[str, object] = {
            name: self.query_one(f"#{name}", YesNo).value for name, _ in SWITCHES
        }
        values["notify_style"] = self.query_one("#notify_style", Choice).value
        values["notify_when"] = self.query_one("#notify_when", Choice).value
        values["spoken_cues"] = (
            self.query_one("#spoken_cues", YesNo).value
            if self._speech
            else self._loaded.spoken_cues
        )
        values["ice_minutes"] = self.query_one("#ice_minutes", Choice).value
        return Settings.model_validate(values)

    def action_save(self) -> None:
        """Save in the background."""
        if self._saving:
            return
        self._saving = True
        self._write(self.runback.store, self.current())

    @work(thread=True, exclusive=True, group="store-write")
    def _write(self, store: Store, settings: Settings) -> None:
        try:
            store.save_settings(settings)
        except StoreError as error:
            self.post_message(StoreWriteFailed(str(error)))
            return
        self.post_message(StoreWriteDone(settings))

    def on_store_write_failed(self, message: StoreWriteFailed) -> None:
        """Keep the answers and say what went wrong."""
        self._saving = False
        self.query_one("#settings-message", Static).update(
            f"✗ Not saved: {message.problem}\nPress enter to try again."
        )

    def on_store_write_done(self, message: StoreWriteDone) -> None:
        """Close with the saved settings."""
        self._saving = False
        self.dismiss(message.result)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


class SessionSettingsDialog(SettingsScreen, ModalScreen[Settings | None]):
    """The cue settings opened from a running session: a panel over the top of the screen,
    so the session's countdown stays in view and keeps ticking below it."""

    SHOW_TITLE = False
