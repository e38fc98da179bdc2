"""Times with their UTC offset (issue 18, part 5 and attack 7; interface.md, Data file, v2).

Every timestamp is aware: the clock gives local time with its offset, the models never hold a
naive one, and schema 3 migrates the naive times older files stored (the best available
guess: the offset the local zone gives that wall time).  Resumes are judged in UTC, and a
check-in's date is a plain local date, kept as stored.

The ``zone`` fixture sets ``TZ`` and calls ``time.tzset()`` as a laptop that changed zones
would, and restores both afterwards.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from runback_tui.domain.clock import FakeClock, SystemClock, aware
from runback_tui.domain.models import ActiveSession, PauseSpan
from runback_tui.sessions.active import RunSpec, describe_position, make_record
from runback_tui.sessions.controller import SessionController
from runback_tui.storage.durable import DataFileError
from runback_tui.storage.migrations import CURRENT_VERSION, migrate
from runback_tui.storage.store import Store
from tests.conftest import CliRunner

FIXTURES = Path(__file__).parent.parent / "fixtures"
WITH_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
PARIS_RULE = "CET-1CEST,M3.5.0,M10.5.0/3"
"""Europe/Paris as a POSIX rule: zoneinfo does not know it, the C library does."""


@pytest.fixture
def zone() -> Iterator[Callable[[str], None]]:
    """Set the process's time zone (TZ and tzset); restored after the test."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset")
    saved = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


# -- the clock -------------------------------------------------------------------------------


def test_the_system_clock_gives_local_time_with_its_offset(zone: Callable[[str], None]) -> None:
    zone("Etc/GMT-2")  # UTC+2
    clock = SystemClock()
    now = clock.now()
    assert now.utcoffset() == timedelta(hours=2)
    assert abs((now - datetime.now(UTC)).total_seconds()) < 5  # an instant, comparable to UTC
    assert clock.today() == date(*time.localtime()[:3])  # the local calendar date
    zone(PARIS_RULE)  # a rule zoneinfo does not know: the C library's local time
    assert SystemClock().now().utcoffset() in (timedelta(hours=1), timedelta(hours=2))


def test_the_fake_clock_reads_naive_times_as_local_and_can_travel(
    zone: Callable[[str], None],
) -> None:
    zone("UTC")
    clock = FakeClock(datetime(2026, 11, 21, 23, 30))
    assert clock.now() == datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    clock.set_zone(timezone(timedelta(hours=2)))  # the same instant, seen two hours east
    assert clock.now().isoformat() == "2026-11-22T01:30:00+02:00"
    assert clock.today() == date(2026, 11, 22)
    clock.set_zone(None)
    zone("Etc/GMT-2")  # or the process's zone changes: the local zone is read at every call
    assert clock.now().isoformat() == "2026-11-22T01:30:00+02:00"
    clock.set_wall(datetime(2026, 11, 22, 1, 30, 10))  # a naive reading there: ten seconds on
    assert clock.now() == datetime(2026, 11, 21, 23, 30, 10, tzinfo=UTC)


def test_no_record_holds_a_naive_time_and_comparisons_never_mix(
    zone: Callable[[str], None],
) -> None:
    zone("Etc/GMT-2")
    naive = datetime(2026, 11, 21, 9, 30)
    record = ActiveSession(
        kind="run", minutes=20, date=naive.date(), started_at=naive,
        pauses=[PauseSpan(start=naive + timedelta(seconds=60), end=naive + timedelta(seconds=90))],
        saved_at=naive + timedelta(seconds=120), elapsed_at_save_s=90,
    )  # fmt: skip
    assert record.started_at == datetime(2026, 11, 21, 7, 30, tzinfo=UTC)  # read as local
    assert all(t.utcoffset() is not None for t in (record.saved_at, record.pauses[0].start))
    # A naive "now" from code is local time too: no TypeError, the same answer as aware.
    later = naive + timedelta(seconds=130)
    assert record.elapsed_at(later) == record.elapsed_at(aware(later)) == pytest.approx(100)
    assert record.model_dump(mode="json")["started_at"] == "2026-11-21T09:30:00+02:00"


# -- resume judged in UTC (attack 7) ----------------------------------------------------------


