"""The Store's transactions through TinyDB's public Storage API (storage/transaction.py).

One lock, one read, TinyDB's changes in memory, at most one atomic write; a transaction that
fails writes nothing and frees the lock.  No private TinyDB name is used anywhere.
"""

from __future__ import annotations

import errno
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from runback_tui.domain.models import CheckIn, Profile
from runback_tui.storage import durable
from runback_tui.storage import store as store_module
from runback_tui.storage.durable import DataFileError
from runback_tui.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
PROFILE = Profile(start_date=date(2026, 11, 1))


@pytest.fixture
def data_path(tmp_path: Path) -> Path:
    return tmp_path / "runback.json"


REAL_LOADS = json.loads


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every text the Store parses as JSON from here on."""
    seen: list[int] = []

    def counted(raw: str | bytes, **kwargs: object) -> object:
        seen.append(len(raw))
        return REAL_LOADS(raw, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module.json, "loads", counted)
    return seen


def test_a_transaction_reads_once_and_writes_once(
    data_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(data_path, now=lambda: datetime(2026, 11, 21, 7, 30))
    store.save_profile(PROFILE)
    store.save_checkin(CheckIn(date=date(2026, 11, 20), pain=2))
    reads: list[Path] = []
    writes: list[Path] = []
    real_read, real_write = durable.read_file_bytes, durable.atomic_write_bytes

    def read(path: Path) -> bytes | None:
        reads.append(path)
        return real_read(path)

    def write(path: Path, data: bytes) -> None:
        writes.append(path)
        real_write(path, data)

    monkeypatch.setattr(durable, "read_file_bytes", read)
    monkeypatch.setattr(durable, "atomic_write_bytes", write)
    # A replacement: a search, an archive insert, a remove and an insert in one transaction.
    store.save_checkin(CheckIn(date=date(2026, 11, 20), pain=4))
    assert reads == [store.path] and writes == [store.path]


def test_a_failing_transaction_writes_nothing_and_frees_the_lock(data_path: Path) -> None:
    store = Store(data_path, lock_timeout=0.5)
    store.save_profile(PROFILE)
    raw_before = data_path.read_bytes()
    with pytest.raises(RuntimeError), store._transaction() as db:
        db.table("checkins").insert({"date": "2026-11-20", "pain": 1})
        db.drop_table("profile")
        raise RuntimeError("the caller failed")
    assert data_path.read_bytes() == raw_before
    Store(data_path, lock_timeout=0.5).save_checkin(CheckIn(date=date(2026, 11, 20), pain=2))
    assert [c.pain for c in Store(data_path).history().checkins] == [2]


def test_a_failed_write_leaves_the_file_and_the_store_usable(
    data_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(data_path, now=lambda: datetime(2026, 11, 21, 7, 30))
    store.save_profile(PROFILE)
    store.save_checkin(CheckIn(date=date(2026, 11, 20), pain=2))
    raw_before = data_path.read_bytes()

    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(durable, "atomic_write_bytes", disk_full)
        with pytest.raises(DataFileError, match="disk is full"):
            store.save_checkin(CheckIn(date=date(2026, 11, 21), pain=3))
    assert data_path.read_bytes() == raw_before
    store.save_checkin(CheckIn(date=date(2026, 11, 21), pain=4))
    fresh = Store(data_path).snapshot()
    assert [(c.date.day, c.pain) for c in fresh.history.checkins] == [(20, 2), (21, 4)]


def test_non_finite_numbers_are_refused(data_path: Path) -> None:
    store = Store(data_path)
    with pytest.raises(ValueError), store._transaction() as db:
        db.table("checkins").insert({"x": float("nan")})
    assert not data_path.exists()


def test_what_is_written_is_tinydbs_layout_in_a_stable_order(data_path: Path) -> None:
    store = Store(data_path, now=lambda: datetime(2026, 11, 21, 7, 30))
    store.save_profile(PROFILE)
    for day in range(1, 13):
        store.save_checkin(CheckIn(date=date(2026, 11, day), pain=day % 11))
    raw = data_path.read_bytes()
    tables = json.loads(raw)
    assert raw == durable.dump_json_bytes(tables)
    assert sorted(tables["checkins"], key=int) == [str(n) for n in range(1, 13)]


def test_no_private_tinydb_name_is_used() -> None:
    """TinyDB's public extension points are Storage and middlewares: nothing else is touched."""
    private = re.compile(r"\._(update_table|read_table|get_next_id|next_id|storage|opened)\b")
    for source in (ROOT / "runback_tui").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert not private.search(text), source
        assert "from tinydb.table import" not in text, source


def test_the_next_write_reuses_what_this_store_wrote_and_the_bytes_are_the_same(
    data_path: Path, parses: list[int]
) -> None:
    """Incremental encoding: unchanged tables are not encoded again, nor the file parsed (for
    the next write or the snapshot read after it), and every file is exactly what a full
    encode would write."""
    store = Store(data_path, now=lambda: datetime(2026, 11, 21, 7, 30))
    store.save_profile(PROFILE)
    for day in range(1, 8):
        store.save_checkin(CheckIn(date=date(2026, 11, day), pain=day % 11))
        store.save_checkin(CheckIn(date=date(2026, 11, day), pain=1, note="é again"))
        assert store.snapshot().history.checkins[-1].note == "é again"  # read back, checked
        raw = data_path.read_bytes()
        assert raw == durable.dump_json_bytes(REAL_LOADS(raw))
    assert [n for n in parses if n > 200] == []  # the data file was never parsed again


def test_bytes_written_by_another_process_are_read_and_checked(data_path: Path) -> None:
    mine, theirs = Store(data_path), Store(data_path)
    mine.save_profile(PROFILE)
    theirs.save_checkin(CheckIn(date=date(2026, 11, 2), pain=3))
    mine.save_checkin(CheckIn(date=date(2026, 11, 3), pain=4))
    assert [c.pain for c in Store(data_path).history().checkins] == [3, 4]


def test_a_failed_transaction_forgets_what_it_wrote_before(data_path: Path) -> None:
    store = Store(data_path)
    store.save_profile(PROFILE)
    with pytest.raises(RuntimeError), store._transaction() as db:
        db.table("checkins").insert({"date": "2026-11-20", "pain": 1})
        raise RuntimeError("the caller failed")
    assert store._written is None
    store.save_checkin(CheckIn(date=date(2026, 11, 21), pain=2))
    assert [c.pain for c in Store(data_path).history().checkins] == [2]


def test_runback_checkin_reads_and_parses_the_file_once(data_path: Path, parses: list[int]) -> None:
    """The profile's start date and the write come from one read of a file known valid."""
    from runback_tui.cli import run

    store = Store(data_path)
    store.save_profile(PROFILE)
    for day in range(1, 20):
        store.save_checkin(CheckIn(date=date(2026, 11, day), pain=1))
    Store(data_path).snapshot()  # as after any earlier command: the sidecar knows the bytes
    parses.clear()
    args = ["--data", str(data_path), "checkin", "--pain", "2", "--date", "2026-11-20"]
    assert run(args, out=io.StringIO()) == 0
    assert len([n for n in parses if n > 1000]) == 1
