"""The "make the window larger" notice shown while the terminal is under the minimum size.

Runback's screens are laid out for 80x24 and stay readable down to MIN_WIDTH x MIN_HEIGHT;
below that, text would be cut off mid-word and a session's countdown could vanish.  Instead
of a half-drawn screen, a notice covers the current screen (docked over it, so nothing below
loses focus or stops: a running session keeps its clock, keys keep working) until the
terminal grows back.  It is a widget mounted into whichever screen is showing, not a screen
of its own, so screens that replace or pop themselves (a session ending, a saved form) never
pop the notice by mistake.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import Any

from textual.app import App
from textual.geometry import Size
from textual.widgets import Static

MIN_WIDTH = 60
"""Narrowest terminal Runback draws its screens in."""
MIN_HEIGHT = 18
"""Shortest terminal Runback draws its screens in."""


def is_too_small(size: Size) -> bool:
    """True when a terminal of *size* is under the minimum in either direction."""
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


def notice_text(size: Size) -> str:
    """What the notice says, with the current and the needed size."""
    return (
        "Make the window larger\n\n"
        f"Runback needs at least {MIN_WIDTH}×{MIN_HEIGHT} characters; "
        f"this terminal is {size.width}×{size.height}.\n"
        "Nothing is lost: a running session keeps going, and this screen comes back "
        "as soon as the window is big enough. (q quits.)"
    )


class TooSmallNotice(Static):
    """Covers the current screen while the terminal is too small."""

    DEFAULT_CSS = """
    TooSmallNotice {
        dock: top;
        width: 100%;
        height: 100%;
        background: $background;
        color: $text;
        text-style: bold;
        content-align: center middle;
        text-align: center;
        padding: 0 1;
    }
    """


def sync_too_small(app: App[Any], size: Size | None = None) -> bool:
    """Show the notice on the current screen when the terminal is too small, else remove it.

    Called on every resize (with the event's *size*: the app's own is updated after its
    handlers run) and screen change; returns True while the notice shows.
    """
    if not app.screen_stack:
        return False
    size = size or app.size
    screen = app.screen
    small = is_too_small(size)
    notices = list(screen.query_children(TooSmallNotice))
    screen.set_class(small, "-too-small")
    if small:
        text = notice_text(size)
        if notices:
            notices[0].update(text)
        else:
            screen.mount(TooSmallNotice(text, id="too-small"))
    else:
        for notice in notices:
            notice.remove()
    return small


def follow_real_terminal_size(environ: MutableMapping[str, str] = os.environ) -> bool:
    """Drop COLUMNS/LINES from *environ* so Textual follows the terminal's real size.

    Textual asks ``shutil.get_terminal_size()``, which prefers those variables to the
    terminal: exported (``eval $(resize)``, some CI and multiplexer set-ups) they pin the
    app to one size and every resize goes unnoticed — the too-small notice would never
    leave.  The web driver (``runback serve``) passes the browser's size through them, so
    they are kept there.  Returns True when something was dropped.
    """
    if "TEXTUAL_DRIVER" in environ:
        return False
    dropped = False
    for name in ("COLUMNS", "LINES"):
        dropped = environ.pop(name, None) is not None or dropped
    return dropped
