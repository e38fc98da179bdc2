"""A hand-edited file: values not in stored form are refused, and trust is per exact bytes.

models.py's docstring states the rule: ``1`` is not ``true``, ``2.0`` is not a whole number, a
date and time is not a date.  Such a file is refused with the field named and left as it was.
A file version the Store validated or wrote (its digest in the sidecar) is written to without
checking every record again, and any other bytes are checked in full.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from runback_tui.cli import run
from runback_tui.domain.models import CheckIn, Profile, RunLog
from runback_tui.storage import cache, durable, store
from runback_tui.storage.store import Store


def _write(path: Path, tables: dict[str, Any]) -> None:
    path.write_text(json.dumps(tables), encoding="utf-8")


def _base() -> dict[str, Any]:
    return {
        "_meta": {"1": {"schema_version": 2}},
        "profile": {"1": Profile(start_date=date(2026, 11, 1)).model_dump(mode="json")},
        "checkins": {"1": CheckIn(date=date(2026, 11, 20), pain=2).model_dump(mode="json")},
        "sessions": {
            "1": RunLog(
                id="r1", date=date(2026, 11, 20), distance_km=5, pain_during=0, pain_after=1
            ).model_dump(mode="json")
        },
    }


def _vouched(path: Path) -> bool:
    return cache.validated_digest(path) == cache.digest(path.read_bytes())


@pytest.mark.parametrize(
    ("table", "field", "value", "says"),
    [
        ("checkins", "walked_30_pain_free", 1, "must be true or false"),
        ("checkins", "pain", 2.0, "must be a whole number"),
        ("checkins", "pain", True, "must be a whole number"),
        ("checkins", "date", "2026-11-20T00:00:00", "must be a date as YYYY-MM-DD"),
        ("checkins", "date", 1763596800, "must be a date as YYYY-MM-DD"),
        ("checkins", "note", 5, "must be text"),
        ("sessions", "distance_km", "5", "must be a number"),
        ("profile", "accepted_disclaimer", "yes", "must be true or false"),
    ],
)
def test_a_value_not_in_stored_form_is_refused_and_nothing_changes(
    tmp_path: Path, table: str, field: str, value: object, says: str
) -> None:
    path = tmp_path / "runback.json"
    tables = _base()
    tables[table]["1"][field] = value
    _write(path, tables)
    before = path.read_bytes()
    with pytest.raises(durable.DataFileError) as caught:
        Store(path).snapshot()
    assert f"document 1 of {table!r} is invalid: {field}: {says}" in str(caught.value)
    assert run(["--data", str(path), "checkin", "--pain", "1"]) == 3
    assert path.read_bytes() == before and not _vouched(path)


def test_whole_numbers_are_numbers_and_repeated_flags_are_dropped(tmp_path: Path) -> None:
    """The two normalisations: 5 km is 5.0 km, and a red flag repeated counts once."""
    path = tmp_path / "runback.json"
    tables = _base()
    tables["checkins"]["1"]["red_flags"] = ["night_pain", "night_pain"]
    _write(path, tables)
    snap = Store(path).snapshot()
    assert snap.history.checkins[0].red_flags == ["night_pain"]
    session = snap.history.sessions[0]
    assert isinstance(session, RunLog) and type(session.distance_km) is float
    assert _vouched(path)  # valid as it is: a later write need not check it again


def test_a_file_written_by_runback_is_vouched_for_and_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _write(path, _base())
    checked = Store(path).snapshot()
    assert _vouched(path) and checked.digest == cache.digest(path.read_bytes())
    again = Store(path).snapshot()  # a new Store: the same records, checked again
    assert again.history == checked.history and again.profile == checked.profile


def test_a_write_to_vouched_bytes_skips_the_full_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "runback.json"
    _write(path, _base())
    Store(path).snapshot()
    calls: list[int] = []
    real = store.snapshot_of

    def counted(*args: Any) -> store.Snapshot:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(store, "snapshot_of", counted)
    Store(path).save_checkin(CheckIn(date=date(2026, 11, 21), pain=1))
    assert calls == []  # the bytes were vouched for: parsed, not checked again
    assert _vouched(path)  # and the new version is vouched for by the Store that wrote it


def test_any_change_to_vouched_bytes_means_the_full_check_again(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _write(path, _base())
    Store(path).snapshot()
    tables = json.loads(path.read_text(encoding="utf-8"))
    tables["checkins"]["1"]["pain"] = 11
    _write(path, tables)
    assert run(["--data", str(path), "today", "--json"]) == 3
    assert run(["--data", str(path), "checkin", "--pain", "1"]) == 3
