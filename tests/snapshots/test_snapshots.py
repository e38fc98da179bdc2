"""Snapshots of every morning screen at 80x24 (home and the cue settings also at 120x40), the
routine picker and a saved summary, from fixed data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from runback_tui.app import RunbackApp, make_app
from runback_tui.domain.clock import FakeClock
from runback_tui.screens.settings import SettingsScreen
from runback_tui.screens.summary import RoutineSummaryScreen
from runback_tui.sessions.results import RoutineResult
from runback_tui.storage.store import Store
from tests.ui.fixtures import (
    SEEDS,
    TODAY,
    new_store,
    seed_acute,
    seed_build,
    seed_movement,
    seed_paused,
    seed_run_walk,
    seed_urgent,
)

SnapCompare = Callable[..., bool]


def app_with(data_path: Path, clock: FakeClock, seed: Callable[[Store], None] | None) -> RunbackApp:
    """An app on a fresh file seeded by *seed*, with no blinking cursor and no animations."""
    store = new_store(data_path)
    if seed is not None:
        seed(store)
    return make_app(store, clock, blink_cursor=False, animations=False)


def test_onboarding(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """First run: units, start date and the history questions with why they matter."""
    assert snap_compare(app_with(data_path, clock, None), terminal_size=(80, 24))


@pytest.mark.parametrize("phase", list(SEEDS))
def test_home(snap_compare: SnapCompare, data_path: Path, clock: FakeClock, phase: str) -> None:
    """Home in each phase: movement, run_walk, build, acute and paused."""
    assert snap_compare(app_with(data_path, clock, SEEDS[phase]), terminal_size=(80, 24))


def test_home_wide(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """At 120x40 home uses two columns."""
    assert snap_compare(app_with(data_path, clock, seed_build), terminal_size=(120, 40))


def test_checkin(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """The check-in form with pain set to 3."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("c", "3")

    assert snap_compare(
        app_with(data_path, clock, seed_run_walk), terminal_size=(80, 24), run_before=run_before
    )


def test_stop_screen(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """The red-flag stop screen, reached from a paused home with s."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("s")

    assert snap_compare(
        app_with(data_path, clock, seed_paused), terminal_size=(80, 24), run_before=run_before
    )


def test_stop_screen_urgent(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """Loss of bladder or bowel control: seek emergency care now."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("s")

    assert snap_compare(
        app_with(data_path, clock, seed_urgent), terminal_size=(80, 24), run_before=run_before
    )


def test_help(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """Help: keys, when to see a professional, the protocol in brief."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")

    assert snap_compare(
        app_with(data_path, clock, seed_run_walk), terminal_size=(80, 24), run_before=run_before
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_cue_settings(
    snap_compare: SnapCompare,
    data_path: Path,
    clock: FakeClock,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cue settings: every answer beside its question; at 80 columns the six ice lengths
    go on the line under theirs, never "( ) 18" on a line of its own (issue 17).  Drawn as
    on a machine without espeak-ng (the spoken-cue switch shows only where it is)."""
    from runback_tui.sessions import cues

    monkeypatch.setattr(cues, "espeak_path", lambda: None)

    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(SettingsScreen())
        await pilot.pause()

    assert snap_compare(
        app_with(data_path, clock, seed_run_walk), terminal_size=size, run_before=run_before
    )


def test_routines_numbered(snap_compare: SnapCompare, data_path: Path, clock: FakeClock) -> None:
    """The routine picker on an acute day: wrapped list lines hang under their names, and the
    highlighted routine's exercises are numbered below."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await pilot.pause()

    assert snap_compare(
        app_with(data_path, clock, seed_acute), terminal_size=(80, 24), run_before=run_before
    )


def saved_result() -> RoutineResult:
    """A 10-minute core finished in 9:40, nothing skipped, no pain logged during it."""
    return RoutineResult(
        routine_id="daily_core",
        title="10-minute core",
        completed=True,
        duration_s=580.0,
        skipped=(),
        max_pain=None,
        flare=False,
        day=TODAY,
    )


def test_saved_routine_summary(
    snap_compare: SnapCompare, data_path: Path, clock: FakeClock
) -> None:
    """A routine summary once saved: the footer offers "esc Close", not "esc Discard"."""

    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(RoutineSummaryScreen(saved_result()))
        await pilot.pause()
        await pilot.press("1", "tab", "1", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(
        app_with(data_path, clock, seed_movement), terminal_size=(80, 24), run_before=run_before
    )
