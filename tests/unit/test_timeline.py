"""Session timelines: segment layout, run-walk totals, state lookups, cues and skip/back."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runback_tui.domain import exercises as ex
from runback_tui.domain import timeline as tl

HYPOTHESIS = settings(max_examples=150, deadline=None)


def _all_timelines() -> list[tl.Timeline]:
    built = [tl.build_routine_timeline(routine_id) for routine_id in ex.ROUTINES]
    built += [tl.build_routine_timeline(routine_id, beginner=True) for routine_id in ex.ROUTINES]
    built += [tl.build_exercise_timeline(exercise_id) for exercise_id in ex.EXERCISES]
    built += [tl.build_run_walk_timeline(stage) for stage in (1, 2, 3)]
    built += [tl.build_run_walk_timeline(2, warmup_s=300, cooldown_s=300)]
    built += [tl.build_continuous_run_timeline(25)]
    built += [tl.build_routine_timeline("glutes_hips", tempo_s=3.3, get_ready_s=7.5)]
    return built


ALL_TIMELINES = _all_timelines()
TIMELINE_IDS = [f"{i}-{t.title}" for i, t in enumerate(ALL_TIMELINES)]


def timeline_and_fraction() -> st.SearchStrategy[tuple[tl.Timeline, float]]:
    """A timeline from ALL_TIMELINES and a fraction 0 … 1 of it."""
    return st.tuples(st.sampled_from(ALL_TIMELINES), st.floats(min_value=0.0, max_value=1.0))


# --- layout ---------------------------------------------------------------------------


@pytest.mark.parametrize("timeline", ALL_TIMELINES, ids=TIMELINE_IDS)
def test_segments_are_contiguous_numbered_and_positive(timeline: tl.Timeline) -> None:
    segments = timeline.segments
    assert segments[0].start_s == 0.0
    for position, segment in enumerate(segments):
        assert segment.index == position
        assert segment.duration_s > 0
        assert segment.label
    for before, after in zip(segments, segments[1:], strict=False):
        assert after.start_s == before.end_s
    assert timeline.total_s == segments[-1].end_s
    assert len(timeline) == len(segments)


@pytest.mark.parametrize("routine_id", ex.ROUTINES)
def test_routine_layout_rules(routine_id: str) -> None:
    timeline = tl.build_routine_timeline(routine_id)
    segments = timeline.segments
    assert segments[-1].kind not in ("rest", "switch", "get_ready"), "no trailing rest"
    get_readies = [s for s in segments if s.kind == "get_ready"]
    assert [s.exercise_id for s in get_readies] == list(ex.get_routine(routine_id).exercise_ids)
    assert all(s.duration_s == tl.GET_READY_S for s in get_readies)
    for before, after in zip(segments, segments[1:], strict=False):
        assert not (before.kind == "rest" and after.kind in ("rest", "get_ready", "switch"))
        if before.kind == "get_ready":
            assert after.kind in ("hold", "reps", "timed")
            assert after.exercise_id == before.exercise_id


def test_per_side_holds_run_left_then_switch_then_right() -> None:
    segments = tl.build_exercise_timeline("bird_dog").segments
    work = [s for s in segments if s.kind in ("hold", "switch")]
    assert [s.side for s in work] == ["left"] * 10 + ["right"] + ["right"] * 10
    assert work[10].kind == "switch" and work[10].duration_s == ex.SWITCH_S
    holds = [s for s in segments if s.kind == "hold"]
    assert [s.hold_number for s in holds] == list(range(1, 11)) * 2
    assert all(s.hold_count == 10 and s.duration_s == 10 for s in holds)
    assert holds[2].label == "Bird dog — left, hold 3/10"
    rests = [s for s in segments if s.kind == "rest"]
    assert len(rests) == 18 and all(s.duration_s == ex.HOLD_REST_S for s in rests)


def test_beginner_bird_dog_holds_5_s() -> None:
    holds = [s for s in tl.build_exercise_timeline("bird_dog", beginner=True).segments]
    assert {s.duration_s for s in holds if s.kind == "hold"} == {5.0}


def test_per_side_sets_switch_within_a_set_and_rest_between_sets() -> None:
    kinds = [(s.kind, s.side) for s in tl.build_exercise_timeline("side_plank").segments]
    assert kinds == [
        ("get_ready", None),
        ("hold", "left"),
        ("switch", "right"),
        ("hold", "right"),
        ("rest", None),
        ("hold", "left"),
        ("switch", "right"),
        ("hold", "right"),
    ]
    rest = tl.build_exercise_timeline("side_plank").segments[4]
    assert rest.duration_s == ex.SET_REST_S and rest.set_number == 2


def test_strength_sets_rest_60_s() -> None:
    segments = tl.build_exercise_timeline("hip_thrust").segments
    assert [s.kind for s in segments] == ["get_ready", "reps", "rest", "reps"]
    assert segments[2].duration_s == ex.STRENGTH_REST_S


def test_reps_duration_follows_tempo_and_counts_reps() -> None:
    segment = tl.build_exercise_timeline("glute_bridge").segments[1]
    assert segment.kind == "reps" and segment.rep_target == 12 and segment.rep_s == 4.0
    assert segment.duration_s == 48
    assert tl.reps_done_at(segment, -1) == 0
    assert tl.reps_done_at(segment, 0) == 0
    assert tl.reps_done_at(segment, 3.99) == 0
    assert tl.reps_done_at(segment, 4.0) == 1
    assert tl.reps_done_at(segment, 47.9) == 11
    assert tl.reps_done_at(segment, 48) == 12
    assert tl.reps_done_at(segment, 500) == 12
    slow = tl.build_exercise_timeline("glute_bridge", tempo_s=6).segments[1]
    assert slow.duration_s == 72 and tl.reps_done_at(slow, 12) == 2
    with pytest.raises(ValueError, match="not a reps segment"):
        tl.reps_done_at(tl.build_exercise_timeline("plank").segments[1], 1)


@given(st.floats(min_value=0.5, max_value=10), st.floats(min_value=0, max_value=100))
@HYPOTHESIS
def test_reps_done_is_monotonic_and_bounded(tempo: float, at: float) -> None:
    segment = tl.build_exercise_timeline("squat", tempo_s=tempo).segments[1]
    done = tl.reps_done_at(segment, at)
    assert 0 <= done <= 12
    assert tl.reps_done_at(segment, at + tempo) >= done


def test_alternating_reps_are_one_segment_counting_both_sides() -> None:
    segment = tl.build_exercise_timeline("dead_bug").segments[1]
    assert segment.kind == "reps" and segment.side is None
    assert segment.rep_target == 16 and segment.duration_s == 64
    assert "alternating" in segment.label


def test_per_side_reps_and_clamshell_doses() -> None:
    segments = tl.build_routine_timeline("daily_core").segments
    clam = [s for s in segments if s.exercise_id == "clamshell" and s.kind == "reps"]
    assert [(s.side, s.set_number, s.rep_target) for s in clam] == [
        ("left", 1, 15),
        ("right", 1, 15),
        ("left", 2, 15),
        ("right", 2, 15),
    ]
    glutes = tl.build_routine_timeline("glutes_hips").segments
    assert {s.rep_target for s in glutes if s.exercise_id == "clamshell" and s.kind == "reps"} == {
        12
    }


def test_timed_exercises() -> None:
    foam = tl.build_exercise_timeline("foam_roll").segments
    assert [s.area for s in foam[1:]] == ["lower back", "glutes", "hamstrings", "hip flexors"]
    assert all(s.kind == "timed" and s.duration_s == 60 for s in foam[1:])
    ice = tl.build_exercise_timeline("ice")
    assert [s.kind for s in ice.segments] == ["get_ready", "timed"]
    assert ice.segments[1].duration_s == 15 * 60
    relief = tl.build_routine_timeline("relief").segments
    assert relief[1].exercise_id == "ice" and relief[1].duration_s == 900
    assert tl.build_exercise_timeline("pool_run").segments[1].duration_s == 20 * 60
    assert tl.build_exercise_timeline("cycle_easy").segments[1].duration_s == 15 * 60
    assert tl.build_exercise_timeline("high_knee_march").segments[1].duration_s == 30


def test_single_exercise_with_a_custom_dose_and_no_get_ready() -> None:
    dose = ex.Dose(sets=3, holds=1, hold_s=45)
    timeline = tl.build_exercise_timeline("plank", dose=dose, get_ready_s=0)
    assert [s.kind for s in timeline.segments] == ["hold", "rest", "hold", "rest", "hold"]
    assert timeline.total_s == 3 * 45 + 2 * 30


def test_daily_core_is_about_ten_minutes() -> None:
    assert 8 * 60 <= tl.build_routine_timeline("daily_core").total_s <= 12 * 60


def test_tempo_changes_routine_length() -> None:
    fast = tl.build_routine_timeline("glutes_hips", tempo_s=2).total_s
    slow = tl.build_routine_timeline("glutes_hips", tempo_s=6).total_s
    assert fast < tl.build_routine_timeline("glutes_hips").total_s < slow


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(KeyError, match="valid ids"):
        tl.build_routine_timeline("nope")
    with pytest.raises(KeyError, match="valid ids"):
        tl.build_exercise_timeline("nope")
    with pytest.raises(ValueError, match="tempo_s"):
        tl.build_routine_timeline("daily_core", tempo_s=0)
    with pytest.raises(ValueError, match="get_ready_s"):
        tl.build_routine_timeline("daily_core", get_ready_s=-1)
    with pytest.raises(ValueError, match="stage"):
        tl.build_run_walk_timeline(4)
    with pytest.raises(ValueError, match="warmup_s"):
        tl.build_run_walk_timeline(1, warmup_s=math.inf)
    with pytest.raises(ValueError, match="minutes"):
        tl.build_continuous_run_timeline(0)
    empty = ex.Routine("empty", "Empty", (), "never")
    with pytest.raises(ValueError, match="no exercises"):
        tl.build_routine_timeline(empty)


def test_timeline_refuses_gaps_and_bad_segments() -> None:
    first = tl.Segment(0, "run", "Run", 0.0, 10.0)
    with pytest.raises(ValueError, match="at least one"):
        tl.Timeline([])
    with pytest.raises(ValueError, match="previous one ends"):
        tl.Timeline([first, tl.Segment(1, "walk", "Walk", 11.0, 10.0)])
    with pytest.raises(ValueError, match="index"):
        tl.Timeline([first, tl.Segment(5, "walk", "Walk", 10.0, 10.0)])
    with pytest.raises(ValueError, match="duration"):
        tl.Timeline([tl.Segment(0, "run", "Run", 0.0, 0.0)])


# --- run-walk -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "run_s", "walk_s", "repeats", "interval_s"),
    # Stage 1 is 10 × (60 + 120) s = 30 min: the protocol table's "20 min" does not add up,
    # and the run/walk/repeat figures are kept (see the timeline module docstring).
    [(1, 60, 120, 10, 1800), (2, 120, 60, 8, 1440), (3, 180, 60, 6, 1440)],
)
def test_run_walk_stage_layout_and_interval_total(
    stage: int, run_s: float, walk_s: float, repeats: int, interval_s: float
) -> None:
    timeline = tl.build_run_walk_timeline(stage)
    segments = timeline.segments
    assert [s.kind for s in segments] == ["run", "walk"] * repeats
    assert all(s.duration_s == run_s for s in segments if s.kind == "run")
    assert all(s.duration_s == walk_s for s in segments if s.kind == "walk")
    assert [s.repeat_number for s in segments] == [n for n in range(1, repeats + 1) for _ in "rw"]
    assert {s.repeat_count for s in segments} == {repeats}
    assert timeline.interval_s == interval_s == timeline.total_s
    assert tl.RUN_WALK_STAGES[stage].interval_s == interval_s
    assert segments[0].label == f"Run 1/{repeats}"


@given(
    st.sampled_from([1, 2, 3]),
    st.floats(min_value=0, max_value=1800),
    st.floats(min_value=0, max_value=1800),
)
@HYPOTHESIS
def test_warmup_and_cooldown_are_outside_interval_time(
    stage: int, warmup: float, cooldown: float
) -> None:
    timeline = tl.build_run_walk_timeline(stage, warmup_s=warmup, cooldown_s=cooldown)
    assert timeline.interval_s == tl.RUN_WALK_STAGES[stage].interval_s
    assert math.isclose(timeline.total_s, timeline.interval_s + warmup + cooldown)
    assert sum(1 for s in timeline.segments if s.kind == "run") == tl.RUN_WALK_STAGES[stage].repeats
    if warmup > 0:
        assert timeline.segments[0].label == "Warm-up walk"
        assert timeline.segments[0].repeat_number is None
    if cooldown > 0:
        assert timeline.segments[-1].label == "Cool-down walk"
        assert not timeline.segments[-1].is_interval


def test_stage_1_cues_at_the_right_seconds() -> None:
    timeline = tl.build_run_walk_timeline(1)
    first_minute = timeline.cues_between(-1, 60)
    assert [(c.at_s, c.kind, c.value, c.text) for c in first_minute] == [
        (0.0, "run", None, "RUN — 1 of 10"),
        (30.0, "halfway", None, "Halfway"),
        (57.0, "countdown", 3, "3"),
        (58.0, "countdown", 2, "2"),
        (59.0, "countdown", 1, "1"),
        (60.0, "walk", None, "WALK — 1 of 10"),
    ]
    walk = timeline.cues_between(60, 180)
    assert [(c.at_s, c.kind) for c in walk] == [
        (120.0, "halfway"),
        (177.0, "countdown"),
        (178.0, "countdown"),
        (179.0, "countdown"),
        (180.0, "run"),
    ]
    assert walk[-1].text == "RUN — 2 of 10"
    assert timeline.cues[-1] == tl.Cue(1800.0, "done", "Done", 19)


def test_warmup_cues_and_continuous_run() -> None:
    timeline = tl.build_run_walk_timeline(3, warmup_s=300, cooldown_s=120)
    assert timeline.start_cues() == [tl.Cue(0.0, "walk", "WALK — warm-up", 0)]
    assert timeline.cues_at(300.0)[0].text == "RUN — 1 of 6"
    assert timeline.cues_at(300.0 + 1440)[0].text == "WALK — cool-down"
    run = tl.build_continuous_run_timeline(30)
    assert len(run.segments) == 1 and run.segments[0].kind == "run"
    assert run.total_s == 1800
    assert [(c.at_s, c.kind, c.text) for c in run.cues] == [
        (0.0, "run", "RUN — 30 min"),
        (900.0, "halfway", "Halfway"),
        (1797.0, "countdown", "3"),
        (1798.0, "countdown", "2"),
        (1799.0, "countdown", "1"),
        (1800.0, "done", "Done"),
    ]


# --- cues -----------------------------------------------------------------------------


@pytest.mark.parametrize("timeline", ALL_TIMELINES, ids=TIMELINE_IDS)
def test_cue_rules(timeline: tl.Timeline) -> None:
    cues = timeline.cues
    assert [c.at_s for c in cues] == sorted(c.at_s for c in cues)
    assert cues[-1].kind == "done" and cues[-1].at_s == timeline.total_s
    assert sum(1 for c in cues if c.kind == "done") == 1
    by_segment: dict[int, list[tl.Cue]] = {}
    for cue in cues[:-1]:
        by_segment.setdefault(cue.segment_index, []).append(cue)
    for segment in timeline.segments:
        own = by_segment.get(segment.index, [])
        opening = own[0]
        assert opening.at_s == segment.start_s
        expected_kind = {
            "switch": "switch",
            "rest": "rest",
            "run": "run",
            "walk": "walk",
        }.get(segment.kind, "start")
        assert opening.kind == expected_kind
        countdown = [c for c in own if c.kind == "countdown"]
        if segment.kind in ("hold", "rest", "get_ready", "timed", "run", "walk") and (
            segment.duration_s >= 5
        ):
            assert [(c.at_s, c.value) for c in countdown] == [
                (segment.end_s - 3, 3),
                (segment.end_s - 2, 2),
                (segment.end_s - 1, 1),
            ]
        else:
            assert countdown == []
        halfway = [c for c in own if c.kind == "halfway"]
        wants_halfway = (segment.kind == "hold" and segment.duration_s >= 20) or (
            segment.kind in ("run", "walk", "timed") and segment.duration_s >= 60
        )
        expected_halfway = [segment.start_s + segment.duration_s / 2] if wants_halfway else []
        assert [c.at_s for c in halfway] == expected_halfway
        for cue in own:
            assert segment.start_s <= cue.at_s < segment.end_s


def test_switch_cue_at_a_side_switch() -> None:
    timeline = tl.build_exercise_timeline("knee_to_chest")
    switch = next(s for s in timeline.segments if s.kind == "switch")
    assert timeline.cues_at(switch.start_s) == [
        tl.Cue(switch.start_s, "switch", "Switch sides", switch.index)
    ]


def test_start_cues_at_holds_and_rep_sets() -> None:
    timeline = tl.build_routine_timeline("daily_core")
    starts = [c for c in timeline.cues if c.kind == "start"]
    work = [s for s in timeline.segments if s.kind in ("get_ready", "hold", "reps")]
    assert [c.at_s for c in starts] == [s.start_s for s in work]
    assert starts[0].text == "Get ready: Bird dog"
    assert starts[1].text == "Bird dog — left, hold 1/10"


@given(data=st.data())
@HYPOTHESIS
def test_cues_between_over_any_partition_gives_every_cue_once(data: st.DataObject) -> None:
    timeline = data.draw(st.sampled_from(ALL_TIMELINES))
    total = timeline.total_s
    steps = data.draw(
        st.lists(
            st.one_of(
                st.floats(min_value=0, max_value=1.5),  # ordinary ticks
                st.just(0.0),  # repeated timestamps
                st.just(90.0),  # a 90 s stall
                st.floats(min_value=0, max_value=total),  # any jump
            ),
            max_size=60,
        )
    )
    cuts = [-1.0]
    for step in steps:
        cuts.append(min(cuts[-1] + step, total))
    cuts.append(total)
    collected: list[tl.Cue] = []
    for before, after in zip(cuts, cuts[1:], strict=False):
        collected.extend(timeline.cues_between(before, after))
    assert collected == list(timeline.cues)


@given(timeline_and_fraction(), st.floats(min_value=0, max_value=1))
@HYPOTHESIS
def test_cues_between_is_the_half_open_interval(
    pair: tuple[tl.Timeline, float], other: float
) -> None:
    timeline, fraction = pair
    a, b = sorted((fraction * timeline.total_s, other * timeline.total_s))
    expected = [c for c in timeline.cues if a < c.at_s <= b]
    assert timeline.cues_between(a, b) == expected
    assert timeline.cues_between(b, a) == []


def test_cues_between_edge_cases() -> None:
    timeline = tl.build_run_walk_timeline(1)
    assert timeline.cues_between(0, 0) == []
    assert timeline.cues_between(0, 1)[:1] == []  # the opening cue needs a start below 0
    assert timeline.cues_between(-math.inf, 0) == timeline.start_cues()
    assert timeline.cues_between(-1, math.inf) == list(timeline.cues)
    assert timeline.cues_between(1800, 5000) == []
    with pytest.raises(ValueError, match="NaN"):
        timeline.cues_between(math.nan, 1)


# --- state lookups --------------------------------------------------------------------


def test_state_at_boundaries_belongs_to_the_next_segment() -> None:
    timeline = tl.build_run_walk_timeline(1)
    at_60 = timeline.state_at(60.0)
    assert at_60.index == 1 and at_60.segment.kind == "walk"
    assert at_60.elapsed_in_segment == 0 and at_60.remaining_in_segment == 120
    just_before = timeline.state_at(59.999)
    assert just_before.index == 0 and just_before.segment.kind == "run"
    start = timeline.state_at(0.0)
    assert start.index == 0 and start.progress == 0 and not start.finished


def test_state_at_clamps_both_ends() -> None:
    timeline = tl.build_run_walk_timeline(2)
    before = timeline.state_at(-50)
    assert before.index == 0 and before.elapsed_s == 0 and before.progress == 0
    assert not before.finished
    for elapsed in (timeline.total_s, timeline.total_s + 1000, math.inf):
        end = timeline.state_at(elapsed)
        assert end.finished and end.progress == 1
        assert end.index == len(timeline.segments) - 1
        assert end.remaining_in_segment == 0 and end.remaining_s == 0
        assert end.elapsed_s == timeline.total_s
    with pytest.raises(ValueError, match="NaN"):
        timeline.state_at(math.nan)


@pytest.mark.parametrize("timeline", ALL_TIMELINES, ids=TIMELINE_IDS)
def test_the_end_leaves_no_rounding_error_in_the_last_segment(timeline: tl.Timeline) -> None:
    """At the total (a float sum), the last segment is exactly used up, never over."""
    state = timeline.state_at(timeline.total_s)
    assert state.finished
    assert state.elapsed_in_segment == state.segment.duration_s
    assert state.remaining_in_segment == 0.0


@given(timeline_and_fraction())
@HYPOTHESIS
def test_segment_index_at_matches_a_linear_scan(pair: tuple[tl.Timeline, float]) -> None:
    timeline, fraction = pair
    elapsed = fraction * timeline.total_s
    state = timeline.state_at(elapsed)
    if elapsed >= timeline.total_s:
        expected = len(timeline.segments) - 1
    else:
        expected = next(s.index for s in timeline.segments if s.start_s <= elapsed < s.end_s)
    assert timeline.segment_index_at(elapsed) == expected == state.index
    assert state.segment.start_s + state.elapsed_in_segment == pytest.approx(elapsed)
    assert 0 <= state.elapsed_in_segment <= state.segment.duration_s
    assert state.remaining_in_segment == pytest.approx(
        state.segment.duration_s - state.elapsed_in_segment
    )
    assert timeline.start_of(expected) == state.segment.start_s


@given(
    st.sampled_from(ALL_TIMELINES),
    st.lists(st.floats(min_value=-10, max_value=10_000), min_size=2, max_size=30),
)
@HYPOTHESIS
def test_progress_and_index_are_monotonic(timeline: tl.Timeline, times: list[float]) -> None:
    states = [timeline.state_at(t) for t in sorted(times)]
    for earlier, later in zip(states, states[1:], strict=False):
        assert earlier.progress <= later.progress
        assert earlier.index <= later.index
        assert earlier.finished <= later.finished
    assert all(0 <= s.progress <= 1 for s in states)


def test_start_of() -> None:
    timeline = tl.build_run_walk_timeline(1)
    assert timeline.start_of(0) == 0
    assert timeline.start_of(1) == 60
    assert timeline.start_of(2) == 180
    assert timeline.start_of(len(timeline)) == timeline.total_s
    with pytest.raises(IndexError):
        timeline.start_of(-1)
    with pytest.raises(IndexError):
        timeline.start_of(len(timeline) + 1)


# --- skip and back --------------------------------------------------------------------


def test_skip_goes_to_the_next_segment_start() -> None:
    timeline = tl.build_run_walk_timeline(1)
    assert timeline.skip_target(-5) == 60
    assert timeline.skip_target(0) == 60
    assert timeline.skip_target(59.9) == 60
    assert timeline.skip_target(60) == 180
    last_start = timeline.segments[-1].start_s
    assert timeline.skip_target(last_start + 1) == timeline.total_s
    assert timeline.skip_target(timeline.total_s + 10) == timeline.total_s


def test_back_restarts_the_segment_or_goes_to_the_previous_one() -> None:
    timeline = tl.build_run_walk_timeline(1)
    assert timeline.back_target(0) == 0
    assert timeline.back_target(1.5) == 0
    assert timeline.back_target(61) == 0  # just into the walk: back to the run
    assert timeline.back_target(60 + tl.BACK_GRACE_S) == 0
    assert timeline.back_target(63) == 60  # well into the walk: restart it
    assert timeline.back_target(timeline.total_s) == timeline.segments[-1].start_s


@given(timeline_and_fraction())
@HYPOTHESIS
def test_skip_and_back_land_on_segment_starts(pair: tuple[tl.Timeline, float]) -> None:
    timeline, fraction = pair
    elapsed = fraction * timeline.total_s
    starts = {s.start_s for s in timeline.segments} | {timeline.total_s}
    skip = timeline.skip_target(elapsed)
    back = timeline.back_target(elapsed)
    assert skip in starts and back in starts
    assert skip > elapsed or skip == timeline.total_s
    assert back <= elapsed
    if skip < timeline.total_s:
        assert timeline.state_at(skip).index == timeline.state_at(elapsed).index + 1
