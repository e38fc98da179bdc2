"""The sidecar: a read cache of derived views that never vouches for a file, and one writer.

``runback today --json`` answers from a cached view only for the exact bytes it was computed
from; a wrong, stale or hostile sidecar only costs speed.  Every check-in goes through the
Store, and only the Store records that a file version was validated.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest

from runback_tui.cli import run
from runback_tui.demo import generate_history, seed_store
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import Shoe
from runback_tui.storage import cache
from runback_tui.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime(2026, 11, 21, 7, 30)
NOW = datetime(2026, 11, 21, 7, 31, 5)
FULL = {"RUNBACK_FAST_PATH": "0"}
FAST = {"RUNBACK_FAST_PATH": "1"}


def _cli(
    path: Path, *args: str, environ: dict[str, str], now: datetime = NOW
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["--data", str(path), *args],
        clock=FakeClock(TODAY),
        out=out,
        err=err,
        environ=environ,
        now=lambda: now,
    )
    return code, out.getvalue(), err.getvalue()


def _seed(path: Path, days: int, seed: int, with_profile: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path)
    if with_profile:
        start = TODAY.date() - timedelta(days=days - 1)
        profile, history = generate_history(start, days, seed)
        seed_store(store, profile, history)
    else:
        store.add_shoe(Shoe(name="Blue", start_distance_km=10.0))


def test_today_json_is_cached_per_file_version_and_date(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 30, 2)
    first = _cli(path, "today", "--json", environ=FAST)
    assert first[0] == 0
    content = cache.read_sidecar(path)
    assert content is not None and TODAY.date().isoformat() in content["views"]["plans"]
    assert _cli(path, "today", "--json", environ=FAST) == first  # from the sidecar
    assert _cli(path, "today", "--json", environ=FULL) == first
    # Another date is computed (and then cached) on its own.
    other = _cli(path, "today", "--json", "--date", "2026-11-01", environ=FAST)
    assert other == _cli(path, "today", "--json", "--date", "2026-11-01", environ=FULL)
    assert other != first
    # A write changes the file: the cached plan is never used for the new version.
    assert _cli(path, "checkin", "--pain", "6", environ=FAST)[0] == 0
    after = _cli(path, "today", "--json", environ=FAST)
    assert after == _cli(path, "today", "--json", environ=FULL)
    assert json.loads(after[1])["phase"] == "acute" != json.loads(first[1])["phase"]


def test_a_file_changed_behind_the_sidecar_is_never_answered_from_it(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 30, 3)
    assert _cli(path, "today", "--json", environ=FAST)[0] == 0
    # Another program edits the file (valid JSON, an invalid record): full path, exit 3.
    tables = json.loads(path.read_bytes())
    next(iter(tables["checkins"].values()))["pain"] = 99
    path.write_bytes(json.dumps(tables).encode())
    before = path.read_bytes()
    for args in (("today", "--json"), ("checkin", "--pain", "1")):
        code, _, err = _cli(path, *args, environ=FAST)
        assert code == 3 and "cannot use this data file" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "sidecar",
    [
        b"",
        b"not json",
        b"[]",
        b'{"code": "x", "validated": "y", "views": null}',
        b"{" + b'"a":' * 10 + b"}",
        b'{"code": null}' + b" " * (cache.MAX_SIDECAR_BYTES + 1),
    ],
)
def test_a_broken_or_foreign_sidecar_only_costs_speed(tmp_path: Path, sidecar: bytes) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 20, 4)
    expected = _cli(path, "today", "--json", environ=FULL)
    cache.sidecar_path(path).write_bytes(sidecar)
    assert _cli(path, "today", "--json", environ=FAST) == expected
    assert _cli(path, "checkin", "--pain", "2", environ=FAST)[0] == 0
    assert Store(path).checkin_on(TODAY.date()) is not None


def test_a_lying_sidecar_for_other_bytes_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 20, 5)
    _cli(path, "today", "--json", environ=FAST)
    content = cache.read_sidecar(path)
    assert content is not None
    content["validated"] = "0" * 40
    content["views"] = {
        "digest": "0" * 40,
        "plans": {TODAY.date().isoformat(): '{"forged": true}'},
        "home": {},
    }
    cache.sidecar_path(path).write_text(json.dumps(content))
    code, out, _ = _cli(path, "today", "--json", environ=FAST)
    assert code == 0 and "forged" not in out


def test_deleting_the_sidecar_is_safe_and_it_is_private(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 20, 0)
    _cli(path, "today", "--json", environ=FAST)
    sidecar = cache.sidecar_path(path)
    assert sidecar.stat().st_mode & 0o777 == 0o600
    sidecar.unlink()
    assert _cli(path, "checkin", "--pain", "1", environ=FAST)[0] == 0  # full path, re-vouches
    assert sidecar.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


WRITER = textwrap.dedent(
    """
    import io, sys
    from datetime import date, timedelta
    sys.path.insert(0, {root!r})
    from runback_tui.cli import run
    first, count = int(sys.argv[1]), int(sys.argv[2])
    print("ready", flush=True)
    for number in range(first, first + count):
        day = (date(2000, 1, 1) + timedelta(days=number)).isoformat()
        args = ["--data", {path!r}, "checkin", "--pain", str(number % 11), "--date", day]
        code = run(args, out=io.StringIO())
        if code != 0:
            sys.exit(code)
        print(number, flush=True)
    """
)


def _writer(path: Path, first: int, count: int) -> subprocess.Popen[str]:
    script = WRITER.format(root=str(ROOT), path=str(path))
    env = dict(os.environ, RUNBACK_LOCK_TIMEOUT="30")
    return subprocess.Popen(
        [sys.executable, "-c", script, str(first), str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip


def _profile_file(path: Path) -> None:
    code, _, err = _cli(path, "init", "--start-date", "2000-01-01", "--units", "km",
                        "--accept-disclaimer", environ=FULL)  # fmt: skip
    assert code == 0, err
    Store(path).snapshot()


def _numbers(path: Path) -> set[int]:
    return {(c.date - date(2000, 1, 1)).days for c in Store(path).history().checkins}


def test_two_cli_writers_keep_every_checkin(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _profile_file(path)
    writers = [_writer(path, 0, 40), _writer(path, 1000, 40)]
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    assert _numbers(path) == set(range(40)) | set(range(1000, 1040))


# -- home's view found by the file's stat ----------------------------------------------------


def _home_cached(tmp_path: Path) -> tuple[Path, str]:
    """A data file and its digest, with a (made-up) home view for NOW's date in the sidecar."""
    path = tmp_path / "runback.json"
    path.write_bytes(b'{"checkins":{"1":{"pain":1}}}')
    file_digest = cache.digest(path.read_bytes())
    cache.remember(path, file_digest, home={NOW.date().isoformat(): {"view": 1}})
    return path, file_digest


