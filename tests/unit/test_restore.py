"""`runback restore PATH [--yes]` (issue 19 part 5, interface.md v2): a backup that restores.

An export is checked in full (the Store's own validation and migrations), shown, confirmed and
written through the Store in one transaction, the replaced file kept as a dated backup first.
Every refusal leaves the data file byte for byte as it was, and writes no backup.
"""

from __future__ import annotations

import copy
import json
import stat
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from runback_tui.demo import generate_history, seed_store
from runback_tui.domain.models import CheckIn, Settings
from runback_tui.storage.migrations import CURRENT_VERSION
from runback_tui.storage.store import BadExport, Store, check_export
from tests.conftest import CliResult, CliRunner

INIT = ("init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer")
TODAY = date(2026, 11, 21)  # the suite's fake clock (tests/conftest.py)


def backups(data: Path) -> list[Path]:
    return sorted(data.parent.glob(f"{data.name}.*.restore-backup*"))


def export_of(cli: CliRunner, data: Path, out: Path) -> str:
    result = cli("export", "--out", str(out), data=data)
    assert result.code == 0, result.err
    return out.read_text(encoding="utf-8")


@pytest.fixture
def source(cli: CliRunner, tmp_path: Path) -> Path:
    """An export of a small history unlike the test's own data file's."""
    data = tmp_path / "src" / "runback.json"
    steps = [
        ("init", "--start-date", "2026-10-01", "--units", "mi", "--accept-disclaimer"),
        ("checkin", "--pain", "1", "--date", "2026-10-01", "--walked-30-pain-free"),
        ("checkin", "--pain", "2", "--date", "2026-10-01", "--note", "edited"),
        ("checkin", "--pain", "1", "--date", "2026-10-09", "--red-flag", "night_pain"),
        ("clear", "--date", "2026-10-10", "--note", "physio"),
        ("shoe", "add", "Pegasus", "--date", "2026-10-01"),
        ("log", "run", "--distance", "2", "--pain-during", "0", "--pain-after", "1"),
        ("log", "routine", "daily_core", "--date", "2026-10-02"),
    ]
    for step in steps:
        result = cli(*step, data=data)
        assert result.code == 0, (step, result.err)
    out = tmp_path / "backup.json"
    export_of(cli, data, out)
    return out


@pytest.fixture
def ready(cli: CliRunner, data_path: Path) -> bytes:
    """The test's data file with a profile and one check-in; its bytes."""
    assert cli(*INIT).code == 0
    assert cli("checkin", "--pain", "3").code == 0
    return data_path.read_bytes()


# -- the round trip ------------------------------------------------------------------------------


def test_five_year_history_round_trips(cli: CliRunner, tmp_path: Path, data_path: Path) -> None:
    start = TODAY - timedelta(days=5 * 365)
    profile, history = generate_history(start, 5 * 365 + 1, 2026)
    origin = tmp_path / "five" / "runback.json"
    store = Store(origin)
    seed_store(store, profile, history)
    day = history.checkins[40].date
    store.save_checkin(CheckIn(date=day, pain=4, note="second thoughts"))  # a replaced one too
    first = export_of(cli, origin, tmp_path / "first.json")
    exported = json.loads(first)
    assert exported["checkin_edits"] and len(exported["sessions"]) > 1000

    result = cli("restore", str(tmp_path / "first.json"), "--yes")
    assert result.code == 0, result.err
    assert f"check-ins: {len(exported['checkins'])}, {exported['checkins'][0]['date']} to" in (
        result.out
    )
    assert f"sessions: {len(exported['sessions'])}, " in result.out
    assert f"day 1 is {start.isoformat()}" in result.out
    assert backups(data_path) == []  # there was no file to keep
    second = export_of(cli, data_path, tmp_path / "second.json")
    assert second == first

    # And once more over the restored file: the same again, the replaced file kept.
    before = data_path.read_bytes()
    assert cli("restore", str(tmp_path / "second.json"), "--yes").code == 0
    assert export_of(cli, data_path, tmp_path / "third.json") == first
    (kept,) = backups(data_path)
    assert kept.read_bytes() == before


def test_restore_replaces_the_data_and_keeps_the_old_file(
    cli: CliRunner, data_path: Path, source: Path, ready: bytes, tmp_path: Path
) -> None:
    store = Store(data_path)
    store.save_settings(Settings(bell=False))
    store.log_ice(datetime(2026, 11, 21, 7, 0).astimezone(), 15)
    old = data_path.read_bytes()
    result = cli("restore", str(source), "--yes")
    assert result.code == 0, result.err
    assert "check-ins: 2, 2026-10-01 to 2026-10-09" in result.out
    assert "sessions: 2, 2026-10-02 to 2026-11-21" in result.out
    assert "shoes: 1" in result.out and "clearances: 1" in result.out
    assert "day 1 is 2026-10-01" in result.out
    assert "1 check-in, 0 sessions, 0 shoes" in result.out  # what it replaces
    (kept,) = backups(data_path)
    assert kept.read_bytes() == old
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.name.startswith("runback.json.") and kept.name.endswith(".restore-backup")
    assert str(kept) in result.out
    assert export_of(cli, data_path, tmp_path / "again.json") == source.read_text()
    after = Store(data_path)
    assert after.settings().bell is False  # the cue settings stay
    assert after.last_ice() is None  # ice timers belonged to the replaced data
    assert after.profile() is not None and after.profile().units == "mi"  # type: ignore[union-attr]
    assert cli("today", "--json").code == 0


