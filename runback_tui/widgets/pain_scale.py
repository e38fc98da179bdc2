"""A 0–10 scale for pain or stiffness, set with the number keys and the arrows."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

SCALE_MAX = 10
"""The top of the scale: 10 = worst imaginable."""


def describe_level(value: int) -> str:
    """A word for a 0–10 rating: none, mild, moderate, severe, worst imaginable."""
    if value == 0:
        return "none"
    if value <= 3:
        return "mild"
    if value <= 6:
        return "moderate"
    if value <= 9:
        return "severe"
    return "worst imaginable"


class PainScale(Widget, can_focus=True):
    """A 0–10 rating: `0`–`9` set it, `→`/`←` step it up to 10 and down to 0."""

    DEFAULT_CSS = """
    PainScale {
        height: auto;
        width: 1fr;
        padding: 0 1;
        border-left: tall $surface-lighten-1;
    }
    PainScale:focus {
        border-left: tall $accent;
        background: $boost;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *[
            Binding(str(n), f"set_value({n})", f"Set {n}", show=False, id=f"scale-{n}")
            for n in range(10)
        ],
        Binding("right", "step(1)", "+1", key_display="→", id="scale-up"),
        Binding("left", "step(-1)", "−1", key_display="←", id="scale-down"),
        Binding("backspace,delete", "clear", "Clear", show=False, id="scale-clear"),
    ]

    value: reactive[int | None] = reactive(None)
    """The chosen rating, None while not set."""

    class Changed(Message):
        """The rating changed."""

        def __init__(self, scale: PainScale, value: int | None) -> None:
            super().__init__()
            self.scale = scale
            """The scale that changed."""
            self.value = value
            """The new rating, None when cleared."""

        @property
        def control(self) -> PainScale:
            """The scale that changed (for `@on` selectors)."""
            return self.scale

    def __init__(
        self,
        label: str,
        *,
        value: int | None = None,
        optional: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.label = label
        """What is being rated, e.g. 'Pain now'."""
        self.optional = optional
        """True when the rating may be left unset (backspace clears it)."""
        self.set_reactive(PainScale.value, value)

    def action_set_value(self, value: int) -> None:
        """Set the rating."""
        self.value = max(0, min(SCALE_MAX, value))

    def action_step(self, delta: int) -> None:
        """Step the rating up or down, staying within 0–10."""
        start = self.value if self.value is not None else (-1 if delta > 0 else 1)
        self.value = max(0, min(SCALE_MAX, start + delta))

    def action_clear(self) -> None:
        """Unset an optional rating."""
        if self.optional:
            self.value = None

    def watch_value(self, value: int | None) -> None:
        """Tell the form."""
        self.post_message(self.Changed(self, value))

    def render(self) -> Text:
        """The label, the eleven points with the chosen one marked, and the chosen level."""
        text = Text()
        text.append("▸ " if self.has_focus else "  ")
        text.append(f"{self.label}: ", style="bold")
        if self.value is None:
            hint = "not set" + (" (optional)" if self.optional else "")
            text.append(hint, style="italic")
        else:
            text.append(f"{self.value}/10 {describe_level(self.value)}", style="bold")
        text.append("\n  ")
        for point in range(SCALE_MAX + 1):
            if point == self.value:
                text.append(f"[{point}]", style="bold reverse")
            else:
                text.append(f" {point} ")
        text.append("   0 none · 10 worst", style="dim")
        return text
