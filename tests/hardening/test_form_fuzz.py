"""Hypothesis through Pilot: every free-text field of every form, fed hostile values.

Fields: onboarding (start date, shoe name, distance on the shoes), profile (start date,
starting weekly distance), check-in note, run summary distance, the clearance note; the ice
minutes (a bounded choice) get random key sequences.  Values: any unicode (lone surrogates
and control characters included), huge and negative numbers, NaN, inf, empty, dates far
past and future, Feb 29 of 2024 (valid) and 2025 (invalid), DST-change dates.

Whatever the value: the app never crashes (no exception, still running); a refused value
gets a message naming its field and leaves the data file byte for byte as it was; an
accepted value is stored exactly.  One app serves every example of a test (tests/hardening/
live.py); the example budget is modest by default, RUNBACK_FUZZ_EXAMPLES raises it.
"""

from __future__ import annotations

import math
import os
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Input, Static

from runback_tui.app import RunbackApp
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import (
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    MAX_SESSION_KM,
    MAX_SHOE_START_KM,
    MAX_WEEKLY_KM,
    RunLog,
    RunWalkLog,
)
from runback_tui.screens.checkin import CheckInScreen
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.ice import IceSetupScreen, IceTimerScreen
from runback_tui.screens.onboarding import OnboardingScreen
from runback_tui.screens.profile import ProfileScreen
from runback_tui.screens.stop import ClearanceDialog
from runback_tui.screens.summary import RunSummaryScreen
from runback_tui.sessions.active import RunSpec
from runback_tui.sessions.results import RunResult
from runback_tui.storage.store import Store
from runback_tui.widgets.choice import Choice, YesNo
from runback_tui.widgets.pain_scale import PainScale
from tests.hardening.helpers import file_bytes
from tests.hardening.live import LiveApp
from tests.ui.fixtures import NOW, TODAY, seed_movement
from tests.ui.session_helpers import SIZE, app_for, settle

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("RUNBACK_FUZZ_EXAMPLES", "20"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

ANY_CHAR = st.characters(codec=None, exclude_categories=())
"""Every code point, lone surrogates and control characters included."""
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.text(max_size=40),
    st.builds(lambda c, n: c * n, st.characters(), st.integers(MAX_NAME_CHARS - 2, 70)),
    st.builds(lambda c, n: c * n, st.characters(), st.integers(MAX_NOTE_CHARS - 3, 2100)),
    st.sampled_from(["", " ", "\t", "\n", "\x00", "\x1b[2J", "\u202e", "🏃‍♀️", "Ω≈ç√", "\ud800"]),
)
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=0, max_value=6000).map(lambda x: f"{x:.2f}"),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309", "1e-400",
                     "0x10", "٣", "３", "", " ", "-0", "+5", "1_000", "10.", ".5", "3,5",
                     "12 km", " 7 "]),
    TEXT,
)  # fmt: skip
DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates(date(1969, 12, 1), date(2201, 2, 1)).map(lambda d: d.isoformat()),
    st.sampled_from(["2024-02-29", "2025-02-29", "2026-03-29", "2026-10-25", "2026-03-08",
                     "2026-11-01", "0001-01-01", "9999-12-31", "1969-12-31", "1970-01-01",
                     "2200-12-31", "2201-01-01", "20240229", "2024-W09-4", "2026-11-21T00:30",
                     "21/11/2026", "2026-1-1", " 2026-11-21 ", "today"]),
    TEXT,
)  # fmt: skip


# -- independent oracles: what the form must accept ------------------------------------------


def expected_date(raw: str) -> date | None:
    """The start date a form must accept for *raw*, None when it must refuse it."""
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        return None
    # A program starts at most 60 days ahead (interface.md `init`; the forms hold the same rule).
    latest = NOW.date() + timedelta(days=60)
    return value if date(1970, 1, 1) <= value <= min(date(2200, 12, 31), latest) else None


def expected_km(raw: str, limit_km: float, *, comma: bool = False) -> tuple[bool, float | None]:
    """(accepted, km) for a distance typed in km; empty is accepted as None."""
    text = raw.strip()
    if comma:
        text = text.replace(",", ".")
    if not text:
        return True, None
    try:
        value = float(text)
    except ValueError:
        return False, None
    if not math.isfinite(value) or value < 0 or value > limit_km:
        return False, None
    return True, value


BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""The bidirectional controls interface.md v2 keeps out of stored text."""


def plain_text(value: str) -> bool:
    """True when *value* may be stored as free text: no C0 (but tab and newline), DEL, C1 or
    bidirectional controls (interface.md v2), valid UTF-8.  Written out here, independently
    of runback_tui.domain.text, as the fuzz tests' oracle."""
    for ch in value:
        code = ord(ch)
        if (code < 32 and ch not in "\n\t") or 0x7F <= code <= 0x9F or code in BIDI_CONTROLS:
            return False
    return not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)


