"""Regenerate the SVG screenshots of every screen: ``python -m tests.make_screenshots``.

Each screen is shown on a Store in a temporary folder, seeded with fixed data, under a frozen
clock, so the files come out the same on every run.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from runback_tui.app import make_app
from runback_tui.demo import seed_demo
from runback_tui.domain.clock import FakeClock
from runback_tui.storage.store import Store
from tests.ui.fixtures import (
    NOW,
    new_store,
    seed_acute,
    seed_build,
    seed_movement,
    seed_paused,
    seed_pending,
    seed_run_walk,
    seed_urgent,
)


def seed_demo_history(store: Store) -> None:
    """Ten weeks of the demo's history, ending on the frozen date."""
    seed_demo(store, NOW.date())


OUT = Path(__file__).resolve().parents[1] / "screenshots"
"""Where the SVGs go."""

Seed = Callable[[Store], None] | None
Keys = tuple[str, ...]

SHOTS: tuple[tuple[str, Seed, Keys, tuple[int, int]], ...] = (
    ("onboarding", None, (), (80, 24)),
    ("home-movement", seed_movement, (), (80, 24)),
    ("home-run-walk", seed_run_walk, (), (80, 24)),
    ("home-build", seed_build, (), (80, 24)),
    ("home-build-wide", seed_build, (), (120, 40)),
    ("home-acute", seed_acute, (), (80, 24)),
    ("home-paused", seed_paused, (), (80, 24)),
    ("checkin", seed_run_walk, ("c", "3", "tab", "2"), (80, 24)),
    ("stop", seed_paused, ("s",), (80, 24)),
    ("stop-urgent", seed_urgent, ("s",), (80, 24)),
    ("clearance", seed_paused, ("s", "a"), (80, 24)),
    ("profile", seed_build, ("p",), (80, 24)),
    ("help", seed_run_walk, ("question_mark",), (80, 24)),
    ("routines", seed_run_walk, ("e",), (80, 24)),
    ("routine-session", seed_movement, ("e", "enter"), (80, 24)),
    ("run-start", seed_run_walk, ("r",), (80, 24)),
    ("road-ahead", seed_run_walk, ("a",), (80, 24)),
    ("pending-runs", seed_pending, ("1", "tab", "1"), (80, 24)),
    ("run-session", seed_run_walk, ("r", "enter"), (80, 24)),
    ("dashboard-where", seed_demo_history, ("d",), (80, 24)),
    ("dashboard-pain", seed_demo_history, ("d", "2"), (80, 24)),
    ("dashboard-adherence", seed_demo_history, ("d", "3"), (80, 24)),
    ("dashboard-load", seed_demo_history, ("d", "4"), (80, 24)),
    ("dashboard-shoes", seed_demo_history, ("d", "5"), (80, 24)),
    ("dashboard-events", seed_demo_history, ("d", "6"), (80, 24)),
    ("dashboard-wide", seed_demo_history, ("d",), (120, 40)),
    ("dashboard-empty", seed_movement, ("d",), (80, 24)),
)
"""(file name, data, keys to press, terminal size) for every screenshot."""


async def shoot(name: str, seed: Seed, keys: Keys, size: tuple[int, int], folder: Path) -> Path:
    """Save one screenshot and return its path."""
    store = new_store(folder / name / "runback.json")
    if seed is not None:
        seed(store)
    app = make_app(store, FakeClock(NOW), blink_cursor=False, animations=False)
    async with app.run_test(size=size) as pilot:
        await _press(pilot, keys)
        filename = f"{name}.svg"
        app.save_screenshot(filename=filename, path=str(OUT))
    return OUT / filename


async def _press(pilot: Pilot[None], keys: Keys) -> None:
    """Press *keys* and let the app settle."""
    await pilot.pause()
    if keys:
        await pilot.press(*keys)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def main() -> None:
    """Write every screenshot into screenshots/."""
    for name in ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL_ANIMATIONS"):
        os.environ.pop(name, None)  # the same colours on every machine
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, seed, keys, size in SHOTS:
            path = await shoot(name, seed, keys, size, Path(tmp))
            print(path.relative_to(OUT.parent))


if __name__ == "__main__":
    asyncio.run(main())
