"""Pilot tests of run-walk sessions: the start screen, a whole stage-1 session with every cue at
its second, pause/resume, skip, pain taps, a 2-minute stall, the flare prompt, the summary,
the stored log and the engine's decision (FakeClock, no sleeping)."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import RunLog, RunWalkLog
from runback_tui.screens.run import RunSessionScreen, RunStartScreen
from runback_tui.screens.summary import RunSummaryScreen
from runback_tui.storage.store import Store
from runback_tui.widgets.choice import Choice
from runback_tui.widgets.confirm import ConfirmDialog
from runback_tui.widgets.countdown import BigWord, Countdown, QuietStatic
from runback_tui.widgets.pain_scale import PainScale
from tests.ui.fixtures import NOW, seed_build, seed_run_walk
from tests.ui.session_helpers import SIZE, app_for, settle, step, timer_screen


def shown(app: object, selector: str) -> str:
    """The text a QuietStatic shows."""
    return app.screen.query_one(selector, QuietStatic).shown  # type: ignore[attr-defined]


async def start_today(pilot: object, app: object) -> RunSessionScreen:
    """Open the run screen and start today's session with enter."""
    app.push_screen(RunStartScreen())  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    screen = timer_screen(app)  # type: ignore[arg-type]
    assert isinstance(screen, RunSessionScreen)
    return screen


async def test_start_screen_opens_on_todays_session(store: Store, clock: FakeClock) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert app.focused is options
        assert options.highlighted_option is not None
        assert options.highlighted_option.id == "today"
        assert "stage 1: 10 × (1 min run + 2 min walk), 30 min" in str(
            options.highlighted_option.prompt
        )
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["today", "pre_run", "post_run", "stage-1", "stage-2", "stage-3", "run"]
        await pilot.press("down", "enter")  # the warm-up, a separate choice
        await pilot.pause()
        assert timer_screen(app).timeline.title == "Pre-run warm-up"


async def test_a_whole_stage_1_session_cues_every_switch_and_decides(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_today(pilot, app)
        timeline = screen.timeline
        assert timeline.total_s == 1800
        await settle(pilot)
        record = store.active_session()
        assert record is not None and record.stage == 1 and record.started_at == NOW
        assert app.screen.query_one("#run-word", BigWord).word == "RUN"
        late = []
        for second in range(1, 1801):
            for at, _, _ in step(app, clock, 1):
                late.append(second - at)
            if second == 75:
                await pilot.pause()
                assert app.screen.query_one("#run-word", BigWord).word == "WALK"
                assert shown(app, "#run-repeat").startswith("Repeat 1/10 · WALK")
                assert app.screen.query_one("#run-countdown", Countdown).value == "1:45"
                assert shown(app, "#run-times") == "Elapsed 1:15 · left 28:45"
                assert shown(app, "#run-next") == "Next: RUN 1:00"
            if second == 200:
                await pilot.pause()
                assert "Lean" not in shown(app, "#run-form")
                assert shown(app, "#run-form").startswith("Form: Eyes on the ground")
        delivered = [(e.cue.at_s, e.cue.kind) for e in screen.dispatcher.delivered]
        assert delivered == [(c.at_s, c.kind) for c in timeline.cues]
        assert len(delivered) == 101
        assert all(0 <= lag < 1 for lag in late)  # each cue at the tick of its second
        await pilot.pause()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, RunSummaryScreen)
        assert app.focused is summary.query_one("#pain-during", PainScale)
        await pilot.press("1", "tab", "0", "tab")
        await pilot.press("4", ".", "5", "tab", "right", "enter")
        await settle(pilot)
        decision = str(summary.query_one("#summary-decision").render())
        assert "PROGRESS → next session: stage 2" in decision
    [log] = [s for s in store.history().sessions if isinstance(s, RunWalkLog)]
    assert (log.stage, log.completed, log.repeats_done) == (1, True, 10)
    assert (log.pain_during, log.pain_after, log.distance_km) == (1, 0, 4.5)
    assert log.shoe == "Blue trainers"
    assert store.active_session() is None