def _views(path: Path) -> dict[str, object]:
    content = cache.read_sidecar(path)
    assert content is not None and content["views"] is not None
    views: dict[str, object] = content["views"]
    return views


def test_home_view_is_found_by_stat_without_reading_the_file(tmp_path: Path) -> None:
    path, _ = _home_cached(tmp_path)
    with mock.patch.object(cache.durable, "read_file_bytes", side_effect=AssertionError):
        assert cache.cached(path, "home", NOW.date(), by_stat=True) == {"view": 1}
        with pytest.raises(AssertionError):  # without by_stat the file is always hashed
            cache.cached(path, "home", NOW.date())


def test_an_in_place_rewrite_keeping_size_and_mtime_is_hashed_again(tmp_path: Path) -> None:
    path, _ = _home_cached(tmp_path)
    before = os.stat(path)
    time.sleep(0.01)  # a real-time gap, so the change time moves on coarse clocks too
    with open(path, "r+b") as handle:  # same inode, same size, other bytes
        handle.write(b'{"checkins":{"1":{"pain":2}}}')
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime put back
    assert os.stat(path).st_ino == before.st_ino and os.stat(path).st_size == before.st_size
    assert cache.cached(path, "home", NOW.date(), by_stat=True) is None


def test_a_stat_is_noted_only_for_the_bytes_of_that_version(tmp_path: Path) -> None:
    path, file_digest = _home_cached(tmp_path)
    assert _views(path)["stat"] is not None
    cache.remember(path, file_digest, plans={"2026-01-01": "{}"})  # a plan keeps the stat
    assert _views(path)["stat"] is not None
    other = "0" * len(file_digest)  # views said to be for other bytes: no stat vouches
    cache.remember(path, other, home={NOW.date().isoformat(): {"view": 2}})
    assert _views(path).get("stat") is None
    assert cache.cached(path, "home", NOW.date(), by_stat=True) is None


# -- one writer, and only the Store vouches --------------------------------------------------


def test_keeping_a_view_vouches_for_nothing(tmp_path: Path) -> None:
    """A view kept for a hand-edited file does not make the Store trust that file."""
    path = tmp_path / "runback.json"
    _seed(path, 10, 1)
    tables = json.loads(path.read_bytes())
    next(iter(tables["checkins"].values()))["pain"] = 99
    path.write_bytes(json.dumps(tables).encode())
    cache.remember(path, cache.digest(path.read_bytes()), plans={"2026-11-21": "{}"})
    assert cache.validated_digest(path) != cache.digest(path.read_bytes())
    before = path.read_bytes()
    code, _, err = _cli(path, "checkin", "--pain", "1", environ=FAST)
    assert code == 3 and "cannot use this data file" in err and "pain" in err
    assert path.read_bytes() == before


def test_a_write_is_vouched_for_by_the_store_only(tmp_path: Path) -> None:
    """After a CLI check-in the sidecar's validated digest is the new file's, set by the Store."""
    path = tmp_path / "runback.json"
    _seed(path, 10, 2)
    with mock.patch.object(cache, "note_valid", wraps=cache.note_valid) as noted:
        assert _cli(path, "checkin", "--pain", "2", environ=FAST)[0] == 0
    assert noted.call_count >= 1
    assert cache.validated_digest(path) == cache.digest(path.read_bytes())


def test_the_cli_checkin_is_the_stores_write(tmp_path: Path) -> None:
    """`runback checkin` and Store.save_checkin leave the same bytes (there is one writer)."""
    from runback_tui.domain.models import CheckIn

    one, two = tmp_path / "a" / "runback.json", tmp_path / "b" / "runback.json"
    for path in (one, two):
        _seed(path, 10, 3)
    assert _cli(one, "checkin", "--pain", "3", "--note", "cli", environ=FAST)[0] == 0
    Store(two, now=lambda: NOW).save_checkin(CheckIn(date=TODAY.date(), pain=3, note="cli"))
    assert one.read_bytes() == two.read_bytes()
