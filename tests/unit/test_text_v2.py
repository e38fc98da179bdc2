"""Text in and out (issue 18, attack 6; interface.md v2): control characters and CSV formulas.

In: a note or a shoe name holding a C1 control or a bidirectional control (U+202E) is refused
like the C0 controls always were, with the field and the character named, through the CLI,
the models (which the TUI forms and imports use) and a hand-edited data file (exit 3, the file
left as it was).  Out: whatever Runback prints or writes from stored text (terminal, JSON,
report, CSV) never carries such a character, even when a record got one some other way, and a
CSV text cell never starts a formula.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from runback_tui.domain import models as m
from runback_tui.domain import text
from runback_tui.domain.report import report_html, report_markdown
from runback_tui.storage import cache
from runback_tui.storage.migrations import CURRENT_VERSION
from runback_tui.storage.store import Snapshot, Store
from tests.conftest import CliRunner

INIT = ("init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer")

REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What no output may carry (interface.md v2), written out independently of text.py."""

RLO = "\u202e"
CSI = "\x9b"


@pytest.fixture
def ready(cli: CliRunner, data_path: Path) -> Path:
    assert cli(*INIT).code == 0
    return data_path


def _bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


# -- in: refused with the field and the character named ----------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("checkin", "--pain", "2", "--note", f"fine{RLO}txt.exe"),
            "U+202E RIGHT-TO-LEFT OVERRIDE",
        ),
        (("checkin", "--pain", "2", "--note", f"a{CSI}2Jb"), "U+009B CONTROL SEQUENCE INTRODUCER"),
        (("checkin", "--pain", "2", "--note", "a\x85b"), "U+0085 NEXT LINE"),
        (("clear", "--note", f"Dr {RLO}X"), "U+202E RIGHT-TO-LEFT OVERRIDE"),
        (("shoe", "add", f"Peg{RLO}asus"), "U+202E RIGHT-TO-LEFT OVERRIDE"),
        (("shoe", "add", f"Peg{CSI}asus"), "U+009B CONTROL SEQUENCE INTRODUCER"),
        (("shoe", "add", "Peg\u2066asus"), "U+2066 LEFT-TO-RIGHT ISOLATE"),
        (("shoe", "add", "Peg\tasus"), "U+0009 CHARACTER TABULATION"),
    ],
    ids=lambda v: repr(v)[:48] if isinstance(v, tuple) else v,
)
def test_c1_and_bidi_controls_are_refused_on_the_command_line(
    cli: CliRunner, ready: Path, args: tuple[str, ...], says: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    cli("shoe", "add", "Clifton")
    before = _bytes(ready)
    result = cli(*args)
    err = result.err + capsys.readouterr().err
    assert result.code == 2, (result, err)
    option = "NAME" if args[0] == "shoe" else "--note"
    assert f"{option}: must not contain control characters (found {says}" in err
    assert "allowed: letters, digits" in err
    assert not REFUSED.search(err)  # the message names the character, never echoes it
    assert _bytes(ready) == before


def test_the_models_refuse_them_for_every_way_in() -> None:
    """The TUI forms (check_note, the Shoe model), imports and restores build these models."""
    with pytest.raises(m.ValidationError) as caught:
        m.check_note(f"ok{RLO}")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE at character 3" in m.describe_validation_error(
        caught.value
    )
    for bad in (f"x{CSI}", "x\x9d", "x\u200f", "x\u061c", "x\u202a"):
        with pytest.raises(m.ValidationError):
            m.CheckIn(date=date(2026, 11, 20), pain=1, note=bad)
        with pytest.raises(m.ValidationError, match="^1 validation error for Shoe\nname"):
            m.Shoe(name=bad)
        with pytest.raises(m.ValidationError):
            m.RunLog(date=date(2026, 11, 20), distance_km=5, pain_during=0, pain_after=0, shoe=bad)


def test_notes_keep_tabs_and_line_breaks_names_stay_one_line() -> None:
    """The policy kept from v1: a note may hold tabs and line breaks; a name is one line."""
    assert m.CheckIn(date=date(2026, 11, 20), pain=1, note="a\tb\nc").note == "a\tb\nc"
    assert m.Shoe(name="  Pegasus 41 ✓ ").name == "Pegasus 41 ✓"
    with pytest.raises(m.ValidationError, match="U\\+000A LINE FEED"):
        m.Shoe(name="Pega\nsus")


