"""Cue delivery, shared by every session screen: a visible banner, the bell, a desktop
notification and, when espeak-ng is installed, a spoken word.

One :class:`CueDispatcher` per session turns the timeline's cues into what the runner sees
and hears, following the saved :class:`~runback_tui.domain.models.Settings`:

* **visual** — a word banner (``▶ RUN``, ``3``, ``½ HALFWAY``…) shown through the screen's
  callback; the screen adds a colour class too, but the words carry the meaning (NO_COLOR).
  Every audible cue is shown too: a locked tmux swallows the bell and a browser (textual-serve)
  plays none.
* **bell** — the terminal bell (BEL travels over SSH).  Run, walk and the end sound apart by
  rhythm: a run or side switch is two quick rings, a walk, rest, start, countdown or halfway
  one, the end three slow rings (the repeats are spaced by the app's timer, further apart than
  xterm's 200 ms bell suppression, so terminals do not merge them).
* **notification** — an OSC 9 (``ESC ] 9 ; text BEL``) or OSC 777
  (``ESC ] 777 ; notify ; Runback ; text BEL``) escape sequence written to the terminal, only
  for the cues that change what to do (segment openings and the end), never for 3-2-1 or
  halfway, so a phone does not buzz every second.  Inside tmux (``TMUX`` set) the sequence is
  wrapped in tmux's passthrough (``ESC P tmux; …  ESC \\``, every ESC inside doubled), which
  tmux forwards to the outer terminal when ``allow-passthrough`` is on.  Sent always, or only
  while the terminal reports (focus reporting, DECSET 1004) that it is not in view — see
  :meth:`CueDispatcher.should_notify` for a terminal that never reports.
* **speech** — the cue's word ("Run", "Walk", "3", "Halfway", "Done") spoken by espeak-ng
  when it is on PATH and the runner switched it on (off by default).  The speaker is started
  with ``subprocess.Popen`` and never waited for, so the event loop never blocks; a new cue
  cuts the previous word short (the newest cue is what to do now).

The countdown and halfway cues can each be switched off; so can each channel.  The delivery
functions below are module-level so tests can monkeypatch them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from runback_tui.domain.models import NotifyStyle, Settings
from runback_tui.domain.timeline import Cue

BELL_SPACING_S = 0.3
"""Real seconds between the two quick rings of a run or a side switch (more than xterm's
200 ms bell suppression, so the second ring is heard)."""
DONE_SPACING_S = 0.6
"""Real seconds between the three slow rings of the end: a different rhythm, not just one
ring more."""

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
"""Rings per cue kind: run, walk and the end differ by ear."""


def bell_offsets(times: int) -> tuple[float, ...]:
    """When each ring of a *times*-ring cue sounds, in real seconds from the cue: one ring
    at once, two quick ones (a run), or three slow ones (the end)."""
    if times <= 0:
        return ()
    spacing = DONE_SPACING_S if times >= 3 else BELL_SPACING_S
    return tuple(spacing * ring for ring in range(times))


NOTIFY_KINDS = frozenset({"start", "rest", "switch", "run", "walk", "done"})
"""Cue kinds that also send a desktop notification (when switched on)."""

ESPEAK = "espeak-ng"
"""The speech synthesiser Runback uses for spoken cues, when it is on PATH."""

CUE_WORDS: dict[str, str] = {
    "halfway": "Halfway",
    "done": "Done",
    "switch": "Switch",
    "run": "Run",
    "walk": "Walk",
    "rest": "Rest",
    "start": "Go",
}
"""The word of each cue kind: spoken as it is, flashed in capitals (a countdown: its number)."""
SPOKEN_ONLY: dict[str, str] = {"switch": "Switch sides"}
"""Where the spoken word says more than the big one has room for."""


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
    spoken: str = ""
    """The word spoken aloud ('' when speech is off, unavailable or the cue has none)."""


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


def cue_word(cue: Cue) -> str:
    """*cue*'s word: '3', '2', '1', 'Walk', 'Halfway' … ('' for a kind without one)."""
    if cue.kind == "countdown":
        return str(cue.value) if cue.value is not None else ""
    return CUE_WORDS.get(cue.kind, "")


def big_word(cue: Cue) -> str:
    """What *cue* shows in large letters for its moment: '3', '2', '1', 'WALK', 'HALFWAY' …"""
    return cue_word(cue).upper()


def spoken_word(cue: Cue) -> str:
    """What *cue* says aloud: 'Run', 'Walk', '3', 'Halfway', 'Done', 'Switch sides' …"""
    return SPOKEN_ONLY.get(cue.kind, cue_word(cue))


def espeak_path() -> str | None:
    """Where espeak-ng is installed, or None when it is not on PATH."""
    return shutil.which(ESPEAK)


def speech_argv(program: str, word: str) -> list[str]:
    """The command that speaks *word* (one of Runback's own words, never stored text)."""
    return [program, word]


