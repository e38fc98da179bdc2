"""The real thing: the `runback` command in tmux at 80x24, driven by keys."""

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
SESSION = f"runback-test-{os.getpid()}"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def runback_command() -> list[str]:
    """The `runback` console script; `python -m runback_tui` (same entry point) if not installed."""
    script = shutil.which("runback") or str(Path(sys.executable).parent / "runback")
    if Path(script).exists():
        return [script]
    return [sys.executable, "-m", "runback_tui"]


def tmux(*args: str) -> str:
    """Run a tmux command and return its output."""
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(check: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll *check* until it holds, or fail after *timeout* seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out; screen was:\n{screen()}")


def screen() -> str:
    """The visible pane."""
    return tmux("capture-pane", "-p", "-t", SESSION)


def test_checkin_in_a_real_terminal(tmp_path: Path) -> None:
    """`runback init`, then in tmux: c, 2, ctrl+s, q; the check-in is in `runback export`."""
    data = tmp_path / "runback.json"
    env = {**os.environ, "RUNBACK_DATA": str(data), "PYTHONPATH": str(REPO)}
    env.pop("NO_COLOR", None)
    command = runback_command()
    subprocess.run(
        [*command, "init", "--start-date", "2026-01-01", "--units", "km", "--accept-disclaimer"],
        check=True,
        env=env,
        capture_output=True,
    )
    shell = " ".join([f"RUNBACK_DATA={data}", f"PYTHONPATH={REPO}", *command])
    tmux("new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", shell)
    try:
        wait_for(lambda: "press c to check in" in screen())
        tmux("send-keys", "-t", SESSION, "c")
        wait_for(lambda: "Morning check-in" in screen())
        tmux("send-keys", "-t", SESSION, "2")
        wait_for(lambda: "2/10" in screen())
        tmux("send-keys", "-t", SESSION, "C-s")
        wait_for(lambda: "Checked in today: pain 2/10" in screen())
        tmux("send-keys", "-t", SESSION, "q")
        wait_for(
            lambda: (
                subprocess.run(
                    ["tmux", "has-session", "-t", SESSION], capture_output=True
                ).returncode
                != 0
            )
        )
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    exported = subprocess.run(
        [*command, "export", "--format", "json"],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    checkins = json.loads(exported.stdout)["checkins"]
    assert [(c["pain"], c["red_flags"]) for c in checkins] == [(2, [])]