def note_ok(value: str) -> bool:
    """True when *value* must be accepted as a note."""
    return len(value) <= MAX_NOTE_CHARS and plain_text(value)


# -- shared checks ---------------------------------------------------------------------------


def message(screen: Any, selector: str) -> str:
    """A message line's text."""
    return str(screen.query_one(selector, Static).render())


def still_healthy(pilot: Pilot[Any]) -> None:
    """No exception recorded and the app still running."""
    app = pilot.app
    assert app._exception is None, app._exception
    assert app.is_running


def refused(before: bytes | None, path: Path, text: str, fields: list[str], ok: list[str]) -> None:
    """A refusal: the file is unchanged; the message names a refused field, no accepted one."""
    assert file_bytes(path) == before, "a refused value changed the data file"
    assert any(f"{name}:" in text for name in fields), (fields, text)
    for name in ok:
        assert f"✗ {name}:" not in text, (name, text)


def open_profile(pilot: Pilot[Any]) -> None:
    """Open the profile form, as the home screen's p key does."""
    app = pilot.app
    assert isinstance(app, RunbackApp)
    app.open_screen("profile")


def make_store(tmp_path: Path, seed: Any = None) -> Store:
    """A store in *tmp_path*, optionally seeded."""
    store = Store(tmp_path / "fuzz" / "runback.json", now=FakeClock(NOW).now)
    if seed is not None:
        seed(store)
    return store


# -- onboarding ------------------------------------------------------------------------------