def _write_file(
    path: Path, *, note: str = "", shoe: str = "Clifton", version: int = CURRENT_VERSION
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tables: dict[str, Any] = {
        "_meta": {"1": {"schema_version": version}},
        "profile": {"1": {"start_date": "2026-11-01", "units": "km", "accepted_disclaimer": True}},
        "checkins": {"1": {"date": "2026-11-20", "pain": 2, "note": note}},
        "shoes": {"1": {"name": shoe, "start_distance_km": 500.0, "added": "2026-11-01"}},
    }
    path.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")


def _shoe(field: str, value: str) -> str:
    """The shoe name a parametrised case writes."""
    return value if field == "shoe" else "Clifton"


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("note", f"all good{RLO}", "document 1 of 'checkins' is invalid: note"),
        ("note", f"a{CSI}31m", "document 1 of 'checkins' is invalid: note"),
        ("shoe", f"Peg{RLO}asus", "document 1 of 'shoes' is invalid: name"),
    ],
)
@pytest.mark.parametrize("command", [("today",), ("shoe", "list"), ("today", "--json")])
def test_a_data_file_holding_them_is_refused_as_a_hand_edit(
    cli: CliRunner, data_path: Path, field: str, value: str, where: str, command: tuple[str, ...]
) -> None:
    """A file of the current schema written directly (a hand edit): exit 3, the field and
    the character named, the file byte for byte as it was, and not vouched for."""
    _write_file(data_path, note=value if field == "note" else "", shoe=_shoe(field, value))
    before = data_path.read_bytes()
    result = cli(*command)
    assert result.code == 3, result
    assert where in result.err and "must not contain control characters (found U+" in result.err
    assert str(data_path) in result.err
    assert not REFUSED.search(result.err + result.out)
    assert data_path.read_bytes() == before
    assert cache.validated_digest(data_path) != cache.digest(before)


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("note", f"all good{RLO}", "all good\ufffd"),
        ("shoe", f"Peg{RLO}asus", "Peg\ufffdasus"),
    ],
)
def test_a_file_an_older_runback_wrote_with_them_opens_cleaned_and_keeps_a_backup(
    cli: CliRunner, data_path: Path, field: str, value: str, shown: str
) -> None:
    """Schema 2 accepted these characters: its files migrate with them shown as U+FFFD (so
    they open instead of being refused); the pre-migration backup keeps the original bytes."""
    _write_file(
        data_path, note=value if field == "note" else "", shoe=_shoe(field, value), version=2
    )
    before = data_path.read_bytes()
    result = cli("export", "--format", "json")
    assert result.code == 0, result
    migrated = data_path.read_text(encoding="utf-8")
    assert json.dumps(shown)[1:-1] in migrated or shown in migrated
    assert not REFUSED.search(migrated) and "\\u202e" not in migrated
    backups = list(data_path.parent.glob(f"{data_path.name}.v2-backup*"))
    assert backups and backups[0].read_bytes() == before


# -- out: nothing Runback prints or writes carries them ----------------------------------------

HOSTILE_NAME = f"Peg{RLO}{CSI}2J\x85sus"
HOSTILE_NOTE = f"cleared by Dr X{RLO}gpj.exe\x1b]0;pwned\x07"


def _bypassing(history: m.History) -> m.History:
    """*history* plus records holding refused characters, built without validation (as text
    that reached a record some other way would be)."""
    shoe = m.Shoe.model_construct(name=HOSTILE_NAME, start_distance_km=500.0, added=None)
    clearance = m.Clearance.model_construct(
        date=date(2026, 11, 20), note=HOSTILE_NOTE, reason="professional", made_at=None, flags=[]
    )
    checkin = m.CheckIn.model_construct(
        date=date(2026, 11, 19), pain=1, note=HOSTILE_NOTE, red_flags=["night_pain"]
    )
    return m.History.model_construct(
        checkins=[*history.checkins, checkin],
        clearances=[*history.clearances, clearance],
        sessions=list(history.sessions),
        shoes=[*history.shoes, shoe],
    )


