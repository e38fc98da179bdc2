"""Import runs in the TUI (issue 19 part 1): the palette opens a path input; a good file is
logged, a refused one is named with why and stores nothing."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from runback_tui.domain.clock import FakeClock
from runback_tui.screens.commands import RunbackCommands
from runback_tui.screens.import_runs import ImportRunsScreen
from runback_tui.storage.store import Store
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import seed_run_walk
from tests.ui.session_helpers import app_for, settle
from tests.unit.test_import import NOON, STAGE2_DONE, fit


async def test_the_palette_imports_a_path(store: Store, clock: FakeClock, tmp_path: Path) -> None:
    seed_run_walk(store)
    good = tmp_path / "stage2.fit"
    good.write_bytes(fit(NOON, STAGE2_DONE))
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        entries = {
            name: command
            for name, _help, command in RunbackCommands(app.screen)._entries()
            if isinstance(command, partial)
        }
        assert "Import runs" in entries
        await pilot.press("ctrl+p", *"import runs")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportRunsScreen)
        await pilot.press("enter")  # nothing typed: says what is missing, stores nothing
        await settle(pilot)
        assert "Path: type the file" in screen_text(app)
        assert "Pain during" not in screen_text(app)  # pain may be left for later
        for char in str(good):
            await pilot.press(char)
        await pilot.press("tab", "1", "enter")  # one pain without the other: refused
        await settle(pilot)
        assert "give both pain during and pain after" in " ".join(screen_text(app).split())
        assert store.history().sessions == []
        await pilot.press("tab", "0", "enter")  # now pain after too
        await settle(pilot)
        assert "run-walk stage 2, completed" in " ".join(screen_text(app).split())
        (log,) = store.history().sessions
        assert log.kind == "run_walk" and log.stage == 2 and log.pain_during == 1


async def test_a_refused_file_is_named_and_nothing_stored(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    seed_run_walk(store)
    bad = tmp_path / "photo.gpx"
    bad.write_bytes(b"\xff\xd8\xff\xe0 JFIF")
    app = app_for(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ImportRunsScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportRunsScreen)
        screen.query_one("#import-path").value = str(bad)  # type: ignore[attr-defined]
        screen.query_one("#import-pain-during").value = "0"  # type: ignore[attr-defined]
        screen.query_one("#import-pain-after").value = "0"  # type: ignore[attr-defined]
        screen.start_import()
        await settle(pilot)
        text = " ".join(screen_text(app).split())  # a long temporary path wraps the line
        assert "Refused" in text and "photo.gpx" in text and "not a FIT, GPX or TCX" in text
        assert store.history().sessions == []


async def test_an_import_with_flare_pain_says_so_as_the_command_line_does(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    seed_run_walk(store)
    good = tmp_path / "stage2.fit"
    good.write_bytes(fit(NOON, STAGE2_DONE))
    app = app_for(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ImportRunsScreen())
        await settle(pilot)
        for char in str(good):
            await pilot.press(char)
        await pilot.press("tab", "5", "tab", "2", "enter")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "Logged 1 activity:" in text
        # The run was three days ago: its 48 hours are over, as home's plan says.
        assert "Pain 5/10 on Wed 18 Nov was a flare; its 48 hours of acute care are over" in text
