"""A one-line choice between a few options, readable without colour: `(•) No  ( ) Yes`."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Choice(Widget, can_focus=True):
    """A question with options; `←`/`→` or `space` change it, an option's first letter picks it."""

    DEFAULT_CSS = """
    Choice {
        height: auto;
        width: 1fr;
        padding: 0 1;
    }
    Choice:focus {
        background: $boost;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "step(1)", "Next option", key_display="→", show=False, id="choice-next"),
        Binding(
            "left", "step(-1)", "Previous option", key_display="←", show=False, id="choice-prev"
        ),
        Binding("space", "cycle", "Change answer", id="choice-toggle"),
    ]

    index: reactive[int] = reactive(0)
    """Position of the chosen option."""

    class Changed(Message):
        """The chosen option changed."""

        def __init__(self, choice: Choice, value: Any) -> None:
            super().__init__()
            self.choice = choice
            """The widget that changed."""
            self.value = value
            """The newly chosen value."""

        @property
        def control(self) -> Choice:
            """The widget that changed (for `@on` selectors)."""
            return self.choice

    def __init__(
        self,
        prompt: str,
        options: Sequence[tuple[Any, str]],
        *,
        value: Any = None,
        prompt_width: int = 0,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.prompt = prompt
        """The question shown before the options."""
        self.prompt_width = prompt_width
        """Pad the prompt to this many cells, so a column of questions lines up."""
        self.options = list(options)
        """(value, label) pairs, in display order."""
        values = [v for v, _ in self.options]
        self.set_reactive(Choice.index, values.index(value) if value in values else 0)

    @property
    def value(self) -> Any:
        """The chosen option's value."""
        return self.options[self.index][0]

    @value.setter
    def value(self, value: Any) -> None:
        self.index = [v for v, _ in self.options].index(value)

    def action_step(self, delta: int) -> None:
        """Choose the next or previous option, stopping at the ends."""
        self.index = max(0, min(len(self.options) - 1, self.index + delta))

    def action_cycle(self) -> None:
        """Choose the next option, wrapping around."""
        self.index = (self.index + 1) % len(self.options)

    def on_key(self, event: events.Key) -> None:
        """Pick the option whose label starts with the typed letter."""
        if event.character is None or not event.character.isalpha():
            return
        for position, (_, label) in enumerate(self.options):
            if label[:1].casefold() == event.character.casefold():
                self.index = position
                event.stop()
                event.prevent_default()
                return

    def watch_index(self, index: int) -> None:
        """Tell the form."""
        self.post_message(self.Changed(self, self.options[index][0]))

    def render(self) -> Text:
        """The prompt, then every option with the chosen one marked `(•)`."""
        text = Text()
        text.append("▸ " if self.has_focus else "  ")
        lines = [self.prompt]
        if self.prompt_width and len(self.prompt) > self.prompt_width:
            # A long question wraps within its column (hanging indent), the answers on its
            # last line, so they never break onto a line of their own.
            lines = textwrap.wrap(self.prompt, self.prompt_width) or [self.prompt]
        for line in lines[:-1]:
            text.append(line + "\n  ")
        text.append(lines[-1].ljust(self.prompt_width))
        text.append("  ")
        for position, (_, label) in enumerate(self.options):
            chosen = position == self.index
            text.append("(•) " if chosen else "( ) ", style="bold" if chosen else "")
            text.append(label, style="bold reverse" if chosen else "dim")
            text.append("  ")
        return text


class YesNo(Choice):
    """A yes/no question, `n` or `y` to answer; no by default."""

    def __init__(
        self,
        prompt: str,
        *,
        value: bool = False,
        yes: str = "Yes",
        prompt_width: int = 0,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            prompt,
            [(False, "No"), (True, yes)],
            value=value,
            prompt_width=prompt_width,
            id=id,
            classes=classes,
        )
