"""Pilot tests of the red-flag rules of protocol v2 (protocol.md section 2).

A red flag stands until a clearance, so an edit of the check-in that leaves it out keeps the
stop screen; an answer given by mistake is withdrawn only by its own act, asked first (twice
for an urgent flag); the urgent wording is one message: emergency care now.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.widgets import Button, Static

from runback_tui.app import RunbackApp
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import CheckIn
from runback_tui.domain.protocol import plan_for
from runback_tui.domain.wording import URGENT_CARE
from runback_tui.screens.checkin import CheckInScreen
from runback_tui.screens.help import HelpScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.onboarding import DISCLAIMER
from runback_tui.screens.stop import StopScreen
from runback_tui.storage.store import Store
from runback_tui.widgets.choice import YesNo
from runback_tui.widgets.confirm import ConfirmDialog
from tests.ui.fixtures import (
    TODAY,
    days_ago,
    seed_movement,
    seed_paused,
    seed_run_walk,
    seed_urgent,
)
from tests.ui.session_helpers import app_for, settle

SIZE = (80, 24)


def shown_text(app: RunbackApp, selector: str) -> str:
    """The plain text a Static shows (a renderable such as the stop screen's Group of
    paragraphs and numbered steps is rendered unwrapped)."""
    static = app.screen.query_one(selector, Static)
    content = static.content
    if not content or isinstance(content, str | Text):
        return str(static.render())
    console = Console(width=1000, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(content)
    return "\n".join(line.rstrip() for line in capture.get().splitlines())


def stop_text(app: RunbackApp) -> str:
    """Everything the stop screen says: heading and body."""
    return shown_text(app, "#stop-heading") + "\n" + shown_text(app, "#stop-body")


def notices(app: RunbackApp) -> str:
    """Every notification shown so far, one a line."""
    return "\n".join(str(n.message) for n in app._notifications)


def paused(store: Store) -> bool:
    """Whether the engine pauses today's plan, from the file as stored."""
    profile = store.profile()
    assert profile is not None
    return plan_for(profile, store.history(), TODAY).phase == "paused"


# -- an edit that leaves a red flag out --------------------------------------------------------


async def test_edit_that_leaves_out_a_red_flag_keeps_the_stop_screen(
    store: Store, clock: FakeClock
) -> None:
    """c, Yes to a red flag, ctrl+s; then c, untick it, ctrl+s: still the stop screen, paused."""
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "1", "tab", "tab", "y", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StopScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

        await pilot.press("c")
        assert isinstance(app.screen, CheckInScreen)
        flag = app.screen.query_one("#rf-numbness_below_knee", YesNo)
        assert flag.value is True  # the stored red flag is shown ticked
        standing = shown_text(app, "#rf-standing")
        assert "stands until a clearance" in standing
        assert "numbness or tingling below the knee" in standing
        assert "by mistake" in standing
        await pilot.press("tab", "tab", "n")  # pain → stiffness → the red flag: No
        await pilot.pause()
        assert flag.value is False
        assert "Saving keeps it" in shown_text(app, "#rf-standing")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StopScreen)
        assert "STOP RUNNING" in shown_text(app, "#stop-heading")
        assert "was kept" in notices(app)
    saved = store.checkin_on(TODAY)
    assert saved is not None and saved.red_flags == ["numbness_below_knee"]
    assert paused(store)
    assert store.history().clearances == []


