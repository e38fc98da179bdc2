"""The sidecar fast paths: same bytes, same answers, same errors as the full path; never trusted.

``runback checkin`` on a file the sidecar vouches for, and ``runback today --json`` on a cached
answer, skip pydantic and TinyDB.  Every test here compares them with the full path
(``RUNBACK_FAST_PATH=0``) or shows that a wrong, stale or hostile sidecar only costs speed.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runback_tui.cli import run
from runback_tui.demo import generate_history, seed_store
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.limits import RED_FLAG_KEYS
from runback_tui.domain.models import CheckIn, Shoe
from runback_tui.storage import fastpath
from runback_tui.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime(2026, 11, 21, 7, 30)
NOW = datetime(2026, 11, 21, 7, 31, 5)
FULL = {"RUNBACK_FAST_PATH": "0"}
FAST = {"RUNBACK_FAST_PATH": "1"}


def _cli(path: Path, *args: str, environ: dict[str, str], now: datetime = NOW) -> tuple:
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


def _files(folder: Path) -> dict[str, bytes]:
    """The data file and its backups (not the sidecar, which holds code-dependent tokens)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if not p.name.endswith((".cache", ".lock"))
    }


checkin_args = st.tuples(
    st.integers(0, 10).map(str),
    st.one_of(st.none(), st.integers(0, 10).map(str)),
    st.lists(st.sampled_from(RED_FLAG_KEYS), max_size=5),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), st.text(max_size=30)),
    st.integers(-3, 45),
).map(
    lambda t: [
        "checkin",
        "--pain",
        t[0],
        *(["--stiffness", t[1]] if t[1] is not None else []),
        *(["--red-flag", *t[2]] if t[2] else []),
        *(["--walked-30-pain-free"] if t[3] else []),
        *(["--single-leg-bridge-ok"] if t[4] else []),
        *(["--pain-meds"] if t[5] else []),
        *([f"--note={t[6]}"] if t[6] is not None else []),
        # a date from before day 1 to the future: every outcome of the date checks
        *(["--date", (TODAY.date() - timedelta(days=t[7])).isoformat()] if t[7] >= 0 else []),
        *(["--date", (TODAY.date() + timedelta(days=-t[7])).isoformat()] if t[7] < 0 else []),
    ]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.integers(1, 40),
    seed=st.integers(0, 5),
    with_profile=st.booleans() | st.just(True),
    calls=st.lists(checkin_args, min_size=1, max_size=3),
)
def test_fast_checkin_writes_the_same_bytes_as_the_full_path(
    days: int, seed: int, with_profile: bool, calls: list[list[str]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        full = Path(folder) / "full" / "runback.json"
        fast = Path(folder) / "fast" / "runback.json"
        for path in (full, fast):
            _seed(path, days, seed, with_profile)
        Store(fast).snapshot()  # validates, so the sidecar vouches for the file
        assert fastpath.known_valid_digest(fast) is not None
        for args in calls:
            with mock.patch.object(fastpath, "save_checkin", wraps=fastpath.save_checkin) as spy:
                result = _cli(fast, *args, environ=FAST)
            assert _cli(full, *args, environ=FULL) == result
            assert _files(full.parent) == _files(fast.parent)
            assert spy.called == (result[0] == 0)  # every success took the fast path
        assert Store(full).snapshot() == Store(fast).snapshot()
        # What the fast path wrote is what the sidecar now vouches for, and it is valid.
        assert fastpath.known_valid_digest(fast) == fastpath.digest(fast.read_bytes())


def test_the_record_is_the_models_dump() -> None:
    args = ["checkin", "--pain", "3", "--stiffness", "4", "--red-flag", "night_pain",
            "leg_weakness", "night_pain", "--pain-meds", "--note", "  stiff\tmorning "]  # fmt: skip
    from runback_tui.cli import build_parser, checkin_record

    parsed = build_parser().parse_args(args)
    day = date(2026, 11, 20)
    expected = CheckIn(
        date=day, pain=3, stiffness=4, red_flags=["night_pain", "leg_weakness", "night_pain"],
        pain_meds_for_daily_life=True, note="  stiff\tmorning ",
    ).model_dump(mode="json")  # fmt: skip
    assert checkin_record(day, parsed) == expected


def test_the_fast_checkin_really_skips_pydantic(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 30, 1)
    Store(path).snapshot()
    code = textwrap.dedent(
        f"""
        import sys
        from runback_tui.cli import run
        first = run(["--data", {str(path)!r}, "checkin", "--pain", "2"])
        heavy = sorted({{"pydantic", "tinydb", "textual"}} & {{m.split(".")[0] for m in sys.modules}})
        print(first, heavy)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("0 []"), done.stdout


def test_today_json_is_cached_per_file_version_and_date(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 30, 2)
    first = _cli(path, "today", "--json", environ=FAST)
    assert first[0] == 0
    content = fastpath.read_sidecar(path)
    assert content is not None and TODAY.date().isoformat() in content["plans"]
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
        b'{"code": "x", "valid": "y", "plans": {}}',
        b"{" + b'"a":' * 10 + b"}",
        b'{"code": null}' + b" " * (fastpath.MAX_SIDECAR_BYTES + 1),
    ],
)
def test_a_broken_or_foreign_sidecar_only_costs_speed(tmp_path: Path, sidecar: bytes) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 20, 4)
    expected = _cli(path, "today", "--json", environ=FULL)
    fastpath.sidecar_path(path).write_bytes(sidecar)
    assert _cli(path, "today", "--json", environ=FAST) == expected
    assert _cli(path, "checkin", "--pain", "2", environ=FAST)[0] == 0
    assert Store(path).checkin_on(TODAY.date()) is not None


def test_a_lying_sidecar_for_other_bytes_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 20, 5)
    _cli(path, "today", "--json", environ=FAST)
    content = fastpath.read_sidecar(path)
    assert content is not None
    content["valid"] = "0" * 40
    content["plans"] = {TODAY.date().isoformat(): '{"forged": true}'}
    fastpath.sidecar_path(path).write_text(json.dumps(content))
    code, out, _ = _cli(path, "today", "--json", environ=FAST)
    assert code == 0 and "forged" not in out


def test_deleting_the_sidecar_is_safe_and_it_is_private(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _seed(path, 20, 0)
    _cli(path, "today", "--json", environ=FAST)
    sidecar = fastpath.sidecar_path(path)
    assert sidecar.stat().st_mode & 0o777 == 0o600
    sidecar.unlink()
    assert _cli(path, "checkin", "--pain", "1", environ=FAST)[0] == 0  # full path, re-vouches
    assert sidecar.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_no_profile_and_bad_dates_match_the_full_path(tmp_path: Path) -> None:
    for with_profile in (False, True):
        folder = tmp_path / str(with_profile)
        path = folder / "runback.json"
        _seed(path, 10, 0, with_profile)
        Store(path).snapshot()
        for extra in ((), ("--date", "2027-01-01"), ("--date", "2020-01-01")):
            args = ("checkin", "--pain", "1", *extra)
            assert _cli(path, *args, environ=FAST) == _cli(path, *args, environ=FULL)


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


def test_two_fast_writers_keep_every_checkin(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _profile_file(path)
    writers = [_writer(path, 0, 40), _writer(path, 1000, 40)]
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    assert _numbers(path) == set(range(40)) | set(range(1000, 1040))


@pytest.mark.slow
def test_sigkill_during_fast_checkins_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _profile_file(path)
    acknowledged: set[int] = set()
    rng = random.Random(9)
    first = 0
    for _ in range(40):
        child = _writer(path, first, 1000)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        done = {int(line) for line in out.split()}
        acknowledged |= done
        first = max(done | {first}) + 2
        assert acknowledged <= _numbers(path)  # parses strictly and holds every ack


# -- home's view found by the file's stat ----------------------------------------------------


def _home_cached(tmp_path: Path) -> tuple[Path, str]:
    """A data file and its digest, with a (made-up) home view for NOW's date in the sidecar."""
    path = tmp_path / "runback.json"
    path.write_bytes(b'{"checkins":{"1":{"pain":1}}}')
    file_digest = fastpath.digest(path.read_bytes())
    fastpath.remember(path, file_digest, home={NOW.date().isoformat(): {"view": 1}})
    return path, file_digest


def test_home_view_is_found_by_stat_without_reading_the_file(tmp_path: Path) -> None:
    path, _ = _home_cached(tmp_path)
    with mock.patch.object(fastpath.durable, "read_file_bytes", side_effect=AssertionError):
        assert fastpath.cached(path, "home", NOW.date(), by_stat=True) == {"view": 1}
        with pytest.raises(AssertionError):  # without by_stat the file is always hashed
            fastpath.cached(path, "home", NOW.date())


def test_an_in_place_rewrite_keeping_size_and_mtime_is_hashed_again(tmp_path: Path) -> None:
    path, _ = _home_cached(tmp_path)
    before = os.stat(path)
    time.sleep(0.01)  # a real-time gap, so the change time moves on coarse clocks too
    with open(path, "r+b") as handle:  # same inode, same size, other bytes
        handle.write(b'{"checkins":{"1":{"pain":2}}}')
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime put back
    assert os.stat(path).st_ino == before.st_ino and os.stat(path).st_size == before.st_size
    assert fastpath.cached(path, "home", NOW.date(), by_stat=True) is None


def test_a_stat_is_noted_only_for_the_bytes_of_that_version(tmp_path: Path) -> None:
    path, file_digest = _home_cached(tmp_path)
    assert fastpath.read_sidecar(path)["stat"] is not None  # type: ignore[index]
    fastpath.remember(path, file_digest, plans={"2026-01-01": "{}"})  # a plan keeps the stat
    assert fastpath.read_sidecar(path)["stat"] is not None  # type: ignore[index]
    other = "0" * len(file_digest)  # views said to be for other bytes: no stat vouches
    fastpath.remember(path, other, home={NOW.date().isoformat(): {"view": 2}})
    assert "stat" not in fastpath.read_sidecar(path)  # type: ignore[operator]
    assert fastpath.cached(path, "home", NOW.date(), by_stat=True) is None
