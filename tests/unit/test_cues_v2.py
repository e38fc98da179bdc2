"""Cues you can hear (issue 19, part 4): the bytes each cue kind writes to the terminal for each
setting — bell rhythms, OSC 9 / OSC 777 inside and outside tmux, gated by focus reporting —
the espeak-ng command built without a real speaker, the spoken-cues switch hidden without
espeak-ng, old settings files still loading, and every audible cue shown as well."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events

from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import Settings
from runback_tui.domain.timeline import Cue, build_run_walk_timeline
from runback_tui.screens.run import RunStartScreen
from runback_tui.screens.settings import NO_SPEECH_HINT, SettingsScreen
from runback_tui.sessions import cues as cue_module
from runback_tui.sessions.cues import (
    BELL_SPACING_S,
    DONE_SPACING_S,
    CueDispatcher,
    CueEvent,
    Speaker,
    bell_offsets,
    speech_argv,
    tmux_passthrough,
)
from runback_tui.storage.store import Store
from runback_tui.widgets.choice import Choice, YesNo
from runback_tui.widgets.countdown import BigWord, CueBanner
from tests.ui.fixtures import new_store, seed_run_walk
from tests.ui.session_helpers import SIZE, app_for, settle, step, timer_screen

TIMELINE = build_run_walk_timeline(1)
RUN, HALFWAY, THREE, TWO, ONE, WALK = TIMELINE.cues[:6]
DONE = TIMELINE.cues[-1]
ESPEAK_PATH = "/usr/bin/espeak-ng"


def pilot_test(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an ``async def`` Pilot test on a fresh event loop (tests/unit has no async hook)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))  # type: ignore[arg-type]

    return run


class FakeDriver:
    """Collects what the app writes to its terminal."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, data: str) -> None:
        self.written.append(data)


class FakeApp:
    """Just what the dispatcher touches of a Textual app, recording the bytes and the timers.

    ``bell`` writes BEL through the driver, as ``App.bell`` does; timers run when the test
    calls :meth:`run_timers`, so the rhythm of the rings is visible as delays.
    """

    def __init__(self, *, focused: bool = True, web: bool = False) -> None:
        self._driver = FakeDriver()
        self.is_headless = False
        self.is_web = web
        self.app_focus = focused
        self.timers: list[tuple[float, Callable[[], None]]] = []

    def bell(self) -> None:
        self._driver.write("\x07")

    def set_timer(self, delay: float, callback: Callable[[], None]) -> None:
        self.timers.append((delay, callback))

    def run_timers(self) -> None:
        for _, callback in sorted(self.timers, key=lambda timer: timer[0]):
            callback()
        self.timers.clear()

    @property
    def written(self) -> str:
        return "".join(self._driver.written)


class FakePopen:
    """Stands in for subprocess.Popen: records the command, never speaks, never waits."""

    started: list[FakePopen] = []

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        self.argv = argv
        self.kwargs = kwargs
        self.running = True
        self.terminated = False
        FakePopen.started.append(self)

    def poll(self) -> int | None:
        return None if self.running else 0

    def terminate(self) -> None:
        self.terminated = True
        self.running = False

    def wait(self, timeout: float | None = None) -> int:  # pragma: no cover - must not run
        raise AssertionError("the event loop must never wait for the speaker")

    def communicate(self, *args: object, **kwargs: object) -> None:  # pragma: no cover
        raise AssertionError("the event loop must never wait for the speaker")


