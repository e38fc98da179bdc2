"""Helpers shared by the session Pilot tests: drive a FakeClock and the screen's tick."""

from __future__ import annotations

from textual.pilot import Pilot

from runback_tui.app import RunbackApp, make_app
from runback_tui.domain.clock import FakeClock
from runback_tui.screens.session import TimerScreen
from runback_tui.storage.store import Store

SIZE = (80, 24)


def app_for(store: Store, clock: FakeClock) -> RunbackApp:
    """The app as the tests drive it: no blinking cursor, no animations."""
    return make_app(store, clock, blink_cursor=False, animations=False)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for store writes in workers and the messages they post."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def timer_screen(app: RunbackApp) -> TimerScreen:
    """The session screen on top."""
    screen = app.screen
    assert isinstance(screen, TimerScreen), screen
    return screen


def step(app: RunbackApp, clock: FakeClock, seconds: float) -> list[tuple[float, str, str]]:
    """Advance the clock by *seconds* and tick once; returns the cues delivered (at, kind, text).

    Ticks are called directly (no real time passes); what the screen shows is computed from
    the clock, exactly as after a real tick.
    """
    screen = timer_screen(app)
    before = len(screen.dispatcher.delivered)
    clock.advance(seconds)
    screen.tick()
    return [(e.cue.at_s, e.cue.kind, e.cue.text) for e in screen.dispatcher.delivered[before:]]
