"""The yes/no dialog every screen asks its questions with (end a session, discard, withdraw)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from runback_tui.paths import stylesheet
from runback_tui.widgets.bars import KeyBar


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: `enter` confirms, `escape` cancels.

    Over a running session (``over_session``) the dialog is a short box at the bottom, over
    the facts and steps, and the screen behind stays visible: the clock and the big word
    go on ticking above it.
    """

    CSS_PATH = [stylesheet("session.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "answer(True)", "Confirm", id="confirm-yes"),
        Binding("escape", "answer(False)", "Cancel", id="confirm-no"),
    ]
    AUTO_FOCUS = ""

    def __init__(
        self, question: str, yes: str = "Yes", no: str = "No", *, over_session: bool = False
    ) -> None:
        super().__init__(classes="-over-session" if over_session else None)
        self.question = question
        """What is asked."""
        self.yes = yes
        """The confirming answer's label."""
        self.no = no
        """The cancelling answer's label."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static(self.question, id="confirm-question")
            yield Static(
                f"enter: {self.yes}  ·  escape: {self.no}", id="confirm-keys", classes="hint"
            )
        yield KeyBar()  # the dialog's own keys, over the footer of the screen behind

    def action_answer(self, answer: bool) -> None:
        """Close with *answer*."""
        self.dismiss(answer)
