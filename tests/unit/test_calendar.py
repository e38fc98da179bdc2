"""`runback calendar`: the road ahead as an RFC 5545 file (icalendar)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from runback_tui.domain.ics import road_ahead_ics
from runback_tui.domain.projection import project
from tests.conftest import CliRunner
from tests.ui import fixtures
from tests.unit.histories import H


@pytest.fixture
def seeded(data_path: Path) -> Callable[[str], None]:
    def seed(name: str) -> None:
        data_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fixtures.SEEDS[name](fixtures.new_store(data_path))

    return seed


def events(data: bytes | str) -> list[object]:
    """The VEVENTs of a calendar file, parsed by icalendar."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(Calendar.from_ical(raw).walk("VEVENT"))


def uids(data: bytes | str) -> list[str]:
    return [str(e["UID"]) for e in events(data)]  # type: ignore[index]


def test_one_event_a_day_each_with_a_morning_alarm(
    cli: CliRunner, seeded: Callable[[str], None], tmp_path: Path
) -> None:
    seeded("run_walk")
    out = tmp_path / "road.ics"
    result = cli("calendar", "--days", "21", "--out", str(out))
    assert result.code == 0, result.err
    assert str(out) in result.out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    parsed = Calendar.from_ical(out.read_bytes())
    assert str(parsed["VERSION"]) == "2.0" and "Runback" in str(parsed["PRODID"])
    found = events(out.read_bytes())
    assert len(found) == 21
    for n, event in enumerate(found):
        start = event["DTSTART"].dt  # type: ignore[index]
        assert start == fixtures.TODAY + timedelta(days=n) and not isinstance(start, datetime)
        assert event["DTEND"].dt == start + timedelta(days=1)  # type: ignore[index]
        summary = str(event["SUMMARY"])  # type: ignore[index]
        assert ("projection" in summary) == (n > 0)
        assert "DTSTAMP" in event  # type: ignore[operator]
        alarms = event.walk("VALARM")  # type: ignore[attr-defined]
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0]["TRIGGER"].dt == timedelta(hours=7)  # 07:00 on the day, local time
        assert "check-in" in str(alarms[0]["DESCRIPTION"])
    assert "run-walk stage 1" in str(found[0]["SUMMARY"])  # type: ignore[index]
    assert len(set(uids(out.read_bytes()))) == 21


def test_re_export_keeps_the_uids(
    cli: CliRunner, seeded: Callable[[str], None], tmp_path: Path
) -> None:
    seeded("run_walk")
    out = tmp_path / "road.ics"
    assert cli("calendar", "--out", str(out)).code == 0
    first = out.read_bytes()
    assert cli("checkin", "--pain", "1").code == 0
    assert cli("log", "run-walk", "--stage", "1", "--completed", "--pain-during", "0",
               "--pain-after", "0").code == 0  # fmt: skip
    assert cli("calendar", "--out", str(out)).code == 0
    second = out.read_bytes()
    assert second != first  # the plan changed after the log...
    assert uids(second) == uids(first)  # ...and the same events are updated
    assert all(u.startswith("runback-2026-") and u.endswith(".runback") for u in uids(first))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_stdout_and_paused(cli: CliRunner, seeded: Callable[[str], None]) -> None:
    seeded("paused")
    result = cli("calendar")
    assert result.code == 0, result.err
    found = events(result.out)
    assert len(found) == 1  # nothing is projected past a pause
    description = str(found[0]["DESCRIPTION"])  # type: ignore[index]
    assert "past the pause" in description


def test_uids_depend_only_on_date_and_seed() -> None:
    h = H().standard_phase1().gates(8)
    stamp = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    a = road_ahead_ics(project(h.profile, h.history(), h.date(9), 5), "km", seed="s1", stamp=stamp)
    later = stamp + timedelta(hours=5)
    b = road_ahead_ics(project(h.profile, h.history(), h.date(10), 5), "km", seed="s1", stamp=later)
    assert uids(a)[1:] == uids(b)[:-1]
    assert uids(a)[0] == f"runback-{date(2026, 3, 10).isoformat()}@s1"


@pytest.mark.parametrize("value", ["0", "91", "ten"])
def test_bad_days_refused(
    cli: CliRunner, seeded: Callable[[str], None], value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded("movement")
    result = cli("calendar", "--days", value)
    assert result.code == 2
    err = result.err + capsys.readouterr().err  # argparse writes to sys.stderr
    assert "--days" in err and "from 1 to 90" in err


def test_out_to_a_folder_or_missing_folder_refused(
    cli: CliRunner, seeded: Callable[[str], None], tmp_path: Path
) -> None:
    seeded("movement")
    result = cli("calendar", "--out", str(tmp_path))
    assert result.code == 2 and "--out" in result.err
    result = cli("calendar", "--out", str(tmp_path / "nowhere" / "r.ics"))
    assert result.code == 2 and "does not exist" in result.err
