"""The session widgets every timer screen shares: a large countdown, a cue banner, quiet text.

Each repaints only when what it shows changes: a session screen ticks several times a
second, but the terminal hears about it about once a second (quality.md: a Digits countdown
updated 10×/s sends ~4.7 KB/s; updated on change ~0.5 KB/s).
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.widgets import Digits, Static

from runback_tui.sessions.active import fmt_clock
from runback_tui.sessions.cues import CueEvent

__all__ = ["BigWord", "Countdown", "CueBanner", "QuietStatic", "countdown_text", "fmt_clock"]


def countdown_text(remaining: float) -> str:
    """A countdown as 'm:ss', rounded up so '0:01' shows for the whole last second."""
    return fmt_clock(math.ceil(max(0.0, remaining) - 1e-9))


class QuietStatic(Static):
    """A Static that repaints only when its text changes."""

    def __init__(
        self, text: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(text, id=id, classes=classes, markup=False)
        self._shown: str | Text = text

    @property
    def shown(self) -> str:
        """The plain text shown."""
        return str(self._shown)

    def set(self, text: str | Text, *, layout: bool = False) -> bool:
        """Show *text*; returns True when it changed (and so was repainted)."""
        if text == self._shown:
            return False
        self._shown = text
        self.update(text, layout=layout)
        return True


class Countdown(Digits):
    """A large 'm:ss' (or a rep count) in Textual's 3×3 digits; repaints only on change."""

    DEFAULT_CSS = """
    Countdown {
        width: auto;
        height: 3;
    }
    """

    def show(self, text: str) -> bool:
        """Show *text* (digits and ':' only); returns True when it changed."""
        if text == self.value:
            return False
        self.update(text)
        return True

    def show_remaining(self, seconds: float) -> bool:
        """Show a countdown of *seconds*."""
        return self.show(countdown_text(seconds))


class CueBanner(Static):
    """One line that flashes the latest cue in words (and a colour class), then settles."""

    DEFAULT_CSS = """
    CueBanner {
        height: 1;
        width: 1fr;
        content-align: center middle;
        text-style: bold;
    }
    CueBanner.-flash {
        text-style: bold reverse;
    }
    """

    CUE_CLASSES = (
        "cue-countdown",
        "cue-halfway",
        "cue-start",
        "cue-rest",
        "cue-walk",
        "cue-switch",
        "cue-run",
        "cue-done",
    )
    """The colour classes a banner can carry."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self._banner_text = ""
        self.flash_until: float | None = None
        """Session-clock time when the flash ends (None when not flashing)."""

    @property
    def text(self) -> str:
        """What the banner says."""
        return self._banner_text

    def flash(self, event: CueEvent, until: float) -> None:
        """Show *event*'s words, highlighted until the session clock reads *until*."""
        self.flash_until = until
        self.set_classes_for(event.css_class)
        self.add_class("-flash")
        self._set(event.word)

    def settle(self, now: float, resting_text: str = "") -> None:
        """End the flash once *now* passes its end, then show *resting_text*."""
        if self.flash_until is not None and now < self.flash_until:
            return
        if self.flash_until is not None:
            self.flash_until = None
            self.remove_class("-flash", *self.CUE_CLASSES)
        self._set(resting_text)

    def set_classes_for(self, css_class: str) -> None:
        """Swap the colour class."""
        self.remove_class(*self.CUE_CLASSES)
        self.add_class(css_class)

    def _set(self, text: str) -> None:
        if text != self._banner_text:
            self._banner_text = text
            self.update(text, layout=False)


_FONT: dict[str, tuple[str, str, str]] = {
    "A": ("┏━┓", "┣━┫", "╹ ╹"),
    "D": ("┳━┓", "┃ ┃", "┻━┛"),
    "E": ("┏━╸", "┣╸ ", "┗━╸"),
    "K": ("╻ ╻", "┣┻┓", "╹ ╹"),
    "L": ("╻  ", "┃  ", "┗━╸"),
    "N": ("┏┓╻", "┃┗┫", "╹ ╹"),
    "O": ("┏━┓", "┃ ┃", "┗━┛"),
    "P": ("┏━┓", "┣━┛", "╹  "),
    "R": ("┏━┓", "┣┳┛", "╹┗╸"),
    "S": ("┏━╸", "┗━┓", "╺━┛"),
    "U": ("╻ ╻", "┃ ┃", "┗━┛"),
    "W": ("╻ ╻", "┃╻┃", "┗┻┛"),
    " ": ("   ", "   ", "   "),
}
"""A 3×3 box-drawing font for the few words a run screen shouts (RUN, WALK, PAUSED, DONE)."""


def big_lines(word: str) -> str:
    """*word* in the 3×3 font (letters it lacks are left out)."""
    letters = [_FONT[ch] for ch in word.upper() if ch in _FONT]
    return "\n".join(" ".join(letter[row] for letter in letters) for row in range(3))


class BigWord(Static):
    """A word in large 3-line letters, with the plain word beside it for screen readers."""

    DEFAULT_CSS = """
    BigWord {
        width: auto;
        height: 3;
        text-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self._word = ""

    @property
    def word(self) -> str:
        """The word shown."""
        return self._word

    def show(self, word: str) -> bool:
        """Show *word*; returns True when it changed."""
        if word == self._word:
            return False
        self._word = word
        self.update(big_lines(word))
        return True
