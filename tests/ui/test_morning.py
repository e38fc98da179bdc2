"""Pilot tests of the morning: onboarding, home, check-in, the red-flag stop and clearance."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from runback_tui.app import RunbackApp, make_app
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import MAX_NOTE_CHARS, CheckIn
from runback_tui.screens.checkin import CheckInScreen
from runback_tui.screens.help import HelpScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.profile import ProfileScreen
from runback_tui.screens.stop import ClearanceDialog, StopScreen
from runback_tui.storage.durable import DataFileError
from runback_tui.storage.store import Store
from runback_tui.widgets.pain_scale import PainScale
from tests.ui.fixtures import TODAY, seed_movement, seed_paused, seed_run_walk

SIZE = (80, 24)


def app_for(store: Store, clock: FakeClock) -> RunbackApp:
    """The app as the tests drive it: no blinking cursor, no animations."""
    return make_app(store, clock, blink_cursor=False, animations=False)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for store writes in workers and the messages they post."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type *text* key by key (letters, digits and spaces)."""
    await pilot.press(*["space" if ch == " " else ch for ch in text])


def shown_text(app: RunbackApp, selector: str) -> str:
    """The plain text a Static shows."""
    return str(app.screen.query_one(selector, Static).render())


async def test_onboarding_writes_a_valid_profile_with_keys_only(
    store: Store, clock: FakeClock
) -> None:
    """Units, history answers, the acknowledgement and a first pair of shoes, all by keys."""
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert type(app.screen).__name__ == "OnboardingScreen"
        await pilot.press("right")  # miles
        await pilot.press("tab", "tab")  # start date (kept: today) → cancer history
        await pilot.press("tab", "y")  # osteoporosis: yes
        await pilot.press("tab", "tab", "y")  # long-term steroids: no → acknowledgement: yes
        await pilot.press("tab")
        await type_text(pilot, "Blue trainers")
        await pilot.press("tab", "1", "0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    profile = store.profile()
    assert profile is not None
    assert profile.units == "mi"
    assert profile.start_date == TODAY
    assert profile.history == ["osteoporosis"]
    assert profile.accepted_disclaimer is True
    [shoe] = store.history().shoes
    assert shoe.name == "Blue trainers"
    assert shoe.start_distance_km == pytest.approx(16.09344)


async def test_onboarding_requires_the_acknowledgement(store: Store, clock: FakeClock) -> None:
    """Without 'Yes, I accept' nothing is written and the form says why."""
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Yes, I accept" in shown_text(app, "#disclaimer-error")
        assert "Not saved" in shown_text(app, "#form-message")
    assert not store.path.exists()


async def test_checkin_typed_with_keys_is_stored(store: Store, clock: FakeClock) -> None:
    """c, a pain digit, stiffness, a note, ctrl+s: the check-in is in the file; home says so."""
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, CheckInScreen)
        assert isinstance(app.focused, PainScale) and app.focused.id == "pain"
        await pilot.press("2", "tab", "right", "right", "right")
        assert not app.screen.query("#gate-walked")  # phase 2: the gates passed yesterday
        for _ in range(7):  # five red flags, medication, the note
            await pilot.press("tab")
        await type_text(pilot, "easy day")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "[x] Checked in today: pain 2/10" in shown_text(app, "#home-day")
    saved = store.checkin_on(TODAY)
    assert saved == CheckIn(date=TODAY, pain=2, stiffness=2, note="easy day")  # unset → 0 → 1 → 2


async def test_invalid_checkin_is_refused_and_nothing_is_stored(
    store: Store, clock: FakeClock
) -> None:
    """No pain set, then a note that is too long: messages under the fields, file unchanged."""
    seed_run_walk(store)
    before = store.path.read_bytes()
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "ctrl+s")
        await settle(pilot)
        assert "Pain" in shown_text(app, "#form-message")
        await pilot.press("3")
        note = app.screen.query_one("#note", Input)
        note.focus()
        await pilot.pause()
        note.post_message(events.Paste("x" * (MAX_NOTE_CHARS + 1)))
        await pilot.pause()
        assert "at most 2000 characters" in shown_text(app, "#note-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert "Not saved" in shown_text(app, "#form-message")
    assert store.path.read_bytes() == before


async def test_red_flag_shows_the_stop_screen_and_pauses_home(
    store: Store, clock: FakeClock
) -> None:
    """A Yes to a red flag: the stop screen, then home shows the plan paused."""
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "1", "tab", "tab", "y", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StopScreen)
        heading = shown_text(app, "#stop-heading")
        assert "STOP RUNNING" in heading and "HEALTHCARE PROVIDER" in heading
        buttons = [str(b.label).lower() for b in app.screen.query(Button)]
        assert buttons and not any("run" in label for label in buttons)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#home-paused").display
        assert "PAUSED" in shown_text(app, "#home-day")
        assert "STOP" in shown_text(app, "#home-paused")
    saved = store.checkin_on(TODAY)
    assert saved is not None and saved.red_flags == ["numbness_below_knee"]


