"""Hypothesis fuzzing of every CLI subcommand's arguments and of hostile data files.

Whatever the input: never a traceback, exit 0, 2 or 3 with a message, and the data file
unchanged unless the command succeeded. The example budget is modest by default (CI);
set RUNBACK_FUZZ_EXAMPLES for a longer run (`pytest -m fuzz`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from runback_tui.cli import run
from runback_tui.domain.clock import FakeClock
from runback_tui.storage.durable import DataFileError
from runback_tui.storage.store import Store

EXAMPLES = int(os.environ.get("RUNBACK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
pytestmark = pytest.mark.fuzz

NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "1e309", "0x10", "٣", "３", "", " ", "-0",
                     "1_000", "10.", ".5", "1e-400"]),
)  # fmt: skip
DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2024-02-29", "2025-02-29", "2026-03-29", "2026-10-25", "0001-01-01",
                     "9999-12-31", "2026-11-21T00:30", "21/11/2026", "2026-1-1", "", "today"]),
)  # fmt: skip
TEXT = st.text(max_size=80) | st.text(min_size=2000, max_size=2100)
VALUES = st.one_of(NUMBERS, DATES, TEXT)

OPTIONS: dict[tuple[str, ...], list[str]] = {
    ("init",): ["--start-date", "--units", "--history"],
    ("checkin",): ["--pain", "--date", "--stiffness", "--red-flag", "--note"],
    ("clear",): ["--date", "--note"],
    ("today",): ["--date"],
    ("log", "run-walk"): ["--stage", "--stopped-after", "--pain-during", "--pain-after",
                          "--distance", "--shoe", "--date"],
    ("log", "run"): ["--distance", "--pain-during", "--pain-after", "--minutes", "--shoe",
                     "--date"],
    ("log", "routine"): ["--pain-after", "--date"],
    ("log", "cross"): ["--minutes", "--date"],
    ("shoe", "add"): ["--start-distance"],
    ("shoe", "list"): [],
    ("export",): ["--format"],
}  # fmt: skip
FLAGS = ["--json", "--completed", "--walked-30-pain-free", "--single-leg-bridge-ok",
         "--pain-meds", "--accept-disclaimer", "--help-me"]  # fmt: skip
POSITIONALS = st.sampled_from(["daily_core", "pool_run", "cycle_easy", "Pegasus"]) | TEXT


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A subcommand with a random mix of its options, random values and stray flags."""
    command = draw(st.sampled_from(sorted(OPTIONS)))
    argv = list(command)
    if command in {("log", "routine"), ("log", "cross"), ("shoe", "add")}:
        argv.append(draw(POSITIONALS))
    for _ in range(draw(st.integers(0, 6))):
        if bool(OPTIONS[command]) and draw(st.booleans()):
            argv += [draw(st.sampled_from(OPTIONS[command])), draw(VALUES)]
        else:
            argv.append(draw(st.sampled_from(FLAGS)))
    return argv


def _seeded_file(folder: Path) -> Path:
    """A data file with a profile, a check-in, a shoe and a session."""
    path = folder / "runback.json"
    clock = FakeClock(datetime(2026, 11, 21, 7, 30))
    for argv in (
        ["init", "--start-date", "2026-11-01", "--units", "km", "--accept-disclaimer"],
        ["checkin", "--pain", "2", "--date", "2026-11-20"],
        ["shoe", "add", "Pegasus"],
        ["log", "cross", "pool_run", "--minutes", "20", "--date", "2026-11-19"],
    ):
        assert run(["--data", str(path), *argv], clock=clock, out=io.StringIO()) == 0
    return path


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _seeded_file(tmp_path_factory.mktemp("seed"))


@FUZZ
@given(argv=command_lines())
def test_any_command_line_gives_a_clean_outcome(seed_file: Path, argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "runback.json"
        shutil.copyfile(seed_file, path)
        before = path.read_bytes()
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = run(
                ["--data", str(path), *argv],
                clock=FakeClock(datetime(2026, 11, 21, 7, 30)),
                out=out,
                err=err,
            )
        message = err.getvalue()
        assert code in (0, 2, 3), (argv, code, message)
        assert "Traceback" not in message + out.getvalue()
        if code != 0:
            assert message.strip(), f"exit {code} without a message for {argv!r}"
            assert path.read_bytes() == before, f"file changed by a failed {argv!r}"
        Store(path).snapshot()  # whatever happened, the file is still valid


JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
)  # fmt: skip
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
TABLE_NAMES = st.sampled_from(
    ["_meta", "profile", "checkins", "clearances", "sessions", "shoes", "checkin_edits", "x"]
)
DOC_FIELDS = st.sampled_from(
    ["date", "pain", "stiffness", "red_flags", "note", "kind", "stage", "distance_km", "id",
     "name", "start_date", "units", "schema_version", "minutes", "activity", "routine_id"]
) | st.text(max_size=8)  # fmt: skip


@st.composite
def hostile_files(draw: st.DrawFn) -> bytes:
    """Data files shaped like Runback's, with wrong types, unknown keys and odd versions."""
    tables: dict[str, Any] = {}
    if draw(st.booleans()):
        version = draw(st.one_of(st.integers(-2, 5), JSON_LEAVES))
        tables["_meta"] = {"1": {"schema_version": version}}
    for _ in range(draw(st.integers(0, 4))):
        name = draw(TABLE_NAMES)
        docs = {}
        for doc_id in draw(st.lists(st.integers(0, 5).map(str) | st.text(max_size=3), max_size=3)):
            docs[doc_id] = draw(st.dictionaries(DOC_FIELDS, JSON_VALUES, max_size=6))
        tables[name] = draw(st.one_of(st.just(docs), JSON_VALUES))
    return json.dumps(tables).encode()


@FUZZ
@given(content=hostile_files())
@example(content=b'{"checkins": {"0": {"date": []}}}')  # once a TypeError in the v1->v2 step
def test_hostile_data_files_are_refused_or_migrated_never_silently_rewritten(
    content: bytes,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "runback.json"
        path.write_bytes(content)
        try:
            Store(path).snapshot()
        except DataFileError as error:
            assert error.exit_code == 3
            assert path.read_bytes() == content
            return
        if path.read_bytes() != content:  # accepted after a migration: the original is kept
            backups = list(Path(folder).glob("runback.json.v*-backup"))
            assert backups and backups[0].read_bytes() == content


@FUZZ
@given(content=st.binary(max_size=300))
def test_random_bytes_are_refused_untouched(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "runback.json"
        path.write_bytes(content)
        with contextlib.suppress(DataFileError):
            Store(path).snapshot()
        assert path.read_bytes() == content or list(Path(folder).glob("*-backup"))