def spawn_speech(argv: list[str]) -> subprocess.Popen[bytes]:
    """Start the speaker and return at once: no input, its output thrown away, never waited
    for on the event loop (a finished speaker is reaped when the next one starts)."""
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class Speaker:
    """Speaks cue words through espeak-ng, one at a time: a new word cuts the last one short."""

    def __init__(self, program: str) -> None:
        self.program = program
        """The espeak-ng executable."""
        self.process: subprocess.Popen[bytes] | None = None
        """The word being spoken, if any."""
        self.failed = False
        """True once espeak-ng could not be started (then speech stays quiet)."""

    def say(self, word: str) -> bool:
        """Speak *word*; False when it could not be started."""
        if self.failed or not word:
            return False
        self.stop()
        try:
            self.process = spawn_speech(speech_argv(self.program, word))
        except OSError:
            self.failed = True
            self.process = None
            return False
        return True

    def stop(self) -> None:
        """Cut short the word being spoken (without waiting for it to exit)."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.terminate()


def in_tmux(environ: Mapping[str, str] | None = None) -> bool:
    """True inside tmux (its ``TMUX`` variable is set)."""
    return bool((os.environ if environ is None else environ).get("TMUX"))


def tmux_passthrough(sequence: str) -> str:
    """*sequence* wrapped so tmux hands it to the outer terminal: ``ESC P tmux;`` then the
    sequence with every ESC doubled, then ``ESC \\`` (needs ``allow-passthrough on``)."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


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

    Inside tmux the sequence goes through tmux's passthrough (:func:`tmux_passthrough`);
    in a browser (textual-serve) it goes as it is, since the page is not inside tmux.
    """
    if getattr(app, "is_headless", True):
        return False
    driver = getattr(app, "_driver", None)
    write = getattr(driver, "write", None)
    if write is None:
        return False
    if in_tmux() and not getattr(app, "is_web", False):
        sequence = tmux_passthrough(sequence)
    write(sequence)
    return True


def ring_bell(app: Any, times: int = 1) -> None:
    """Ring the terminal bell *times* times in its rhythm (:func:`bell_offsets`)."""
    for offset in bell_offsets(times):
        if offset == 0:
            app.bell()
        else:
            app.set_timer(offset, app.bell)


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


_FOCUS_REPORTERS: weakref.WeakSet[Any] = weakref.WeakSet()
"""Apps whose terminal has reported a focus change this run (so focus reporting works)."""


def focus_reported(app: Any) -> bool:
    """True once *app*'s terminal has told it, by focus reporting, that it lost or regained
    focus (or it is unfocused now): only then does "not focused" mean anything."""
    if not getattr(app, "app_focus", True):
        return True
    try:
        return app in _FOCUS_REPORTERS
    except TypeError:  # an object without weak references (a test's stand-in app)
        return False


def note_focus_report(app: Any) -> None:
    """Remember that *app*'s terminal reports focus."""
    with contextlib.suppress(TypeError):
        _FOCUS_REPORTERS.add(app)


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
        self._speaker: Speaker | None = None
        self._speech_looked_up = False

    def focus_changed(self, focused: bool) -> None:
        """The terminal reported a focus change (the screen watches ``App.app_focus``)."""
        note_focus_report(self.app)

    def should_notify(self, cue: Cue) -> bool:
        """Whether *cue* sends a desktop notification now.

        "unfocused" sends only while the terminal says it is out of view.  A terminal that
        has not reported focus at all (no DECSET 1004 support, or tmux without
        ``focus-events on``) cannot say so, and Textual then assumes it is focused: rather
        than stay silent for ever, Runback sends as with "always" until the first report.
        """
        if not self.settings.notifications or cue.kind not in NOTIFY_KINDS:
            return False
        if self.settings.notify_when == "always":
            return True
        return not focus_reported(self.app) or not getattr(self.app, "app_focus", True)

    def speaker(self) -> Speaker | None:
        """The speaker for spoken cues, or None when they are off or cannot be heard here."""
        if not self.settings.spoken_cues or getattr(self.app, "is_headless", True):
            return None
        if not self._speech_looked_up:
            self._speech_looked_up = True
            program = espeak_path()
            self._speaker = Speaker(program) if program else None
        return self._speaker

    def dispatch(self, cues: Sequence[Cue]) -> list[CueEvent]:
        """Deliver *cues* in order; returns what was delivered."""
        events: list[CueEvent] = []
        for cue in cues:
            if not cue_enabled(cue, self.settings):
                continue
            bells = BELLS.get(cue.kind, 1) if self.settings.bell else 0
            notify = self.should_notify(cue)
            speaker = self.speaker()
            word = spoken_word(cue) if speaker is not None else ""
            spoken = word if word and speaker is not None and speaker.say(word) else ""
            event = CueEvent(
                cue=cue,
                word=banner_word(cue),
                big=big_word(cue),
                css_class=f"cue-{cue.kind}",
                bells=bells,
                notified=notify,
                # every cue that makes a sound is shown too: a locked tmux swallows the bell,
                # a browser plays none, and a notification may never arrive
                shown=self.settings.visual_cues or bool(bells or notify or spoken),
                spoken=spoken,
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