@pytest.fixture(autouse=True)
def _outside_tmux(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test says whether it runs inside tmux; none hears a real speaker."""
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setattr(cue_module, "espeak_path", lambda: None)
    FakePopen.started = []


@pytest.fixture
def popen(monkeypatch: pytest.MonkeyPatch) -> type[FakePopen]:
    """espeak-ng 'installed' and Popen replaced."""
    monkeypatch.setattr(cue_module, "espeak_path", lambda: ESPEAK_PATH)
    monkeypatch.setattr(cue_module.subprocess, "Popen", FakePopen)
    return FakePopen


async def start_run(pilot: Any, app: Any) -> None:
    """Open the run screen and start today's run-walk session with enter."""
    app.push_screen(RunStartScreen())
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    timer_screen(app)


def deliver(app: FakeApp, settings: Settings, *cues: Cue) -> list[CueEvent]:
    """Dispatch *cues* through a fresh dispatcher and let the bell timers fire."""
    events_: list[CueEvent] = []
    dispatcher = CueDispatcher(app, settings, events_.append)
    delivered = dispatcher.dispatch(list(cues))
    app.run_timers()
    assert [event for event in delivered if event.shown] == events_
    return delivered


# --- bells: run, walk and done apart by ear -------------------------------------------------


def test_run_walk_and_done_ring_in_different_rhythms() -> None:
    quick, slow = BELL_SPACING_S, DONE_SPACING_S
    assert quick > 0.2  # more than xterm's 200 ms bell suppression
    assert slow > quick
    assert bell_offsets(1) == (0.0,)
    assert bell_offsets(2) == (0.0, quick)
    assert bell_offsets(3) == (0.0, slow, 2 * slow)
    assert bell_offsets(0) == ()
    patterns = {}
    for cue in (RUN, WALK, DONE, HALFWAY, THREE):
        app = FakeApp()
        [event] = CueDispatcher(app, Settings(), lambda event: None).dispatch([cue])
        patterns[cue.kind] = ([delay for delay, _ in app.timers], event.bells)
        assert app.written == "\x07"  # the first ring at once, the others by the app's timer
        app.run_timers()
        assert app.written == "\x07" * event.bells
    assert patterns == {
        "run": ([quick], 2),
        "walk": ([], 1),
        "done": ([slow, 2 * slow], 3),
        "halfway": ([], 1),
        "countdown": ([], 1),
    }
    assert len({str(patterns[kind]) for kind in ("run", "walk", "done")}) == 3


def test_bell_off_writes_no_bell() -> None:
    app = FakeApp()
    events_ = deliver(app, Settings(bell=False), RUN, THREE, WALK, DONE)
    assert app.written == ""
    assert [event.bells for event in events_] == [0, 0, 0, 0]


def test_a_whole_stage_one_session_rings_run_twice_walk_once_done_three_times() -> None:
    app = FakeApp()
    settings = Settings(countdown_cues=False, halfway_cues=False)
    events_ = deliver(app, settings, *TIMELINE.cues)
    kinds = [event.cue.kind for event in events_]
    assert kinds == ["run", "walk"] * 10 + ["done"]
    assert app.written.count("\x07") == 10 * 2 + 10 * 1 + 3
    assert "\x1b" not in app.written  # notifications are off by default


# --- notifications: OSC 9 / OSC 777, tmux passthrough ---------------------------------------

OSC9_RUN = "\x1b]9;Runback: RUN — 1 of 10\x07"
OSC777_RUN = "\x1b]777;notify;Runback;Runback: RUN — 1 of 10\x07"


@pytest.mark.parametrize(
    ("style", "plain"), [("osc9", OSC9_RUN), ("osc777", OSC777_RUN)], ids=["osc9", "osc777"]
)
def test_notification_bytes_outside_and_inside_tmux(
    monkeypatch: pytest.MonkeyPatch, style: str, plain: str
) -> None:
    settings = Settings(bell=False, notifications=True, notify_style=style)
    app = FakeApp()
    deliver(app, settings, RUN)
    assert app.written == plain

    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,4242,0")
    app = FakeApp()
    deliver(app, settings, RUN)
    body = plain.removeprefix("\x1b")
    assert app.written == "\x1bPtmux;\x1b\x1b" + body + "\x1b\\"
    assert app.written == tmux_passthrough(plain)
    assert app.written.count("\x1b") == 4  # ESC P, the doubled ESC, and ESC \


def test_tmux_passthrough_doubles_every_escape() -> None:
    assert tmux_passthrough("\x1b]9;a\x1b\\") == "\x1bPtmux;\x1b\x1b]9;a\x1b\x1b\\\x1b\\"


def test_an_empty_tmux_variable_or_a_browser_gets_the_plain_sequence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(bell=False, notifications=True)
    monkeypatch.setenv("TMUX", "")
    app = FakeApp()
    deliver(app, settings, RUN)
    assert app.written == OSC9_RUN
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,4242,0")
    app = FakeApp(web=True)  # textual-serve started from a tmux pane: the page is not in tmux
    deliver(app, settings, RUN)
    assert app.written == OSC9_RUN


def test_notifications_only_for_cues_that_change_what_to_do() -> None:
    app = FakeApp()
    settings = Settings(bell=False, notifications=True)
    events_ = deliver(app, settings, RUN, HALFWAY, THREE, TWO, ONE, WALK, DONE)
    assert [event.notified for event in events_] == [True, False, False, False, False, True, True]
    assert app.written == (
        OSC9_RUN + "\x1b]9;Runback: WALK — 1 of 10\x07" + "\x1b]9;Runback: Done\x07"
    )


def test_headless_apps_get_nothing_written() -> None:
    app = FakeApp()
    app.is_headless = True
    assert not cue_module.write_terminal_sequence(app, "\x1b]9;x\x07")
    assert app.written == ""


# --- focus reporting gates the notifications ------------------------------------------------


def test_not_focused_setting_sends_only_while_the_terminal_is_out_of_view() -> None:
    settings = Settings(bell=False, notifications=True)
    assert settings.notify_when == "unfocused"  # the default
    app = FakeApp(focused=True)
    dispatcher = CueDispatcher(app, settings, lambda event: None)
    # no focus report yet: Runback cannot know the runner is looking, so it sends
    assert dispatcher.dispatch([RUN])[0].notified
    assert app.written == OSC9_RUN
    # the terminal reports it lost focus (Textual: AppBlur → app.app_focus False)
    app.app_focus = False
    dispatcher.focus_changed(False)
    assert dispatcher.dispatch([WALK])[0].notified
    # back in view: the runner sees the banner, no notification
    app.app_focus = True
    dispatcher.focus_changed(True)
    app._driver.written.clear()
    assert not dispatcher.dispatch([RUN, WALK, DONE])[0].notified
    assert app.written == ""
    # a new session on the same app remembers that this terminal reports focus
    again = CueDispatcher(app, settings, lambda event: None)
    assert not again.dispatch([RUN])[0].notified
    app.app_focus = False
    assert again.dispatch([RUN])[0].notified


def test_always_setting_sends_while_focused_too() -> None:
    settings = Settings(bell=False, notifications=True, notify_when="always")
    app = FakeApp(focused=True)
    dispatcher = CueDispatcher(app, settings, lambda event: None)
    dispatcher.focus_changed(True)
    assert [event.notified for event in dispatcher.dispatch([RUN, WALK])] == [True, True]
    assert app.written.count("\x1b]9;") == 2


def test_notifications_off_sends_nothing_whatever_the_focus() -> None:
    app = FakeApp(focused=False)
    for when in ("unfocused", "always"):
        deliver(app, Settings(bell=False, notify_when=when), RUN, WALK, DONE)
    assert app.written == ""


@pilot_test
async def test_the_session_screen_follows_textuals_focus_events(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AppBlur / AppFocus (what Textual makes of FocusOut / FocusIn once the driver has sent
    DECSET 1004) reach the dispatcher of a running session."""
    seed_run_walk(store)
    store.save_settings(Settings(bell=False, notifications=True, halfway_cues=False))
    sent: list[str] = []
    monkeypatch.setattr(cue_module, "write_terminal_sequence", lambda app, seq: sent.append(seq))
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await start_run(pilot, app)
        screen = timer_screen(app)
        assert sent == [f"\x1b]9;{screen.timeline.title}: RUN — 1 of 10\x07"]  # no report yet
        app.post_message(events.AppBlur())
        await pilot.pause()
        assert app.app_focus is False
        step(app, clock, 60)  # walk 1, out of view: notified
        assert len(sent) == 2 and "WALK — 1 of 10" in sent[-1]
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert app.app_focus is True
        kinds = [kind for _, kind, _ in step(app, clock, 120)]  # run 2, in view
        assert "run" in kinds
        assert len(sent) == 2
        banner = app.screen.query_one("#cue-banner", CueBanner)
        assert banner.text == "▶ RUN — 2 of 10"  # seen, not notified
        await pilot.press("escape")
        await settle(pilot)


# --- spoken cues through espeak-ng ----------------------------------------------------------


def test_the_speech_command_and_how_it_is_started(popen: type[FakePopen]) -> None:
    assert speech_argv(ESPEAK_PATH, "Run") == [ESPEAK_PATH, "Run"]
    app = FakeApp()
    events_ = deliver(app, Settings(spoken_cues=True), RUN, HALFWAY, THREE, TWO, ONE, WALK, DONE)
    assert [event.spoken for event in events_] == ["Run", "Halfway", "3", "2", "1", "Walk", "Done"]
    assert [process.argv for process in popen.started] == [
        [ESPEAK_PATH, word] for word in ("Run", "Halfway", "3", "2", "1", "Walk", "Done")
    ]
    for process in popen.started:
        assert process.kwargs == {
            "stdin": cue_module.subprocess.DEVNULL,
            "stdout": cue_module.subprocess.DEVNULL,
            "stderr": cue_module.subprocess.DEVNULL,
        }
    # each new word cut the one still speaking short; the last is left to finish
    assert [process.terminated for process in popen.started] == [True] * 6 + [False]
    assert app.written.count("\x07") == 2 + 1 + 1 + 1 + 1 + 1 + 3  # the bell rings as well


def test_a_finished_word_is_not_killed(popen: type[FakePopen]) -> None:
    speaker = Speaker(ESPEAK_PATH)
    assert speaker.say("Run")
    popen.started[0].running = False  # espeak-ng already done
    assert speaker.say("Walk")
    assert popen.started[0].terminated is False
    assert speaker.say("") is False  # nothing to say
    assert len(popen.started) == 2


def test_speech_is_off_by_default_and_quiet_without_espeak(
    popen: type[FakePopen], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings().spoken_cues is False
    deliver(FakeApp(), Settings(), RUN, WALK)
    assert popen.started == []
    headless = FakeApp()
    headless.is_headless = True  # tests and `textual run --headless`: never a real speaker
    deliver(headless, Settings(spoken_cues=True), RUN)
    assert popen.started == []
    monkeypatch.setattr(cue_module, "espeak_path", lambda: None)
    [event] = deliver(FakeApp(), Settings(spoken_cues=True), RUN)
    assert popen.started == [] and event.spoken == "" and event.shown


def test_a_speaker_that_cannot_start_stays_quiet_and_the_cue_still_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cue_module, "espeak_path", lambda: ESPEAK_PATH)
    calls: list[list[str]] = []

    def broken(argv: list[str], **kwargs: object) -> None:
        calls.append(argv)
        raise FileNotFoundError(argv[0])

    monkeypatch.setattr(cue_module.subprocess, "Popen", broken)
    app = FakeApp()
    events_ = deliver(app, Settings(spoken_cues=True), RUN, WALK)
    assert [event.spoken for event in events_] == ["", ""]
    assert all(event.shown for event in events_)
    assert len(calls) == 1  # tried once, then left alone
    assert app.written.count("\x07") == 3


# --- every audible cue is shown too ---------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),
        Settings(visual_cues=False),
        Settings(visual_cues=False, bell=False, notifications=True, notify_when="always"),
        Settings(visual_cues=False, bell=False, spoken_cues=True),
    ],
    ids=["defaults", "banner-off-bell-on", "notification-only", "speech-only"],
)
def test_every_audible_cue_is_shown(settings: Settings, popen: type[FakePopen]) -> None:
    events_ = deliver(FakeApp(), settings, *TIMELINE.cues)
    audible = [event for event in events_ if event.bells or event.notified or event.spoken]
    assert audible
    assert all(event.shown for event in audible)


def test_a_silent_cue_with_the_banner_off_is_not_shown() -> None:
    [event] = deliver(FakeApp(), Settings(visual_cues=False, bell=False), HALFWAY)
    assert not event.shown


@pilot_test
async def test_run_walk_and_done_flash_the_banner_and_the_big_word(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_run_walk(store)
    store.save_settings(Settings(visual_cues=False, countdown_cues=False, halfway_cues=False))
    rings: list[int] = []
    monkeypatch.setattr(cue_module, "ring_bell", lambda app, times=1: rings.append(times))
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await start_run(pilot, app)
        seen: list[tuple[str, str]] = []
        banner = app.screen.query_one("#cue-banner", CueBanner)
        seen.append((banner.text, app.screen.query_one(BigWord).text))
        step(app, clock, 60)
        seen.append((banner.text, app.screen.query_one(BigWord).text))
        step(app, clock, 1800)
        seen.append((banner.text, app.screen.query_one(BigWord).text))
        await settle(pilot)
    assert rings[:2] == [2, 1] and rings[-1] == 3
    assert seen[0] == ("▶ RUN — 1 of 10", "RUN")
    assert seen[1] == ("◼ WALK — 1 of 10", "WALK")
    assert seen[2] == ("✔ DONE — well done", "DONE")


# --- the settings screen and old files ------------------------------------------------------


@pilot_test
async def test_the_spoken_switch_is_absent_without_espeak(store: Store, clock: FakeClock) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SettingsScreen())
        await pilot.pause()
        assert not app.screen.query("#spoken_cues")
        assert NO_SPEECH_HINT in str(app.screen.query_one("#no-speech").render())
        when = app.screen.query_one("#notify_when", Choice)
        assert when.value == "unfocused"
        when.focus()
        await pilot.press("right")
        await pilot.press("enter")
        await settle(pilot)
    saved = store.settings()
    assert saved.notify_when == "always"
    assert saved.spoken_cues is False


@pilot_test
async def test_the_spoken_switch_is_offered_with_espeak_and_saves(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cue_module, "espeak_path", lambda: ESPEAK_PATH)
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SettingsScreen())
        await pilot.pause()
        assert not app.screen.query("#no-speech")
        switch = app.screen.query_one("#spoken_cues", YesNo)
        assert switch.value is False  # off by default
        switch.focus()
        await pilot.press("y")
        await pilot.press("enter")
        await settle(pilot)
    assert store.settings().spoken_cues is True


def test_old_settings_files_still_load(tmp_path: Path) -> None:
    old = {
        "visual_cues": True, "bell": False, "notifications": True, "notify_style": "osc777",
        "countdown_cues": True, "halfway_cues": False, "tempo_reps": False, "ice_minutes": 17,
    }  # fmt: skip
    settings = Settings.model_validate(old)
    assert (settings.notify_when, settings.spoken_cues) == ("unfocused", False)
    assert (settings.bell, settings.notify_style, settings.ice_minutes) == (False, "osc777", 17)

    path = tmp_path / "runback.json"
    store = new_store(path)
    store.save_settings(Settings(bell=False, ice_minutes=17))
    data = json.loads(path.read_text())
    [document] = data["settings"].values()
    assert document.pop("notify_when") == "unfocused"
    assert document.pop("spoken_cues") is False
    path.write_text(json.dumps(data))
    loaded = new_store(path).settings()
    assert (loaded.bell, loaded.ice_minutes, loaded.notify_when) == (False, 17, "unfocused")