@pytest.fixture
def hostile(ready: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Store returns records holding refused characters (the output side's own test)."""
    real = Store.snapshot

    def snapshot(self: Store) -> Snapshot:
        snap = real(self)
        return dataclasses.replace(snap, history=_bypassing(snap.history), digest=None)

    monkeypatch.setattr(Store, "snapshot", snapshot)
    monkeypatch.setenv("RUNBACK_FAST_PATH", "0")
    return ready


def test_shoe_list_and_today_print_stored_text_sanitised(cli: CliRunner, hostile: Path) -> None:
    listing = cli("shoe", "list")
    assert listing.code == 0
    assert not REFUSED.search(listing.out)
    assert "Peg\ufffd\ufffd2J\ufffdsus: 500.0 km" in listing.out
    today = cli("today")
    assert today.code == 0
    assert "Peg\ufffd\ufffd2J\ufffdsus" in today.out  # the shoe warning names the pair
    assert not REFUSED.search(today.out)


def test_json_output_escapes_them_losslessly(cli: CliRunner, hostile: Path) -> None:
    for args in (("shoe", "list", "--json"), ("today", "--json"), ("export",)):
        result = cli(*args)
        assert result.code == 0
        assert not REFUSED.search(result.out), args
        # The escapes read back as the stored text.
        assert HOSTILE_NAME in json.dumps(json.loads(result.out), ensure_ascii=False), args
    shoes = json.loads(cli("shoe", "list", "--json").out)
    assert shoes[-1]["name"] == HOSTILE_NAME


def test_the_report_sanitises_stored_text(cli: CliRunner, hostile: Path, tmp_path: Path) -> None:
    profile = m.Profile(start_date=date(2026, 11, 1))
    history = _bypassing(m.History())
    for rendered in (
        report_markdown(profile, history, date(2026, 11, 21)),
        report_html(profile, history, date(2026, 11, 21)),
        cli("report").out,
    ):
        assert "cleared by Dr X\ufffdgpj.exe" in rendered
        assert not REFUSED.search(rendered)
    out = tmp_path / "report.html"
    assert cli("report", "--out", str(out)).code == 0
    assert not REFUSED.search(out.read_text(encoding="utf-8"))


def _csv_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_cells_never_start_a_formula(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    notes = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\tTab", "plain"]
    for day, note in enumerate(notes, start=10):
        result = cli("checkin", "--pain", "1", "--date", f"2026-11-{day}", f"--note={note}")
        assert result.code == 0, result
    for name in ("=1+1", "+Plus", "@At", "-Minus", "Clifton"):
        assert cli("shoe", "add", "--", name).code == 0, name
    assert cli("log", "run", "--distance", "5", "--pain-during", "0", "--pain-after", "0",
               "--shoe", "Clifton").code == 0  # fmt: skip
    folder = tmp_path / "csv"
    assert cli("export", "--format", "csv", "--out", str(folder)).code == 0
    got = [row["note"] for row in _csv_rows(folder, "checkins")]
    assert got == ["'" + n if n[0] in "=+-@\t" else n for n in notes]
    names = [row["name"] for row in _csv_rows(folder, "shoes")]
    assert names == ["'=1+1", "'+Plus", "'@At", "'-Minus", "Clifton"]
    # Numbers stay numbers; dates and keys are text that never needed a quote.
    (run,) = _csv_rows(folder, "sessions")
    assert run["distance_km"] == "5.0" and run["shoe"] == "Clifton"
    assert _csv_rows(folder, "shoes")[0]["start_distance_km"] == "0.0"
    for path in folder.iterdir():
        assert not REFUSED.search(path.read_text(encoding="utf-8"))


def test_csv_text_cells_are_sanitised_too(cli: CliRunner, hostile: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert cli("export", "--format", "csv", "--out", str(folder)).code == 0
    for path in folder.iterdir():
        assert not REFUSED.search(path.read_text(encoding="utf-8")), path.name
    assert _csv_rows(folder, "shoes")[-1]["name"] == "Peg\ufffd\ufffd2J\ufffdsus"


# -- the two functions themselves ----------------------------------------------------------------


def test_text_module() -> None:
    assert text.character_name(RLO) == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert text.character_name("\x07") == "U+0007 BELL"
    assert text.character_name("\x7f") == "U+007F DELETE"
    assert text.problem("a\tb\nc") is None and text.problem("a\tb", one_line=True) is not None
    assert text.printable(f"a{RLO}b\x1b\n\t") == "a\ufffdb\ufffd\n\t"
    dumped = json.dumps({"n": f"x{RLO}{CSI}\x7f"}, ensure_ascii=False)
    assert json.loads(text.json_text(dumped)) == {"n": f"x{RLO}{CSI}\x7f"}
    assert not REFUSED.search(text.json_text(dumped))
    assert [text.csv_cell(c) for c in ("=1", "+1", "-1", "@1", "\t1", "\r1", "1", "a=b")] == [
        "'=1", "'+1", "'-1", "'@1", "'\t1", "'\ufffd1", "1", "a=b"
    ]  # fmt: skip