async def test_pause_skip_pain_taps_a_stall_and_the_flare_prompt(
    store: Store, clock: FakeClock
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_today(pilot, app)
        for _ in range(10):
            step(app, clock, 1)
        await pilot.press("2")
        await pilot.press("space")
        assert step(app, clock, 500) == []
        assert screen.controller.elapsed() == 10
        await pilot.pause()
        assert app.screen.query_one("#run-word", BigWord).word == "PAUSED"
        await settle(pilot)
        record = store.active_session()
        assert record is not None and record.paused
        assert [(tap.elapsed_s, tap.pain) for tap in record.pains] == [(10, 2)]
        await pilot.press("space")
        step(app, clock, 1)
        assert screen.controller.elapsed() == 11
        await pilot.press("n")  # skip run 1 → walk 1
        assert screen.controller.elapsed() == 60
        assert screen.controller.skipped_labels == ["Run 1/10"]
        # A 2-minute stall: RUN 2, 5 s in, at the next tick; only its opening cue.
        cues = step(app, clock, 125)
        await pilot.pause()
        assert screen.controller.elapsed() == 185
        assert [(at, kind) for at, kind, _ in cues] == [(180, "run")]
        assert shown(app, "#run-repeat").startswith("Repeat 2/10 · RUN")
        assert app.screen.query_one("#run-countdown", Countdown).value == "0:55"
        later = []
        for _ in range(60):
            later += step(app, clock, 1)
        assert [(at, kind) for at, kind, _ in later] == [
            (210, "halfway"), (237, "countdown"), (238, "countdown"), (239, "countdown"),
            (240, "walk"),
        ]  # fmt: skip
        await settle(pilot)
        record = store.active_session()
        assert record is not None and not record.paused
        assert record.elapsed_at_save_s == 240  # saved at the segment change
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # a prompt, not an automatic stop
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, RunSummaryScreen)
        assert summary.query_one("#pain-during", PainScale).value == 5
        assert app.focused is summary.query_one("#pain-after", PainScale)
        await pilot.press("3", "enter")
        await settle(pilot)
        assert "FLARE" in str(summary.query_one("#summary-decision").render())
    [log] = [s for s in store.history().sessions if isinstance(s, RunWalkLog)]
    assert (log.completed, log.repeats_done, log.pain_during, log.pain_after) == (False, 0, 5, 3)
    assert log.distance_km is None
    assert log.shoe == "Blue trainers"  # the only shoe is the default (domain/shoes.py)
    assert store.active_session() is None


async def test_a_continuous_run_needs_its_distance(store: Store, clock: FakeClock) -> None:
    seed_build(store)
    app = app_for(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RunStartScreen())
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.highlighted_option is not None
        assert options.highlighted_option.id == "today-run"
        await pilot.press("left", "enter")  # 15 minutes
        await pilot.pause()
        screen = timer_screen(app)
        assert screen.timeline.total_s == 15 * 60
        for _ in range(15 * 6):
            step(app, clock, 10)
        await pilot.pause()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, RunSummaryScreen)
        assert summary.query_one("#shoe", Choice).value == "Grey racers"  # the last one used
        await pilot.press("1", "tab", "1", "enter")
        await pilot.pause()
        assert "needs its distance" in str(summary.query_one("#summary-message").render())
        summary.query_one("#distance", Input).value = "2"
        await pilot.press("enter")
        await settle(pilot)
    runs = [s for s in store.history().sessions if isinstance(s, RunLog)]
    latest = max(runs, key=lambda r: (r.date, r.id == runs[-1].id))
    assert latest.date == NOW.date()
    assert abs(latest.distance_km - 2 * 1.609344) < 1e-9  # the profile is in miles
    assert latest.minutes == 15
