"""Benchmark (not a test): terminal output and CPU of a running session at 80x24 in a pty.

    python -m tests.bench_session [--seconds 20] [--screen run|routine] [--size 120x40]

Starts a real Runback on a seeded throwaway data file in a pseudo-terminal (80x24 unless
--size says otherwise), opens
the session screen (a stage-1 run-walk, or the 10-minute core), waits 3 s for the start-up
to settle, then for ``--seconds`` counts the bytes the app writes and the CPU time it uses
(utime + stime of the child, from /proc/PID/stat).  Prints a summary line and the same
figures as JSON.  quality.md's bar: at most 1 KB/s of steady output and under 3% of a core.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from tests.ui.fixtures import new_store, seed_movement, seed_run_walk
from tests.ui.test_resume_signals import _shift_to_today, drain, spawn

SETTLE_S = 3.0
"""Seconds to let the start-up finish before measuring."""


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(screen: str, seconds: float, size: tuple[int, int] = (80, 24)) -> dict[str, object]:
    """Run the benchmark; returns the figures."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "runback.json"
        store = new_store(data)
        (seed_run_walk if screen == "run" else seed_movement)(store)
        _shift_to_today(data)
        process, master = spawn(data, speed=1.0, size=size)
        try:
            drain(master, 2.5)
            os.write(master, b"r" if screen == "run" else b"e")
            drain(master, 1.0)
            os.write(master, b"\r")
            drain(master, SETTLE_S)
            cpu_before = cpu_seconds(process.pid)
            wall_before = time.monotonic()
            written = len(drain(master, seconds))
            wall = time.monotonic() - wall_before
            cpu = cpu_seconds(process.pid) - cpu_before
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=3)
            except Exception:
                process.kill()
            os.close(master)
    return {
        "screen": screen,
        "size": f"{size[0]}x{size[1]}",
        "seconds": round(wall, 2),
        "bytes": written,
        "bytes_per_s": round(written / wall, 1),
        "cpu_seconds": round(cpu, 3),
        "cpu_percent": round(100 * cpu / wall, 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, print."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench_session", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="measuring time (20)")
    parser.add_argument("--screen", choices=("run", "routine"), default="run")
    parser.add_argument("--size", default="80x24", help="terminal COLUMNSxROWS (80x24)")
    args = parser.parse_args(argv)
    columns, rows = (int(part) for part in args.size.lower().split("x"))
    result = measure(args.screen, args.seconds, (columns, rows))
    print(
        f"{result['screen']} session at {result['size']} for {result['seconds']} s: "
        f"{result['bytes_per_s']} bytes/s, CPU {result['cpu_percent']}% of one core"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