async def test_urgent_red_flag_says_seek_emergency_care(store: Store, clock: FakeClock) -> None:
    """bladder_bowel: the emergency wording."""
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "1", "tab", "tab", "tab", "tab", "y", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StopScreen)
        assert "SEEK EMERGENCY CARE NOW" in shown_text(app, "#stop-heading")


async def test_clearance_recorded_from_the_stop_screen(store: Store, clock: FakeClock) -> None:
    """s on a paused home, a, a note, enter: the clearance is stored and the pause ends."""
    seed_paused(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, StopScreen)
        await pilot.press("a")
        assert isinstance(app.screen, ClearanceDialog)
        await type_text(pilot, "GP")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query_one("#home-paused").display
    [clearance] = store.history().clearances
    assert clearance.date == TODAY and clearance.note == "GP"


async def test_clearance_dialog_cancels_with_escape(store: Store, clock: FakeClock) -> None:
    """escape in the dialog records nothing."""
    seed_paused(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "a", "escape")
        await pilot.pause()
        assert isinstance(app.screen, StopScreen)
    assert store.history().clearances == []


async def test_editing_todays_checkin_replaces_it(store: Store, clock: FakeClock) -> None:
    """Re-opening shows the saved answers; saving replaces and archives the old one."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert app.screen.query_one("#pain", PainScale).value == 1
        assert app.screen.query_one("#stiffness", PainScale).value == 2
        await pilot.press("right", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    saved = store.checkin_on(TODAY)
    assert saved is not None and saved.pain == 2 and saved.stiffness == 2
    edits = store.snapshot().checkin_edits
    assert [e.checkin.pain for e in edits if e.checkin.date == TODAY] == [1]


async def test_gate_questions_only_when_they_apply(store: Store, clock: FakeClock) -> None:
    """Day 4 of phase 1: no gate questions; day 9 before the gates passed: asked."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert not app.screen.query("#gate-walked")
    clock.advance(5 * 86400)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert app.screen.query("#gate-walked")


async def test_help_opens_with_question_mark(store: Store, clock: FakeClock) -> None:
    """? shows keys, the protocol and when to see a professional; escape goes back."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "ctrl+s" in shown_text(app, "#help-keys")
        assert "emergency care" in shown_text(app, "#help-professional")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_store_error_while_saving_keeps_the_form(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DataFileError from save_checkin: a message on the form, the answers kept for a retry."""
    seed_run_walk(store)

    def broken(checkin: CheckIn, **_: object) -> bool:
        raise DataFileError(store.path, "the disk is full", "Free some space and try again.")

    monkeypatch.setattr(store, "save_checkin", broken)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "5", "tab", "4")
        app.screen.query_one("#note", Input).value = "keep me"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        message = shown_text(app, "#form-message")
        assert "Not saved" in message and "the disk is full" in message
        assert app.screen.query_one("#pain", PainScale).value == 5
        assert app.screen.query_one("#stiffness", PainScale).value == 4
        assert app.screen.query_one("#note", Input).value == "keep me"
    assert store.checkin_on(TODAY) is None


async def test_profile_screen_changes_units_and_weekly_distance(
    store: Store, clock: FakeClock
) -> None:
    """p opens the profile; the build phase's starting distance is entered in the chosen unit."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        assert isinstance(app.screen, ProfileScreen)
        await pilot.press("right")
        for _ in range(5):
            await pilot.press("tab")
        await pilot.press("1", "0", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    profile = store.profile()
    assert profile is not None and profile.units == "mi"
    assert profile.starting_weekly_km == pytest.approx(16.09344)


async def test_command_palette_lists_the_screens(store: Store, clock: FakeClock) -> None:
    """ctrl+p, 'profile', enter: the profile screen."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "Profile")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)


async def test_theme_toggles_between_light_and_dark(store: Store, clock: FakeClock) -> None:
    """The palette's theme command switches light and dark."""
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        dark = app.current_theme.dark
        await app.run_action("toggle_dark")
        await pilot.pause()
        assert app.current_theme.dark is not dark


def test_app_never_reads_the_system_clock() -> None:
    """Screens and the app ask self.app.clock, never date.today() or datetime.now()."""
    root = Path(__file__).resolve().parents[2] / "runback_tui"
    for path in [
        root / "app.py",
        *(root / "screens").glob("*.py"),
        *(root / "widgets").glob("*.py"),
    ]:
        source = path.read_text(encoding="utf-8")
        assert "date.today(" not in source, path
        assert "datetime.now(" not in source, path
