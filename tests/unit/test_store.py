"""The Store: typed round trips, permissions, locks, corrupt and hostile files, migrations."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest

from runback_tui.domain.clock import FakeClock, aware
from runback_tui.domain.models import (
    CheckIn,
    Clearance,
    CrossLog,
    Profile,
    RoutineLog,
    RunLog,
    RunWalkLog,
    Shoe,
)
from runback_tui.domain.protocol import plan_for
from runback_tui.storage.durable import DataFileError, LockTimeoutError, resolve_data_path
from runback_tui.storage.migrations import CURRENT_VERSION
from runback_tui.storage.store import ConflictError, Store

FIXTURES = Path(__file__).parent.parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make *folder* read-only for real: a read-only bind mount as root, else chmod."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot make a read-only folder here (running as root without mount)")
    try:
        remount = ["mount", "-o", "remount,ro,bind", str(folder)]
        if subprocess.run(remount, capture_output=True).returncode != 0:
            pytest.skip("cannot remount read-only here")
        yield
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def make_profile() -> Profile:
    return Profile(start_date=date(2026, 11, 1), units="km", accepted_disclaimer=True)


def test_empty_store_has_no_profile_and_no_file(store: Store) -> None:
    assert store.profile() is None
    assert store.history().checkins == []
    assert not store.path.exists()


def test_round_trip_of_every_model(store: Store) -> None:
    store.save_profile(make_profile())
    store.save_checkin(CheckIn(date=date(2026, 11, 2), pain=3, red_flags=["night_pain"]))
    store.add_clearance(Clearance(date=date(2026, 11, 3), note="GP said fine"))
    sessions = [
        RunWalkLog(date=date(2026, 11, 8), stage=1, completed=True, repeats_done=10,
                   pain_during=1, pain_after=0, distance_km=2.5, shoe="Pegasus"),
        RunLog(date=date(2026, 11, 20), distance_km=5, pain_during=0, pain_after=0, minutes=31),
        RoutineLog(date=date(2026, 11, 2), routine_id="daily_core", pain_after=2),
        CrossLog(date=date(2026, 11, 3), activity="pool_run", minutes=25),
    ]  # fmt: skip
    for session in sessions:
        store.add_session(session)
    store.add_shoe(Shoe(name="Pegasus", start_distance_km=50))
    reopened = Store(store.path)
    assert reopened.profile() == make_profile()
    history = reopened.history()
    assert history.checkins[0].red_flags == ["night_pain"]
    assert history.clearances[0].note == "GP said fine"
    # The Store stamps each log with the time it was saved (schema 2).
    assert all(
        s.logged_at is not None and s.logged_at.utcoffset() is not None for s in history.sessions
    )
    assert [s.model_copy(update={"logged_at": None}) for s in history.sessions] == sessions
    assert history.shoes[0].start_distance_km == 50


def test_schema_version_is_in_the_file(store: Store) -> None:
    store.save_profile(make_profile())
    data = json.loads(store.path.read_text())
    assert data["_meta"] == {"1": {"schema_version": CURRENT_VERSION}}


def test_second_checkin_same_day_replaces_and_keeps_the_edit(store: Store) -> None:
    assert store.save_checkin(CheckIn(date=date(2026, 11, 2), pain=5)).replaced is False
    assert (
        store.save_checkin(CheckIn(date=date(2026, 11, 2), pain=2, note="better")).replaced is True
    )
    snap = store.snapshot()
    assert [(c.date, c.pain) for c in snap.history.checkins] == [(date(2026, 11, 2), 2)]
    assert [e.checkin.pain for e in snap.checkin_edits] == [5]
    assert snap.checkin_edits[0].replaced_at == aware(datetime(2026, 11, 21, 7, 30))  # offset


def test_duplicate_shoe_name_is_a_conflict_and_changes_nothing(store: Store) -> None:
    store.add_shoe(Shoe(name="Pegasus"))
    before = store.path.read_bytes()
    with pytest.raises(ConflictError, match="already exists"):
        store.add_shoe(Shoe(name="PEGASUS"))
    assert store.path.read_bytes() == before


def test_modes_file_0600_and_created_dirs_0700(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "runback.json"
    os.umask(0o022)
    Store(path).save_profile(make_profile())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


def test_existing_directory_mode_is_not_changed(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    Store(tmp_path / "runback.json").save_profile(make_profile())
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_no_temp_files_left_behind(store: Store) -> None:
    for day in range(1, 6):
        store.save_checkin(CheckIn(date=date(2026, 11, day), pain=1))
    leftovers = [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_daily_backup_keeps_the_previous_good_copy(data_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 21, 8, 0))
    store = Store(data_path, now=clock.now)
    store.save_profile(make_profile())
    assert not store.backup_path.exists()  # nothing to back up before the first write
    store.save_checkin(CheckIn(date=date(2026, 11, 2), pain=1))
    first_backup = store.backup_path.read_bytes()
    assert b"checkins" not in first_backup  # the copy before this write
    store.save_checkin(CheckIn(date=date(2026, 11, 3), pain=1))
    assert store.backup_path.read_bytes() == first_backup  # once a day only
    os.utime(store.backup_path, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    store.save_checkin(CheckIn(date=date(2026, 11, 4), pain=1))
    assert b"2026-11-03" in store.backup_path.read_bytes()
    assert b"2026-11-04" not in store.backup_path.read_bytes()


def test_data_path_resolution(tmp_path: Path) -> None:
    env = {"RUNBACK_DATA": str(tmp_path / "env.json")}
    assert resolve_data_path(str(tmp_path / "cli.json"), env) == tmp_path / "cli.json"
    assert resolve_data_path(None, env) == tmp_path / "env.json"
    default = resolve_data_path(None, {})
    assert default.name == "runback.json" and "runback" in str(default.parent).lower()


# -- locks ----------------------------------------------------------------------------------


def _hold_lock_script(lock_path: Path, data_path: Path, seconds: float) -> str:
    return textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from runback_tui.storage.durable import InterProcessLock
        lock = InterProcessLock(Path({str(lock_path)!r}), Path({str(data_path)!r}), 5)
        lock.acquire()
        print("locked", flush=True)
        time.sleep({seconds})
        """
    )


