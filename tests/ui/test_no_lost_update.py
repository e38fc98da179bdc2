"""No lost update (issue 18, interface.md data file): a screen that saves over a record another
process changed since the screen read it says so and lets the runner choose; the Store never
replaces it silently; and a running TUI notices any change to the file, same size included."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import CheckIn, Clearance, Profile
from runback_tui.screens.checkin import CheckInScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.storage.store import UNCHECKED, RecordChanged, Store, red_flag_state
from runback_tui.widgets.conflict import ConflictDialog
from tests.ui.fixtures import TODAY, seed_paused, seed_run_walk
from tests.ui.session_helpers import app_for, settle


def other_process(store: Store) -> Store:
    """A second Store on the same file, as another terminal's Runback has."""
    return Store(store.path, now=store._now)


# -- the Store -------------------------------------------------------------------------------


def test_a_checkin_saved_over_a_changed_one_is_refused_and_nothing_written(
    store: Store,
) -> None:
    seed_run_walk(store)
    read = store.checkin_on(TODAY)
    other_process(store).save_checkin(CheckIn(date=TODAY, pain=5, note="later"))
    before = store.path.read_bytes()
    with pytest.raises(RecordChanged) as raised:
        store.save_checkin(CheckIn(date=TODAY, pain=1), expected=read)
    assert raised.value.theirs == CheckIn(date=TODAY, pain=5, note="later")
    assert store.path.read_bytes() == before
    # Saved expecting what is there now, it replaces it (theirs archived, as any replace).
    store.save_checkin(CheckIn(date=TODAY, pain=1), expected=raised.value.theirs)
    assert store.checkin_on(TODAY) == CheckIn(date=TODAY, pain=1)


def test_the_command_line_still_saves_without_asking(store: Store) -> None:
    seed_run_walk(store)
    other_process(store).save_checkin(CheckIn(date=TODAY, pain=5))
    store.save_checkin(CheckIn(date=TODAY, pain=3), expected=UNCHECKED)
    assert store.checkin_on(TODAY) == CheckIn(date=TODAY, pain=3)


def test_a_profile_changed_elsewhere_is_not_replaced_silently(store: Store) -> None:
    seed_run_walk(store)
    read = store.profile()
    assert read is not None
    other_process(store).save_profile(read.model_copy(update={"units": "mi"}))
    with pytest.raises(RecordChanged) as raised:
        store.save_profile(read.model_copy(update={"starting_weekly_km": 12.0}), expected=read)
    theirs = raised.value.theirs
    assert isinstance(theirs, Profile) and theirs.units == "mi"


def test_a_clearance_never_lifts_a_red_flag_its_maker_has_not_seen(store: Store) -> None:
    seed_paused(store)
    seen = red_flag_state(store.history())
    other_process(store).save_checkin(
        CheckIn(date=TODAY, pain=2, red_flags=["numbness_below_knee"])
    )
    with pytest.raises(RecordChanged):
        store.add_clearance(Clearance(date=TODAY, note="physio"), expected=seen)
    assert store.history().clearances == []


# -- the check-in form -------------------------------------------------------------------------


