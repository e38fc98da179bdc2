"""Pilot tests of guided routines: the picker, a whole daily_core, pause, skip/back, stalls,
cue settings, the flare stop, the summary and the stored RoutineLog (FakeClock, no sleeping)."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import RoutineLog, Settings
from runback_tui.domain.timeline import build_routine_timeline
from runback_tui.screens.ice import IceSetupScreen, IceTimerScreen
from runback_tui.screens.routines import RoutinesScreen
from runback_tui.screens.session import RoutineSessionScreen
from runback_tui.screens.summary import RoutineSummaryScreen
from runback_tui.sessions import cues as cue_module
from runback_tui.storage.store import Store
from runback_tui.widgets.countdown import BigWord, Countdown, CueBanner, QuietStatic
from runback_tui.widgets.pain_scale import PainScale
from tests.ui.fixtures import NOW, seed_acute, seed_movement, seed_paused
from tests.ui.session_helpers import SIZE, app_for, settle, step, timer_screen


def shown(app: object, selector: str) -> str:
    """The text a QuietStatic shows."""
    return app.screen.query_one(selector, QuietStatic).shown  # type: ignore[attr-defined]


async def test_picker_lists_today_first_and_starts_the_highlighted_routine(
    store: Store, clock: FakeClock
) -> None:
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutinesScreen())
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        highlighted = options.highlighted_option
        assert highlighted is not None and highlighted.id == "routine:daily_core"
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[0] == "Suggested today"
        assert "10-minute core · ~10 min · Daily in phase 1" in prompts[1]
        every = " ".join(prompts)
        for name in ("Core stability", "Glutes and hips", "Posterior-chain strength",
                     "Pre-run warm-up", "Post-run stretch", "Flare relief", "Ice timer",
                     "Bird dog", "Hollow hold"):  # fmt: skip
            assert name in every
        await pilot.press("enter")
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, RoutineSessionScreen) and screen.routine_id == "daily_core"


async def test_a_whole_daily_core_by_clock_and_keys_is_logged(
    store: Store, clock: FakeClock
) -> None:
    seed_movement(store)
    app = app_for(store, clock)
    timeline = build_routine_timeline("daily_core")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutineSessionScreen(timeline, "daily_core"))
        await pilot.pause()
        screen = timer_screen(app)
        delivered: list[tuple[float, str]] = [(c.at_s, c.kind) for c in timeline.start_cues()]
        # A hold: the big countdown and what is being done.
        for _ in range(12):  # one-second ticks: a longer jump would count as a stall
            delivered += [(at, kind) for at, kind, _ in step(app, clock, 1)]
        await pilot.pause()
        assert app.screen.query_one("#session-kind", BigWord).word == "HOLD"
        assert "Left side · hold 1/10" in shown(app, "#session-what")
        assert app.screen.query_one("#session-countdown", Countdown).value == "0:08"
        assert shown(app, "#session-next") == "Next: Rest 5 s"
        reps = 0
        while isinstance(app.screen, RoutineSessionScreen):
            if screen.controller.waiting_for_reps:
                assert "of 15 reps" in shown(app, "#session-clock-hint")
                await pilot.press("enter")
                reps += 1
            else:
                delivered += [(at, kind) for at, kind, _ in step(app, clock, 1)]
        # Every cue of the timeline, in order, once each.
        assert reps == 60
        expected = [(c.at_s, c.kind) for c in timeline.cues]
        everything = [(e.cue.at_s, e.cue.kind) for e in screen.dispatcher.delivered]
        assert everything == expected
        assert set(delivered) <= set(expected)
        await pilot.pause()
        assert isinstance(app.screen, RoutineSummaryScreen)
        assert app.focused is app.screen.query_one("#pain-during", PainScale)
        await pilot.press("1", "tab", "2", "enter")
        await settle(pilot)
        assert "Saved" in str(app.screen.query_one("#summary-message").render())
    [log] = [s for s in store.history().sessions if isinstance(s, RoutineLog)]
    non_reps = sum(s.duration_s for s in timeline.segments if s.kind != "reps")
    assert (log.routine_id, log.completed, log.skipped) == ("daily_core", True, [])
    assert (log.pain_during, log.pain_after) == (1, 2)
    assert log.duration_s == pytest.approx(non_reps, abs=1)
    assert log.date == NOW.date()


async def test_pause_resume_skip_back_and_a_stall(store: Store, clock: FakeClock) -> None:
    seed_movement(store)
    app = app_for(store, clock)
    timeline = build_routine_timeline("daily_core")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutineSessionScreen(timeline, "daily_core"))
        await pilot.pause()
        screen = timer_screen(app)
        step(app, clock, 13)
        await pilot.press("space")
        assert step(app, clock, 300) == []
        assert screen.controller.elapsed() == 13
        assert "PAUSED" in shown(app, "#session-status")
        assert "PAUSED" in app.screen.query_one(CueBanner).text
        await pilot.press("space")
        step(app, clock, 2)
        assert screen.controller.elapsed() == 15
        await pilot.press("n")  # skip hold 1 → its rest at 20 s
        assert screen.controller.elapsed() == 20
        assert screen.controller.skipped_labels == ["Bird dog — left, hold 1/10"]
        await pilot.press("b")  # just started: back to hold 1
        assert screen.controller.elapsed() == 10
        assert screen.controller.skipped_labels == []
        # A 90-second stall: the right segment at the next tick, at most one cue.
        cues = step(app, clock, 90)  # 100 s: hold 7 (100–110) just started
        await pilot.pause()
        assert screen.controller.elapsed() == 100
        assert shown(app, "#session-what").startswith("Left side · hold 7/10")
        assert [(at, kind) for at, kind, _ in cues] == [(100.0, "start")]
        later: list[tuple[float, str, str]] = []
        for _ in range(30):
            later += step(app, clock, 1)
        assert [at for at, _, _ in later] == [c.at_s for c in timeline.cues_between(100, 130)]
        assert [at for at, _, _ in later][:5] == [107, 108, 109, 110, 112]
        assert len(set(later)) == len(later)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # confirm: end early
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, RoutineSummaryScreen)
        await pilot.press("enter")
        await settle(pilot)
    [log] = store.history().sessions
    assert isinstance(log, RoutineLog)
    assert log.completed is False
    assert log.duration_s == pytest.approx(13 + 2 + 90 + 30)  # the 300 s pause left out


async def test_cue_settings_bell_off_and_notifications_on(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_movement(store)
    store.save_settings(Settings(bell=False, notifications=True, countdown_cues=False))
    rings: list[int] = []
    sent: list[str] = []
    monkeypatch.setattr(cue_module, "ring_bell", lambda app, times=1: rings.append(times))
    monkeypatch.setattr(cue_module, "write_terminal_sequence", lambda app, seq: sent.append(seq))
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutineSessionScreen(build_routine_timeline("daily_core"), "daily_core"))
        await pilot.pause()
        kinds = [kind for _ in range(24) for _, kind, _ in step(app, clock, 1)]
        assert "countdown" not in kinds
        assert kinds == ["start", "rest"]  # hold 1 at 10 s, rest at 20 s
    assert rings == []
    assert sent == [
        "\x1b]9;10-minute core: Get ready: Bird dog\x07",
        "\x1b]9;10-minute core: Bird dog — left, hold 1/10\x07",
        "\x1b]9;10-minute core: Rest 5 s\x07",
    ]


async def test_bell_rings_on_every_cue_by_default(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_movement(store)
    rings: list[int] = []
    sent: list[str] = []
    monkeypatch.setattr(cue_module, "ring_bell", lambda app, times=1: rings.append(times))
    monkeypatch.setattr(cue_module, "write_terminal_sequence", lambda app, seq: sent.append(seq))
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutineSessionScreen(build_routine_timeline("daily_core"), "daily_core"))
        await pilot.pause()
        for _ in range(20):
            step(app, clock, 1)
    assert rings == [1, 1, 1, 1, 1, 1, 1, 1, 1]  # start, 3-2-1, start, 3-2-1, rest
    assert sent == []


async def test_pain_of_four_stops_and_suggests_relief(store: Store, clock: FakeClock) -> None:
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutineSessionScreen(build_routine_timeline("daily_core"), "daily_core"))
        await pilot.pause()
        step(app, clock, 30)
        await pilot.press("2")
        assert isinstance(app.screen, RoutineSessionScreen)
        await pilot.press("5")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, RoutineSummaryScreen)
        assert "FLARE" in str(app.screen.query_one("#summary-flare").render())
        assert app.screen.query_one("#pain-during", PainScale).value == 5
        assert app.focused is app.screen.query_one("#pain-after", PainScale)
        await pilot.press("4", "enter")
        await settle(pilot)
        assert "press f" in str(app.screen.query_one("#summary-message").render())
        await pilot.press("f")
        await pilot.pause()
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, RoutineSessionScreen) and screen.routine_id == "relief"
    [log] = store.history().sessions
    assert isinstance(log, RoutineLog)
    assert (log.pain_during, log.pain_after, log.completed) == (5, 4, False)


async def test_store_error_keeps_the_values_for_a_retry(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runback_tui.storage.durable import StoreError

    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(
            RoutineSessionScreen(build_routine_timeline("desk_mobility"), "desk_mobility")
        )
        await pilot.pause()
        step(app, clock, 5)
        await pilot.press("escape", "enter")
        await pilot.pause()
        await pilot.pause()
        original = Store.add_session

        def broken(self: Store, session: object) -> None:
            raise StoreError("the disk is full")

        monkeypatch.setattr(Store, "add_session", broken)
        await pilot.press("3", "tab", "1", "enter")
        await settle(pilot)
        message = str(app.screen.query_one("#summary-message").render())
        assert "Not saved" in message and "disk is full" in message
        assert app.screen.query_one("#pain-during", PainScale).value == 3
        monkeypatch.setattr(Store, "add_session", original)
        await pilot.press("enter")
        await settle(pilot)
    [log] = store.history().sessions
    assert isinstance(log, RoutineLog) and (log.pain_during, log.pain_after) == (3, 1)


async def test_ice_timer_records_when_the_next_ice_is_due(store: Store, clock: FakeClock) -> None:
    seed_acute(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(IceSetupScreen())
        await pilot.pause()
        await pilot.press("right", "right", "enter")  # 17 minutes
        await pilot.pause()
        await pilot.pause()
        screen = timer_screen(app)
        assert isinstance(screen, IceTimerScreen) and screen.minutes == 17
        for _ in range(17 * 6):
            step(app, clock, 10)
        await settle(pilot)
        assert "Next ice due 09:47–10:47" in shown(app, "#session-next")
    due = store.next_ice_due()
    assert due is not None and due.strftime("%H:%M") == "09:47"


@pytest.mark.parametrize("seed", [seed_paused, seed_acute], ids=["paused", "acute"])
async def test_no_strength_work_is_offered_while_paused_or_acute(
    store: Store, clock: FakeClock, seed: object
) -> None:
    seed(store)  # type: ignore[operator]
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RoutinesScreen())
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        enabled = {
            option.id
            for option in (options.get_option_at_index(i) for i in range(options.option_count))
            if not option.disabled and option.id
        }
        for strength in ("routine:daily_core", "routine:posterior_chain", "exercise:plank"):
            assert strength not in enabled
        assert {"routine:relief", "routine:post_run", "exercise:childs_pose", "ice"} <= enabled
        highlighted = options.highlighted_option
        assert highlighted is not None and not highlighted.disabled
