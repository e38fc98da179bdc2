"""The exercise library against exercises.md: ids, kinds, doses, routines, cues and tips."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runback_tui.domain import exercises as ex
from runback_tui.domain.limits import Phase
from runback_tui.domain.timeline import (
    build_routine_timeline,
    estimated_minutes_text,
    estimated_seconds,
)

SOURCES_DIR = Path("/work/shared/sources")

# id -> (kind, per side, sources), transcribed from the exercises table of exercises.md.
EXPECTED_EXERCISES: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "bird_dog": ("hold", True, ("000", "001")),
    "clamshell": ("reps", True, ("000", "001")),
    "plank": ("hold", False, ("001", "002")),
    "side_plank": ("hold", True, ("001",)),
    "dead_bug": ("reps", False, ("001",)),
    "hollow_hold": ("hold", False, ("004",)),
    "glute_bridge": ("reps", False, ("001", "002")),
    "single_leg_bridge": ("reps", True, ("000",)),
    "hip_thrust": ("reps", False, ("001", "000")),
    "squat": ("reps", False, ("001",)),
    "lunge": ("reps", True, ("001",)),
    "romanian_deadlift": ("reps", False, ("000", "003")),
    "pelvic_tilt_wall": ("reps", False, ("000",)),
    "hip_flexor_rotation": ("reps", True, ("004",)),
    "high_knee_march": ("timed", False, ("001",)),
    "butt_kick": ("timed", False, ("001",)),
    "hamstring_stretch": ("hold", False, ("001",)),
    "hip_flexor_stretch": ("hold", True, ("001",)),
    "glute_stretch": ("hold", True, ("001",)),
    "childs_pose": ("hold", False, ("001", "002")),
    "knee_to_chest": ("hold", True, ("002",)),
    "cat_cow": ("reps", False, ("002",)),
    "piriformis_stretch": ("hold", True, ("002",)),
    "foam_roll": ("timed", False, ("001",)),
    "ice": ("timed", False, ("000",)),
    "pool_run": ("timed", False, ("000",)),
    "cycle_easy": ("timed", False, ("000",)),
}

EXPECTED_ROUTINES: dict[str, tuple[str, ...]] = {
    "daily_core": ("bird_dog", "clamshell"),
    "core_stability": ("plank", "side_plank", "bird_dog", "dead_bug", "hollow_hold"),
    "glutes_hips": ("glute_bridge", "hip_thrust", "squat", "lunge", "clamshell"),
    "posterior_chain": ("hip_thrust", "romanian_deadlift", "single_leg_bridge", "lunge"),
    "pre_run": ("pelvic_tilt_wall", "high_knee_march", "butt_kick", "hip_flexor_rotation"),
    "post_run": ("hamstring_stretch", "hip_flexor_stretch", "glute_stretch", "childs_pose"),
    "desk_mobility": ("hip_flexor_rotation", "cat_cow", "knee_to_chest"),
    "relief": ("ice", "knee_to_chest", "childs_pose"),
}


def test_every_exercise_of_exercises_md_is_present_and_nothing_else() -> None:
    assert list(ex.EXERCISES) == list(EXPECTED_EXERCISES)


@pytest.mark.parametrize("exercise_id", EXPECTED_EXERCISES)
def test_exercise_kind_side_and_sources_match_exercises_md(exercise_id: str) -> None:
    kind, per_side, sources = EXPECTED_EXERCISES[exercise_id]
    exercise = ex.get_exercise(exercise_id)
    assert exercise.id == exercise_id
    assert exercise.kind == kind
    assert exercise.per_side is per_side
    assert exercise.sources == sources


@pytest.mark.parametrize("exercise", ex.EXERCISES.values(), ids=lambda e: e.id)
def test_exercise_text_is_complete(exercise: ex.Exercise) -> None:
    assert exercise.name.strip()
    assert exercise.dose_text.strip()
    assert exercise.key_points and all(point.strip() for point in exercise.key_points)
    assert exercise.steps
    for step in exercise.steps:
        assert step.strip() == step and step, step
        assert "\n" not in step
        assert len(step) <= 130, step
    assert set(exercise.sources) <= set(ex.SOURCE_IDS)
    if exercise.per_side:
        assert exercise.side_note, "per-side work says what left and right mean"


@pytest.mark.parametrize("exercise", ex.EXERCISES.values(), ids=lambda e: e.id)
def test_dose_matches_kind(exercise: ex.Exercise) -> None:
    dose = exercise.dose
    if exercise.kind == "hold":
        assert dose.hold_s and dose.holds and dose.reps is None and dose.minutes is None
    elif exercise.kind == "reps":
        assert dose.reps and dose.hold_s is None and dose.minutes is None
    else:
        assert dose.minutes and dose.hold_s is None and dose.reps is None


def _word_ngrams(text: str, size: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="shared sources not available")
def test_steps_are_our_own_words_not_pasted_from_the_sources() -> None:
    source_grams: set[tuple[str, ...]] = set()
    for path in SOURCES_DIR.glob("*.txt"):
        source_grams |= _word_ngrams(path.read_text(encoding="utf-8"), 6)
    texts = [step for e in ex.EXERCISES.values() for step in e.steps]
    texts += [point for e in ex.EXERCISES.values() for point in e.key_points]
    texts += list(ex.FORM_CUES) + [tip.text for tip in ex.RECOVERY_TIPS]
    for text in texts:
        assert not _word_ngrams(text, 6) & source_grams, text


def test_strength_exercises_rest_60_s_and_others_30_s() -> None:
    assert {"hip_thrust", "romanian_deadlift", "squat", "lunge", "single_leg_bridge"} == set(
        ex.STRENGTH_EXERCISES
    )
    for exercise in ex.EXERCISES.values():
        expected = ex.STRENGTH_REST_S if exercise.strength else ex.SET_REST_S
        assert exercise.dose.rest_s == expected, exercise.id
        assert exercise.dose.switch_s == ex.SWITCH_S


def test_defaults_take_the_lower_end_of_each_range() -> None:
    get = ex.get_exercise
    assert (get("bird_dog").dose.hold_s, get("bird_dog").dose.holds) == (10, 10)
    assert (get("plank").dose.sets, get("plank").dose.hold_s) == (2, 30)
    assert (get("side_plank").dose.sets, get("side_plank").dose.hold_s) == (2, 20)
    assert (get("hollow_hold").dose.holds, get("hollow_hold").dose.hold_s) == (6, 10)
    assert (get("glute_bridge").dose.sets, get("glute_bridge").dose.reps) == (2, 12)
    assert (get("romanian_deadlift").dose.sets, get("romanian_deadlift").dose.reps) == (2, 8)
    assert get("clamshell").dose.reps == 15
    assert get("ice").dose.minutes == 15
    assert get("pool_run").dose.minutes == 20
    assert get("cycle_easy").dose.minutes == 15
    assert get("foam_roll").dose.minutes == 1
    assert get("foam_roll").dose.areas == ("lower back", "glutes", "hamstrings", "hip flexors")
    for stretch in ("hamstring_stretch", "hip_flexor_stretch", "glute_stretch", "childs_pose"):
        assert (get(stretch).dose.holds, get(stretch).dose.hold_s) == (2, 20)


def test_range_stays_in_dose_text_for_display() -> None:
    assert ex.get_exercise("clamshell").dose_text == "3 × 15–20 per side"
    assert "20–30 s" in ex.get_exercise("hamstring_stretch").dose_text
    assert "15–20 min" in ex.get_exercise("ice").dose_text


def test_dose_summary_describes_the_concrete_dose() -> None:
    assert ex.get_exercise("bird_dog").dose.summary() == "10 s hold × 10 per side"
    assert ex.get_exercise("clamshell").dose.summary() == "2 × 15 per side"
    assert ex.get_exercise("plank").dose.summary() == "2 × 30 s hold"
    assert ex.get_exercise("dead_bug").dose.summary() == "2 × 8 per side, alternating"
    assert ex.get_exercise("pelvic_tilt_wall").dose.summary() == "10 reps"
    assert ex.get_exercise("ice").dose.summary() == "15 min"
    assert ex.get_exercise("high_knee_march").dose.summary() == "30 s"
    assert ex.get_exercise("foam_roll").dose.summary() == "1 min per area × 4"


def test_bird_dog_has_a_5_s_beginner_variant_and_only_it_does() -> None:
    bird_dog = ex.get_exercise("bird_dog")
    assert bird_dog.beginner is not None and bird_dog.beginner.hold_s == 5
    assert bird_dog.dose_for(beginner=True).hold_s == 5
    assert bird_dog.dose_for().hold_s == 10
    others = [e.id for e in ex.EXERCISES.values() if e.beginner is not None]
    assert others == ["bird_dog"]
    assert ex.get_exercise("plank").dose_for(beginner=True) == ex.get_exercise("plank").dose


def test_every_routine_of_exercises_md_with_its_exercises() -> None:
    assert {rid: r.exercise_ids for rid, r in ex.ROUTINES.items()} == EXPECTED_ROUTINES
    for routine in ex.ROUTINES.values():
        assert routine.name and routine.when
        for exercise_id in routine.exercise_ids:
            assert exercise_id in ex.EXERCISES
        assert [e.id for e in routine.exercises] == list(routine.exercise_ids)
        for override in routine.overrides:
            assert override.exercise_id in routine.exercise_ids


def test_glutes_hips_clamshell_uses_the_general_strength_dose() -> None:
    glutes = ex.get_routine("glutes_hips")
    assert glutes.dose_for("clamshell").reps == 12
    assert glutes.dose_text_for("clamshell") == "2–3 × 12–15 per side"
    core = ex.get_routine("daily_core")
    assert core.dose_for("clamshell") == ex.get_exercise("clamshell").dose
    assert core.dose_text_for("clamshell") == "3 × 15–20 per side"


def test_daily_core_takes_about_ten_minutes() -> None:
    seconds = estimated_seconds("daily_core")
    assert 8 * 60 <= seconds <= 12 * 60
    assert estimated_minutes_text("daily_core") == "~10 min"


@pytest.mark.parametrize("routine_id", EXPECTED_ROUTINES)
def test_estimate_is_the_session_timeline_length(routine_id: str) -> None:
    routine = ex.get_routine(routine_id)
    assert estimated_seconds(routine) == build_routine_timeline(routine_id).total_s
    assert estimated_seconds(routine_id) == estimated_seconds(routine)
    assert 60 <= estimated_seconds(routine_id) <= 30 * 60


def test_beginner_shortens_daily_core() -> None:
    assert estimated_seconds("daily_core", beginner=True) < estimated_seconds("daily_core")


def test_unknown_ids_raise_key_error_listing_valid_ids() -> None:
    with pytest.raises(KeyError) as caught:
        ex.get_exercise("burpee")
    message = str(caught.value)
    assert "'burpee'" in message and "bird_dog" in message and "cycle_easy" in message
    with pytest.raises(KeyError) as caught_routine:
        ex.get_routine("nope")
    message = str(caught_routine.value)
    assert "'nope'" in message and "daily_core" in message and "relief" in message


def test_invalid_doses_are_refused() -> None:
    with pytest.raises(ValueError, match="sets"):
        ex.Dose(sets=0, reps=5)
    with pytest.raises(ValueError, match="hold_s"):
        ex.Dose(hold_s=float("nan"))
    with pytest.raises(ValueError, match="rest_s"):
        ex.Dose(reps=5, rest_s=-1)
    with pytest.raises(ValueError, match="per side or alternating"):
        ex.Dose(reps=5, per_side=True, alternating=True)


def test_nine_form_cues_rotate() -> None:
    assert len(ex.FORM_CUES) == 9
    assert len(set(ex.FORM_CUES)) == 9
    assert [ex.form_cue_for(i) for i in range(9)] == list(ex.FORM_CUES)
    assert ex.form_cue_for(9) == ex.FORM_CUES[0]
    assert ex.form_cue_for(10) == ex.FORM_CUES[1]


@given(st.integers(min_value=0, max_value=10_000))
@settings(max_examples=100, deadline=None)
def test_form_cue_rotation_has_period_nine(index: int) -> None:
    assert ex.form_cue_for(index) == ex.form_cue_for(index + 9)
    assert ex.form_cue_for(index) != ex.form_cue_for(index + 1)


def test_recovery_tips_cover_the_recovery_section() -> None:
    joined = " ".join(tip.text.lower() for tip in ex.RECOVERY_TIPS)
    for phrase in ("rest day", "lower back", "once an hour", "10–15 minutes", "hip flexors"):
        assert phrase in joined
    for phrase in ("grass", "downhills", "orthotics", "30 minutes"):
        assert phrase in joined
    for tip in ex.RECOVERY_TIPS:
        assert tip.sources and set(tip.sources) <= set(ex.SOURCE_IDS)
        assert str(tip) == tip.text


PHASES: tuple[Phase, ...] = ("paused", "acute", "movement", "run_walk", "build")
RUNNING_WORDS = ("surface", "downhill", "pavement", "grass", "track", "running")


def test_every_phase_has_tips_and_every_tip_a_phase() -> None:
    for phase in PHASES:
        fitting = ex.tips_for_phase(phase)
        assert len(fitting) >= 3, phase
        assert all(phase in tip.phases for tip in fitting)
    for tip in ex.RECOVERY_TIPS:
        assert tip.phases and set(tip.phases) <= set(PHASES), tip
    assert {tip for phase in PHASES for tip in ex.tips_for_phase(phase)} == set(ex.RECOVERY_TIPS)


@pytest.mark.parametrize("phase", ["paused", "acute", "movement"])
def test_no_running_tip_before_running_or_while_it_is_off(phase: Phase) -> None:
    """A paused or acute runner, or one in phase 1, gets no tip about where to run."""
    for day in range(-3, 60):
        text = ex.tip_for(phase, day).text.lower()
        assert not any(word in text for word in RUNNING_WORDS), (phase, day, text)


def test_paused_and_acute_tips_ask_for_no_exercise() -> None:
    for phase in ("paused", "acute"):
        for tip in ex.tips_for_phase(phase):
            text = tip.text.lower()
            assert not any(w in text for w in ("rest day", "foam", "glute", "orthotics")), tip


@given(
    st.sampled_from(PHASES),
    st.integers(min_value=-10, max_value=10_000),
)
@settings(max_examples=200, deadline=None)
def test_tip_for_is_deterministic_and_changes_daily(phase: Phase, day: int) -> None:
    tip = ex.tip_for(phase, day)
    assert tip in ex.tips_for_phase(phase)
    assert ex.tip_for(phase, day) == tip
    assert ex.tip_for(phase, day + 1) != tip


@pytest.mark.parametrize("phase", PHASES)
def test_a_phase_shows_all_its_tips_over_consecutive_days(phase: Phase) -> None:
    fitting = ex.tips_for_phase(phase)
    shown = {ex.tip_for(phase, day) for day in range(20, 20 + len(fitting))}
    assert shown == set(fitting)


def test_runners_on_different_program_days_see_different_tips_the_same_date() -> None:
    """The tip follows the runner's program day, not the calendar: two files differ."""
    assert ex.tip_for("run_walk", 9) != ex.tip_for("run_walk", 10)
    assert ex.tip_for("build", 40) != ex.tip_for("build", 41)


def test_running_surface_tips_are_for_run_walk_and_build() -> None:
    surfaces = [tip for tip in ex.RECOVERY_TIPS if "surface" in tip.text.lower()]
    assert surfaces
    for tip in surfaces:
        assert set(tip.phases) <= {"run_walk", "build"}, tip


def test_domain_imports_neither_textual_nor_tinydb() -> None:
    code = (
        "import sys, runback_tui.domain.exercises, runback_tui.domain.timeline;"
        "bad = [m for m in ('textual', 'tinydb') if m in sys.modules];"
        "sys.exit(str(bad) if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
