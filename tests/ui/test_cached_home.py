"""Home drawn from the sidecar's cached view: the same screen, never a stale one.

The app keeps home's views for a validated file version in the sidecar; the next start
draws home from them before loading anything, then loads the store in a worker.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from runback_tui.app import RunbackApp, make_app
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import ActiveSession, CheckIn
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.homeview import PANELS, valid_view
from runback_tui.storage import cache
from runback_tui.storage.store import Store
from tests.ui.fixtures import (
    NOW,
    TODAY,
    new_store,
    seed_acute,
    seed_build,
    seed_movement,
    seed_paused,
    seed_run_walk,
)

SIZE = (80, 24)
ALL_PANELS = (*PANELS, "home-ice")

Seeder = Callable[[Store], None]


def _screen_text(app: RunbackApp) -> dict[str, str | None]:
    """Each home panel's text, None when hidden."""
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    return {
        name: str(screen.query_one(f"#{name}", Static).render())
        if screen.query_one(f"#{name}").display
        else None
        for name in ALL_PANELS
    }


async def _cold_home(store: Store, clock: FakeClock) -> dict[str, str | None]:
    """Home as drawn after loading the store first; its warm-up writes the views."""
    app = make_app(store, clock, blink_cursor=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        return _screen_text(app)


async def _started_from_cache(tmp_path: Path) -> tuple[Path, RunbackApp]:
    """A run-walk file whose views a first start cached, and the app a second start opens."""
    path = tmp_path / "runback.json"
    seed_run_walk(new_store(path))
    await _cold_home(Store(path), FakeClock(NOW))
    return path, _cached_app(path, FakeClock(NOW))


def _cached_app(path: Path, clock: FakeClock) -> RunbackApp:
    """The app as run_tui starts it when the sidecar holds today's view."""
    view = valid_view(cache.cached(path, "home", clock.today()), clock.today())
    assert view is not None, "the sidecar holds no view for today"
    return make_app(
        None, clock, data_path=path, home_view=view, blink_cursor=False, animations=False
    )


@pytest.mark.parametrize(
    "seed", [seed_movement, seed_run_walk, seed_build, seed_acute, seed_paused]
)
async def test_the_cached_first_frame_is_the_home_the_store_gives(
    tmp_path: Path, seed: Seeder
) -> None:
    """Every phase: the first frame from the cache equals home drawn from the store."""
    path = tmp_path / "runback.json"
    store = new_store(path)
    seed(store)
    clock = FakeClock(NOW)
    expected = await _cold_home(Store(path), clock)
    app = _cached_app(path, clock)
    loaded: list[bool] = []
    app.data_loaded = lambda: loaded.append(True)  # type: ignore[method-assign]
    # Hold the background load until the first frame is checked (it races the test).
    load, held = app.load_in_background, []
    app.load_in_background = lambda: held.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert held == [True]  # home asked for the load after its first frame
        assert _screen_text(app) == expected  # drawn from the view, before any load
        assert app._store is None
        load()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert loaded == [True]
        assert _screen_text(app) == expected  # and still the same once the store loaded


async def test_views_ahead_match_tomorrow_and_the_day_after(tmp_path: Path) -> None:
    """The views kept for the next days are what home shows on those days."""
    path = tmp_path / "runback.json"
    seed_run_walk(new_store(path))
    await _cold_home(Store(path), FakeClock(NOW))
    for ahead in (1, 2):
        clock = FakeClock(NOW + timedelta(days=ahead))
        app = _cached_app(path, clock)
        async with app.run_test(size=SIZE):
            cached = _screen_text(app)
        fresh = Path(tmp_path / f"copy{ahead}.json")
        fresh.write_bytes(path.read_bytes())
        assert cached == await _cold_home(Store(fresh), clock)


async def test_a_write_makes_the_cached_view_unusable(tmp_path: Path) -> None:
    """Any change to the file (here a check-in by another process) means no cached view."""
    path = tmp_path / "runback.json"
    seed_run_walk(new_store(path))
    await _cold_home(Store(path), FakeClock(NOW))
    assert cache.cached(path, "home", TODAY) is not None
    Store(path).save_checkin(CheckIn(date=TODAY, pain=3))
    assert cache.cached(path, "home", TODAY) is None
    # A view for one day is never used on another.
    assert valid_view(cache.cached(path, "home", TODAY), TODAY + timedelta(days=1)) is None


async def test_home_follows_a_write_after_a_cached_start(tmp_path: Path) -> None:
    """Started from the cache, home still re-reads when another process writes."""
    path, app = await _started_from_cache(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        Store(path).save_checkin(CheckIn(date=TODAY, pain=1, stiffness=4))
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        screen._poll_file()
        await pilot.pause()
        assert "stiffness 4/10" in str(_screen_text(app)["home-day"])


async def test_no_view_is_kept_while_a_session_is_under_way(tmp_path: Path) -> None:
    """A start must load the store to offer resuming a session, so no view is cached."""
    path = tmp_path / "runback.json"
    store = new_store(path)
    seed_run_walk(store)
    store.save_active_session(
        ActiveSession(
            kind="run_walk",
            stage=1,
            date=TODAY,
            started_at=NOW - timedelta(minutes=5),
            saved_at=NOW - timedelta(minutes=4),
            elapsed_at_save_s=60.0,
        )
    )
    app = make_app(Store(path), FakeClock(NOW), blink_cursor=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert cache.cached(path, "home", TODAY) is None


@pytest.mark.parametrize(
    "bad",
    [
        "not a dict",
        {"format": 99},
        {"format": 1, "date": "2026-11-21", "phase": "build", "panels": {"home-day": 3}},
        {"format": 1, "date": "2026-11-21", "phase": "build", "panels": "x"},
    ],
)
def test_a_malformed_view_is_refused(bad: object) -> None:
    """valid_view turns anything that is not a well-formed view for the day into None."""
    assert valid_view(bad, TODAY) is None


def test_a_tampered_sidecar_falls_back_to_the_store(tmp_path: Path) -> None:
    """A sidecar whose view was edited is refused when it no longer matches the layout."""
    path = tmp_path / "runback.json"
    seed_movement(new_store(path))
    Store(path).snapshot()  # vouches for the file
    digest = cache.validated_digest(path)
    assert digest is not None
    cache.remember(path, digest, home={TODAY.isoformat(): {"format": 1, "panels": []}})
    assert valid_view(cache.cached(path, "home", TODAY), TODAY) is None
    content = json.loads(cache.sidecar_path(path).read_text())
    assert TODAY.isoformat() in content["views"]["home"]


FIRST_FRAME = """
import json, sys
from runback_tui.screens import home

seen = {}
_mount = home.HomeScreen.on_mount


def on_mount(self):
    # Queued before home's own after-refresh work, which starts the background load.
    def frame():
        seen["heavy"] = sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "tinydb"))
        seen["resume"] = "runback_tui.screens.resume" in sys.modules
        self.app.exit()

    self.call_after_refresh(frame)  # the screen's queue: before home's own, in order
    _mount(self)


home.HomeScreen.on_mount = on_mount
from runback_tui import app as app_module

_run = app_module.RunbackApp.run
app_module.RunbackApp.run = lambda self, **kw: _run(self, headless=True)
from runback_tui.cli import run

run(sys.argv[1:])
print(json.dumps(seen))
"""


def test_a_start_from_the_cached_view_draws_home_before_loading_any_record(
    tmp_path: Path,
) -> None:
    """The first frame from home's cached view comes before pydantic, TinyDB or the resume
    screen are imported (they load in the background after it)."""
    path = tmp_path / "runback.json"
    seed_movement(new_store(path))
    for _ in range(2):  # the first start computes and keeps home's view; the second uses it
        done = subprocess.run(
            [sys.executable, "-c", FIRST_FRAME, "--data", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"heavy": [], "resume": False}


def test_the_app_shell_and_home_load_without_pydantic_or_tinydb() -> None:
    """The modules drawing the first frame from a cached view import no pydantic or tinydb."""
    code = (
        "import sys\n"
        "import runback_tui.app, runback_tui.screens.home, runback_tui.screens.homeview\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'tinydb'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


async def test_keys_work_while_the_store_is_still_loading(tmp_path: Path) -> None:
    """A key pressed before the background load ends loads the store on demand."""
    path, app = await _started_from_cache(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await _settle(pilot)
        assert type(app.screen).__name__ == "CheckInScreen"


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_collector_resumes_after_the_first_frame(tmp_path: Path) -> None:
    """run_tui pauses the garbage collector for start-up; the first frame resumes it."""
    import gc

    path = tmp_path / "runback.json"
    seed_movement(new_store(path))
    app = make_app(Store(path), FakeClock(NOW), blink_cursor=False, animations=False)
    app.manages_collector = True
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