def test_two_restores_in_one_second_keep_both_files(
    data_path: Path, source: Path, ready: bytes
) -> None:
    frozen = datetime(2026, 12, 2, 7, 15).astimezone()
    store = Store(data_path, now=lambda: frozen)
    data = json.loads(source.read_text())
    first = store.restore(data)
    second = store.restore(data)
    assert first.backup is not None and second.backup is not None
    assert first.backup.name == "runback.json.2026-12-02T071500.restore-backup"
    assert first.backup != second.backup and first.backup.read_bytes() == ready
    assert second.backup.read_bytes() == data_path.read_bytes()


def test_an_older_schema_export_is_upgraded(cli: CliRunner, tmp_path: Path) -> None:
    old = {  # what a schema-1 Runback exported: no replaced check-ins, no reasons or log times
        "schema_version": 1,
        "profile": {"start_date": "2026-11-01", "units": "km", "accepted_disclaimer": True},
        "checkins": [{"date": "2026-11-02", "pain": 2, "red_flags": ["night_pain"]}],
        "clearances": [{"date": "2026-11-03", "note": "GP"}],
        "sessions": [
            {"kind": "routine", "id": "r1", "date": "2026-11-03", "routine_id": "daily_core"}
        ],
        "shoes": [],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    result = cli("restore", str(path), "--yes")
    assert result.code == 0, result.err
    assert "schema_version 1: upgraded" in result.out
    exported = json.loads(cli("export").out)
    assert exported["schema_version"] == CURRENT_VERSION
    assert exported["clearances"][0]["reason"] == "professional"
    assert exported["sessions"][0]["logged_at"] is None
    assert exported["checkin_edits"] == []


def test_confirmed_at_the_terminal(
    cli: CliRunner, data_path: Path, source: Path, ready: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer(question: str) -> str:
        asked.append(question)
        return "y"

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    result = cli("restore", str(source))
    assert result.code == 0, result.err
    assert len(asked) == 1 and "[y/N]" in asked[0]
    assert data_path.read_bytes() != ready and len(backups(data_path)) == 1


def test_help_names_the_command(cli: CliRunner, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--help").code == 0
    assert "restore" in capsys.readouterr().out
    assert cli("restore", "--help").code == 0
    shown = capsys.readouterr().out
    assert "--yes" in shown and "PATH" in shown and "dated backup" in shown


# -- refusals: nothing changed ---------------------------------------------------------------------


def _edit(change: Callable[[dict[str, Any]], None]) -> Callable[[Path, Path], None]:
    """A bad file made by changing the good export in place with *change*."""

    def make(good: Path, bad: Path) -> None:
        data = json.loads(good.read_text())
        change(data)
        bad.write_text(json.dumps(data))

    return make


def _text(text: str) -> Callable[[Path, Path], None]:
    def make(good: Path, bad: Path) -> None:
        bad.write_text(text)

    return make


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.__setitem__(key, value)


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.__delitem__(key)


def _bad_pain(data: dict[str, Any]) -> None:
    data["checkins"][1]["pain"] = 11


def _twice(data: dict[str, Any]) -> None:
    data["checkins"].append(copy.deepcopy(data["checkins"][0]))


def _bad_session(data: dict[str, Any]) -> None:
    data["sessions"][-1]["kind"] = "teleport"


def _bad_edit_time(data: dict[str, Any]) -> None:
    data["checkin_edits"][0]["replaced_at"] = "yesterday"


def _truncated(good: Path, bad: Path) -> None:
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])


def _not_utf8(good: Path, bad: Path) -> None:
    bad.write_bytes(b'{"schema_version": 3, "profile": "\xff"}')


BAD_FILES: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "newer schema": (_edit(_set("schema_version", CURRENT_VERSION + 1)), "newer Runback"),
    "broken JSON": (_truncated, "not valid JSON"),
    "not UTF-8": (_not_utf8, "not UTF-8"),
    "empty": (_text("  \n"), "it is empty"),
    "foreign JSON": (_text('{"type": "FeatureCollection", "features": []}'), "not a Runback"),
    "a JSON list": (_text("[1, 2, 3]"), "not a Runback export"),
    "no schema_version": (_edit(_drop("schema_version")), "no schema_version"),
    "unknown key": (_edit(_set("workouts", [])), "'workouts'"),
    "missing list": (_edit(_drop("sessions")), "no 'sessions'"),
    "list not a list": (_edit(_set("shoes", {})), "'shoes' is not a list"),
    "no profile": (_edit(_set("profile", None)), "no profile"),
    "bad schema_version": (_edit(_set("schema_version", "3")), "schema_version"),
    "invalid check-in": (_edit(_bad_pain), "item 2 of its 'checkins' list is invalid"),
    "invalid session": (_edit(_bad_session), "'sessions'"),
    "invalid edit time": (_edit(_bad_edit_time), "'checkin_edits'"),
    "a date twice": (_edit(_twice), "twice"),
    "a data file": (_text('{"_meta": {"1": {"schema_version": 3}}}'), "data file, not an export"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_export_is_refused_with_nothing_changed(
    kind: str, cli: CliRunner, data_path: Path, source: Path, ready: bytes, tmp_path: Path
) -> None:
    make, why = BAD_FILES[kind]
    bad = tmp_path / "bad.json"
    make(source, bad)
    result = cli("restore", str(bad), "--yes")
    assert result.code == 3, result.err
    assert str(bad) in result.err and why in result.err and "Nothing was changed" in result.err
    assert data_path.read_bytes() == ready and backups(data_path) == []
    with pytest.raises((BadExport, ValueError)):  # the Store refuses it too
        Store(data_path).restore(json.loads(bad.read_bytes() or b"null"))
    assert data_path.read_bytes() == ready


def _refused(result: CliResult, code: int, *words: str) -> None:
    assert result.code == code, (result.code, result.err)
    for word in words:
        assert word in result.err


def test_a_missing_file_or_folder_is_bad_usage(
    cli: CliRunner,
    data_path: Path,
    ready: bytes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _refused(cli("restore", str(tmp_path / "nope.json"), "--yes"), 2, "PATH", "no such file")
    _refused(cli("restore", str(tmp_path), "--yes"), 2, "PATH", "folder")
    assert cli("restore").code == 2
    assert "required: PATH" in capsys.readouterr().err
    assert data_path.read_bytes() == ready and backups(data_path) == []


def test_no_terminal_and_no_yes_is_refused(
    cli: CliRunner, data_path: Path, source: Path, ready: bytes
) -> None:
    result = cli("restore", str(source))  # pytest's stdin is no terminal
    _refused(result, 2, "--yes", "Nothing was changed")
    assert "check-ins: 2" in result.out  # it still said what the file holds
    assert data_path.read_bytes() == ready and backups(data_path) == []


@pytest.mark.parametrize("reply", ["n", "", "no thanks", None])
def test_a_declined_confirmation_changes_nothing(
    reply: str | None,
    cli: CliRunner,
    data_path: Path,
    source: Path,
    ready: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def answer(question: str) -> str:
        if reply is None:
            raise EOFError
        return reply

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    result = cli("restore", str(source))
    assert result.code == 0 and "Nothing was changed" in result.out
    assert data_path.read_bytes() == ready and backups(data_path) == []


def test_a_corrupt_data_file_is_not_replaced(
    cli: CliRunner, data_path: Path, source: Path, ready: bytes
) -> None:
    data_path.write_bytes(b'{"_meta": {"1": {"schema_version": 3}}, "checkins": 5}')
    broken = data_path.read_bytes()
    _refused(cli("restore", str(source), "--yes"), 3, str(data_path))
    assert data_path.read_bytes() == broken and backups(data_path) == []


def test_check_export_reports_what_it_holds(source: Path) -> None:
    summary = check_export(json.loads(source.read_text()))
    assert summary.checkin_dates == (date(2026, 10, 1), date(2026, 10, 9))
    assert summary.session_dates == (date(2026, 10, 2), TODAY)
    assert len(summary.checkin_edits) == 1 and summary.backup is None
    assert summary.schema_version == CURRENT_VERSION


def test_an_older_data_file_is_not_upgraded_by_a_declined_restore(
    cli: CliRunner, data_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_path.parent.mkdir(mode=0o700)
    old = (Path(__file__).parent.parent / "fixtures" / "v2_runback.json").read_bytes()
    data_path.write_bytes(old)
    data_path.chmod(0o600)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda question: "n")
    result = cli("restore", str(source))
    assert result.code == 0 and "It replaces the data in" in result.out
    assert data_path.read_bytes() == old
    assert sorted(p.name for p in data_path.parent.iterdir()) == ["runback.json"]
    # Confirmed: the original is kept as it was, byte for byte.
    assert cli("restore", str(source), "--yes").code == 0
    assert [p.read_bytes() for p in backups(data_path)] == [old]
