"""Crash safety and multi-process writes, with real processes and real SIGKILLs.

Crash: a child writes check-ins in a loop and prints each one's number once the write has
returned; it is SIGKILLed at random moments, at least 100 times; after every kill the file
must parse and hold every acknowledged write.  Concurrency: two processes x 200 writes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from runback_tui.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("RUNBACK_CRASH_KILLS", "120"))
BASE = date(2000, 1, 1)

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date, timedelta
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from runback_tui.storage.store import Store
    from runback_tui.domain.models import CheckIn
    store = Store(Path({path!r}), lock_timeout=30)
    first, count, base = int(sys.argv[1]), int(sys.argv[2]), date(2000, 1, 1)
    CheckIn(date=base, pain=0)  # pydantic builds the validator on first use: not in the window
    print("ready", flush=True)
    for number in range(first, first + count):
        store.save_checkin(CheckIn(date=base + timedelta(days=number), pain=number % 11))
        print(number, flush=True)
    """
)


def _writer(path: Path, first: int, count: int) -> subprocess.Popen[str]:
    script = WRITER.format(root=str(ROOT), path=str(path))
    return subprocess.Popen(
        [sys.executable, "-c", script, str(first), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _stored_numbers(path: Path) -> set[int]:
    """Parse the file strictly through the Store and return the check-in numbers it holds."""
    history = Store(path).history()
    return {(c.date - BASE).days for c in history.checkins}


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    rng = random.Random(20261121)
    acknowledged: set[int] = set()
    next_number = 0
    kills = 0
    mid_write = 0
    for _ in range(KILLS):
        child = _writer(path, next_number, 10_000)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.06))
        child.send_signal(signal.SIGKILL)
        out = child.stdout.read()  # the same buffered reader that read "ready"
        child.wait()
        kills += 1
        numbers = [int(line) for line in out.split() if line.isdigit()]
        acknowledged.update(numbers)
        if numbers:
            next_number = max(numbers) + 1
        # a write may have landed without its acknowledgement: skip past it
        next_number += 1
        if path.exists():
            json.loads(path.read_bytes())  # the raw file parses
            stored = _stored_numbers(path)
            missing = acknowledged - stored
            assert not missing, f"kill {kills}: acknowledged writes lost: {sorted(missing)[:5]}"
            mid_write = len(stored - acknowledged)
    assert kills >= 100
    assert len(acknowledged) > 100, "the child should have completed many writes"
    print(
        f"\ncrash test: {kills} SIGKILLs, {len(acknowledged)} acknowledged writes all present, "
        f"{mid_write} writes landed without their acknowledgement (allowed)"
    )


CONCURRENT = textwrap.dedent(
    """
    import sys
    from datetime import date, timedelta
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from runback_tui.storage.store import Store
    from runback_tui.domain.models import CheckIn, CrossLog
    store = Store(Path({path!r}), lock_timeout=60)
    offset = int(sys.argv[1])
    for number in range(200):
        day = date(2000, 1, 1) + timedelta(days=offset + number)
        if number % 2:
            store.save_checkin(CheckIn(date=day, pain=number % 11))
        else:
            store.add_session(CrossLog(date=day, activity="cycle_easy", minutes=15))
    print("done", flush=True)
    """
)


@pytest.mark.slow
def test_two_processes_200_writes_each_keep_all_400(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    script = CONCURRENT.format(root=str(ROOT), path=str(path))
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(offset)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for offset in (0, 1000)
    ]
    results = [child.communicate(timeout=600) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
        assert out.strip() == "done"
        assert err == ""
    history = Store(path).history()
    assert len(history.checkins) + len(history.sessions) == 400
    assert len(history.checkins) == 200 and len(history.sessions) == 200
    days = {c.date for c in history.checkins} | {s.date for s in history.sessions}
    assert len(days) == 400
    expected = {date(2000, 1, 1) + timedelta(days=o + n) for o in (0, 1000) for n in range(200)}
    assert days == expected
    print("\nconcurrency test: 2 processes x 200 writes, 400 of 400 records present")
