"""The Store decodes a file it vouched for without checks or pydantic, and only such a file.

A file version is vouched for (its digest in the sidecar) when this code wrote it, or when the
pydantic schema checked it and every document was exactly in its stored form.  Anything else
(a hand edit with "yes" for true, 5 for 5.0, a repeated red flag) is checked in full each time,
and a vouched file that does not decode is checked rather than trusted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from runback_tui.cli import run
from runback_tui.domain.models import CheckIn, Profile, RunLog
from runback_tui.storage import fastpath
from runback_tui.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, tables: dict) -> None:
    path.write_text(json.dumps(tables), encoding="utf-8")


def _base() -> dict:
    return {
        "_meta": {"1": {"schema_version": 1}},
        "profile": {"1": Profile(start_date=date(2026, 11, 1)).model_dump(mode="json")},
        "checkins": {"1": CheckIn(date=date(2026, 11, 20), pain=2).model_dump(mode="json")},
        "sessions": {
            "1": RunLog(
                id="r1", date=date(2026, 11, 20), distance_km=5, pain_during=0, pain_after=1
            ).model_dump(mode="json")
        },
    }


def _vouched(path: Path) -> bool:
    return fastpath.known_valid_digest(path) == fastpath.digest(path.read_bytes())


def test_a_file_written_by_runback_is_vouched_for_and_decodes_the_same(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _write(path, _base())
    checked = Store(path).snapshot()  # the schema checks it: every document in stored form
    assert checked.in_stored_form and _vouched(path)
    trusted = Store(path).snapshot()  # a new Store: decoded from the vouched bytes
    assert trusted.history == checked.history and trusted.profile == checked.profile


def test_a_vouched_file_loads_without_pydantic(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    _write(path, _base())
    Store(path).snapshot()
    code = textwrap.dedent(
        f"""
        import sys
        from runback_tui.storage.store import Store
        snap = Store({str(path)!r}).snapshot()
        print(len(snap.history.checkins), "pydantic" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "False"]


def test_a_valid_hand_edit_not_in_stored_form_is_never_trusted(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    tables = _base()
    tables["checkins"]["1"]["walked_30_pain_free"] = 1  # pydantic reads 1 as true
    tables["sessions"]["1"]["distance_km"] = 5  # an int where 5.0 is stored
    _write(path, tables)
    snap = Store(path).snapshot()
    assert not snap.in_stored_form and not _vouched(path)
    assert snap.digest is None  # so neither the app nor the CLI caches answers for it
    assert snap.history.checkins[0].walked_30_pain_free is True
    assert run(["--data", str(path), "today", "--json"]) == 0
    assert not _vouched(path)  # today --json computed a plan, and kept nothing
    assert type(snap.history.sessions[0].distance_km) is float
    # A write keeps the hand-edited documents as they were, and vouches for nothing.
    store = Store(path)
    store.save_checkin(CheckIn(date=date(2026, 11, 21), pain=1))
    assert not _vouched(path)
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["checkins"]["1"]["walked_30_pain_free"] == 1
    again = Store(path).snapshot()
    assert [c.walked_30_pain_free for c in again.history.checkins] == [True, False]


def test_a_vouched_file_that_does_not_decode_is_checked_instead(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    tables = _base()
    del tables["checkins"]["1"]["note"]  # valid (the default applies), not in stored form
    _write(path, tables)
    fastpath.note_valid(path, fastpath.digest(path.read_bytes()))  # a sidecar that says so
    snap = Store(path).snapshot()
    assert snap.history.checkins[0].note == ""
    assert not snap.in_stored_form


def test_a_vouched_file_with_a_bad_value_still_decodes_only_what_is_there(tmp_path: Path) -> None:
    """Trust is per exact bytes: any change to a vouched file means the full check again."""
    path = tmp_path / "runback.json"
    _write(path, _base())
    Store(path).snapshot()
    tables = json.loads(path.read_text(encoding="utf-8"))
    tables["checkins"]["1"]["pain"] = 11
    _write(path, tables)
    code = run(["--data", str(path), "today", "--json"])
    assert code == 3