def test_a_session_saved_under_utc_resumes_at_the_right_point_under_utc_plus_2(
    tmp_path: Path, zone: Callable[[str], None]
) -> None:
    """With the real clock: saved under TZ=UTC, reopened under TZ=Etc/GMT-2 by another
    process (a new Store and a new clock).  Naive times put it two hours on: "finished"."""
    zone("UTC")
    wall = SystemClock()
    ticks = FakeClock()
    spec = RunSpec("run_walk", stage=1)
    controller = SessionController(spec.timeline(), ticks)
    controller.start()
    ticks.advance(400)  # RUN 3 of 10, 40 s in
    now = wall.now()
    record = make_record(
        spec, controller, day=now.date(), started_at=now - timedelta(seconds=400), pauses=[],
        now=now, speed=1.0,
    )  # fmt: skip
    Store(tmp_path / "runback.json").save_active_session(record)
    zone("Etc/GMT-2")
    reopened = Store(tmp_path / "runback.json").active_session()
    assert reopened is not None
    elapsed = reopened.elapsed_at(SystemClock().now())
    assert 400 <= elapsed < 430
    position = describe_position(spec.timeline(), elapsed)
    assert not position.finished and position.label.startswith("RUN 3 of 10")


# -- the migration (schema 2 → 3) ---------------------------------------------------------------


@pytest.mark.parametrize("tz", ["Europe/Paris", PARIS_RULE])
def test_migration_gives_every_stored_time_its_local_offset(
    tmp_path: Path, zone: Callable[[str], None], tz: str
) -> None:
    """tests/fixtures/v2_runback.json was written by the v2 release under Europe/Paris: naive
    times in July (summer, +02:00) and November (+01:00).  Through zoneinfo or, for a POSIX
    rule, the C library, each gets the offset the zone gives that wall time."""
    zone(tz)
    path = tmp_path / "runback.json"
    shutil.copyfile(FIXTURES / "v2_runback.json", path)
    original = path.read_bytes()
    snap = Store(path).snapshot()
    assert snap.schema_version == CURRENT_VERSION == 4
    assert (tmp_path / "runback.json.v2-backup").read_bytes() == original  # backup first
    before, after = json.loads(original), json.loads(path.read_text())
    assert after["_meta"] == {"1": {"schema_version": 4}}
    assert after["checkin_edits"]["1"]["replaced_at"] == "2026-07-15T21:10:00+02:00"
    ice = after["ice"]["1"]
    assert (ice["started_at"], ice["next_due_from"], ice["next_due_by"]) == (
        "2026-07-15T08:05:00+02:00", "2026-07-15T10:20:00+02:00", "2026-07-15T11:20:00+02:00",
    )  # fmt: skip
    active = after["active_session"]["1"]
    assert active["started_at"] == "2026-11-21T07:30:00+01:00"
    assert active["saved_at"] == "2026-11-21T07:37:10+01:00"
    assert active["pauses"] == [
        {"start": "2026-11-21T07:33:20+01:00", "end": "2026-11-21T07:33:50+01:00"}
    ]
    assert active["pains"][0]["at"] == "2026-11-21T07:31:40+01:00"
    # Times that had their offset already are left as they were, byte for byte.
    assert after["clearances"] == before["clearances"]
    assert after["sessions"] == before["sessions"]
    # Dates are plain local dates: nothing moves to another date.
    for table in ("checkins", "checkin_edits", "clearances", "sessions", "active_session"):
        assert [d["date"] for d in after[table].values()] == [
            d["date"] for d in before[table].values()
        ]
    # The session resumes where it was saved, and opening again does not migrate again.
    assert snap.active_session is not None
    assert snap.active_session.elapsed_at(snap.active_session.saved_at) == 400
    assert Store(path).snapshot().active_session == snap.active_session
    assert json.loads(path.read_text()) == after


