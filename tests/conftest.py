"""Shared fixtures: a private data file per test, a fake clock, and a CLI runner."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from runback_tui.cli import run
from runback_tui.domain.clock import FakeClock
from runback_tui.storage.store import Store

TODAY = datetime(2026, 11, 21, 7, 30)
"""The frozen 'now' of the test suite."""


@pytest.fixture(autouse=True)
def _no_user_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never touch the user's data dir: RUNBACK_DATA points into tmp_path."""
    monkeypatch.setenv("RUNBACK_DATA", str(tmp_path / "default" / "runback.json"))
    monkeypatch.setenv("RUNBACK_LOCK_TIMEOUT", "5")


@pytest.fixture
def data_path(tmp_path: Path) -> Path:
    """A data file path that does not exist yet."""
    return tmp_path / "data" / "runback.json"


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock at the suite's frozen 'now'."""
    return FakeClock(TODAY)


@pytest.fixture
def store(data_path: Path, clock: FakeClock) -> Store:
    """A Store on a fresh file."""
    return Store(data_path, now=clock.now)


@dataclass
class CliResult:
    """What one CLI call printed and returned."""

    code: int
    out: str
    err: str


CliRunner = Callable[..., CliResult]


@pytest.fixture
def cli(data_path: Path, clock: FakeClock) -> CliRunner:
    """Run `runback ARGS` in-process against the test's data file and clock."""

    def invoke(*args: str, data: Path | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        argv = ["--data", str(data or data_path), *args]
        code = run(argv, clock=clock, out=out, err=err)
        return CliResult(code, out.getvalue(), err.getvalue())

    return invoke
