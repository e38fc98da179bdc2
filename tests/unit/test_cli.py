"""The command line of interface.md: happy paths, error paths, exit codes, files unchanged."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from runback_tui.cli import build_parser
from tests.conftest import CliRunner

INIT = ("init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer")


def snapshot_bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


@pytest.fixture
def ready(cli: CliRunner, data_path: Path) -> Path:
    """A data file with a profile."""
    assert cli(*INIT).code == 0
    return data_path


# -- happy paths ----------------------------------------------------------------------------


def test_init_creates_the_profile(cli: CliRunner, data_path: Path) -> None:
    result = cli("init", "--start-date", "2026-11-01", "--units", "mi",
                 "--history", "osteoporosis", "cancer_history", "--accept-disclaimer")  # fmt: skip
    assert result.code == 0, result.err
    exported = json.loads(cli("export").out)
    assert exported["profile"] == {
        "start_date": "2026-11-01",
        "units": "mi",
        "history": ["osteoporosis", "cancer_history"],
        "accepted_disclaimer": True,
        "starting_weekly_km": None,
    }


def test_init_without_disclaimer_says_it_will_be_asked(cli: CliRunner) -> None:
    result = cli("init", "--start-date", "2026-11-01", "--units", "km")
    assert result.code == 0
    assert "not medical advice" in result.out


def test_checkin_all_options(cli: CliRunner, ready: Path) -> None:
    result = cli("checkin", "--pain", "3", "--date", "2026-11-20", "--stiffness", "4",
                 "--red-flag", "night_pain", "--walked-30-pain-free", "--single-leg-bridge-ok",
                 "--pain-meds", "--note", "stiff morning")  # fmt: skip
    assert result.code == 0, result.err
    assert "RED FLAG" in result.out and "healthcare provider" in result.out
    (checkin,) = json.loads(cli("export").out)["checkins"]
    assert checkin == {
        "date": "2026-11-20",
        "pain": 3,
        "stiffness": 4,
        "red_flags": ["night_pain"],
        "walked_30_pain_free": True,
        "single_leg_bridge_ok": True,
        "pain_meds_for_daily_life": True,
        "note": "stiff morning",
    }


def test_checkin_defaults_to_today_and_replaces(cli: CliRunner, ready: Path) -> None:
    assert cli("checkin", "--pain", "5").code == 0
    again = cli("checkin", "--pain", "2")
    assert again.code == 0 and "replaced" in again.out
    checkins = json.loads(cli("export").out)["checkins"]
    assert [(c["date"], c["pain"]) for c in checkins] == [("2026-11-21", 2)]


def test_bladder_bowel_says_emergency(cli: CliRunner, ready: Path) -> None:
    result = cli("checkin", "--pain", "1", "--red-flag", "bladder_bowel")
    assert "emergency care" in result.out


def test_clear(cli: CliRunner, ready: Path) -> None:
    cli("checkin", "--pain", "1", "--red-flag", "leg_weakness", "--date", "2026-11-10")
    result = cli("clear", "--date", "2026-11-12", "--note", "physio OK")
    assert result.code == 0
    (clearance,) = json.loads(cli("export").out)["clearances"]
    assert clearance.pop("made_at")  # when it was recorded, with its UTC offset
    assert clearance == {
        "date": "2026-11-12",
        "note": "physio OK",
        "reason": "professional",
        "flags": [],
    }


def test_shoes_add_and_list(cli: CliRunner, data_path: Path) -> None:
    cli("init", "--start-date", "2026-11-01", "--units", "mi")
    assert cli("shoe", "add", "Pegasus", "--start-distance", "310").code == 0
    assert cli("shoe", "add", "Clifton").code == 0
    listing = json.loads(cli("shoe", "list", "--json").out)
    assert [(s["name"], s["distance"], s["status"]) for s in listing] == [
        ("Pegasus", 310.0, "replace_soon"),
        ("Clifton", 0.0, "ok"),
    ]
    text = cli("shoe", "list").out
    assert "Pegasus: 310.0 mi (look for a replacement)" in text


def test_export_json_to_file_and_csv(cli: CliRunner, ready: Path, tmp_path: Path) -> None:
    cli("checkin", "--pain", "2", "--red-flag", "night_pain", "leg_weakness")
    out = tmp_path / "backup.json"
    assert cli("export", "--out", str(out)).code == 0
    data = json.loads(out.read_text())
    assert set(data) >= {"schema_version", "profile", "checkins", "sessions", "shoes"}
    assert out.stat().st_mode & 0o077 == 0
    folder = tmp_path / "csv"
    assert cli("export", "--format", "csv", "--out", str(folder)).code == 0
    rows = list(csv.DictReader((folder / "checkins.csv").open()))
    assert rows[0]["red_flags"] == "night_pain;leg_weakness"
    assert {p.name for p in folder.iterdir()} >= {"checkins.csv", "sessions.csv", "shoes.csv"}


def test_data_option_before_or_after_the_subcommand(tmp_path: Path) -> None:
    from runback_tui.cli import run

    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run(["--data", str(first), *INIT]) == 0
    assert run([*INIT, "--data", str(second)]) == 0
    assert first.exists() and second.exists()


def test_runback_data_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from runback_tui.cli import run

    target = tmp_path / "env" / "runback.json"
    monkeypatch.setenv("RUNBACK_DATA", str(target))
    assert run(list(INIT)) == 0
    assert target.exists()


def _all_parsers() -> list[list[str]]:
    """Every subcommand path, e.g. ['log', 'run-walk']."""
    paths: list[list[str]] = [[]]

    def walk(parser: object, prefix: list[str]) -> None:
        for action in getattr(parser, "_actions", []):
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                for name, sub in choices.items():
                    paths.append([*prefix, name])
                    walk(sub, [*prefix, name])

    walk(build_parser(), [])
    return paths


@pytest.mark.parametrize("path", _all_parsers(), ids=lambda p: " ".join(p) or "runback")
def test_every_command_has_help(
    path: list[str], cli: CliRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(*path, "--help").code == 0
    assert "usage: runback" in capsys.readouterr().out


# -- error paths: exit code, a message naming the option, and the file unchanged -------------

ERRORS = [
    (("checkin", "--pain", "11"), 2, "--pain: must be a whole number from 0 to 10"),
    (("checkin", "--pain", "-1"), 2, "--pain"),
    (("checkin", "--pain", "3.5"), 2, "--pain"),
    (("checkin", "--pain", "NaN"), 2, "--pain"),
    (("checkin",), 2, "--pain"),
    (("checkin", "--pain", "3", "--stiffness", "12"), 2, "--stiffness"),
    (("checkin", "--pain", "3", "--date", "2026-02-29"), 2, "--date: must be a real date"),
    (("checkin", "--pain", "3", "--date", "21/11/2026"), 2, "YYYY-MM-DD"),
    (("checkin", "--pain", "3", "--date", "2026-11-22"), 2, "in the future"),
    (("checkin", "--pain", "3", "--date", "2026-10-31"), 2, "before your program's start"),
    (("checkin", "--pain", "3", "--red-flag", "sore"), 2, "--red-flag: invalid choice"),
    (("checkin", "--pain", "3", "--note", "x" * 2001), 2, "--note: must be at most 2000"),
    (("checkin", "--pain", "3", "--note", "bell\x07"), 2, "control characters"),
    (("clear", "--date", "not-a-date"), 2, "--date"),
    (("shoe", "add", ""), 2, "NAME"),
    (("shoe", "add", "x" * 61), 2, "at most 60"),
    (("shoe", "add", "Ok", "--start-distance", "-3"), 2, "--start-distance"),
    (("shoe", "add", "Ok", "--start-distance", "inf"), 2, "--start-distance"),
    (("shoe", "add", "Ok", "--start-distance", "6000"), 2, "--start-distance"),
    (("export", "--format", "xml"), 2, "--format: invalid choice"),
    (("init", "--start-date", "2026-11-01", "--units", "km"), 2, "already exists"),
    (("init", "--start-date", "2026-11-01", "--units", "leagues"), 2, "--units"),
    (("frobnicate",), 2, "invalid choice"),
]


@pytest.mark.parametrize(
    ("args", "code", "message"), ERRORS, ids=[" ".join(e[0])[:40] for e in ERRORS]
)
def test_errors_exit_with_a_message_and_change_nothing(
    cli: CliRunner, ready: Path, args: tuple[str, ...], code: int, message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    cli("checkin", "--pain", "2", "--date", "2026-11-02")
    before = snapshot_bytes(ready)
    result = cli(*args)
    err = result.err + capsys.readouterr().err
    assert result.code == code
    assert message in err
    assert "Traceback" not in err
    assert snapshot_bytes(ready) == before


def test_duplicate_shoe_exit_2(cli: CliRunner, ready: Path) -> None:
    cli("shoe", "add", "Pegasus")
    before = snapshot_bytes(ready)
    result = cli("shoe", "add", "pegasus")
    assert result.code == 2 and "already exists" in result.err
    assert snapshot_bytes(ready) == before


@pytest.mark.parametrize(
    "args",
    [
        ("checkin", "--pain", "1"),
        ("clear",),
        ("shoe", "add", "X"),
        ("shoe", "list"),
        ("export",),
        ("today",),
        ("report",),
        ("serve",),
        ("log", "cross", "pool_run", "--minutes", "20"),
    ],
)
def test_no_profile_exit_2(cli: CliRunner, data_path: Path, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.code == 2
    assert "run `runback init` or open `runback`" in result.err
    assert not data_path.exists()


@pytest.mark.parametrize(
    "args", [("checkin", "--pain", "1"), ("export",), ("shoe", "list"), ("init", *INIT[1:])]
)
def test_corrupt_file_exit_3_names_the_file_and_keeps_it(
    cli: CliRunner, data_path: Path, args: tuple[str, ...]
) -> None:
    data_path.parent.mkdir(parents=True)
    data_path.write_bytes(b'{"_meta": {"1": {"schema_version": 1}}, "checkins": {"1": {')
    before = data_path.read_bytes()
    result = cli(*args)
    assert result.code == 3
    assert str(data_path) in result.err and "left exactly as it was" in result.err
    assert data_path.read_bytes() == before


def test_locked_too_long_exit_3(
    cli: CliRunner, ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl
    import os

    monkeypatch.setenv("RUNBACK_LOCK_TIMEOUT", "0.2")
    lock = ready.with_name(ready.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    child = subprocess.Popen(
        [sys.executable, "-c", f"import fcntl,os,time; fd=os.open({str(lock)!r}, os.O_RDWR); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('x', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "x"
        before = ready.read_bytes()
        result = cli("checkin", "--pain", "1")
        assert result.code == 3 and "locked" in result.err
        assert ready.read_bytes() == before
    finally:
        child.kill()
        child.wait()
        os.close(fd)
    del fcntl


def test_installed_entry_point_runs_as_a_process(tmp_path: Path) -> None:
    data = tmp_path / "p.json"
    done = subprocess.run(
        [sys.executable, "-m", "runback_tui", "--data", str(data), *INIT],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "runback_tui", "--data", str(data), "checkin", "--pain", "x"],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert bad.returncode == 2 and "--pain" in bad.stderr


def test_a_short_lived_subcommand_exits_without_teardown_and_loses_no_output(
    tmp_path: Path,
) -> None:
    """`runback` skips the interpreter's teardown (os._exit) after flushing what it wrote."""
    path = tmp_path / "runback.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
    command = [sys.executable, "-m", "runback_tui", "--data", str(path)]
    for args, code in (
        (["init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer"], 0),
        (["checkin", "--pain", "2"], 0),
    ):
        done = subprocess.run(
            [*command, *args], capture_output=True, text=True, check=False, env=env
        )
        assert done.returncode == code, done.stderr
    answered = subprocess.run(
        [*command, "today", "--json", "--date", "2026-11-21"],
        capture_output=True,
        check=False,
        env=env,
    )
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["date"] == "2026-11-21"
    refused = subprocess.run(
        [*command, "checkin", "--pain", "2", "--stiffness", "11"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert refused.returncode == 2 and "--stiffness" in refused.stderr
