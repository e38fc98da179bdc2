"""`runback import` (interface.md v2): FIT, GPX and TCX files, gzipped, and Strava/Garmin
export archives; run-walk stages from laps, duplicates, pre-program history and refusals.

Every file is made here: GPX and TCX as XML text, FIT with fit-tool (a test dependency).
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from runback_tui.storage import activities as act
from tests.conftest import CliResult, CliRunner

INIT = ("init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer")
PAIN = ("--pain-during", "1", "--pain-after", "1")
NOON = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
"""Noon UTC: the same local date in every time zone from UTC−11 to UTC+11."""

STAGE2_DONE = [(120.0, 400.0), (60.0, 90.0)] * 8
STAGE2_STOPPED_5 = [(120.0, 400.0), (60.0, 90.0)] * 5 + [(40.0, 120.0)]
CONTINUOUS = [(1800.0, 5000.0)]


# -- file makers -----------------------------------------------------------------------------


def tcx(start: datetime, laps: list[tuple[float, float]], sport: str = "Running") -> bytes:
    """A TCX activity with *laps* of (seconds, metres)."""
    parts = []
    t = start
    for seconds, metres in laps:
        stamp = t.strftime("%Y-%m-%dT%H:%M:%SZ")
        parts.append(
            f'<Lap StartTime="{stamp}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>'
            f"<DistanceMeters>{metres}</DistanceMeters><Track><Trackpoint><Time>{stamp}</Time>"
            "</Trackpoint></Track></Lap>"
        )
        t += timedelta(seconds=seconds)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>'
        + "".join(parts)
        + "</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def gpx(start: datetime, stretches: Sequence[tuple[float, float]], kind: str = "") -> bytes:
    """A GPX track of *stretches* (seconds, speed in m/s), a point every 5 s, heading north."""
    points = []
    t, lat = start, 45.0
    points.append((t, lat))
    for seconds, speed in stretches:
        for _ in range(round(seconds / 5)):
            t += timedelta(seconds=5)
            lat += speed * 5 / 111_195
            points.append((t, lat))
    body = "".join(
        f'<trkpt lat="{la:.7f}" lon="7.0"><time>{ti:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>'
        for ti, la in points
    )
    kind_tag = f"<type>{kind}</type>" if kind else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk>{kind_tag}<trkseg>{body}</trkseg></trk></gpx>"
    ).encode()


def fit(
    start: datetime,
    laps: list[tuple[float, float]],
    *,
    sport: str = "RUNNING",
    file_type: str = "ACTIVITY",
) -> bytes:
    """A FIT file (fit-tool): file id, a record, one lap message per lap, the session."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import (
        FileIdMessage,
    )
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import (
        RecordMessage,
    )
    from fit_tool.profile.messages.session_message import (
        SessionMessage,
    )
    from fit_tool.profile.profile_type import (
        FileType,
        Manufacturer,
        Sport,
    )

    ms = round(start.timestamp() * 1000)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType[file_type]
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.time_created = ms
    file_id.serial_number = 1
    builder.add(file_id)
    record = RecordMessage()
    record.timestamp = ms
    record.distance = 0.0
    builder.add(record)
    t, total = ms, 0.0
    for seconds, metres in laps:
        lap = LapMessage()
        lap.start_time = t
        lap.total_timer_time = seconds
        lap.total_elapsed_time = seconds
        lap.total_distance = metres
        t += round(seconds * 1000)
        total += metres
        lap.timestamp = t
        builder.add(lap)
    session = SessionMessage()
    session.start_time = ms
    session.timestamp = t
    session.total_timer_time = (t - ms) / 1000
    session.total_elapsed_time = (t - ms) / 1000
    session.total_distance = total
    session.sport = Sport[sport]
    builder.add(session)
    return bytes(builder.build().to_bytes())


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


# -- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def ready(cli: CliRunner, data_path: Path) -> Path:
    assert cli(*INIT).code == 0
    return data_path


def sessions(cli: CliRunner) -> list[dict[str, object]]:
    result: list[dict[str, object]] = json.loads(cli("export").out)["sessions"]
    return result


def imported(cli: CliRunner, *paths: str, pain: tuple[str, ...] = PAIN) -> CliResult:
    return cli("import", *paths, *pain)


