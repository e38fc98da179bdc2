"""Protocol v2 through the command line: every example of issue 15's "Why", and the new options.

Each test here failed before protocol v2 was built (red flags erased by an edit, a decision
naming the wrong session, no `--mistake`, `--weekly-distance`, `shoe add --date`, ...).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner

INIT = ("init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer")
TODAY = "2026-11-21"  # the suite's fake clock (tests/conftest.py)


@pytest.fixture(params=["fast", "full"])
def ready(request: pytest.FixtureRequest, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> str:
    """A data file with a profile; the CLI answers `today --json` from the sidecar (fast) or not."""
    monkeypatch.setenv("RUNBACK_FAST_PATH", "1" if request.param == "fast" else "0")
    assert cli(*INIT).code == 0
    return str(request.param)


def today_json(cli: CliRunner, *extra: str) -> dict[str, object]:
    result = cli("today", "--json", *extra)
    assert result.code == 0, result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def codes(plan: dict[str, object]) -> list[str]:
    warnings = plan["warnings"]
    assert isinstance(warnings, list)
    return [w["code"] for w in warnings]


# -- red flags stand until cleared ---------------------------------------------------------------


def test_an_edited_checkin_keeps_the_red_flag(cli: CliRunner, ready: str) -> None:
    assert cli("checkin", "--pain", "2", "--red-flag", "bladder_bowel").code == 0
    edit = cli("checkin", "--pain", "2")
    assert edit.code == 0, edit.err
    assert "still stands" in edit.out and "loss of bladder or bowel control" in edit.out
    plan = today_json(cli)
    assert plan["phase"] == "paused" and "red_flag_urgent" in codes(plan)
    tomorrow = today_json(cli, "--date", "2026-11-22")
    assert tomorrow["phase"] == "paused"
    exported = json.loads(cli("export").out)
    assert exported["checkins"][0]["red_flags"] == ["bladder_bowel"]
    # The edit history is in the export: a full backup.
    assert [e["red_flags"] for e in exported["checkin_edits"]] == [["bladder_bowel"]]
    report = cli("report").out
    assert "No red flags were reported" not in report
    assert "loss of bladder or bowel control" in report.lower()


def test_a_new_answer_adds_to_a_standing_flag(cli: CliRunner, ready: str) -> None:
    cli("checkin", "--pain", "2", "--red-flag", "night_pain")
    cli("checkin", "--pain", "3", "--red-flag", "leg_weakness")
    (checkin,) = json.loads(cli("export").out)["checkins"]
    assert checkin["red_flags"] == ["leg_weakness", "night_pain"]
    assert checkin["pain"] == 3


def test_saddle_numbness_is_urgent_with_the_one_message(cli: CliRunner, ready: str) -> None:
    result = cli("checkin", "--pain", "1", "--red-flag", "saddle_numbness")
    assert result.code == 0, result.err
    assert "Seek emergency care now" in result.out
    assert "healthcare provider" not in result.out
    plan = today_json(cli)
    assert codes(plan) == ["red_flag_urgent"]
    warnings = plan["warnings"]
    assert isinstance(warnings, list)
    assert "see a healthcare provider" not in warnings[0]["message"]


def test_mistake_withdrawal_lifts_todays_flag_and_is_recorded(cli: CliRunner, ready: str) -> None:
    cli("checkin", "--pain", "1", "--red-flag", "night_pain")
    result = cli("clear", "--mistake", "--yes", "--note", "misread the question")
    assert result.code == 0, result.err
    assert "withdrawn as answered by mistake" in result.out
    assert today_json(cli)["phase"] != "paused"
    exported = json.loads(cli("export").out)
    (clearance,) = exported["clearances"]
    assert clearance["reason"] == "mistake" and clearance["flags"] == ["night_pain"]
    assert clearance["made_at"]
    assert exported["checkins"][0]["red_flags"] == []
    report = cli("report").out
    assert "answered by mistake" in report
    assert "withdrawn" in report.lower()


def test_mistake_withdrawal_only_on_the_flags_own_date(cli: CliRunner, ready: str) -> None:
    cli("checkin", "--pain", "1", "--red-flag", "night_pain", "--date", "2026-11-20")
    result = cli("clear", "--mistake", "--yes", "--date", "2026-11-20")
    assert result.code == 2
    assert "own date only" in result.err and "professional" in result.err
    assert today_json(cli)["phase"] == "paused"
    result = cli("clear", "--mistake", "--yes")  # today: no red flag on today's check-in
    assert result.code == 2 and "no red flag" in result.err
    assert today_json(cli)["phase"] == "paused"


def test_mistake_withdrawal_asks_first(cli: CliRunner, ready: str) -> None:
    cli("checkin", "--pain", "1", "--red-flag", "bladder_bowel")
    result = cli("clear", "--mistake")  # no terminal to ask in (pytest's stdin)
    assert result.code == 2 and "--yes" in result.err
    assert today_json(cli)["phase"] == "paused"


def test_urgent_mistake_is_asked_twice(
    cli: CliRunner, ready: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("checkin", "--pain", "1", "--red-flag", "bladder_bowel")
    asked: list[str] = []
    answers = iter(["y", "n"])

    def answer(question: str) -> str:
        asked.append(question)
        return next(answers)

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    result = cli("clear", "--mistake")
    assert result.code == 0 and "Nothing was changed" in result.out
    assert len(asked) == 2 and "emergency care" in asked[1]
    assert today_json(cli)["phase"] == "paused"
    answers = iter(["y", "yes"])
    assert cli("clear", "--mistake").code == 0
    assert today_json(cli)["phase"] != "paused"


def test_yes_without_mistake_is_refused(cli: CliRunner, ready: str) -> None:
    result = cli("clear", "--yes")
    assert result.code == 2 and "--mistake" in result.err


# -- told true -------------------------------------------------------------------------------


def _to_stage_2(cli: CliRunner) -> None:
    cli("checkin", "--pain", "0", "--date", "2026-11-08", "--walked-30-pain-free",
        "--single-leg-bridge-ok")  # fmt: skip
    log = ("log", "run-walk", "--pain-during", "0", "--pain-after", "0")
    assert cli(*log, "--stage", "1", "--completed", "--date", "2026-11-08").code == 0


def test_the_decision_names_the_session_that_decided(cli: CliRunner, ready: str) -> None:
    _to_stage_2(cli)
    log = ("log", "run-walk", "--stage", "2", "--pain-during", "0", "--pain-after", "0")
    first = cli(*log, "--stopped-after", "3", "--date", "2026-11-10")
    assert first.code == 0, first.err
    second = cli(*log, "--completed", "--date", "2026-11-10")
    assert second.code == 0, second.err
    assert "Stage 2 again" in second.out
    assert "your stage 2 session logged at" in second.out
    assert "was stopped early (after 3 of 8 repeats)" in second.out
    assert "With 2 run-walk sessions on 2026-11-10, the worst decides." in second.out


def test_the_next_morning_response_makes_a_repeat(cli: CliRunner, ready: str) -> None:
    _to_stage_2(cli)
    cli("checkin", "--pain", "2", "--date", "2026-11-09")
    plan = today_json(cli, "--date", "2026-11-10")
    stage = plan["stage"]
    assert isinstance(stage, dict) and stage["number"] == 1
    text = cli("today", "--date", "2026-11-10").out
    assert "the morning after must not be worse" in text


def test_heat_for_stiffness(cli: CliRunner, ready: str) -> None:
    cli("checkin", "--pain", "1", "--stiffness", "6")
    plan = today_json(cli)
    activities = plan["activities"]
    assert isinstance(activities, list) and "heat" in activities
    assert "Heat" in cli("today").out


def test_done_in_today_json(cli: CliRunner, ready: str) -> None:
    cli("log", "routine", "daily_core")
    cli("log", "cross", "pool_run", "--minutes", "25")
    assert today_json(cli)["done"] == ["daily_core", "pool_run"]
    assert today_json(cli, "--date", "2026-11-20")["done"] == []


# -- new options -------------------------------------------------------------------------------


def test_init_weekly_distance(cli: CliRunner) -> None:
    result = cli("init", "--start-date", "2026-11-01", "--units", "mi", "--weekly-distance", "10")
    assert result.code == 0, result.err
    profile = json.loads(cli("export").out)["profile"]
    assert profile["starting_weekly_km"] == pytest.approx(16.09344)


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1001"])
def test_init_weekly_distance_refused(
    cli: CliRunner, data_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = cli("init", "--start-date", "2026-11-01", "--units", "km", "--weekly-distance", value)
    assert result.code == 2
    err = capsys.readouterr().err  # argparse's own message
    assert "--weekly-distance" in err and "weekly distance" in err
    assert not data_path.exists()


def test_init_start_date_at_most_60_days_ahead(cli: CliRunner, data_path: Path) -> None:
    assert cli("init", "--start-date", "2027-01-21", "--units", "km").code == 2  # 61 days
    assert not data_path.exists()
    result = cli("init", "--start-date", "2027-01-21", "--units", "km")
    assert "at most 60 days ahead" in result.err and "2027-01-20" in result.err
    assert cli("init", "--start-date", "2027-01-20", "--units", "km").code == 0


def test_shoe_add_back_dated(cli: CliRunner, ready: str) -> None:
    result = cli("shoe", "add", "Pegasus", "--date", "2026-10-01", "--start-distance", "40")
    assert result.code == 0, result.err
    (shoe,) = json.loads(cli("export").out)["shoes"]
    assert shoe["added"] == "2026-10-01"
    future = cli("shoe", "add", "Ghost", "--date", "2026-11-22")
    assert future.code == 2 and "today or earlier" in future.err
    assert len(json.loads(cli("export").out)["shoes"]) == 1


def test_version(cli: CliRunner, capsys: pytest.CaptureFixture[str]) -> None:
    from runback_tui.cli import run

    assert run(["--version"]) == 0
    assert capsys.readouterr().out.startswith("runback ")


def test_red_flag_help_lists_saddle_numbness(capsys: pytest.CaptureFixture[str]) -> None:
    from runback_tui.cli import run

    run(["checkin", "--help"])
    assert "saddle_numbness" in capsys.readouterr().out


def test_export_holds_everything(cli: CliRunner, ready: str) -> None:
    cli("checkin", "--pain", "2", "--red-flag", "leg_weakness", "--date", "2026-11-20")
    cli("checkin", "--pain", "1", "--date", "2026-11-20")
    cli("clear", "--note", "physio")
    cli("log", "routine", "daily_core")
    exported = json.loads(cli("export").out)
    assert list(exported) == [
        "schema_version", "profile", "checkins", "checkin_edits", "clearances", "sessions",
        "shoes", "pending_imports", "pre_program",
    ]  # fmt: skip
    assert exported["schema_version"] == 4
    assert exported["checkin_edits"][0]["replaced_at"]
    assert exported["clearances"][0]["reason"] == "professional"
    assert exported["sessions"][0]["logged_at"]
