"""The pure session runner: time from the clock, pause/resume, skip/back, manual reps, stalls."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runback_tui.domain.clock import FakeClock, aware
from runback_tui.domain.models import ActiveSession, PauseSpan, Settings
from runback_tui.domain.timeline import build_routine_timeline, build_run_walk_timeline
from runback_tui.sessions import cues as cue_module
from runback_tui.sessions.active import (
    ActiveSaver,
    RunSpec,
    describe_position,
    make_record,
    repeats_done,
)
from runback_tui.sessions.controller import SessionController
from runback_tui.sessions.cues import CueDispatcher, osc_sequence

NOW = datetime(2026, 11, 21, 7, 30)


def run_walk(clock: FakeClock, **kwargs: Any) -> SessionController:
    """A started stage-1 run-walk controller."""
    controller = SessionController(build_run_walk_timeline(1), clock, **kwargs)
    controller.start()
    return controller


def test_start_gives_the_opening_cue_and_time_comes_from_the_clock() -> None:
    clock = FakeClock(NOW)
    controller = SessionController(build_run_walk_timeline(1), clock)
    cues = controller.start()
    assert [c.text for c in cues] == ["RUN — 1 of 10"]
    clock.advance(42.5)
    assert controller.elapsed() == 42.5
    assert controller.state().remaining_in_segment == pytest.approx(17.5)


def test_each_cue_fires_once_at_its_second() -> None:
    clock = FakeClock(NOW)
    controller = run_walk(clock)
    fired: list[tuple[float, float]] = []
    for _ in range(1800):
        clock.advance(1.0)
        tick = controller.poll()
        fired += [(cue.at_s, tick.state.elapsed_s) for cue in tick.cues]
    timeline = controller.timeline
    assert [at for at, _ in fired] == [c.at_s for c in timeline.cues if c.at_s > 0]
    assert all(0 <= when - at < 1.0 for at, when in fired)


def test_pause_and_resume_totals_are_exact() -> None:
    clock = FakeClock(NOW)
    controller = run_walk(clock)
    clock.advance(5)
    controller.pause()
    clock.advance(1234.5)
    assert controller.elapsed() == 5
    assert controller.poll().cues == ()
    controller.resume()
    clock.advance(3.25)
    assert controller.elapsed() == 8.25
    assert controller.active_seconds() == 8.25
    assert controller.pause_count == 1


def test_skip_and_back_move_between_segments_and_record_skips() -> None:
    clock = FakeClock(NOW)
    controller = run_walk(clock)
    clock.advance(10)
    cues = controller.skip()
    assert [c.kind for c in cues] == ["walk"]
    assert controller.elapsed() == 60
    assert controller.skipped_labels == ["Run 1/10"]
    clock.advance(1)
    cues = controller.back()  # within 2 s of the start: back to the previous segment
    assert controller.elapsed() == 0
    assert [c.kind for c in cues] == ["run"]
    assert controller.skipped_labels == []
    clock.advance(30)
    controller.back()  # well into the segment: back to its start
    assert controller.elapsed() == 0


def test_a_stall_delivers_at_most_the_latest_relevant_cue() -> None:
    clock = FakeClock(NOW)
    controller = run_walk(clock)
    clock.advance(50)
    controller.poll()
    clock.advance(90)  # 140 s: WALK 1, 80 s in; missed: countdown ×3, walk, halfway (120)
    tick = controller.poll()
    assert tick.state.segment.label == "Walk 1/10"
    assert [c.kind for c in tick.cues] == ["walk"]
    assert tick.dropped == 4
    later = []
    for _ in range(60):
        clock.advance(1)
        later += list(controller.poll().cues)
    assert [c.at_s for c in later] == [177, 178, 179, 180]  # then RUN 2 at 180


def test_a_stall_ending_just_after_a_cue_fires_that_cue() -> None:
    clock = FakeClock(NOW)
    controller = run_walk(clock)
    clock.advance(58.5)  # a 58.5 s jump: the countdown "2" at 58 s is still fresh
    tick = controller.poll()
    assert [(c.kind, c.value) for c in tick.cues] == [("countdown", 2)]


def test_manual_reps_stop_timeline_time_until_counted() -> None:
    clock = FakeClock(NOW)
    timeline = build_routine_timeline("daily_core")
    controller = SessionController(timeline, clock)
    controller.start()
    clock.advance(400)  # past the get-ready of the clamshell (305–315): waits at 315
    assert controller.elapsed() == 315
    assert controller.waiting_for_reps
    clock.advance(100)
    assert controller.elapsed() == 315
    for _ in range(14):
        assert controller.count_rep() == []
    cues = controller.count_rep()
    assert [c.kind for c in cues] == ["switch"]
    assert controller.elapsed() == 375
    clock.advance(2)
    assert controller.elapsed() == 377
    assert controller.active_seconds() == 502


def test_tempo_reps_count_by_the_clock() -> None:
    clock = FakeClock(NOW)
    controller = SessionController(build_routine_timeline("daily_core"), clock, manual_reps=False)
    controller.start()
    clock.advance(315 + 9)
    assert controller.reps_done() == 2
    assert not controller.waiting_for_reps


def test_pain_is_recorded_with_position_and_time() -> None:
    clock = FakeClock(NOW)
    controller = run_walk(clock)
    clock.advance(70)
    mark = controller.log_pain(3, clock.now())
    assert (mark.elapsed_s, mark.pain, mark.at) == (70, 3, aware(NOW + timedelta(seconds=70)))
    assert controller.max_pain == 3


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("apsbw"), st.floats(0, 400)), max_size=25))
def test_position_never_leaves_the_timeline_and_pauses_hold_still(
    steps: list[tuple[str, float]],
) -> None:
    clock = FakeClock(NOW)
    controller = run_walk(clock)
    for action, seconds in steps:
        before = controller.elapsed()
        clock.advance(seconds)
        if controller.paused:
            assert controller.elapsed() == before
        {"a": controller.poll, "p": controller.toggle_pause, "s": controller.skip,
         "b": controller.back, "w": controller.elapsed}[action]()  # fmt: skip
        assert 0 <= controller.elapsed() <= controller.timeline.total_s


def test_record_round_trip_puts_the_session_where_the_wall_clock_says() -> None:
    clock = FakeClock(NOW)
    spec = RunSpec("run_walk", stage=1)
    controller = SessionController(spec.timeline(), clock)
    controller.start()
    started = clock.now()
    clock.advance(100)
    pauses = [PauseSpan(start=clock.now())]
    controller.pause()
    clock.advance(50)
    pauses[-1].end = clock.now()
    controller.resume()
    clock.advance(20)
    controller.skip()  # 120 → 180 (the walk's end)
    record = make_record(
        spec, controller, day=NOW.date(), started_at=started, pauses=pauses, now=clock.now(),
        speed=1.0,
    )  # fmt: skip
    assert record.elapsed_at_save_s == 180
    later = clock.now() + timedelta(minutes=5)
    assert record.elapsed_at(later) == pytest.approx(480)
    again = ActiveSession.model_validate(json.loads(json.dumps(record.model_dump(mode="json"))))
    position = describe_position(spec.timeline(), again.elapsed_at(later))
    assert position.label.startswith("WALK 3 of 10, 1:00 in")


def test_a_paused_record_stays_where_it_was() -> None:
    record = ActiveSession(
        kind="run_walk", stage=2, date=NOW.date(), started_at=NOW,
        pauses=[PauseSpan(start=NOW + timedelta(seconds=30))], saved_at=NOW,
        elapsed_at_save_s=30,
    )  # fmt: skip
    assert record.paused
    assert record.elapsed_at(NOW + timedelta(hours=2)) == 30


def test_repeats_done_counts_whole_repeats_without_skipped_runs() -> None:
    timeline = build_run_walk_timeline(1)
    assert repeats_done(timeline, 539, set()) == 2
    assert repeats_done(timeline, 540, set()) == 3
    assert repeats_done(timeline, 540, {2}) == 2  # run 2 (index 2) skipped


def test_dispatcher_respects_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    rings: list[int] = []
    sent: list[str] = []
    monkeypatch.setattr(cue_module, "ring_bell", lambda app, times=1: rings.append(times))
    monkeypatch.setattr(cue_module, "write_terminal_sequence", lambda app, seq: sent.append(seq))
    timeline = build_run_walk_timeline(1)
    shown: list[str] = []
    quiet = Settings(bell=False, notifications=True, notify_style="osc777", halfway_cues=False)
    dispatcher = CueDispatcher(object(), quiet, lambda event: shown.append(event.word))
    dispatcher.dispatch(list(timeline.cues[:7]))
    assert rings == []
    assert "½ HALFWAY" not in shown
    assert shown[:2] == ["▶ RUN — 1 of 10", "3 …"]
    assert sent == [
        "\x1b]777;notify;Runback;Runback: RUN — 1 of 10\x07",
        "\x1b]777;notify;Runback;Runback: WALK — 1 of 10\x07",
    ]
    loud = Settings(countdown_cues=False)
    dispatcher = CueDispatcher(object(), loud, lambda event: None)
    dispatcher.dispatch(list(timeline.cues[:7]))
    assert rings == [2, 1, 1, 1]  # run: two rings; halfway, walk, halfway: one each
    assert osc_sequence("a;b\x07c", "osc9") == "\x1b]9;abc\x07"


def test_saver_writes_newest_last_and_save_now_waits() -> None:
    written: list[float] = []
    record = ActiveSession(
        kind="run", minutes=20, date=NOW.date(), started_at=NOW, saved_at=NOW,
        elapsed_at_save_s=0,
    )  # fmt: skip
    queued: list[Callable[[], None]] = []
    saver = ActiveSaver(lambda r: written.append(r.elapsed_at_save_s), lambda e: None,
                        start=queued.append)  # fmt: skip
    for second in (1.0, 2.0, 3.0):
        saver.submit(record.model_copy(update={"elapsed_at_save_s": second}))
    assert len(queued) == 1 and not saver.idle.is_set()
    queued[0]()
    assert written == [3.0] and saver.idle.is_set()
    saver.save_now(record.model_copy(update={"elapsed_at_save_s": 9.0}))
    saver.submit(record)  # closed: ignored
    assert written == [3.0, 9.0]
