"""App hooks for sessions: signal handlers that save a running session.

``RunbackApp.on_mount`` installs them (``install_session_signal_handlers(self)``), then offers
to resume an unfinished session (``screens/resume.py``).

A dropped SSH connection sends SIGHUP, and a default Textual app then dies without unmounting
(Textual issue #5140); ``kill`` and service managers send SIGTERM.  The handlers are installed
with the event loop's ``add_signal_handler`` — a plain ``signal.signal`` handler does not wake
an idle loop (quality.md) — and on either signal they save the running session synchronously,
then exit the app.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from typing import Any

HANDLED_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGHUP, signal.SIGTERM)
"""Signals that save the running session and exit."""


def save_running_sessions(app: Any) -> int:
    """Save every screen's resumable session now (synchronously); returns how many."""
    saved = 0
    for screen in reversed(list(app.screen_stack)):
        save: Callable[[], None] | None = getattr(screen, "save_active_now", None)
        if save is not None:
            try:
                save()
                saved += 1
            except Exception:  # saving is best effort: the exit must still happen
                pass
    return saved


def on_terminating_signal(app: Any, signum: int) -> None:
    """Save the running session, then exit with 128 + the signal number."""
    save_running_sessions(app)
    app.exit(return_code=128 + signum)


def install_session_signal_handlers(app: Any) -> bool:
    """Install SIGHUP/SIGTERM handlers on the running loop; False where that is unsupported."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    try:
        for signum in HANDLED_SIGNALS:
            loop.add_signal_handler(signum, on_terminating_signal, app, int(signum))
    except (NotImplementedError, RuntimeError, ValueError):
        return False  # not the main thread, or a platform without loop signal handlers
    return True
