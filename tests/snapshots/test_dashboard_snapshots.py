"""Snapshots of the dashboard: the demo history at 80×24 and 120×40, and the empty state.

Fixed data (the seeded demo history ending on the suite's frozen date), a FakeClock, no
blinking cursor and no animations, so every run draws the same screen.  Update the baselines
with ``pytest tests/snapshots --snapshot-update`` after a deliberate change, and look at them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from runback_tui.app import make_app
from runback_tui.demo import seed_demo
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import Profile
from runback_tui.screens.dashboard import DashboardScreen
from runback_tui.storage.store import Store
from tests.ui.fixtures import NOW, TODAY

SnapCompare = Callable[..., bool]


def _app(path: Path, *, demo: bool) -> Any:
    """The app on a demo (or brand-new) data file, frozen clock, no blinking or animation."""
    clock = FakeClock(NOW)
    store = Store(path, now=clock.now)
    if demo:
        seed_demo(store, TODAY)
    else:
        store.save_profile(Profile(start_date=TODAY, accepted_disclaimer=True))
    return make_app(store, clock, blink_cursor=False, animations=False)


def _open_dashboard(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Push the dashboard, wait for its data, then press *keys*."""

    async def run_before(pilot: Pilot[None]) -> None:
        screen = DashboardScreen()
        await pilot.app.push_screen(screen)
        for _ in range(100):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if screen.data is not None or screen.has_class("-empty"):
                break
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


def test_dashboard_now_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """Demo history, 80×24: the tab bar and the 'where you are' panel."""
    app = _app(tmp_path / "r.json", demo=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_dashboard())


def test_dashboard_pain_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """Demo history, 80×24: the pain chart over 4 weeks with session marks."""
    app = _app(tmp_path / "r.json", demo=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_dashboard("2"))


def test_dashboard_adherence_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """Demo history, 80×24: the 12-week calendar, legend and streaks."""
    app = _app(tmp_path / "r.json", demo=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_dashboard("3"))


def test_dashboard_load_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """Demo history, 80×24: weekly bars with the cap, a deload and an over-cap week."""
    app = _app(tmp_path / "r.json", demo=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_dashboard("4"))


def test_dashboard_events_filtered_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """Demo history, 80×24: the events table filtered to stage changes."""
    app = _app(tmp_path / "r.json", demo=True)
    run_before = _open_dashboard("6", "f", "f", "f", "f")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_dashboard_grid_120x40(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """Demo history, 120×40: all six panels in the grid, "where you are" whole, the calendar
    with its key, the pain chart with a row per pain value."""
    app = _app(tmp_path / "r.json", demo=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_open_dashboard())


def test_dashboard_grid_events_focused_120x40(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """Demo history, 120×40, the events panel focused (6): its highlighted event's sentence."""
    app = _app(tmp_path / "r.json", demo=True)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_open_dashboard("6"))


def test_dashboard_empty_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """A new user with no check-ins yet: what will appear and how to start."""
    app = _app(tmp_path / "r.json", demo=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_dashboard())
