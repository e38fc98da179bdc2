"""The session screens read from across a room (issue 17): the time left and the segment's word
in large letters that fill the window, a cue shown large for its moment, dialogs that leave the
running clock in view, and a run before the plan allows it asked about first."""

from __future__ import annotations

import pytest
from textual.geometry import Region

from runback_tui.domain.clock import FakeClock
from runback_tui.domain.timeline import build_routine_timeline
from runback_tui.screens.ice import IceTimerScreen
from runback_tui.screens.run import RunSessionScreen, RunStartScreen
from runback_tui.screens.session import RoutineSessionScreen
from runback_tui.screens.settings import SessionSettingsDialog
from runback_tui.storage.store import Store
from runback_tui.widgets.bigtext import BigText
from runback_tui.widgets.confirm import ConfirmDialog
from runback_tui.widgets.countdown import BigWord, Countdown
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import seed_acute, seed_movement, seed_run_walk
from tests.ui.session_helpers import app_for, settle, step

SIZES = [((80, 24), 7), ((120, 40), 12)]
"""Each terminal size and the fewest rows the big digits and word must be there."""


def ink_rows(big: BigText) -> int:
    """Rows of the big text that hold ink, as drawn on the screen."""
    return sum(1 for row in big.lines() if row.strip())


async def start_run(pilot: object, app: object) -> None:
    """Start today's run-walk from the run start screen."""
    app.push_screen(RunStartScreen())  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("size", "rows"), SIZES)
async def test_run_and_walk_and_the_time_left_are_large(
    store: Store, clock: FakeClock, size: tuple[int, int], rows: int
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        await start_run(pilot, app)
        word = app.screen.query_one("#run-word", BigWord)
        countdown = app.screen.query_one("#run-countdown", Countdown)
        assert word.text == "RUN" and word.has_class("-run")
        assert ink_rows(word) >= rows
        assert ink_rows(countdown) >= rows
        assert countdown.value == "1:00"
        for _ in range(62):
            step(app, clock, 1)
        await pilot.pause()
        assert word.text == "WALK" and word.has_class("-walk") and not word.has_class("-run")
        assert ink_rows(word) >= rows
        assert countdown.value == "1:58"
        # The words below stay whole: the next segment, the repeat, the form cue.
        text = screen_text(app)
        assert "Next: RUN 1:00" in text
        assert "Repeat 1/10 · WALK of 2:00" in text


async def test_the_3_2_1_cue_is_shown_large_then_the_new_word(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_run(pilot, app)
        word = app.screen.query_one("#run-word", BigWord)
        shown: list[str] = []
        for _ in range(61):
            step(app, clock, 1)
            shown.append(word.text)
        await pilot.pause()
        assert shown[56:60] == ["3", "2", "1", "WALK"]
        assert word.has_class("-flash") and word.has_class("cue-walk")
        assert ink_rows(word) >= 7
        step(app, clock, 2)
        assert word.text == "WALK" and not word.has_class("-flash")


async def test_a_dialog_over_a_running_session_leaves_the_clock_showing_and_ticking(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_run(pilot, app)
        session = app.screen
        assert isinstance(session, RunSessionScreen)
        step(app, clock, 5)
        await pilot.press("escape")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        box = dialog.query_one("#confirm-box").region
        for selector in ("#run-word", "#run-countdown"):
            region: Region = session.query_one(selector).region
            assert not box.overlaps(region), f"the dialog covers {selector}"
        before = screen_text(app)
        assert "End the session now" in before
        for _ in range(3):
            clock.advance(1)
            session.tick()
        await pilot.pause()
        after = screen_text(app)
        assert session.query_one("#run-countdown", Countdown).value == "0:52"
        assert before != after, "the clock behind the dialog did not repaint"
        assert "End the session now" in after
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is session


async def test_a_routine_shows_hold_and_its_countdown_large(store: Store, clock: FakeClock) -> None:
    seed_movement(store)
    app = app_for(store, clock)
    for size, rows in SIZES:
        async with app.run_test(size=size) as pilot:
            app.push_screen(
                RoutineSessionScreen(build_routine_timeline("daily_core"), "daily_core")
            )
            await pilot.pause()
            for _ in range(12):
                step(app, clock, 1)
            await pilot.pause()
            kind = app.screen.query_one("#session-kind", BigWord)
            countdown = app.screen.query_one("#session-countdown", Countdown)
            assert kind.text == "HOLD"
            assert ink_rows(countdown) >= rows
            assert ink_rows(kind) >= 7
        app = app_for(store, clock)


async def test_the_ice_timer_counts_down_large(store: Store, clock: FakeClock) -> None:
    seed_acute(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(IceTimerScreen(15))
        await pilot.pause()
        step(app, clock, 1)
        await pilot.pause()
        countdown = app.screen.query_one("#session-countdown", Countdown)
        assert countdown.value == "14:59"
        assert ink_rows(countdown) >= 7


async def test_the_ice_finish_line_is_whole(store: Store, clock: FakeClock) -> None:
    seed_acute(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(IceTimerScreen(15))
        await pilot.pause()
        for _ in range(15 * 60 + 1):
            step(app, clock, 1)
        await settle(pilot)
        text = screen_text(app)
        assert "(2–3 h)." in text, text


async def test_a_run_in_phase_1_says_why_not_and_asks_first(store: Store, clock: FakeClock) -> None:
    seed_movement(store)  # program day 4: phase 1, no running yet
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        plan_text = screen_text(app)
        assert "Phase 1, day 4 of 7: no running yet" in plan_text
        start = app.screen
        start.start("stage-1")  # type: ignore[attr-defined]
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "no running yet" in dialog.question
        assert "Run-walk stage 1" in dialog.question
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is start
        start.start("run")  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RunSessionScreen)


async def test_a_run_on_the_plan_starts_without_asking(store: Store, clock: FakeClock) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_run(pilot, app)
        assert isinstance(app.screen, RunSessionScreen)


async def test_cue_settings_over_a_running_session_leave_the_clock_in_view(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_run(pilot, app)
        session = app.screen
        assert isinstance(session, RunSessionScreen)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SessionSettingsDialog) and dialog.is_modal
        form = dialog.query_one("#settings-form").region
        countdown = session.query_one("#run-countdown", Countdown)
        assert not form.overlaps(countdown.region)
        for _ in range(3):
            clock.advance(1)
            session.tick()
        await pilot.pause()
        assert countdown.value == "0:57"
        assert "Session cues" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is session