async def test_checkin_without_a_standing_flag_has_no_standing_line(
    store: Store, clock: FakeClock
) -> None:
    """Editing a check-in with no red flag says nothing about standing flags; saddle is asked."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, CheckInScreen)
        assert not app.screen.query("#rf-standing")
        assert app.screen.query("#rf-saddle_numbness")


# -- withdrawing an answer given by mistake ----------------------------------------------------


async def test_mistake_withdrawal_asks_then_is_recorded(store: Store, clock: FakeClock) -> None:
    """m asks; escape changes nothing; m, enter: a 'mistake' clearance, home no longer paused."""
    seed_paused(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, StopScreen)
        labels = [str(b.label) for b in app.screen.query(Button) if b.display]
        assert any("by mistake" in label for label in labels)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "mistake" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StopScreen)
        assert store.history().clearances == []

        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # not urgent: one question is enough
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query_one("#home-paused").display
    [clearance] = store.snapshot().history.clearances
    assert clearance.reason == "mistake"
    assert clearance.date == TODAY
    assert clearance.flags == ["night_pain"]
    assert clearance.made_at is not None
    assert not paused(store)


async def test_urgent_mistake_withdrawal_asks_twice(store: Store, clock: FakeClock) -> None:
    """An urgent flag: a second, stronger question; escape at it changes nothing."""
    seed_urgent(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "m")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        first = app.screen
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.screen is not first
        assert "emergency" in app.screen.question
        assert "Are you sure" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StopScreen)
        assert store.history().clearances == []
        assert paused(store)

        await pilot.press("m", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    [clearance] = store.snapshot().history.clearances
    assert clearance.reason == "mistake"
    assert set(clearance.flags) == {"bladder_bowel", "leg_weakness"}
    assert not paused(store)


async def test_mistake_from_an_earlier_date_is_refused_with_the_reason(
    store: Store, clock: FakeClock
) -> None:
    """A red flag of yesterday: m asks nothing and says only a professional's clearance lifts it."""
    seed_movement(store)
    store.save_checkin(CheckIn(date=days_ago(1), pain=2, red_flags=["leg_weakness"]))
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, StopScreen)
        assert "only a professional's clearance lifts it" in shown_text(app, "#stop-body")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, StopScreen)
        assert "professional's clearance" in notices(app)
    assert store.history().clearances == []
    assert paused(store)


async def test_mistake_is_not_offered_when_not_paused(store: Store, clock: FakeClock) -> None:
    """No red flag in force (home offers no s; the palette still opens it): m does nothing."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen("stop_screen")
        await pilot.pause()
        assert isinstance(app.screen, StopScreen)
        assert not app.screen.query_one("#stop-mistake").display
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, StopScreen)
    assert store.history().clearances == []


# -- the one urgent message --------------------------------------------------------------------


async def test_urgent_stop_screen_says_emergency_care_only(store: Store, clock: FakeClock) -> None:
    """Bladder or bowel: emergency care now, never 'see a healthcare provider'."""
    seed_urgent(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, StopScreen)
        text = stop_text(app)
        assert "emergency" in text.lower()
        assert URGENT_CARE in text.replace("\n", " ")
        assert "healthcare provider" not in text.lower()
        assert "SEEK EMERGENCY CARE NOW" in shown_text(app, "#stop-heading")


async def test_saddle_numbness_is_asked_and_urgent(store: Store, clock: FakeClock) -> None:
    """The fifth question, saddle numbness: Yes leads to the emergency stop screen."""
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "1")
        for _ in range(6):  # stiffness, then the five red flags down to saddle numbness
            await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "rf-saddle_numbness"
        await pilot.press("y", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StopScreen)
        text = stop_text(app)
        assert "emergency" in text.lower()
        assert "healthcare provider" not in text.lower()
    saved = store.checkin_on(TODAY)
    assert saved is not None and saved.red_flags == ["saddle_numbness"]


async def test_non_urgent_stop_screen_says_stop_and_consult(store: Store, clock: FakeClock) -> None:
    """Night pain: stop running and see a healthcare provider, no emergency wording."""
    seed_paused(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        text = stop_text(app)
        assert "STOP RUNNING" in text and "healthcare provider" in text.lower()
        assert "emergency" not in text.lower()


async def test_help_and_onboarding_name_saddle_numbness_with_the_urgent_wording(
    store: Store, clock: FakeClock
) -> None:
    """Help's emergency line and the onboarding note: saddle numbness, in the one wording."""
    assert "saddle" in DISCLAIMER and URGENT_CARE in DISCLAIMER
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(shown_text(app, "#help-professional").split())  # however it wraps
        assert "saddle" in text and URGENT_CARE in text