# -- the run/walk pattern ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("laps", "expected"),
    [
        (STAGE2_DONE, act.Pattern(2, 8, True)),
        (STAGE2_STOPPED_5, act.Pattern(2, 5, False)),
        ([(60.0, 150.0), (120.0, 150.0)] * 10, act.Pattern(1, 10, True)),
        ([(180.0, 600.0), (60.0, 90.0)] * 6, act.Pattern(3, 6, True)),
        # ±15 s, a warm-up lap first, and the last walk cut short by the watch
        (
            [(300.0, 500.0)] + [(133.0, 400.0), (48.0, 90.0)] * 7 + [(121.0, 400.0), (20.0, 30)],
            act.Pattern(2, 8, True),
        ),  # fmt: skip
        (CONTINUOUS, None),
        ([(120.0, 400.0), (90.0, 90.0)] * 8, None),  # walks 30 s too long: no stage
    ],
)
def test_pattern_from_laps(laps: list[tuple[float, float]], expected: act.Pattern | None) -> None:
    activity = act.Activity("x", NOON, 4000.0, sum(s for s, _ in laps), tuple(s for s, _ in laps))
    assert act.find_pattern(activity) == expected


def test_gpx_speed_segments_make_the_pattern() -> None:
    data = gpx(NOON, [(120, 3.0), (60, 1.4)] * 8)
    (activity,), refused = act.read_bytes("walk.gpx", data)
    assert refused == []
    assert activity.lap_kinds[:4] == ("run", "walk", "run", "walk")
    assert act.find_pattern(activity) == act.Pattern(2, 8, True)
    assert activity.distance_m == pytest.approx(8 * (360 + 84), rel=0.01)
    assert activity.moving_s == pytest.approx(24 * 60)


def test_fit_made_by_fit_tool_is_read() -> None:
    (activity,), refused = act.read_bytes("a.fit", fit(NOON, STAGE2_DONE))
    assert refused == []
    assert activity.start == NOON
    assert activity.laps == tuple(s for s, _ in STAGE2_DONE)
    assert activity.distance_m == pytest.approx(8 * 490)


# -- the command: each format ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "maker"),
    [("stage2.tcx", tcx), ("stage2.fit", fit), ("stage2.tcx.gz", tcx), ("stage2.fit.gz", fit)],
)
def test_run_walk_file_logs_stage_2_completed(
    cli: CliRunner, ready: Path, tmp_path: Path, name: str, maker: object
) -> None:
    data = maker(NOON, STAGE2_DONE)  # type: ignore[operator]
    if name.endswith(".gz"):
        data = gzip.compress(data)
    result = imported(cli, write(tmp_path, name, data))
    assert result.code == 0, result.err
    assert "run-walk stage 2, completed" in result.out
    (log,) = sessions(cli)
    assert log["kind"] == "run_walk" and log["stage"] == 2 and log["completed"] is True
    assert log["repeats_done"] == 8 and log["date"] == "2026-11-18"
    assert log["distance_km"] == pytest.approx(3.92)
    assert log["pain_during"] == 1 and log["pain_after"] == 1


