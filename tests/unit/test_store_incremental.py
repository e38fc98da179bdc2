"""The Store's incremental write path: remembered tables, per-document serialisation cache.

Whatever the Store reuses, the file it writes must be byte-identical to
``durable.dump_json_bytes`` of the tables, as the plain path (parse, change, dump) would
write them; and a transaction that fails must leave nothing it remembered changed.
"""

from __future__ import annotations

import copy
import errno
import json
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import Query, TinyDB
from tinydb.table import Document

from runback_tui.domain.models import (
    ActiveSession,
    CheckIn,
    Clearance,
    Profile,
    RunWalkLog,
    Settings,
    Shoe,
)
from runback_tui.storage import durable, fastpath
from runback_tui.storage.durable import DataFileError
from runback_tui.storage.migrations import CURRENT_VERSION
from runback_tui.storage.store import Store, _encode_tables, _FieldIs, _TablesStorage

PROFILE = Profile(start_date=date(2026, 1, 1), accepted_disclaimer=True)

TEXTS = [
    "",
    "plain",
    "é ü ß",
    "日本語",
    "emoji 🏃‍♀️",
    'quote " back \\ slash',
    "tab\tnl\n",
    "\u2028",
]
"""Strings that exercise the encoder: non-ASCII, escapes, a line separator."""


