"""The session widgets every timer screen shares: big countdown and word, cue banner, quiet text.

Each repaints only when what it shows changes: a session screen ticks several times a
second, but the terminal hears about it about once a second (quality.md: a Digits countdown
updated 10×/s sends ~4.7 KB/s; updated on change ~0.5 KB/s).
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.widgets import Static

from runback_tui.sessions.active import fmt_clock
from runback_tui.sessions.cues import CueEvent
from runback_tui.widgets.bigtext import BigText
from runback_tui.widgets.steps import Hanging

__all__ = ["BigWord", "Countdown", "CueBanner", "QuietStatic", "countdown_text", "fmt_clock"]


def countdown_text(remaining: float) -> str:
    """A countdown as 'm:ss', rounded up so '0:01' shows for the whole last second."""
    return fmt_clock(math.ceil(max(0.0, remaining) - 1e-9))


class QuietStatic(Static):
    """A Static that repaints only when its text changes."""

    def __init__(
        self, text: str | Hanging = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(text, id=id, classes=classes, markup=False)
        self._shown: str | Text | Hanging = text

    @property
    def shown(self) -> str:
        """The plain text shown."""
        return str(self._shown)

    def set(self, text: str | Text | Hanging, *, layout: bool = False) -> bool:
        """Show *text*; returns True when it changed (and so was repainted)."""
        if text == self._shown or (isinstance(text, Hanging) and str(text) == self.shown):
            return False
        self._shown = text
        self.update(text, layout=layout)
        return True


class Countdown(BigText):
    """The remaining time ('m:ss', or a rep count) in large digits; repaints only what changed."""

    def __init__(
        self, value: str = "0:00", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(value, fit="0:00", id=id, classes=classes)

    @property
    def value(self) -> str:
        """The digits shown."""
        return self.text

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


class BigWord(BigText):
    """The segment's word (RUN, WALK, HOLD …) in large letters; a cue's word flashes in its place.

    ``word`` is the segment's word; while a cue flashes (3, 2, 1, HALFWAY, SWITCH …) the
    letters show the cue instead, in the cue's colour class, until the session clock passes
    the flash's end.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", fit="WALK", id=id, classes=classes)
        self._fit_word = "WALK"
        self._word = ""
        self.flash_until: float | None = None
        """Session-clock time when the cue's flash ends (None when not flashing)."""

    @property
    def word(self) -> str:
        """The segment's word (what shows once no cue flashes)."""
        return self._word

    def fit_words(self, template: str) -> None:
        """Size the segment's words for *template* (e.g. "ICE" on the ice timer)."""
        self._fit_word = template
        if self.flash_until is None:
            self.fit = template

    def set_word(self, word: str) -> bool:
        """Make *word* the segment's word; shown now unless a cue is flashing."""
        self._word = word
        if self.flash_until is None:
            return self.show(word)
        return False

    def flash(self, event: CueEvent, until: float) -> None:
        """Show *event*'s big word until the session clock reads *until*."""
        if not event.big:
            return
        self.flash_until = until
        self.remove_class(*CueBanner.CUE_CLASSES)
        self.add_class("-flash", event.css_class)
        self.fit = event.big  # a lone "3" is drawn as large as its own width allows
        self.show(event.big)

    def settle(self, now: float) -> None:
        """End the flash once *now* passes its end."""
        if self.flash_until is None or now < self.flash_until:
            return
        self.flash_until = None
        self.remove_class("-flash", *CueBanner.CUE_CLASSES)
        self.fit = self._fit_word
        self.show(self._word)