async def open_form_then_change_elsewhere(pilot: object, store: Store) -> None:
    """Open the check-in form, answer pain 1, then another process saves pain 5 'later'."""
    await pilot.press("c")  # type: ignore[attr-defined]
    await pilot.press("1")  # type: ignore[attr-defined]
    other_process(store).save_checkin(CheckIn(date=TODAY, pain=5, note="later"))
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_saving_the_form_over_a_newer_checkin_asks_and_keep_theirs_loses_nothing(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form_then_change_elsewhere(pilot, store)
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        assert "pain 5/10" in dialog.theirs and "later" in dialog.theirs
        assert "pain 1/10" in dialog.mine
        await pilot.press("b")  # both, field by field
        await pilot.pause()
        assert dialog.query_one("#conflict-both").display
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert store.checkin_on(TODAY) == CheckIn(date=TODAY, pain=5, note="later")


async def test_keep_mine_saves_over_theirs_and_keeps_theirs_in_the_history(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form_then_change_elsewhere(pilot, store)
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    stored = store.checkin_on(TODAY)
    assert stored is not None and stored.pain == 1
    edits = json.loads(store.path.read_text())["checkin_edits"].values()
    assert any(edit["pain"] == 5 and edit["note"] == "later" for edit in edits)


async def test_back_from_the_question_keeps_the_form_and_saves_nothing(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form_then_change_elsewhere(pilot, store)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
    assert store.checkin_on(TODAY) == CheckIn(date=TODAY, pain=5, note="later")


# -- noticing any change -------------------------------------------------------------------------


def test_a_same_size_edit_with_its_time_set_back_changes_the_version(store: Store) -> None:
    """The attack: an edit of pain 1 to pain 9 in place, same size, mtime restored."""
    seed_run_walk(store)
    store.save_checkin(CheckIn(date=TODAY, pain=1))
    path: Path = store.path
    before = store.data_version()
    stat = os.stat(path)
    raw = path.read_bytes()
    at = raw.index(b'"pain":1,', raw.index(f'"date":"{TODAY.isoformat()}"'.encode()))
    edited = raw[:at] + b'"pain":9,' + raw[at + len(b'"pain":1,') :]
    assert edited != raw and len(edited) == len(raw)
    with open(path, "r+b") as handle:  # in place: same inode
        handle.write(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(path).st_ino == stat.st_ino and os.stat(path).st_size == stat.st_size
    assert store.data_version() != before
    stored = store.checkin_on(TODAY)
    assert stored is not None and stored.pain == 9


async def test_home_shows_a_same_size_edit_made_elsewhere(store: Store, clock: FakeClock) -> None:
    """A running TUI showed pain 1 after a same-size edit to pain 9 (issue 18): home's poll
    (every POLL_SECONDS, under the 2 s the issue allows) compares the change time too."""
    from runback_tui.screens.home import POLL_SECONDS

    assert POLL_SECONDS <= 2
    seed_run_walk(store)
    store.save_checkin(CheckIn(date=TODAY, pain=1))
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "pain 1/10" in str(home.query_one("#home-day").render())
        path = store.path
        stat = os.stat(path)
        raw = path.read_bytes()
        at = raw.index(b'"pain":1,', raw.index(f'"date":"{TODAY.isoformat()}"'.encode()))
        with open(path, "r+b") as handle:
            handle.write(raw[:at] + b'"pain":9,' + raw[at + len(b'"pain":1,') :])
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        home._poll_file()
        await settle(pilot)
        assert "pain 9/10" in str(home.query_one("#home-day").render())


async def test_a_clearance_after_a_new_red_flag_elsewhere_asks_first(
    store: Store, clock: FakeClock
) -> None:
    from runback_tui.screens.stop import ClearanceDialog, StopScreen

    seed_paused(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(StopScreen())
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ClearanceDialog)
        other_process(store).save_checkin(
            CheckIn(date=TODAY, pain=2, red_flags=["numbness_below_knee"])
        )
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        assert "numbness" in dialog.theirs
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, StopScreen)
    assert store.history().clearances == []


async def test_the_profile_form_over_a_profile_changed_elsewhere_asks(
    store: Store, clock: FakeClock
) -> None:
    from runback_tui.screens.profile import ProfileScreen

    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ProfileScreen())
        await settle(pilot)
        read = store.profile()
        assert read is not None
        other_process(store).save_profile(read.model_copy(update={"units": "mi"}))
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        assert "distances in mi" in dialog.theirs and "distances in km" in dialog.mine
        await pilot.press("m")
        await settle(pilot)
    saved = store.profile()
    assert saved is not None and saved.units == "km"


async def test_logging_a_run_another_terminal_took_over_asks_and_keep_theirs_logs_nothing(
    store: Store, clock: FakeClock
) -> None:
    """Two terminals on one run: the other resumed it (its own record now stands); ending
    and saving here must not log it twice nor drop theirs silently."""
    from runback_tui.screens.run import RunSessionScreen, RunStartScreen
    from runback_tui.screens.summary import RunSummaryScreen

    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        session = app.screen
        assert isinstance(session, RunSessionScreen)
        for _ in range(70):
            clock.advance(1)
            session.tick()
        await settle(pilot)
        theirs = other_process(store).active_session()
        assert theirs is not None
        other_process(store).save_active_session(
            theirs.model_copy(update={"saved_at": theirs.saved_at.replace(second=59)})
        )
        sessions_before = len(store.history().sessions)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # end it
        await settle(pilot)
        assert isinstance(app.screen, RunSummaryScreen)
        await pilot.press("1", "tab", "1", "enter")  # pain during and after 1, save
        await settle(pilot)
        dialog = app.screen
        from tests.hardening.helpers import screen_text

        assert isinstance(dialog, ConflictDialog), screen_text(app)
        assert "run-walk stage 1" in dialog.theirs
        await pilot.press("t")
        await settle(pilot)
    assert len(store.history().sessions) == sessions_before
    assert store.active_session() is not None  # theirs still stands