def test_onboarding_fields(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    app = app_for(store, FakeClock(NOW))
    with LiveApp(app, SIZE) as live:

        @FUZZ
        @given(start=DATES, name=TEXT, distance=NUMBERS)
        def example(start: str, name: str, distance: str) -> None:
            async def drive(pilot: Pilot[Any]) -> None:
                screen = pilot.app.screen
                assert isinstance(screen, OnboardingScreen)
                screen.query_one("#disclaimer", YesNo).value = True
                screen.query_one("#start-date", Input).value = start
                screen.query_one("#shoe-name", Input).value = name
                screen.query_one("#shoe-distance", Input).value = distance
                await pilot.pause()
                before = file_bytes(store.path)
                await pilot.press("ctrl+s")
                await settle(pilot)
                still_healthy(pilot)
                day = expected_date(start)
                km_ok, km = expected_km(distance, MAX_SHOE_START_KM)
                stripped = name.strip()
                name_ok = (
                    len(stripped) <= MAX_NAME_CHARS
                    and plain_text(stripped)
                    and not any(ch in stripped for ch in "\n\t")  # a name is one line
                    and (bool(stripped) or km is None or not km_ok)
                )
                bad = [
                    label
                    for label, good in (
                        ("Start date", day is not None),
                        ("Shoe name", name_ok),
                        ("Distance on the shoes", km_ok),
                    )
                    if not good
                ]
                if bad:
                    assert pilot.app.screen is screen
                    good = [x for x in ("Start date", "Shoe name", "Distance on the shoes")]
                    text = message(screen, "#form-message")
                    refused(before, store.path, text, bad, [g for g in good if g not in bad])
                    return
                assert isinstance(pilot.app.screen, HomeScreen), message(screen, "#form-message")
                profile = store.profile()
                assert profile is not None and profile.start_date == day
                shoes = store.history().shoes
                if stripped:
                    assert [(s.name, s.start_distance_km) for s in shoes] == [(stripped, km or 0)]
                else:
                    assert shoes == []
                # Back to a fresh start for the next example.
                for path in store.path.parent.iterdir():
                    path.unlink() if path.is_file() else shutil.rmtree(path)
                pilot.app.switch_screen(OnboardingScreen())
                await pilot.pause()

            live.run(drive)

        example()


# -- profile ---------------------------------------------------------------------------------


def test_profile_fields(tmp_path: Path) -> None:
    store = make_store(tmp_path, seed_movement)
    app = app_for(store, FakeClock(NOW))
    with LiveApp(app, SIZE) as live:

        @FUZZ
        @given(start=DATES, weekly=NUMBERS)
        def example(start: str, weekly: str) -> None:
            async def drive(pilot: Pilot[Any]) -> None:
                if not isinstance(pilot.app.screen, ProfileScreen):
                    open_profile(pilot)
                    await pilot.pause()
                screen = pilot.app.screen
                assert isinstance(screen, ProfileScreen)
                screen.query_one("#start-date", Input).value = start
                screen.query_one("#weekly", Input).value = weekly
                await pilot.pause()
                before = file_bytes(store.path)
                await pilot.press("ctrl+s")
                await settle(pilot)
                still_healthy(pilot)
                day = expected_date(start)
                km_ok, km = expected_km(weekly, MAX_WEEKLY_KM)
                bad = [
                    label
                    for label, good in (
                        ("Start date", day is not None),
                        ("Starting weekly distance", km_ok),
                    )
                    if not good
                ]
                if bad:
                    assert pilot.app.screen is screen
                    text = message(screen, "#form-message")
                    good = [x for x in ("Start date", "Starting weekly distance") if x not in bad]
                    refused(before, store.path, text, bad, good)
                    return
                assert isinstance(pilot.app.screen, HomeScreen), message(screen, "#form-message")
                profile = store.profile()
                assert profile is not None
                assert (profile.start_date, profile.starting_weekly_km) == (day, km)
                # Home re-planned for the new start date (far past or future) without trouble.
                await pilot.pause()
                assert "✗" not in str(pilot.app.screen.query_one("#home-day", Static).render())

            live.run(drive)

        example()


# -- check-in note ---------------------------------------------------------------------------


def test_checkin_note(tmp_path: Path) -> None:
    store = make_store(tmp_path, seed_movement)
    app = app_for(store, FakeClock(NOW))
    with LiveApp(app, SIZE) as live:

        @FUZZ
        @given(note=TEXT)
        def example(note: str) -> None:
            async def drive(pilot: Pilot[Any]) -> None:
                if not isinstance(pilot.app.screen, CheckInScreen):
                    await pilot.press("c")
                    await pilot.pause()
                screen = pilot.app.screen
                assert isinstance(screen, CheckInScreen)
                screen.query_one("#note", Input).value = note
                await pilot.pause()
                before = file_bytes(store.path)
                await pilot.press("ctrl+s")
                await settle(pilot)
                still_healthy(pilot)
                if not note_ok(note):
                    assert pilot.app.screen is screen
                    refused(before, store.path, message(screen, "#form-message"), ["Note"], [])
                    return
                assert isinstance(pilot.app.screen, HomeScreen), message(screen, "#form-message")
                checkin = store.checkin_on(TODAY)
                assert checkin is not None and checkin.note == note

            live.run(drive)

        example()


# -- run summary distance --------------------------------------------------------------------


def run_result(kind: str) -> RunResult:
    """A finished session of *kind* for a summary screen."""
    spec = RunSpec("run", minutes=20.0) if kind == "run" else RunSpec("run_walk", stage=1)
    return RunResult(
        spec=spec,
        day=TODAY,
        completed=True,
        repeats_done=10 if kind == "run_walk" else 0,
        elapsed_s=1200.0,
        active_s=1200.0,
        max_pain=None,
    )


def test_run_summary_distance(tmp_path: Path) -> None:
    store = make_store(tmp_path, seed_movement)
    app = app_for(store, FakeClock(NOW))
    with LiveApp(app, SIZE) as live:

        @FUZZ
        @given(kind=st.sampled_from(["run", "run_walk"]), distance=NUMBERS)
        def example(kind: str, distance: str) -> None:
            async def drive(pilot: Pilot[Any]) -> None:
                while isinstance(pilot.app.screen, RunSummaryScreen):
                    pilot.app.pop_screen()
                    await pilot.pause()
                pilot.app.push_screen(RunSummaryScreen(run_result(kind)))
                await pilot.pause()
                screen = pilot.app.screen
                assert isinstance(screen, RunSummaryScreen)
                screen.query_one("#pain-during", PainScale).value = 1
                screen.query_one("#pain-after", PainScale).value = 0
                screen.query_one("#distance", Input).value = distance
                await pilot.pause()
                before = file_bytes(store.path)
                logs_before = len(store.history().sessions)
                await pilot.press("enter")
                await settle(pilot)
                still_healthy(pilot)
                ok, km = expected_km(distance, MAX_SESSION_KM, comma=True)
                if kind == "run" and km is None:
                    ok = False  # a run needs its distance
                if not ok:
                    assert not screen.saved
                    refused(
                        before, store.path, message(screen, "#summary-message"), ["Distance"], []
                    )
                    return
                assert screen.saved, message(screen, "#summary-message")
                sessions = store.history().sessions
                assert len(sessions) == logs_before + 1
                latest = sessions[-1]
                assert isinstance(latest, RunLog | RunWalkLog)
                assert latest.distance_km == km

            live.run(drive)

        example()


# -- clearance note --------------------------------------------------------------------------


def test_clearance_note(tmp_path: Path) -> None:
    store = make_store(tmp_path, seed_movement)
    app = app_for(store, FakeClock(NOW))
    with LiveApp(app, SIZE) as live:

        @FUZZ
        @given(note=TEXT)
        def example(note: str) -> None:
            async def drive(pilot: Pilot[Any]) -> None:
                if not isinstance(pilot.app.screen, ClearanceDialog):
                    pilot.app.push_screen(ClearanceDialog())
                    await pilot.pause()
                screen = pilot.app.screen
                assert isinstance(screen, ClearanceDialog)
                screen.query_one("#clearance-note", Input).value = note
                await pilot.pause()
                before = file_bytes(store.path)
                count = len(store.history().clearances)
                await pilot.press("enter")
                await settle(pilot)
                still_healthy(pilot)
                if not note_ok(note):
                    assert pilot.app.screen is screen
                    text = message(screen, "#clearance-message")
                    refused(before, store.path, text, ["Note"], [])
                    return
                assert pilot.app.screen is not screen
                clearances = store.history().clearances
                assert len(clearances) == count + 1 and clearances[-1].note == note

            live.run(drive)

        example()


# -- ice minutes (a bounded choice: random keys) ---------------------------------------------

ICE_KEYS = st.lists(
    st.sampled_from(["left", "right", "home", "end", "up", "down", "tab", "space", "1", "9", "x"]),
    max_size=6,
)
ICE_FUZZ = settings(FUZZ, max_examples=max(5, EXAMPLES // 2))


def test_ice_minutes_stay_in_range_whatever_the_keys(tmp_path: Path) -> None:
    store = make_store(tmp_path, seed_movement)
    app = app_for(store, FakeClock(NOW))
    with LiveApp(app, SIZE) as live:

        @ICE_FUZZ
        @given(keys=ICE_KEYS)
        def example(keys: list[str]) -> None:
            async def drive(pilot: Pilot[Any]) -> None:
                while not isinstance(pilot.app.screen, HomeScreen):
                    pilot.app.pop_screen()
                    await pilot.pause()
                pilot.app.push_screen(IceSetupScreen())
                await pilot.pause()
                screen = pilot.app.screen
                before = file_bytes(store.path)
                await pilot.press(*keys)
                await pilot.pause()
                still_healthy(pilot)
                if pilot.app.screen is screen:
                    minutes = screen.query_one("#ice-minutes", Choice).value
                    assert 15 <= minutes <= 20
                    await pilot.press("enter")
                    await pilot.pause()
                    await pilot.pause()
                    timer = pilot.app.screen
                    assert isinstance(timer, IceTimerScreen) and timer.minutes == minutes
                assert file_bytes(store.path) == before  # nothing stored before a minute of ice

            live.run(drive)

        example()


def test_far_start_dates_plan_and_render(tmp_path: Path) -> None:
    """The extremes the profile accepts: home and the dashboard still plan and draw."""
    # 2200-12-31 is still a valid stored start (a hand-edited file); the form refuses it.
    store = make_store(tmp_path, seed_movement)
    clock = FakeClock(NOW)
    app = app_for(store, clock)
    with LiveApp(app, SIZE) as live:
        farthest = (TODAY + timedelta(days=60)).isoformat()  # the form's limit (interface.md)
        for start in ("1970-01-01", farthest, "2024-02-29", TODAY.isoformat()):

            async def drive(pilot: Pilot[Any], start: str = start) -> str:
                open_profile(pilot)
                await pilot.pause()
                pilot.app.screen.query_one("#start-date", Input).value = start
                await pilot.press("ctrl+s")
                await settle(pilot)
                assert isinstance(pilot.app.screen, HomeScreen)
                day_text = str(pilot.app.screen.query_one("#home-day", Static).render())
                await pilot.press("d")
                await pilot.pause()
                await pilot.pause()
                still_healthy(pilot)
                await pilot.press("h")
                await pilot.pause()
                return day_text

            shown = live.run(drive)
            assert "✗" not in shown
            if start > TODAY.isoformat():
                assert f"Program starts {start}" in shown
            else:
                day = (TODAY - date.fromisoformat(start)).days + 1
                assert f"Program day {day}" in shown


def test_profile_form_refuses_a_start_more_than_60_days_ahead(tmp_path: Path) -> None:
    store = make_store(tmp_path, seed_movement)
    app = app_for(store, FakeClock(NOW))
    before = store.profile()
    with LiveApp(app, SIZE) as live:

        async def drive(pilot: Pilot[Any]) -> str:
            open_profile(pilot)
            await pilot.pause()
            value = (TODAY + timedelta(days=61)).isoformat()
            pilot.app.screen.query_one("#start-date", Input).value = value
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(pilot.app.screen, HomeScreen)
            return str(pilot.app.screen.query_one("#start-date-error", Static).render())

        shown = live.run(drive)
    assert "at most 60 days ahead" in shown
    assert store.profile() == before