def random_value(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value: scalars, unicode strings, nested lists and objects."""
    kind = rng.randrange(9 if depth < 2 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randint(-(10**12), 10**12)
    if kind == 3:
        return rng.choice([0.0, -0.0, 1.5, 1e-7, 3.14159, 1e300, -2.5e-300, 0.1 + 0.2])
    if kind in (4, 5):
        return rng.choice(TEXTS) + str(rng.randint(0, 99))
    if kind == 6:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(TEXTS) + "k": random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def random_doc(rng: random.Random) -> dict[str, Any]:
    """A document with a 'tag' field the removal conditions test."""
    doc = {rng.choice(["date", "név", "z", "a", "🏷"]): random_value(rng) for _ in range(3)}
    doc["tag"] = rng.randrange(4)
    return doc


TABLE_NAMES = ["checkins", "sessions", "ünïcode", "a", "checkin_edits", "_meta"]
Op = Callable[[TinyDB], None]


def random_op(rng: random.Random) -> Op:
    """One random change through TinyDB's API, as a transaction body would make it."""
    name = rng.choice(TABLE_NAMES)
    tag = rng.randrange(4)
    kind = rng.randrange(13)
    if kind <= 3:
        doc = random_doc(rng)
        return lambda db: db.table(name).insert(doc)
    if kind == 12:  # what save_checkin does
        doc = random_doc(rng)

        def replace(db: TinyDB) -> None:
            table = db.table(name)
            found = table.search(_FieldIs("tag", tag))
            assert found == table.search(Query().tag == tag)
            table.remove(doc_ids=[d.doc_id for d in found])
            table.insert(doc)

        return replace
    if kind == 4:
        docs = [random_doc(rng) for _ in range(rng.randint(1, 12))]
        return lambda db: db.table(name).insert_multiple(docs)
    if kind == 5:
        return lambda db: db.table(name).remove(Query().tag == tag)
    if kind == 6:
        pick = rng.randint(1, 30)
        if tag < 2:
            return lambda db: db.table(name).remove(doc_ids=[pick, pick + 1])

        def remove_largest(db: TinyDB) -> None:  # the next insert must not reuse a stale max
            table = db.table(name)
            ids = [doc.doc_id for doc in table.all()]
            table.remove(doc_ids=sorted(ids)[-tag:])

        return remove_largest
    if kind == 7:
        return lambda db: db.table(name).truncate() if tag == 0 else None
    if kind == 8:
        return lambda db: db.drop_table(name) if tag == 0 else None
    if kind == 9:
        value = random_value(rng)
        return lambda db: db.table(name).update({"u": value}, Query().tag == tag)
    if kind == 10:
        doc = random_doc(rng)
        return lambda db: db.table(name).upsert(doc, Query().tag == tag)
    doc_id = rng.choice([9, 10, 99, 100, 999, 1000])
    doc = random_doc(rng)

    def insert_with_id(db: TinyDB) -> None:
        table = db.table(name)
        if table.get(doc_id=doc_id) is None:
            table.insert(Document(doc, doc_id=doc_id))

    return insert_with_id


def reference_bytes(before: bytes | None, ops: list[Op]) -> bytes:
    """What the plain path writes: parse, stock TinyDB over plain dicts, dump everything."""
    tables = (
        json.loads(before)
        if before is not None
        else {"_meta": {"1": {"schema_version": CURRENT_VERSION}}}
    )
    db = TinyDB(tables, storage=_TablesStorage)
    for op in ops:
        op(db)
    storage = db.storage
    assert isinstance(storage, _TablesStorage)
    return durable.dump_json_bytes(storage.tables)


def file_bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def check_remembered(store: Store, path: Path) -> None:
    """The remembered state is the file as written, and equal to parsing it."""
    known = store._remembered
    assert known is not None
    raw = path.read_bytes()
    assert known.raw == raw
    assert known.digest == fastpath.digest(raw)
    assert known.tables == json.loads(raw)
    for name, cached in known.chunks.items():
        assert cached.table is known.tables[name]
        assert b"{" + cached.body + b"}" == durable.dump_json_bytes(known.tables[name])
        assert cached.int_ids == sorted(map(int, cached.table))


@pytest.mark.parametrize("seed", range(12))
def test_random_transactions_write_what_the_plain_path_writes(data_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    store = Store(data_path)
    for _ in range(40):
        before = file_bytes(data_path)
        ops = [random_op(rng) for _ in range(rng.randint(0, 4))]
        expected = reference_bytes(before, ops)
        with store._transaction() as db:
            for op in ops:
                op(db)
        assert file_bytes(data_path) == expected  # (equal to before when nothing was written)
        check_remembered(store, data_path)


def test_ids_crossing_digit_lengths_keep_json_key_order(data_path: Path) -> None:
    store = Store(data_path)
    for n in range(1, 112):
        with store._transaction() as db:
            db.table("checkins").insert({"n": n, "s": "ü" * (n % 3)})
            if n % 10 == 0:
                db.table("checkins").remove(doc_ids=[n - 5])
        raw = data_path.read_bytes()
        assert raw == durable.dump_json_bytes(json.loads(raw))
    ids = list(json.loads(data_path.read_bytes())["checkins"])
    assert ids == sorted(ids)  # "10" < "100" < "11" < ... < "9"
    assert ids[:3] == ["1", "10", "100"]


def test_a_failing_transaction_leaves_the_remembered_state_unchanged(data_path: Path) -> None:
    store = Store(data_path)
    with store._transaction() as db:
        db.table("checkins").insert_multiple({"n": n, "tags": [n]} for n in range(20))
    known = store._remembered
    assert known is not None
    tables_before = copy.deepcopy(known.tables)
    raw_before = data_path.read_bytes()
    with pytest.raises(RuntimeError), store._transaction() as db:
        table = db.table("checkins")
        table.remove(doc_ids=[3])
        table.insert({"n": 99})
        table.update({"n": -1})  # TinyDB edits documents in place: must not reach ours
        doc = table.get(doc_id=4)
        assert doc is not None
        doc["tags"].append("edited")  # nor may an edit of a document read
        db.drop_table("checkins")
        raise RuntimeError("the caller failed")
    assert known.tables == tables_before  # the object once remembered is intact
    assert store._remembered is None  # and dropped all the same
    assert data_path.read_bytes() == raw_before
    with store._transaction() as db:
        db.table("checkins").insert({"n": 100})
    expected = reference_bytes(raw_before, [lambda db: db.table("checkins").insert({"n": 100})])
    assert data_path.read_bytes() == expected


def test_editing_a_document_read_changes_nothing_stored(data_path: Path) -> None:
    store = Store(data_path)
    with store._transaction() as db:
        db.table("checkins").insert({"n": 1, "tags": ["a"]})
    with store._transaction() as db:
        table = db.table("checkins")
        (doc,) = table.all()
        doc["tags"].append("b")
        table.insert({"n": 2, "tags": []})
    stored = json.loads(data_path.read_bytes())["checkins"]
    assert stored == {"1": {"n": 1, "tags": ["a"]}, "2": {"n": 2, "tags": []}}
    check_remembered(store, data_path)


def test_a_failed_write_drops_the_caches(data_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
    assert store._remembered is None
    assert data_path.read_bytes() == raw_before
    store.save_checkin(CheckIn(date=date(2026, 11, 21), pain=4))
    fresh = Store(data_path).snapshot()
    assert [(c.date.day, c.pain) for c in fresh.history.checkins] == [(20, 2), (21, 4)]
    check_remembered(store, data_path)


def test_a_file_written_by_another_process_takes_the_full_path(data_path: Path) -> None:
    mine, theirs = Store(data_path), Store(data_path)
    mine.save_profile(PROFILE)
    mine.save_checkin(CheckIn(date=date(2026, 1, 1), pain=1))
    theirs.add_shoe(Shoe(name="Pegasus"))  # vouched for in the sidecar: a plain parse
    mine.save_checkin(CheckIn(date=date(2026, 1, 3), pain=3))
    check_remembered(mine, data_path)
    # Rewritten by hand: valid, same content, but not in Runback's compact form.
    hand = json.dumps(json.loads(data_path.read_bytes()), indent=2, ensure_ascii=True)
    data_path.write_text(hand + "\n", encoding="utf-8")
    mine.save_checkin(CheckIn(date=date(2026, 1, 2), pain=2, note="日本 ü"))
    raw = data_path.read_bytes()
    assert raw == durable.dump_json_bytes(json.loads(raw))
    snap = Store(data_path).snapshot()
    assert [s.name for s in snap.history.shoes] == ["Pegasus"]
    assert [c.note for c in snap.history.checkins] == ["", "", "日本 ü"]
    check_remembered(mine, data_path)


def test_store_methods_write_canonical_files_and_snapshots_match_a_fresh_read(
    data_path: Path,
) -> None:
    clock = [datetime(2026, 3, 1, 7, 0)]
    store = Store(data_path, now=lambda: clock[0])
    store.save_profile(PROFILE)
    start = date(2026, 1, 1)
    steps: list[Callable[[], object]] = []
    for n in range(25):
        day = start + timedelta(days=n)
        steps.append(lambda day=day, n=n: store.save_checkin(CheckIn(date=day, pain=n % 11)))
        if n % 4 == 0:  # replace an earlier one: archived to the edits table
            steps.append(
                lambda day=day: store.save_checkin(CheckIn(date=day, pain=1, note="again é"))
            )
        if n % 6 == 0:
            log = RunWalkLog(
                date=day, stage=1, completed=True, repeats_done=5, pain_during=1, pain_after=0
            )
            steps.append(lambda log=log: store.add_session(log))
    steps += [
        lambda: store.add_clearance(Clearance(date=start, note="physio ✓")),
        lambda: store.add_shoe(Shoe(name="Ünïcode shoe")),
        lambda: store.save_settings(Settings()),
        lambda: store.save_active_session(
            ActiveSession(
                kind="run_walk",
                stage=1,
                date=start,
                started_at=datetime(2026, 1, 1, 7),
                saved_at=datetime(2026, 1, 1, 7, 5),
                elapsed_at_save_s=300,
            )
        ),
        lambda: store.clear_active_session(),  # drop_table
        lambda: store.log_ice(datetime(2026, 1, 2, 8), 15),
        lambda: store.save_profile(PROFILE),  # truncate + insert
    ]
    for step in steps:
        step()
        raw = data_path.read_bytes()
        assert raw == durable.dump_json_bytes(json.loads(raw))
        check_remembered(store, data_path)
        assert store.snapshot() == Store(data_path).snapshot()


def test_snapshot_after_its_own_write_reuses_the_tables(data_path: Path) -> None:
    store = Store(data_path)
    store.save_profile(PROFILE)
    store.save_checkin(CheckIn(date=date(2026, 1, 1), pain=1))
    first = store.snapshot()
    store.save_checkin(CheckIn(date=date(2026, 1, 2), pain=2))
    second = store.snapshot()
    assert second == Store(data_path).snapshot()
    # The unchanged check-in is the very model decoded before: it was not validated again.
    assert second.history.checkins[0] is first.history.checkins[0]


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    )
)
def test_value_encoder_matches_json_dumps(value: Any) -> None:
    encode = durable.value_encoder()
    assert encode(value).encode("utf-8") == durable.dump_json_bytes(value)


def test_encode_tables_falls_back_on_layouts_it_does_not_handle() -> None:
    assert _encode_tables({"t": {1: {}}}, {}, {}) is None  # an int id
    assert _encode_tables({"t": []}, {}, {}) is None
    assert _encode_tables([], {}, {}) is None
    payload, _, _ = _encode_tables({}, {}, {}) or (b"", {}, {})
    assert payload == b"{}"


def test_non_finite_numbers_are_refused_as_before(data_path: Path) -> None:
    store = Store(data_path)
    with pytest.raises(ValueError), store._transaction() as db:
        db.table("t").insert({"x": float("nan")})
    assert not data_path.exists()


def test_field_is_matches_like_query(data_path: Path) -> None:
    store = Store(data_path)
    docs = [{"date": "2026-01-01"}, {"date": None}, {"other": 1}, {"date": "2026-01-01", "x": 2}]
    with store._transaction() as db:
        table = db.table("checkins")
        table.insert_multiple(docs)
        for value in ("2026-01-01", None, "nope"):
            assert table.search(_FieldIs("date", value)) == table.search(Query().date == value)
            assert [d.doc_id for d in table.search(_FieldIs("date", value))] == [
                d.doc_id for d in table.search(Query().date == value)
            ]
        assert table.remove(_FieldIs("date", None)) == [2]