def _spawn(script: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    return child


def test_lock_left_by_a_killed_process_is_recovered(store: Store) -> None:
    store.save_profile(make_profile())
    child = _spawn(_hold_lock_script(store.lock_path, store.path, 60))
    child.kill()
    child.wait()
    assert store.lock_path.exists()  # the stale lock file is still there
    # A lock timeout of 0: the save takes the lock at once or fails, so nothing was waited for.
    Store(store.path, lock_timeout=0.0).save_checkin(CheckIn(date=date(2026, 11, 2), pain=1))
    assert store.checkin_on(date(2026, 11, 2)) is not None


def test_lock_file_with_garbage_is_harmless(store: Store) -> None:
    store.path.parent.mkdir(parents=True)
    store.lock_path.write_text("not a pid \x00\x01")
    store.save_profile(make_profile())
    assert store.profile() == make_profile()


def test_waiting_for_a_held_lock_is_bounded(data_path: Path) -> None:
    store = Store(data_path, lock_timeout=0.3)
    store.save_profile(make_profile())
    before = store.path.read_bytes()
    child = _spawn(_hold_lock_script(store.lock_path, store.path, 30))
    try:
        with pytest.raises(LockTimeoutError) as caught:
            store.save_checkin(CheckIn(date=date(2026, 11, 2), pain=1))
        assert caught.value.exit_code == 3
        assert "for over 0.3 s" in str(caught.value)
        assert f"Runback process {child.pid}" in str(caught.value)
        assert store.path.read_bytes() == before
    finally:
        child.kill()
        child.wait()


# -- bad files ------------------------------------------------------------------------------

HOSTILE_FILES = {
    "truncated": b'{"_meta": {"1": {"schema_version": 1}}, "checkins": {"1": {"da',
    "extra data": b'{"_meta": {"1": {"schema_version": 1}}}{"x": 1}',
    "empty": b"",
    "whitespace": b"   \n",
    "not utf8": b'{"_meta": {"1": {"schema_version": 1}}, "x": "\xff\xfe"}',
    "a list": b"[1, 2, 3]",
    "wrong type pain": b'{"_meta":{"1":{"schema_version":1}},"checkins":{"1":{"date":"2026-11-02","pain":"7"}}}',
    "pain out of range": b'{"_meta":{"1":{"schema_version":1}},"checkins":{"1":{"date":"2026-11-02","pain":99}}}',
    "unknown key": b'{"_meta":{"1":{"schema_version":1}},"checkins":{"1":{"date":"2026-11-02","pain":1,"x":1}}}',
    "unknown table": b'{"_meta":{"1":{"schema_version":1}},"evil":{}}',
    "table not object": b'{"_meta":{"1":{"schema_version":1}},"checkins":[1]}',
    "bad doc id": b'{"_meta":{"1":{"schema_version":1}},"checkins":{"abc":{"date":"2026-11-02","pain":1}}}',
    "duplicate doc id": b'{"_meta":{"1":{"schema_version":1}},"checkins":{"1":{"date":"2026-11-02","pain":1},"1":{"date":"2026-11-03","pain":1}}}',
    "duplicate date": b'{"_meta":{"1":{"schema_version":1}},"checkins":{"1":{"date":"2026-11-02","pain":1},"2":{"date":"2026-11-02","pain":2}}}',
    "duplicate session id": b'{"_meta":{"1":{"schema_version":1}},"sessions":{"1":{"kind":"cross","id":"a","date":"2026-11-02","activity":"pool_run","minutes":20},"2":{"kind":"cross","id":"a","date":"2026-11-03","activity":"pool_run","minutes":20}}}',
    "NaN": b'{"_meta":{"1":{"schema_version":1}},"sessions":{"1":{"kind":"run","date":"2026-11-02","distance_km":NaN,"pain_during":1,"pain_after":1}}}',
    "huge string": b'{"_meta":{"1":{"schema_version":1}},"checkins":{"1":{"date":"2026-11-02","pain":1,"note":"'
    + b"x" * 100_000
    + b'"}}}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "bad schema_version": b'{"_meta":{"1":{"schema_version":"one"}}}',
    "two profiles": b'{"_meta":{"1":{"schema_version":1}},"profile":{"1":{"start_date":"2026-11-01"},"2":{"start_date":"2026-11-02"}}}',
}


@pytest.mark.parametrize("content", HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
def test_corrupt_or_hostile_file_is_refused_and_left_byte_for_byte(
    data_path: Path, content: bytes
) -> None:
    data_path.parent.mkdir(parents=True)
    data_path.write_bytes(content)
    store = Store(data_path)
    with pytest.raises(DataFileError) as caught:
        store.snapshot()
    assert caught.value.exit_code == 3
    assert str(data_path) in str(caught.value)
    assert "left exactly as it was" in str(caught.value)
    with pytest.raises(DataFileError):
        store.save_checkin(CheckIn(date=date(2026, 11, 2), pain=1))
    with pytest.raises(DataFileError):
        store.save_profile(make_profile())
    assert data_path.read_bytes() == content
    assert not store.backup_path.exists()


def test_newer_schema_version_is_refused_not_rewritten(data_path: Path) -> None:
    data_path.parent.mkdir(parents=True)
    content = b'{"_meta":{"1":{"schema_version":99}},"checkins":{}}'
    data_path.write_bytes(content)
    store = Store(data_path)
    for action in (store.snapshot, lambda: store.save_profile(make_profile())):
        with pytest.raises(DataFileError, match="newer Runback"):
            action()
    assert data_path.read_bytes() == content


def test_unreadable_file(data_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_path.parent.mkdir(parents=True)
    data_path.write_text("{}")
    import builtins

    real_open = builtins.open

    def denied(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(data_path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", denied)
    with pytest.raises(DataFileError, match="permission denied") as caught:
        Store(data_path).snapshot()
    assert caught.value.exit_code == 3


def test_a_folder_instead_of_a_file(data_path: Path) -> None:
    data_path.mkdir(parents=True)
    with pytest.raises(DataFileError, match="folder"):
        Store(data_path).snapshot()


def test_read_only_directory_refuses_writes_and_keeps_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    store = Store(folder / "runback.json")
    store.save_profile(make_profile())
    before = store.path.read_bytes()
    with read_only(folder):
        with pytest.raises(DataFileError, match="read-only|permission denied") as caught:
            store.save_checkin(CheckIn(date=date(2026, 11, 2), pain=1))
        assert caught.value.exit_code == 3
        assert "left as it was" in str(caught.value)
        assert Store(store.path).profile() == make_profile()  # reading still works
    assert store.path.read_bytes() == before


def test_unwritable_target_leaves_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing fails (as on a read-only or full disk): the error says so, the file is kept."""
    store = Store(tmp_path / "runback.json")
    store.save_profile(make_profile())
    before = store.path.read_bytes()
    import errno

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(DataFileError, match="read-only") as caught:
        store.save_checkin(CheckIn(date=date(2026, 11, 2), pain=1))
    assert caught.value.exit_code == 3
    assert store.path.read_bytes() == before


def test_disk_full_mid_write_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "runback.json")
    store.save_profile(make_profile())
    before = store.path.read_bytes()
    import errno

    import runback_tui.storage.durable as durable

    real_write = os.write
    calls = {"n": 0}

    def full(fd: int, data: object) -> int:
        calls["n"] += 1
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(durable.os, "write", full)
    with pytest.raises(DataFileError, match="disk is full"):
        store.save_checkin(CheckIn(date=date(2026, 11, 2), pain=1))
    monkeypatch.setattr(durable.os, "write", real_write)
    assert calls["n"] >= 1
    assert store.path.read_bytes() == before
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_missing_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "runback.json"
    Store(path).save_profile(make_profile())
    assert Store(path).profile() == make_profile()


def test_missing_directory_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("I am a file")
    with pytest.raises(DataFileError):
        Store(blocker / "sub" / "runback.json").save_profile(make_profile())
    assert blocker.read_text() == "I am a file"


# -- migrations -----------------------------------------------------------------------------


def test_migration_from_v0_writes_a_backup_first(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    shutil.copyfile(FIXTURES / "v0_runback.json", path)
    original = path.read_bytes()
    store = Store(path)
    snap = store.snapshot()
    assert snap.profile is not None and snap.profile.units == "mi"
    assert [(c.pain, c.red_flags) for c in snap.history.checkins] == [(3, []), (2, ["night_pain"])]
    assert snap.history.shoes[0].name == "Old trainers"
    backup = tmp_path / "runback.json.v0-backup"
    assert backup.read_bytes() == original
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    migrated = json.loads(path.read_text())
    assert migrated["_meta"]["1"]["schema_version"] == CURRENT_VERSION
    assert "pain_score" not in json.dumps(migrated)
    # opening again does not migrate again nor touch the backup
    backup_mtime = backup.stat().st_mtime_ns
    assert Store(path).snapshot().history == snap.history
    assert backup.stat().st_mtime_ns == backup_mtime


def test_migration_from_v1_restores_an_erased_red_flag(tmp_path: Path) -> None:
    """A file written by the v1 release (tests/fixtures/v1_runback.json): protocol v2 §2."""
    path = tmp_path / "runback.json"
    shutil.copyfile(FIXTURES / "v1_runback.json", path)
    original = path.read_bytes()
    store = Store(path)
    snap = store.snapshot()
    assert snap.schema_version == CURRENT_VERSION == 4
    backup = tmp_path / "runback.json.v1-backup"
    assert backup.read_bytes() == original  # the backup is written first, byte for byte
    # The v1 edit had erased the urgent flag; v2 puts it back: it stands until cleared.
    by_date = {c.date: c for c in snap.history.checkins}
    assert by_date[date(2026, 11, 20)].red_flags == ["bladder_bowel"]
    assert by_date[date(2026, 11, 20)].note == "edited the flag away"
    (clearance,) = snap.history.clearances
    assert (clearance.reason, clearance.made_at, clearance.flags) == ("professional", None, [])
    assert all(s.logged_at is None for s in snap.history.sessions)
    assert snap.history.shoes[0].added == date(2026, 11, 1)
    assert len(snap.checkin_edits) == 1
    plan = plan_for(snap.profile, snap.history, date(2026, 11, 21))  # type: ignore[arg-type]
    assert plan.phase == "paused" and "red_flag_urgent" in plan.warning_codes()
    # Written as Runback writes: reopening does not migrate again.
    migrated = json.loads(path.read_text())
    assert migrated["_meta"]["1"]["schema_version"] == CURRENT_VERSION
    assert migrated["clearances"]["1"]["reason"] == "professional"
    reopened = Store(path).snapshot()
    assert reopened.history == snap.history


def test_failed_migration_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    content = b'{"checkins": {"1": {"date": "2026-10-01", "pain_score": 42}}}'
    path.write_bytes(content)
    with pytest.raises(DataFileError, match="pain"):
        Store(path).snapshot()
    assert path.read_bytes() == content


def test_snapshot_cache_sees_writes_from_another_store(data_path: Path) -> None:
    first, second = Store(data_path), Store(data_path)
    first.save_profile(make_profile())
    assert second.history().checkins == []
    first.save_checkin(CheckIn(date=date(2026, 11, 2), pain=4))
    assert [c.pain for c in second.history().checkins] == [4]


def test_a_retried_session_save_is_stored_once_and_a_clashing_id_refused(store: Store) -> None:
    log = CrossLog(date=date(2026, 11, 3), activity="pool_run", minutes=25)
    store.add_session(log)
    store.add_session(log)  # a retry after an ambiguous failure
    assert len(store.history().sessions) == 1
    before = store.path.read_bytes()
    clash = CrossLog(id=log.id, date=date(2026, 11, 4), activity="cycle_easy", minutes=15)
    with pytest.raises(ConflictError, match="already stored"):
        store.add_session(clash)
    assert store.path.read_bytes() == before


def test_a_save_vouches_for_exactly_the_bytes_written(data_path: Path) -> None:
    from runback_tui.storage import cache

    store = Store(data_path)
    store.save_profile(make_profile())
    store.save_checkin(CheckIn(date=date(2026, 11, 1), pain=2))
    assert cache.validated_digest(data_path) == cache.digest(data_path.read_bytes())


# -- protocol v2: red flags stand until cleared ---------------------------------------------------


def test_an_edit_never_erases_a_red_flag(store: Store) -> None:
    store.save_profile(make_profile())
    day = date(2026, 11, 21)
    store.save_checkin(CheckIn(date=day, pain=2, red_flags=["bladder_bowel"]))
    assert store.save_checkin(CheckIn(date=day, pain=1, red_flags=[], note="better")).replaced
    (stored,) = store.history().checkins
    assert stored.red_flags == ["bladder_bowel"] and stored.pain == 1 and stored.note == "better"


def test_a_mistake_withdrawal_is_one_write_and_same_day_only(store: Store) -> None:
    from runback_tui.storage.store import NothingToWithdraw

    store.save_profile(make_profile())
    today = date(2026, 11, 21)  # the store's fake clock
    store.save_checkin(CheckIn(date=date(2026, 11, 20), pain=2, red_flags=["night_pain"]))
    with pytest.raises(NothingToWithdraw, match="own date"):
        store.withdraw_red_flags(date(2026, 11, 20))
    with pytest.raises(NothingToWithdraw, match="no red flag"):
        store.withdraw_red_flags(today)
    store.save_checkin(CheckIn(date=today, pain=2, red_flags=["leg_weakness"]))
    clearance = store.withdraw_red_flags(today, "tapped the wrong answer")
    assert clearance.reason == "mistake" and clearance.flags == ["leg_weakness"]
    assert clearance.made_at is not None and clearance.made_at.utcoffset() is not None
    snap = store.snapshot()
    assert {c.date: c.red_flags for c in snap.history.checkins}[today] == []
    assert snap.checkin_edits[-1].checkin.red_flags == ["leg_weakness"]
    assert snap.history.clearances == [clearance]
    # The earlier flag still pauses the plan: a mistake lifts only its own date's answer.
    plan = plan_for(snap.profile, snap.history, today)  # type: ignore[arg-type]
    assert plan.phase == "paused"
