"""Snapshots of every morning screen at 80x24 (home also at 120x40), from fixed data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from runback_tui.app import RunbackApp, make_app
from runback_tui.domain.clock import FakeClock
from runback_tui.storage.store import Store
from tests.ui.fixtures import SEEDS, new_store, seed_build, seed_paused, seed_run_walk, seed_urgent

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
