"""Cue delivery, shared by every session screen: a visible banner, the bell, a desktop notification.

One :class:`CueDispatcher` per session turns the timeline's cues into what the runner sees
and hears, following the saved :class:`~runback_tui.domain.models.Settings`:

* **visual** — a word banner (``▶ RUN``, ``3``, ``½ HALFWAY``…) shown through the screen's
  callback; the screen adds a colour class too, but the words carry the meaning (NO_COLOR).
* **bell** — the terminal bell (BEL travels over SSH).  Run and walk sound different:
  a run or side switch rings twice, a walk, rest, start, countdown or halfway once, the end
  three times (the repeats are spaced by the app's timer, so terminals do not merge them).
* **notification** — an OSC 9 (``ESC ] 9 ; text BEL``) or OSC 777
  (``ESC ] 777 ; notify ; Runback ; text BEL``) escape sequence written to the terminal, only
  for the cues that change what to do (segment openings and the end), never for 3-2-1 or
  halfway, so a phone does not buzz every second.

The countdown and halfway cues can each be switched off; so can each channel.  The three
delivery functions below are module-level so tests can monkeypatch them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from runback_tui.domain.models import NotifyStyle, Settings
from runback_tui.domain.timeline import Cue

BELL_SPACING_S = 0.35
"""Real seconds between the rings of a multi-ring cue."""

BELLS: dict[str, int] = {
    "countdown": 1,
    "halfway": 1,
    "start": 1,
    "rest": 1,
    "walk": 1,
    "switch": 2,
    "run": 2,
    "done": 3,
}
"""Rings per cue kind: run and walk differ by ear."""

NOTIFY_KINDS = frozenset({"start", "rest", "switch", "run", "walk", "done"})
"""Cue kinds that also send a desktop notification (when switched on)."""


@dataclass(frozen=True, slots=True)
class CueEvent:
    """A cue as delivered."""

    cue: Cue
    """The timeline's cue."""
    word: str
    """The banner's words, e.g. '▶ RUN — 2 of 10' or '3'."""
    css_class: str
    """A class for the banner's colour, e.g. 'cue-run'."""
    big: str
    """The word the session screen flashes in large letters, e.g. 'WALK' or '3'."""
    bells: int
    """Rings given (0 when the bell is off)."""
    notified: bool
    """True when a desktop notification was sent."""
    shown: bool
    """True when the visual banner was shown."""


def banner_word(cue: Cue) -> str:
    """The banner text for *cue*: a symbol and words, readable without colour."""
    if cue.kind == "countdown":
        return f"{cue.value} …" if cue.value is not None else cue.text
    if cue.kind == "halfway":
        return "½ HALFWAY"
    if cue.kind == "done":
        return "✔ DONE — well done"
    if cue.kind == "switch":
        return "⇄ SWITCH SIDES"
    if cue.kind == "run":
        return f"▶ {cue.text}"
    if cue.kind == "walk":
        return f"◼ {cue.text}"
    if cue.kind == "rest":
        return "‖ REST"
    return f"▶ GO — {cue.text}"


BIG_WORDS: dict[str, str] = {
    "halfway": "HALFWAY",
    "done": "DONE",
    "switch": "SWITCH",
    "run": "RUN",
    "walk": "WALK",
    "rest": "REST",
    "start": "GO",
}
"""The large word each cue kind flashes (a countdown flashes its number)."""


def big_word(cue: Cue) -> str:
    """What *cue* shows in large letters for its moment: '3', '2', '1', 'WALK', 'HALFWAY' …"""
    if cue.kind == "countdown":
        return str(cue.value) if cue.value is not None else ""
    return BIG_WORDS.get(cue.kind, "")


def _clean(text: str) -> str:
    """*text* without control characters or ';' (both would break an OSC sequence)."""
    return "".join(ch for ch in text if ch.isprintable() and ch != ";")[:200]


def osc_sequence(text: str, style: NotifyStyle) -> str:
    """The escape sequence that asks the terminal for a desktop notification."""
    body = _clean(text)
    if style == "osc777":
        return f"\x1b]777;notify;Runback;{body}\x07"
    return f"\x1b]9;{body}\x07"


def write_terminal_sequence(app: Any, sequence: str) -> bool:
    """Write a raw escape sequence to the app's terminal; False when there is none.

    Textual 8 has no public way to write raw output: ``App.bell`` and
    ``App.copy_to_clipboard`` themselves call the private ``App._driver.write``.  This is
    the one place Runback does the same; if a Textual upgrade renames it, only this
    function changes (and notifications quietly stop instead of crashing).
    """
    if getattr(app, "is_headless", True):
        return False
    driver = getattr(app, "_driver", None)
    write = getattr(driver, "write", None)
    if write is None:
        return False
    write(sequence)
    return True


def ring_bell(app: Any, times: int = 1) -> None:
    """Ring the terminal bell *times* times, spaced so the terminal sounds each one."""
    if times <= 0:
        return
    app.bell()
    for ring in range(1, times):
        app.set_timer(BELL_SPACING_S * ring, app.bell)


def send_notification(app: Any, text: str, style: NotifyStyle) -> bool:
    """Send *text* as a desktop notification (OSC 9 or OSC 777)."""
    return write_terminal_sequence(app, osc_sequence(text, style))


def cue_enabled(cue: Cue, settings: Settings) -> bool:
    """False for the cue kinds the settings switch off (countdown, halfway)."""
    if cue.kind == "countdown":
        return settings.countdown_cues
    if cue.kind == "halfway":
        return settings.halfway_cues
    return True


class CueDispatcher:
    """Delivers a session's cues through the channels the settings allow."""

    def __init__(
        self,
        app: Any,
        settings: Settings,
        show: Callable[[CueEvent], None],
        *,
        title: str = "Runback",
    ) -> None:
        self.app = app
        """The app whose terminal gets the bell and notifications."""
        self.settings = settings
        """Which cues and channels are on."""
        self.show = show
        """The screen's banner callback."""
        self.title = title
        """Prefix for notifications, e.g. the routine's name."""
        self.delivered: list[CueEvent] = []
        """Every cue delivered so far (a session has a few hundred at most)."""

    def dispatch(self, cues: Sequence[Cue]) -> list[CueEvent]:
        """Deliver *cues* in order; returns what was delivered."""
        events: list[CueEvent] = []
        for cue in cues:
            if not cue_enabled(cue, self.settings):
                continue
            bells = BELLS.get(cue.kind, 1) if self.settings.bell else 0
            notify = self.settings.notifications and cue.kind in NOTIFY_KINDS
            event = CueEvent(
                cue=cue,
                word=banner_word(cue),
                big=big_word(cue),
                css_class=f"cue-{cue.kind}",
                bells=bells,
                notified=notify,
                shown=self.settings.visual_cues,
            )
            if event.shown:
                self.show(event)
            if bells:
                ring_bell(self.app, bells)
            if notify:
                send_notification(self.app, f"{self.title}: {cue.text}", self.settings.notify_style)
            events.append(event)
        self.delivered.extend(events)
        return events