def test_the_active_session_migrates_as_one_timeline_across_a_dst_change(
    zone: Callable[[str], None],
) -> None:
    """Started 01:50 summer time, saved 03:30 winter time (Paris, 25 October 2026): its
    running time was reckoned in naive wall time, so every one of its times gets the saved
    time's offset and the resume point does not move by the DST hour."""
    zone("Europe/Paris")
    tables: dict[str, Any] = {
        "_meta": {"1": {"schema_version": 2}},
        "active_session": {
            "1": {
                "kind": "run", "minutes": 120.0, "date": "2026-10-25",
                "started_at": "2026-10-25T01:50:00", "saved_at": "2026-10-25T03:30:00",
                "pauses": [{"start": "2026-10-25T02:10:00", "end": "2026-10-25T02:20:00"}],
                "pains": [], "skipped": [], "shift_s": 0.0, "speed": 1.0,
                "elapsed_at_save_s": 5400.0,
            }
        },
    }  # fmt: skip
    migrated, version = migrate(tables)
    assert version == 2
    doc = migrated["active_session"]["1"]
    assert {doc["started_at"][-6:], doc["saved_at"][-6:], doc["pauses"][0]["end"][-6:]} == {
        "+01:00"
    }
    record = ActiveSession.model_validate(doc)
    assert record.elapsed_at(record.saved_at) == 5400
    assert tables["active_session"]["1"]["started_at"] == "2026-10-25T01:50:00"  # input intact


def test_a_v3_file_with_a_naive_time_is_a_hand_edit_and_refused(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    shutil.copyfile(FIXTURES / "v2_runback.json", path)
    Store(path).snapshot()  # migrated to 3
    tables = json.loads(path.read_text())
    tables["sessions"]["1"]["logged_at"] = "2026-07-15T21:10:00"
    path.write_text(json.dumps(tables))
    before = path.read_bytes()
    with pytest.raises(DataFileError) as caught:
        Store(path).snapshot()
    assert (
        "document 1 of 'sessions' is invalid: logged_at: must be a date and time with its UTC "
        "offset, as YYYY-MM-DDTHH:MM:SS+HH:MM"
    ) in str(caught.value)
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    path.write_text('{"_meta": {"1": {"schema_version": 5}}}')
    before = path.read_bytes()
    with pytest.raises(DataFileError, match=r"newer Runback \(schema_version 5; .* up to 4\)"):
        Store(path).snapshot()
    assert path.read_bytes() == before


# -- what the command line writes and shows ----------------------------------------------------


def test_times_written_through_the_cli_and_exported_carry_their_offset(cli: CliRunner) -> None:
    """The CLI's Store stamps with datetime.now (naive): it is stored with its offset, and
    the export shows it so.  `today --json` holds dates and ids only, no timestamp."""
    init = ("init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer")
    assert cli(*init).code == 0
    assert cli("checkin", "--pain", "2", "--red-flag", "leg_weakness").code == 0
    assert cli("checkin", "--pain", "1").code == 0  # replaces: replaced_at is stamped
    assert cli("clear", "--note", "physio").code == 0
    assert cli("log", "routine", "daily_core").code == 0
    exported = json.loads(cli("export").out)
    assert exported["schema_version"] == 4
    stamps = [exported["checkin_edits"][0]["replaced_at"], exported["clearances"][0]["made_at"]]
    stamps.append(exported["sessions"][0]["logged_at"])
    assert all(WITH_OFFSET.fullmatch(stamp) for stamp in stamps), stamps
    today = cli("today", "--json")
    assert today.code == 0 and not re.search(r"\d{2}:\d{2}", today.out)


def test_a_checkin_keeps_its_local_date_when_the_zone_changes(
    data_path: Path, zone: Callable[[str], None]
) -> None:
    from runback_tui.cli import run as cli_run

    def run(argv: list[str], clock: FakeClock) -> int:
        return cli_run(argv, clock=clock, out=io.StringIO(), err=io.StringIO())

    zone("UTC")
    clock = FakeClock(datetime(2026, 11, 21, 23, 30))  # 23:30 UTC
    argv = ["--data", str(data_path)]
    init = ["init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer"]
    assert run([*argv, *init], clock=clock) == 0
    assert run([*argv, "checkin", "--pain", "2"], clock=clock) == 0
    zone("Etc/GMT-2")  # now 01:30 on the 22nd where the runner is
    assert clock.today() == date(2026, 11, 22)
    [checkin] = Store(data_path).history().checkins
    assert checkin.date == date(2026, 11, 21)  # the date where it was made, as stored
    assert run([*argv, "checkin", "--pain", "3"], clock=clock) == 0  # a new date's check-in
    days = [(c.date, c.pain) for c in Store(data_path).history().checkins]
    assert days == [(date(2026, 11, 21), 2), (date(2026, 11, 22), 3)]