def test_gpx_run_walk_stopped_after_5(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    data = gpx(NOON, [(120, 3.0), (60, 1.4)] * 5 + [(40, 3.0)])
    result = imported(cli, write(tmp_path, "short.gpx", data))
    assert result.code == 0, result.err
    assert "stopped after 5 of 8" in result.out
    (log,) = sessions(cli)
    assert log["kind"] == "run_walk" and log["completed"] is False and log["repeats_done"] == 5


def test_fit_stopped_after_5(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    result = imported(cli, write(tmp_path, "short.fit", fit(NOON, STAGE2_STOPPED_5)))
    assert result.code == 0, result.err
    (log,) = sessions(cli)
    assert (log["stage"], log["completed"], log["repeats_done"]) == (2, False, 5)


def test_continuous_run_in_miles(cli: CliRunner, data_path: Path, tmp_path: Path) -> None:
    assert cli("init", "--start-date", "2026-11-01", "--units", "mi").code == 0
    result = imported(cli, write(tmp_path, "run.tcx", tcx(NOON, CONTINUOUS)))
    assert result.code == 0, result.err
    assert "3.11 mi, 30 min: run" in result.out
    (log,) = sessions(cli)
    assert log["kind"] == "run" and log["distance_km"] == 5.0 and log["minutes"] == 30.0


def test_local_date_comes_from_the_utc_start(
    cli: CliRunner, ready: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", "Pacific/Auckland")  # UTC+13 in November
    time.tzset()
    try:
        late = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)
        assert imported(cli, write(tmp_path, "run.fit", fit(late, CONTINUOUS))).code == 0
    finally:
        monkeypatch.undo()
        time.tzset()
    assert sessions(cli)[0]["date"] == "2026-11-19"


# -- archives ----------------------------------------------------------------------------------


def test_strava_archive(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    """Strava's export: activities/<id>.gpx|.tcx|.fit, often gzipped, beside activities.csv."""
    archive = zipped({
        "activities.csv": b"Activity ID,Activity Date\n1,x\n",
        "activities/101.gpx.gz": gzip.compress(gpx(NOON, [(120, 3.0), (60, 1.4)] * 8)),
        "activities/102.tcx.gz": gzip.compress(tcx(NOON + timedelta(days=1), CONTINUOUS)),
        "activities/103.fit.gz": gzip.compress(fit(NOON + timedelta(days=2), STAGE2_STOPPED_5)),
        "media/photo.jpg": b"\xff\xd8\xff\xe0 not an activity",
    })  # fmt: skip
    result = imported(cli, write(tmp_path, "export_123.zip", archive))
    assert result.code == 0, result.err
    assert "Logged 3 activities" in result.out
    kinds = [(s["date"], s["kind"], s.get("repeats_done")) for s in sessions(cli)]
    assert kinds == [
        ("2026-11-18", "run_walk", 8),
        ("2026-11-19", "run", None),
        ("2026-11-20", "run_walk", 5),
    ]


def test_garmin_archive(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    """Garmin's export: DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_*.zip holds the
    FIT files; here they sit under DI_CONNECT/DI-Connect-Fitness-Uploaded-Files/ directly,
    beside the JSON summaries that are not activity files."""
    archive = zipped({
        "DI_CONNECT/DI-Connect-Fitness/runner_summarizedActivities.json": b"[]",
        "DI_CONNECT/DI-Connect-Fitness-Uploaded-Files/runner_1.fit": fit(NOON, STAGE2_DONE),
        "DI_CONNECT/DI-Connect-Fitness-Uploaded-Files/runner_2.fit": fit(
            NOON + timedelta(days=2), CONTINUOUS
        ),
    })  # fmt: skip
    result = imported(cli, write(tmp_path, "garmin.zip", archive))
    assert result.code == 0, result.err
    assert [s["kind"] for s in sessions(cli)] == ["run_walk", "run"]


# -- duplicates, history, dry run --------------------------------------------------------------


def test_duplicate_is_skipped_and_reported(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "a.fit", fit(NOON, STAGE2_DONE))
    assert imported(cli, path).code == 0
    # the same activity again, and as a GPX of the same start and distance
    again = imported(cli, path, write(tmp_path, "a.tcx", tcx(NOON, STAGE2_DONE)))
    assert again.code == 0, again.err
    assert "Skipped 2 duplicates" in again.out and "already logged" in again.out
    assert len(sessions(cli)) == 1


def test_activity_matching_a_typed_log_is_a_duplicate(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    assert cli("log", "run", "--distance", "5", *PAIN, "--date", "2026-11-18").code == 0
    result = imported(cli, write(tmp_path, "run.tcx", tcx(NOON, CONTINUOUS)))
    assert result.code == 0
    assert "already logged: the log of 2026-11-18" in result.out
    assert len(sessions(cli)) == 1


def test_pre_program_activity_is_kept_apart_never_logged(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    before = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    path = write(tmp_path, "old.tcx", tcx(before, CONTINUOUS))
    result = imported(cli, path, pain=())  # no pain asked for history
    assert result.code == 0, result.err
    assert "Kept 1 activity from before day 1 (2026-11-01) as pre-program history" in result.out
    assert "2026-10-20" in result.out
    data = json.loads(cli("export").out)
    assert data["sessions"] == [] and data["pending_imports"] == []
    (kept,) = data["pre_program"]
    assert (kept["date"], kept["kind"], kept["distance_km"]) == ("2026-10-20", "run", 5.0)
    again = imported(cli, path)
    assert "already kept as pre-program history (2026-10-20)" in again.out
    assert len(json.loads(cli("export").out)["pre_program"]) == 1


def test_dry_run_stores_nothing(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    before = ready.read_bytes()
    path = write(tmp_path, "a.fit", fit(NOON, STAGE2_DONE))
    result = cli("import", path, "--dry-run", *PAIN)
    assert result.code == 0, result.err
    assert "Would log 1 activity" in result.out and "stage 2, completed" in result.out
    looked = cli("import", path, "--dry-run")
    assert looked.code == 0, looked.err
    assert "Would keep 1 run waiting for how your back felt" in looked.out
    assert ready.read_bytes() == before


def test_without_pain_runs_wait_and_count_for_nothing(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    """Imported without --pain-during/--pain-after: kept pending, not a log; the plan is the
    same as before the import until the pain is given (then it is one log, not two)."""
    plan_before = json.loads(cli("today", "--json").out)
    path = write(tmp_path, "a.fit", fit(NOON, STAGE2_DONE))
    result = cli("import", path)
    assert result.code == 0, result.err
    assert "Kept 1 run waiting for how your back felt:" in result.out
    assert "run-walk stage 2, completed" in result.out
    assert "count for nothing" in result.out and "--pain-during N --pain-after N" in result.out
    data = json.loads(cli("export").out)
    assert data["sessions"] == []
    (waiting,) = data["pending_imports"]
    assert (waiting["kind"], waiting["stage"], waiting["repeats_done"]) == ("run_walk", 2, 8)
    assert json.loads(cli("today", "--json").out) == plan_before
    # `runback today` says so, as home's day panel does:
    assert "1 run imported — how did your back feel? Until you say" in cli("today").out
    again = cli("import", path)
    assert "already imported, waiting for how your back felt (2026-11-18)" in again.out
    assert cli("import", path, "--pain-during", "1").code == 2
    answered = imported(cli, path, pain=("--pain-during", "1", "--pain-after", "2"))
    assert answered.code == 0, answered.err
    assert "Logged 1 activity" in answered.out
    data = json.loads(cli("export").out)
    assert data["pending_imports"] == []
    (log,) = data["sessions"]
    assert (log["id"], log["pain_during"], log["pain_after"]) == (waiting["id"], 1, 2)
    assert "how did your back feel" not in cli("today").out


def test_a_pending_run_answered_from_another_file_of_it_is_one_log(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    """The watch's FIT is pending; the phone's TCX of the same run, with the pain, settles it."""
    assert cli("import", write(tmp_path, "a.fit", fit(NOON, STAGE2_DONE))).code == 0
    other = tcx(NOON + timedelta(seconds=20), [(s, d * 1.004) for s, d in STAGE2_DONE])
    assert imported(cli, write(tmp_path, "a.tcx", other)).code == 0
    data = json.loads(cli("export").out)
    assert data["pending_imports"] == [] and len(data["sessions"]) == 1


@pytest.mark.parametrize(
    ("days_ago", "advice", "phase"),
    [
        (1, "Pain 5/10 is a flare: the next 48 hours are acute care", "acute"),
        (3, "Pain 5/10 on Wed 18 Nov was a flare; its 48 hours of acute care are over", None),
    ],
    ids=["yesterday", "three-days-ago"],
)
def test_high_pain_is_a_flare_told_as_todays_plan_has_it(
    cli: CliRunner, ready: Path, tmp_path: Path, days_ago: int, advice: str, phase: str | None
) -> None:
    """The advice after an imported flare agrees with today's plan: acute care only while the
    flare's 48 hours (its day and the next) reach today (the suite's today is 2026-11-21)."""
    start = datetime(2026, 11, 21, 12, 0, tzinfo=UTC) - timedelta(days=days_ago)
    path = write(tmp_path, "a.fit", fit(start, STAGE2_DONE))
    result = imported(cli, path, pain=("--pain-during", "5", "--pain-after", "2"))
    assert result.code == 0, result.err
    assert advice in result.out
    today = json.loads(cli("today", "--json").out)["phase"]
    assert (today == "acute") == (phase == "acute")


def test_an_earlier_flare_inside_a_later_one_is_told_as_acute(cli: CliRunner, ready: Path) -> None:
    """A check-in at 4 yesterday and a run at 6 the day before are one flare, acute today (the
    engine's episodes), so the advice is not 'over' (the suite's today is 2026-11-21)."""
    assert cli("checkin", "--pain", "4", "--date", "2026-11-20").code == 0
    result = cli(
        "log", "run", "--distance", "3", "--date", "2026-11-19",
        "--pain-during", "6", "--pain-after", "2",
    )  # fmt: skip
    assert "Pain 6/10 is a flare: the next 48 hours are acute care" in result.out
    assert json.loads(cli("today", "--json").out)["phase"] == "acute"


def test_an_old_run_walk_flare_is_told_as_over(cli: CliRunner, ready: Path) -> None:
    result = cli(
        "log", "run-walk", "--stage", "1", "--completed", "--date", "2026-11-17",
        "--pain-during", "6", "--pain-after", "2",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Pain 6/10 on Tue 17 Nov was a flare; its 48 hours of acute care are over" in result.out
    assert "come first" not in result.out


def test_a_flare_logged_for_an_earlier_date_is_told_as_over(cli: CliRunner, ready: Path) -> None:
    result = cli(
        "log", "run", "--distance", "3", "--date", "2026-11-17",
        "--pain-during", "6", "--pain-after", "2",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Pain 6/10 on Tue 17 Nov was a flare; its 48 hours of acute care are over" in result.out
    assert json.loads(cli("today", "--json").out)["phase"] != "acute"


# -- refusals ----------------------------------------------------------------------------------


def refusal_cases() -> list[tuple[str, bytes, str]]:
    whole = fit(NOON, STAGE2_DONE)
    return [
        ("truncated.fit", whole[: len(whole) - 40], "truncated FIT"),
        ("settings.fit", fit(NOON, CONTINUOUS, file_type="SETTINGS"), "not an activity"),
        ("ride.fit", fit(NOON, CONTINUOUS, sport="CYCLING"), "not a run"),
        ("photo.gpx", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "not a FIT, GPX or TCX"),
        (
            "route.gpx",
            b'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
            b'<rte><rtept lat="1" lon="1"/></rte></gpx>',
            "without a timed track",
        ),  # fmt: skip
        ("broken.tcx", tcx(NOON, CONTINUOUS)[:-30], "not well-formed XML"),
        (
            "bomb.gpx",
            b'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><gpx>&a;</gpx>',
            "entities",
        ),  # fmt: skip
        ("bad.fit.gz", b"\x1f\x8b\x08\x00garbage", "broken gzip"),
        # Not cut down to a session's limits (the log would not be what was recorded):
        ("glitch.gpx", gpx(NOON, [(1200.0, 3000.0)]), "covers 3604.0 km (2239.4 mi), more than"),
        ("drive.tcx", tcx(NOON, [(1800.0, 25_000.0)]), "averages 50.0 km/h (31.1 mph)"),
        ("watch-left-on.tcx", tcx(NOON, [(90_000.0, 20_000.0)]), "lasts 25.0 hours"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "why"), refusal_cases(), ids=[c[0] for c in refusal_cases()]
)
def test_bad_file_is_refused_with_its_name_and_nothing_stored(
    cli: CliRunner, ready: Path, tmp_path: Path, name: str, data: bytes, why: str
) -> None:
    before = ready.read_bytes()
    result = imported(cli, write(tmp_path, name, data))
    assert result.code == 1
    assert name in result.err and why in result.err and "nothing from it was stored" in result.err
    assert ready.read_bytes() == before


def test_good_files_still_import_beside_a_refused_one(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    """Policy: a file is imported whole or refused whole; the others of the command go on
    (the exit code is 1 so a script notices)."""
    whole = fit(NOON, STAGE2_DONE)
    archive = zipped({
        "activities/1.fit": whole[:-40],
        "activities/2.tcx": tcx(NOON + timedelta(days=1), CONTINUOUS),
    })  # fmt: skip
    result = imported(
        cli,
        write(tmp_path, "bad.fit", whole[:100]),
        write(tmp_path, "good.fit", whole),
        write(tmp_path, "export.zip", archive),
        str(tmp_path / "missing.gpx"),
    )
    assert result.code == 1
    assert "bad.fit" in result.err and "export.zip:activities/1.fit" in result.err
    assert "missing.gpx: it cannot be read" in result.err
    assert [s["date"] for s in sessions(cli)] == ["2026-11-18", "2026-11-19"]


def test_a_zip_without_activities_is_refused(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    result = imported(cli, write(tmp_path, "x.zip", zipped({"readme.txt": b"hi"})))
    assert result.code == 1 and "holds no FIT, GPX or TCX file" in result.err


def test_import_without_a_profile(cli: CliRunner, tmp_path: Path) -> None:
    result = imported(cli, write(tmp_path, "a.fit", fit(NOON, CONTINUOUS)))
    assert result.code == 2 and "runback init" in result.err


def test_store_import_skips_ids_taken_meanwhile(cli: CliRunner, ready: Path) -> None:
    from runback_tui.domain import models as m
    from runback_tui.storage.store import Store

    store = Store(ready)
    log = m.RunLog(id="imp-20261118T120000-5000", date=NOON.date(), distance_km=5.0,
                   pain_during=0, pain_after=0)  # fmt: skip
    assert store.import_activities([log]) == [log.id]
    assert store.import_activities([log]) == []
    assert len(store.history().sessions) == 1


def test_a_fifo_is_refused_without_blocking(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.fit"
    os.mkfifo(fifo)
    result = imported(cli, str(fifo))
    assert result.code == 1 and "pipe.fit: it is not a regular file" in result.err


def test_runs_without_distance_are_told_apart_by_start(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    """Treadmill runs with no distance: two on one date are two runs, not a duplicate."""
    morning = write(tmp_path, "am.tcx", tcx(NOON - timedelta(hours=3), [(1200.0, 0.0)]))
    evening = write(tmp_path, "pm.tcx", tcx(NOON + timedelta(hours=5), [(1200.0, 0.0)]))
    result = imported(cli, morning, evening)
    assert result.code == 0, result.err
    assert [s["distance_km"] for s in sessions(cli)] == [0.0, 0.0]
    assert "Skipped 1 duplicate" in imported(cli, morning).out


def test_garmin_archive_with_zips_inside(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    """Garmin's real layout: DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip holds the
    FIT files; an inner zip of other things is ignored, a broken inner zip refused by name."""
    inner = zipped({
        "runner_1.fit": fit(NOON, STAGE2_DONE),
        "runner_2.fit": fit(NOON + timedelta(days=1), CONTINUOUS),
    })  # fmt: skip
    archive = zipped({
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner,
        "DI_CONNECT/DI-Connect-Wellness/sleep.zip": zipped({"sleep.json": b"{}"}),
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part2.zip": b"PK\x03\x04broken",
    })  # fmt: skip
    result = imported(cli, write(tmp_path, "garmin.zip", archive))
    assert result.code == 1
    assert "UploadedFiles_0-_Part2.zip: it is not a readable zip archive" in result.err
    assert "sleep.zip" not in result.err
    assert [s["kind"] for s in sessions(cli)] == ["run_walk", "run"]


def test_a_tcx_file_with_several_activities(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    one = tcx(NOON, STAGE2_DONE).decode()
    two = tcx(NOON + timedelta(days=1), CONTINUOUS).decode()
    ride = tcx(NOON + timedelta(days=2), CONTINUOUS, sport="Biking").decode()

    def body(doc: str) -> str:
        return doc[doc.index("<Activity ") : doc.index("</Activities>")]

    both = one.replace("</Activities>", body(two) + body(ride) + "</Activities>")
    result = imported(cli, write(tmp_path, "day.tcx", both.encode()))
    assert result.code == 0, result.err
    assert "day.tcx#1" in result.out and "day.tcx#2" in result.out
    assert [s["kind"] for s in sessions(cli)] == ["run_walk", "run"]  # the ride left out


# -- the Store's import tables (schema 4) ------------------------------------------------------


def _pending(store_path: Path, tmp_path: Path, cli: CliRunner, count: int = 2) -> list[str]:
    files = [
        write(tmp_path, f"{n}.fit", fit(NOON - timedelta(days=n), STAGE2_DONE))
        for n in range(count)
    ]
    assert cli("import", *files).code == 0
    return [a["id"] for a in json.loads(cli("export").out)["pending_imports"]]


def test_settle_imports_logs_them_and_clears_the_pending(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    from runback_tui.storage.store import Store

    first, second = _pending(ready, tmp_path, cli)
    store = Store(ready)
    (log,) = store.settle_imports({first: (2, 3)})
    assert (log.id, log.pain_during, log.pain_after, log.stage) == (first, 2, 3, 2)
    assert log.logged_at is not None
    assert [a.id for a in store.snapshot().pending_imports] == [second]
    assert store.settle_imports({first: (0, 0)}) == []  # answered meanwhile: not logged twice
    assert store.drop_imports([second, "imp-nothing"]) == [second]
    assert "pending_imports" not in json.loads(ready.read_text())  # no empty table left
    assert [s.id for s in store.history().sessions] == [first]


@pytest.mark.parametrize(
    "typed",
    [
        ("log", "run", "--distance", "3.92"),  # the same distance that day
        ("log", "run-walk", "--stage", "2", "--completed"),  # no distance: the same stage
    ],
    ids=["run-with-distance", "run-walk-without-distance"],
)
def test_a_waiting_run_logged_by_hand_stops_waiting(
    cli: CliRunner, ready: Path, tmp_path: Path, typed: tuple[str, ...]
) -> None:
    """The watch file was imported without pain, then the runner typed the run in: it is one
    run, logged once; nothing is asked about it any more (answering it would log it twice)."""
    (waiting,) = _pending(ready, tmp_path, cli, count=1)
    pain = ("--pain-during", "1", "--pain-after", "1")
    result = cli(*typed, "--date", "2026-11-18", *pain)
    assert result.code == 0, result.err
    assert "That is the imported run of Wed 18 Nov 12:00 that was waiting" in result.out
    data = json.loads(cli("export").out)
    assert data["pending_imports"] == [] and len(data["sessions"]) == 1
    assert "how did your back feel" not in cli("today").out
    again = imported(cli, write(tmp_path, "0.fit", fit(NOON, STAGE2_DONE)))  # with its pain
    assert "already logged: the log of 2026-11-18" in again.out
    assert len(sessions(cli)) == 1


def test_a_typed_log_is_the_twin_of_one_waiting_run_only(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    """Two 5 km runs of one day wait; the runner types one 5 km run in: one is that log, the
    other still waits (a typed log is one run, not every run of its date)."""
    morning = write(tmp_path, "am.tcx", tcx(NOON - timedelta(hours=5), CONTINUOUS))
    evening = write(tmp_path, "pm.tcx", tcx(NOON + timedelta(hours=6), CONTINUOUS))
    assert "Kept 2 runs waiting" in cli("import", morning, evening).out
    pain = ("--pain-during", "0", "--pain-after", "0")
    result = cli("log", "run", "--distance", "5", "--date", "2026-11-18", *pain)
    assert result.code == 0, result.err
    assert result.out.count("That is the imported run of") == 1
    data = json.loads(cli("export").out)
    assert len(data["pending_imports"]) == 1 and len(data["sessions"]) == 1
    answered = imported(cli, morning, evening)  # both files again, with their pain
    assert answered.out.count("already logged") == 1 and "Logged 1 activity" in answered.out
    data = json.loads(cli("export").out)
    assert data["pending_imports"] == [] and len(data["sessions"]) == 2


def test_a_run_walk_typed_with_a_rough_distance_is_the_watch_s_run_walk(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    _pending(ready, tmp_path, cli, count=1)
    pain = ("--pain-during", "0", "--pain-after", "0")
    typed = ("log", "run-walk", "--stage", "2", "--completed", "--distance", "3.5")
    assert cli(*typed, "--date", "2026-11-18", *pain).code == 0
    assert imported(cli, write(tmp_path, "again.fit", fit(NOON, STAGE2_DONE))).code == 0
    assert len(sessions(cli)) == 1  # 3.5 typed, 3.92 recorded: one stage-2 run-walk


def test_a_run_dated_after_today_is_never_history_nor_waiting(
    cli: CliRunner, data_path: Path, tmp_path: Path
) -> None:
    """Day 1 ahead of today: a run dated after today (a wrong clock) is not kept as history,
    so moving day 1 back cannot make it a run to log."""
    from runback_tui.storage.store import Store

    ahead = ("init", "--start-date", "2026-12-10", "--units", "km", "--accept-disclaimer")
    assert cli(*ahead).code == 0
    future = write(tmp_path, "f.tcx", tcx(datetime(2026, 11, 25, 12, tzinfo=UTC), CONTINUOUS))
    result = cli("import", future)
    assert "dated after today" in result.out
    store = Store(data_path)
    assert store.snapshot().pre_program == ()
    profile = store.profile()
    assert profile is not None
    store.save_profile(profile.model_copy(update={"start_date": date(2026, 11, 20)}))
    assert store.snapshot().pending_imports == ()


def test_answering_a_run_that_was_logged_meanwhile_does_not_log_it_twice(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    """Another Runback logged the run by hand between reading and answering (a log stored
    without the Store's check): settling removes the waiting run and logs nothing."""
    from runback_tui.domain.models import RunLog
    from runback_tui.storage.store import Store

    (waiting,) = _pending(ready, tmp_path, cli, count=1)
    store = Store(ready)
    typed = RunLog(
        id="typed", date=date(2026, 11, 18), distance_km=3.9, pain_during=0, pain_after=0
    )
    store.import_records(sessions=[typed])  # a batch write: no twin check, as from elsewhere
    assert [a.id for a in store.snapshot().pending_imports] == [waiting]
    assert store.settle_imports({waiting: (1, 1)}) == []
    assert store.snapshot().pending_imports == ()
    assert [s.id for s in store.history().sessions] == ["typed"]


def test_two_runs_of_one_day_are_two_runs(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    """The same distance at 07:00 and 18:00 is a second run, not a duplicate (only a log typed
    by hand, which has no start time, is matched by its date)."""
    morning = tcx(NOON - timedelta(hours=5), CONTINUOUS).decode()
    evening = tcx(NOON + timedelta(hours=6), CONTINUOUS).decode()
    body = evening[evening.index("<Activity ") : evening.index("</Activities>")]
    both = morning.replace("</Activities>", body + "</Activities>")
    result = imported(cli, write(tmp_path, "day.tcx", both.encode()))
    assert result.code == 0, result.err
    assert "duplicate" not in result.out
    assert len(sessions(cli)) == 2


def test_settle_with_a_bad_pain_changes_nothing(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    from runback_tui.domain.models import ValidationError
    from runback_tui.storage.store import Store

    first, second = _pending(ready, tmp_path, cli)
    before = ready.read_bytes()
    with pytest.raises(ValidationError, match="pain_after"):
        Store(ready).settle_imports({first: (1, 1), second: (1, 11)})
    assert ready.read_bytes() == before


def test_export_restore_keeps_the_import_tables(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    _pending(ready, tmp_path, cli)
    old = write(tmp_path, "old.tcx", tcx(datetime(2026, 10, 2, 12, tzinfo=UTC), CONTINUOUS))
    assert imported(cli, old).code == 0
    exported = cli("export").out
    (tmp_path / "x.json").write_text(exported)
    restored = cli("restore", str(tmp_path / "x.json"), "--yes")
    assert restored.code == 0, restored.err
    # What it holds and what it replaces both name the import lists:
    assert "imported runs waiting for how your back felt: 2" in restored.out
    assert "pre-program activities (before day 1): 1" in restored.out
    assert "2 waiting imported runs, 1 pre-program activity), which" in restored.out
    assert cli("export").out == exported
    data = json.loads(exported)
    assert len(data["pending_imports"]) == 2 and len(data["pre_program"]) == 1


def test_an_export_with_a_run_both_waiting_and_logged_is_refused(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    (waiting,) = _pending(ready, tmp_path, cli, count=1)
    data = json.loads(cli("export").out)
    data["sessions"] = [
        data["pending_imports"][0] | {"pain_during": 0, "pain_after": 0, "shoe": None}
    ]
    for key in ("started_at", "minutes", "source", "imported_at"):
        del data["sessions"][0][key]
    (tmp_path / "x.json").write_text(json.dumps(data))
    before = ready.read_bytes()
    result = cli("restore", str(tmp_path / "x.json"), "--yes")
    assert result.code == 3
    assert f"{waiting!r} is waiting for its pain and is also logged in sessions" in result.err
    assert ready.read_bytes() == before


def test_a_pending_import_that_could_never_be_logged_is_refused(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    _pending(ready, tmp_path, cli, count=1)
    tables = json.loads(ready.read_text())
    (doc,) = tables["pending_imports"].values()
    doc["stage"] = None  # a run-walk without its stage
    ready.write_text(json.dumps(tables))
    before = ready.read_bytes()
    result = cli("today")
    assert result.code == 3
    assert "'pending_imports'" in result.err and "could not become a log" in result.err
    assert ready.read_bytes() == before


def test_a_version_3_file_opens_as_version_4(cli: CliRunner, ready: Path) -> None:
    tables = json.loads(ready.read_text())
    tables["_meta"] = {"1": {"schema_version": 3}}
    ready.write_text(json.dumps(tables))
    assert cli("today").code == 0
    assert json.loads(ready.read_text())["_meta"] == {"1": {"schema_version": 4}}


def test_moving_day_1_moves_imported_activities_across_it(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    """Day 1 moved earlier: an activity kept as pre-program history is now in the program, so
    it waits for its pain; moved later again, it is history again (not a run asked about)."""
    from runback_tui.storage.store import Store

    old = write(tmp_path, "old.tcx", tcx(datetime(2026, 10, 25, 12, tzinfo=UTC), CONTINUOUS))
    assert imported(cli, old).code == 0
    store = Store(ready)
    profile = store.profile()
    assert profile is not None
    (kept,) = store.snapshot().pre_program
    store.save_profile(profile.model_copy(update={"start_date": date(2026, 10, 20)}))
    snapshot = store.snapshot()
    assert snapshot.pre_program == () and [a.id for a in snapshot.pending_imports] == [kept.id]
    assert "Before day 1" not in cli("report").out
    assert "1 run imported — how did your back feel?" in cli("today").out
    store.save_profile(profile)  # day 1 back on 2026-11-01
    snapshot = store.snapshot()
    assert snapshot.pending_imports == () and snapshot.pre_program == (kept,)


def test_a_session_finished_in_the_app_takes_its_waiting_run(
    cli: CliRunner, ready: Path, tmp_path: Path
) -> None:
    """The TUI's summary logs through finish_active_session: the waiting run it is, is named
    and gone in the same write."""
    from runback_tui.domain.models import RunWalkLog
    from runback_tui.storage.store import Store

    (waiting,) = _pending(ready, tmp_path, cli, count=1)
    store = Store(ready)
    log = RunWalkLog(
        id="in-app", date=date(2026, 11, 18), stage=2, completed=True, repeats_done=8,
        pain_during=0, pain_after=0,
    )  # fmt: skip
    taken = store.finish_active_session(log)
    assert taken is not None and taken.id == waiting
    assert store.snapshot().pending_imports == ()
