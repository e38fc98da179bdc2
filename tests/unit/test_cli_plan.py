"""`runback today` and `runback log`: interface.md's JSON, human output, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner

WARNING_CODES = {
    "red_flag", "red_flag_urgent", "history_advisory", "persistent_pain", "flare",
    "gate_missing", "ten_percent_rule", "shoe_replace_soon", "shoe_replace_now",
}  # fmt: skip
ACTIVITY_IDS = {
    "daily_core", "core_stability", "glutes_hips", "posterior_chain", "pre_run", "post_run",
    "desk_mobility", "relief", "run_walk", "run", "pool_run", "cycle_easy", "ice", "rest",
}  # fmt: skip


@pytest.fixture
def started(cli: CliRunner, data_path: Path) -> Path:
    """A profile whose day 1 was 2026-11-13, so 2026-11-21 is day 9."""
    assert (
        cli("init", "--start-date", "2026-11-13", "--units", "km", "--accept-disclaimer").code == 0
    )
    return data_path


def today_json(cli: CliRunner, *extra: str) -> dict[str, object]:
    result = cli("today", "--json", *extra)
    assert result.code == 0, result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def check_shape(data: dict[str, Any]) -> None:
    assert list(data) == [
        "date", "day", "phase", "running_allowed", "stage", "activities", "done", "build", "warnings",
    ]  # fmt: skip
    assert data["phase"] in {"paused", "acute", "movement", "run_walk", "build"}
    assert set(data["activities"]) <= ACTIVITY_IDS
    for warning in data["warnings"]:
        assert set(warning) == {"code", "message"} and warning["code"] in WARNING_CODES


def test_today_json_on_day_1(cli: CliRunner, started: Path) -> None:
    data = today_json(cli, "--date", "2026-11-13")
    check_shape(data)
    assert data["day"] == 1 and data["phase"] == "movement"
    assert data["running_allowed"] is False and data["stage"] is None
    assert "daily_core" in data["activities"]  # type: ignore[operator]


def test_gates_then_stage_1_on_day_9(cli: CliRunner, started: Path) -> None:
    cli("checkin", "--pain", "1", "--date", "2026-11-20", "--walked-30-pain-free",
        "--single-leg-bridge-ok")  # fmt: skip
    data = today_json(cli)
    check_shape(data)
    assert data["date"] == "2026-11-21" and data["day"] == 9
    assert data["phase"] == "run_walk" and data["running_allowed"] is True
    assert data["stage"] == {"number": 1, "run_s": 60, "walk_s": 120, "repeats": 10}
    assert data["activities"][:3] == ["pre_run", "run_walk", "post_run"]  # type: ignore[index]


def test_gate_missing_warning(cli: CliRunner, started: Path) -> None:
    cli("checkin", "--pain", "1", "--date", "2026-11-20", "--walked-30-pain-free")
    data = today_json(cli)
    assert data["phase"] == "movement"
    assert "gate_missing" in [w["code"] for w in data["warnings"]]  # type: ignore[attr-defined]


def test_red_flag_pauses_and_clearance_resumes(cli: CliRunner, started: Path) -> None:
    cli("checkin", "--pain", "1", "--red-flag", "bladder_bowel", "--date", "2026-11-19")
    data = today_json(cli)
    assert data["phase"] == "paused" and data["running_allowed"] is False
    codes = [w["code"] for w in data["warnings"]]  # type: ignore[attr-defined]
    assert "red_flag_urgent" in codes
    cli("clear", "--date", "2026-11-21")
    assert today_json(cli)["phase"] != "paused"


def test_flare_from_a_logged_session(cli: CliRunner, started: Path) -> None:
    result = cli("log", "routine", "daily_core", "--pain-after", "5", "--date", "2026-11-20")
    assert result.code == 0 and "flare" in result.out.lower()
    data = today_json(cli)
    assert data["phase"] == "acute"
    assert "ice" in data["activities"]  # type: ignore[operator]
    assert "flare" in [w["code"] for w in data["warnings"]]  # type: ignore[attr-defined]


def test_log_run_walk_prints_the_decision_and_uses_units(cli: CliRunner, data_path: Path) -> None:
    cli("init", "--start-date", "2026-11-01", "--units", "mi", "--accept-disclaimer")
    cli("checkin", "--pain", "0", "--date", "2026-11-08", "--walked-30-pain-free",
        "--single-leg-bridge-ok")  # fmt: skip
    cli("shoe", "add", "Pegasus")
    result = cli("log", "run-walk", "--stage", "1", "--completed", "--pain-during", "1",
                 "--pain-after", "1", "--distance", "2", "--date", "2026-11-08")  # fmt: skip
    assert result.code == 0, result.err
    assert "Stage 2 next" in result.out
    assert "Pegasus" in result.out  # the only pair is the default
    (session,) = json.loads(cli("export").out)["sessions"]
    assert session["kind"] == "run_walk" and session["repeats_done"] == 10
    assert session["distance_km"] == pytest.approx(3.218688)
    assert session["shoe"] == "Pegasus"


def test_log_run_walk_stopped_early_repeats(cli: CliRunner, started: Path) -> None:
    cli("checkin", "--pain", "0", "--date", "2026-11-20", "--walked-30-pain-free",
        "--single-leg-bridge-ok")  # fmt: skip
    result = cli("log", "run-walk", "--stage", "1", "--stopped-after", "6", "--pain-during",
                 "1", "--pain-after", "1")  # fmt: skip
    assert result.code == 0, result.err
    assert "stage 1" in result.out.lower()
    (session,) = json.loads(cli("export").out)["sessions"]
    assert session["completed"] is False and session["repeats_done"] == 6


def test_log_run_cross_and_routine(cli: CliRunner, started: Path) -> None:
    assert cli("log", "run", "--distance", "5", "--pain-during", "0", "--pain-after", "0",
               "--minutes", "32").code == 0  # fmt: skip
    assert cli("log", "cross", "pool_run", "--minutes", "25").code == 0
    assert cli("log", "routine", "post_run").code == 0
    kinds = [s["kind"] for s in json.loads(cli("export").out)["sessions"]]
    assert sorted(kinds) == ["cross", "routine", "run"]


def test_today_human_output(cli: CliRunner, started: Path) -> None:
    result = cli("today", "--date", "2026-11-14")
    assert result.code == 0
    assert "program day 2" in result.out
    assert "10-minute core" in result.out
    assert "Not medical advice" in result.out


LOG_ERRORS = [
    (
        (
            "log",
            "run-walk",
            "--stage",
            "4",
            "--completed",
            "--pain-during",
            "1",
            "--pain-after",
            "1",
        ),
        "--stage",
    ),
    (("log", "run-walk", "--stage", "1", "--pain-during", "1", "--pain-after", "1"), "--completed"),
    (
        (
            "log",
            "run-walk",
            "--stage",
            "1",
            "--completed",
            "--stopped-after",
            "3",
            "--pain-during",
            "1",
            "--pain-after",
            "1",
        ),
        "not allowed with",
    ),
    (
        (
            "log",
            "run-walk",
            "--stage",
            "1",
            "--stopped-after",
            "10",
            "--pain-during",
            "1",
            "--pain-after",
            "1",
        ),
        "--stopped-after",
    ),
    (
        (
            "log",
            "run-walk",
            "--stage",
            "1",
            "--completed",
            "--pain-during",
            "12",
            "--pain-after",
            "1",
        ),
        "--pain-during",
    ),
    (
        (
            "log",
            "run-walk",
            "--stage",
            "1",
            "--completed",
            "--pain-during",
            "1",
            "--pain-after",
            "1",
            "--shoe",
            "Nope",
        ),
        "--shoe",
    ),
    (("log", "run", "--distance", "300", "--pain-during", "0", "--pain-after", "0"), "--distance"),
    (("log", "run", "--distance", "-1", "--pain-during", "0", "--pain-after", "0"), "--distance"),
    (("log", "run", "--pain-during", "0", "--pain-after", "0"), "--distance"),
    (
        (
            "log",
            "run",
            "--distance",
            "5",
            "--pain-during",
            "0",
            "--pain-after",
            "0",
            "--minutes",
            "0",
        ),
        "--minutes",
    ),
    (("log", "routine", "yoga"), "ROUTINE_ID"),
    (("log", "routine", "daily_core", "--pain-after", "11"), "--pain-after"),
    (("log", "cross", "swim", "--minutes", "20"), "invalid choice"),
    (("log", "cross", "pool_run"), "--minutes"),
    (("log", "cross", "pool_run", "--minutes", "2000"), "--minutes"),
    (("log", "cross", "pool_run", "--minutes", "20", "--date", "2027-01-01"), "in the future"),
    (("log",), "KIND"),
    (("today", "--date", "2026-02-30"), "--date"),
]


@pytest.mark.parametrize(
    ("args", "message"), LOG_ERRORS, ids=[" ".join(a)[:50] for a, _ in LOG_ERRORS]
)
def test_log_and_today_errors(
    cli: CliRunner, started: Path, args: tuple[str, ...], message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    before = started.read_bytes()
    result = cli(*args)
    assert result.code == 2
    assert message in result.err + capsys.readouterr().err
    assert started.read_bytes() == before


def test_today_without_profile(cli: CliRunner, data_path: Path) -> None:
    result = cli("today", "--json")
    assert result.code == 2 and "runback init" in result.err
