"""The real `python -m runback_tui --data F` in tmux under odd terminal settings.

TERM=xterm-256color, screen-256color and linux, NO_COLOR=1 and TEXTUAL_COLOR_SYSTEM=standard:
each time the home screen draws, `c`, `2`, `ctrl+s` record a check-in that lands in the
file, and `q` quits.  Polls with timeouts (real processes); skipped without tmux.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

VARIANTS: dict[str, dict[str, str]] = {
    "xterm-256color": {"TERM": "xterm-256color"},
    "screen-256color": {"TERM": "screen-256color"},
    "linux console": {"TERM": "linux"},
    "NO_COLOR": {"TERM": "xterm-256color", "NO_COLOR": "1"},
    "16 colours": {"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "standard"},
}
"""Environment of each run, on top of a clean one."""


def tmux(*args: str) -> str:
    """Run a tmux command and return its output."""
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(check: Callable[[], bool], describe: Callable[[], str], timeout: float = 60) -> None:
    """Poll *check* until it holds, or fail showing *describe()* after *timeout* seconds (a
    bound that only ends a wait that would never end; nothing here is timed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out; screen was:\n{describe()}")


@pytest.mark.parametrize("variant", VARIANTS)
def test_checkin_in_a_real_terminal(tmp_path: Path, variant: str) -> None:
    data = tmp_path / "runback.json"
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM")}
    env = {**base, "PYTHONPATH": str(REPO), "RUNBACK_DATA": str(data)}
    subprocess.run(
        [sys.executable, "-m", "runback_tui", "--data", str(data), "init", "--start-date",
         "2026-01-01", "--units", "km", "--accept-disclaimer"],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    session = f"runback-hard-{os.getpid()}-{abs(hash(variant)) % 10**6}"
    settings = " ".join(f"{k}={v}" for k, v in VARIANTS[variant].items())
    command = (
        f"env -u NO_COLOR -u TEXTUAL_COLOR_SYSTEM {settings} PYTHONPATH={REPO} "
        f"{sys.executable} -m runback_tui --data {data}"
    )
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", session)

    def alive() -> bool:
        return subprocess.run(["tmux", "has-session", "-t", session]).returncode == 0

    try:
        wait_for(lambda: "press c to check in" in screen(), screen)
        shown = screen()
        assert "Program day" in shown and "Today's plan" in shown
        if variant == "16 colours":
            styled = tmux("capture-pane", "-p", "-e", "-t", session)
            for code in ("38;2;", "48;2;", "38;5;", "48;5;"):  # neither 24-bit nor 256 colours
                assert code not in styled, code
            assert "\x1b[9" in styled or "\x1b[3" in styled  # the 16 standard colours
        tmux("send-keys", "-t", session, "c")
        wait_for(lambda: "Morning check-in" in screen(), screen)
        tmux("send-keys", "-t", session, "2")
        wait_for(lambda: "2/10" in screen(), screen)
        tmux("send-keys", "-t", session, "C-s")
        wait_for(lambda: "Checked in today: pain 2/10" in screen(), screen)
        tmux("send-keys", "-t", session, "q")
        wait_for(lambda: not alive(), lambda: "the app did not quit")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    checkins = json.loads(data.read_text())["checkins"]
    assert [(c["pain"], c["red_flags"]) for c in checkins.values()] == [(2, [])]


def test_a_tiny_real_terminal_asks_for_more_room_then_recovers(tmp_path: Path) -> None:
    """40x12 in tmux: the notice, no traceback; grown to 80x24: home.

    COLUMNS/LINES are exported (as `eval $(resize)` does): Textual would take them for the
    terminal's size forever and never see the resize, unless Runback drops them at start.
    """
    data = tmp_path / "runback.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "runback_tui", "--data", str(data), "init", "--start-date",
         "2026-01-01", "--units", "km", "--accept-disclaimer"],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    session = f"runback-tiny-{os.getpid()}"
    command = (
        f"env COLUMNS=40 LINES=12 PYTHONPATH={REPO} {sys.executable} -m runback_tui --data {data}"
    )
    # A fixed window size: tmux's default ("latest") lets a query command resize the window.
    tmux("new-session", "-d", "-s", session, "-x", "40", "-y", "12", f"sleep 0.3; {command}")
    tmux("set-option", "-t", session, "window-size", "manual")
    tmux("resize-window", "-t", session, "-x", "40", "-y", "12")

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", session)

    try:
        wait_for(lambda: "Make the window larger" in screen(), screen)
        assert "40×12" in screen() and "Traceback" not in screen()
        tmux("resize-window", "-t", session, "-x", "80", "-y", "24")
        tmux("resize-pane", "-t", session, "-x", "80", "-y", "24")
        wait_for(
            lambda: "press c to check in" in screen(),
            lambda: tmux("list-windows", "-a") + screen(),
        )
        assert "Make the window larger" not in screen()
        tmux("send-keys", "-t", session, "q")
        wait_for(
            lambda: subprocess.run(["tmux", "has-session", "-t", session]).returncode != 0,
            lambda: "the app did not quit",
        )
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
