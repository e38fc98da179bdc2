"""The exercise library: every exercise, routine, running-form cue and recovery tip of exercises.md.

Everything here is plain, frozen data.  Instruction steps are Runback's own words (short,
imperative, one step a line); ``sources`` names the files in ``shared/sources`` each fact
comes from.

Defaults chosen where exercises.md leaves room:

* A range of reps, seconds or sets becomes its **lower end** (a recovering runner starts low);
  the range itself stays in ``dose_text`` for display, and :meth:`Dose.summary` describes the
  concrete dose the timer runs.
* "× N" after a hold (bird dog, hollow hold, the stretches) means N **repetitions** of the hold
  with a short :data:`HOLD_REST_S` (5 s) between them; only plank and side plank, which
  exercises.md doses in "sets", rest :data:`SET_REST_S` (30 s) between sets.
* Rest between sets is 30 s, and 60 s (:data:`STRENGTH_REST_S`) for the loaded or compound
  strength moves in :data:`STRENGTH_EXERCISES`.  A side switch is 5 s (:data:`SWITCH_S`).
* Per-side work runs all of one set's work on the left, a switch, then the right.  "Left" means
  the working leg (the leg reaching back in bird dog, the standing leg in single-leg bridge,
  the back leg in the lunging moves); each exercise's ``side_note`` says so.
* ``daily_core`` ("the 10-minute core routine", protocol.md section 4) is tuned to about ten
  minutes with the timeline's transitions included: bird dog 10 s × 10 per side with 5 s
  between holds (~5 min) and banded clamshells **2** × 15 per side (~5 min).  exercises.md's
  3 × 15–20 would make it ~12 minutes, so the third set is left for when the runner wants more.
* Clamshell in ``glutes_hips`` uses the general-strength dose (2 × 12 per side).
* The hamstring stretch is the seated two-leg version, so it is not per side.
* Dead bug: 2 × 8 per side, alternating, i.e. one segment of 16 reps per set.
* Dynamic hip-flexor rotation: 15 twists per side (exercises.md: "up to 30").
* Foam rolling: 1 min on each of the 4 areas; ice 15 min; pool running 20 min; easy cycling
  15 min; high-knee march and butt kicks 30 s each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from runback_tui.domain.limits import Phase

ExerciseKind = Literal["hold", "reps", "timed"]
"""How an exercise is dosed: a timed hold, counted reps, or one continuous block."""

SOURCE_IDS: tuple[str, ...] = ("000", "001", "002", "003", "004")
"""The source files in ``shared/sources`` an exercise may cite."""

SET_REST_S = 30.0
"""App default rest between sets of holds and reps (exercises.md)."""
STRENGTH_REST_S = 60.0
"""App default rest between sets of the strength exercises (exercises.md)."""
SWITCH_S = 5.0
"""App default time for a side switch (exercises.md)."""
HOLD_REST_S = 5.0
"""App rule: rest between repetitions of a hold within one set (e.g. bird dog's 10 holds)."""
DEFAULT_TEMPO_S = 4.0
"""App rule: nominal seconds per rep (2 s up + 2 s down) for the tempo mode."""
GET_READY_S = 10.0
"""App rule: the get-ready countdown before each exercise."""

STRENGTH_EXERCISES: frozenset[str] = frozenset(
    {"hip_thrust", "romanian_deadlift", "squat", "lunge", "single_leg_bridge"}
)
"""Exercises that rest :data:`STRENGTH_REST_S` between sets: the loaded or compound moves of
the posterior-chain and glute work (glute bridge and clamshell are light and rest 30 s)."""


def _fmt_s(seconds: float) -> str:
    """A duration as '30 s', '1 min', '1.5 min' or '15 min'."""
    if seconds < 60:
        return f"{seconds:g} s"
    return f"{seconds / 60:g} min"


@dataclass(frozen=True, slots=True)
class Dose:
    """The concrete amount of one exercise that the session timer runs."""

    sets: int = 1
    """Number of sets (each set holds all the holds or reps, on both sides if per side)."""
    reps: int | None = None
    """Reps per set (per side when ``per_side`` or ``alternating``); reps exercises only."""
    holds: int | None = None
    """Repetitions of the hold per set (per side when ``per_side``); hold exercises only."""
    hold_s: float | None = None
    """Seconds each hold lasts; hold exercises only."""
    minutes: float | None = None
    """Length of the block (of each area when ``areas`` is given); timed exercises only."""
    areas: tuple[str, ...] = ()
    """For timed work done area by area (foam rolling): the areas, in order."""
    per_side: bool = False
    """The work is done on the left, then after a side switch on the right."""
    alternating: bool = False
    """Reps alternate sides within one set (``reps`` counts each side), so there is no switch."""
    rest_s: float = SET_REST_S
    """Rest between sets (0 for none)."""
    hold_rest_s: float = HOLD_REST_S
    """Rest between repetitions of a hold within a set (0 for none)."""
    switch_s: float = SWITCH_S
    """Time for the side switch of per-side work (0 for none)."""

    def __post_init__(self) -> None:
        if self.sets < 1:
            raise ValueError("sets must be at least 1")
        for name in ("reps", "holds"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("hold_s", "minutes"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number above 0")
        for name in ("rest_s", "hold_rest_s", "switch_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number, 0 or more")
        if self.per_side and self.alternating:
            raise ValueError("a dose is either per side or alternating, not both")

    @property
    def side_text(self) -> str:
        """' per side', ' per side, alternating' or '' to append to a dose."""
        if self.alternating:
            return " per side, alternating"
        return " per side" if self.per_side else ""

    def summary(self) -> str:
        """The concrete dose in words, e.g. '2 × 15 per side' or '10 s hold × 10 per side'."""
        if self.hold_s is not None:
            text = f"{_fmt_s(self.hold_s)} hold"
            if (self.holds or 1) > 1:
                text = f"{text} × {self.holds}"
            if self.sets > 1:
                text = f"{self.sets} × {text}"
            return text + self.side_text
        if self.reps is not None:
            text = f"{self.sets} × {self.reps}" if self.sets > 1 else f"{self.reps} reps"
            return text + self.side_text
        minutes = self.minutes or 0.0
        if self.areas:
            return f"{_fmt_s(minutes * 60)} per area × {len(self.areas)}"
        return _fmt_s(minutes * 60)


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise of the library, with its default dose and instructions."""

    id: str
    """Stable id from exercises.md, e.g. ``bird_dog``."""
    name: str
    """Display name."""
    kind: ExerciseKind
    """How the exercise is dosed."""
    dose: Dose
    """The default concrete dose the timer runs."""
    dose_text: str
    """The dose as exercises.md gives it, ranges included, for display."""
    steps: tuple[str, ...]
    """How to do it: short imperative lines, one step each."""
    key_points: tuple[str, ...]
    """What to watch for while doing it."""
    sources: tuple[str, ...]
    """Source ids (``"000"`` … ``"004"``) the facts come from."""
    beginner: Dose | None = None
    """An easier dose for beginners, where exercises.md gives one."""
    beginner_text: str | None = None
    """The beginner dose for display."""
    side_note: str | None = None
    """For per-side work: what 'left' and 'right' refer to."""

    def __post_init__(self) -> None:
        needed = {"hold": ("hold_s", "holds"), "reps": ("reps",), "timed": ("minutes",)}
        for dose in (self.dose, self.beginner):
            for name in needed[self.kind]:
                if dose is not None and getattr(dose, name) is None:
                    raise ValueError(f"{self.id}: a {self.kind} dose needs {name}")
        if not self.steps or not all(step.strip() for step in self.steps):
            raise ValueError(f"{self.id}: steps must be non-empty")
        if not self.sources or not set(self.sources) <= set(SOURCE_IDS):
            raise ValueError(f"{self.id}: unknown source id in {self.sources}")

    @property
    def per_side(self) -> bool:
        """True when the work is done on each side in turn."""
        return self.dose.per_side

    @property
    def strength(self) -> bool:
        """True for the strength exercises that rest 60 s between sets."""
        return self.id in STRENGTH_EXERCISES

    def dose_for(self, *, beginner: bool = False) -> Dose:
        """The default dose, or the beginner variant when asked for and one exists."""
        if beginner and self.beginner is not None:
            return self.beginner
        return self.dose


@dataclass(frozen=True, slots=True)
class DoseOverride:
    """A routine's own dose for one of its exercises."""

    exercise_id: str
    """The exercise the dose is for."""
    dose: Dose
    """The dose used in this routine."""
    dose_text: str
    """The dose for display, as exercises.md gives it."""


@dataclass(frozen=True, slots=True)
class Routine:
    """A named sequence of exercises (exercises.md, routines)."""

    id: str
    """Stable id from exercises.md, e.g. ``daily_core``."""
    name: str
    """Display name."""
    exercise_ids: tuple[str, ...]
    """The exercises, in the order they are done."""
    when: str
    """When the protocol suggests the routine."""
    overrides: tuple[DoseOverride, ...] = ()
    """Doses that differ from the exercises' defaults in this routine."""

    def dose_for(self, exercise_id: str, *, beginner: bool = False) -> Dose:
        """The dose of *exercise_id* in this routine (a beginner variant wins when asked for)."""
        exercise = get_exercise(exercise_id)
        if beginner and exercise.beginner is not None:
            return exercise.beginner
        for override in self.overrides:
            if override.exercise_id == exercise_id:
                return override.dose
        return exercise.dose

    def dose_text_for(self, exercise_id: str) -> str:
        """The display dose of *exercise_id* in this routine."""
        for override in self.overrides:
            if override.exercise_id == exercise_id:
                return override.dose_text
        return get_exercise(exercise_id).dose_text

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        """The routine's exercises, in order."""
        return tuple(get_exercise(exercise_id) for exercise_id in self.exercise_ids)


_STRETCH = Dose(holds=2, hold_s=20)
_STRETCH_SIDE = Dose(holds=2, hold_s=20, per_side=True)

_EXERCISE_LIST: tuple[Exercise, ...] = (
    Exercise(
        id="bird_dog",
        name="Bird dog",
        kind="hold",
        dose=Dose(holds=10, hold_s=10, per_side=True),
        dose_text="10 s hold × 10 per side",
        beginner=Dose(holds=10, hold_s=5, per_side=True),
        beginner_text="5 s hold × 10 per side",
        side_note="The side is the leg that reaches back; the opposite arm reaches forward.",
        steps=(
            "Kneel on all fours: hands under shoulders, knees under hips.",
            "Set your back flat and brace your belly lightly.",
            "Reach one leg straight back and the opposite arm straight forward.",
            "Hold still, with no rocking or turning at the hips.",
            "Bring the arm and leg back down with control.",
        ),
        key_points=(
            "Opposite arm and leg long.",
            "Spine stays still.",
            "Check: a foam roller laid along your spine should not fall off.",
        ),
        sources=("000", "001"),
    ),
    Exercise(
        id="clamshell",
        name="Banded clamshell",
        kind="reps",
        dose=Dose(sets=2, reps=15, per_side=True),
        dose_text="3 × 15–20 per side",
        side_note="The side is the top leg, the one that lifts.",
        steps=(
            "Put a mini-band around your legs just above the knees.",
            "Lie on your side, hips bent to about 45°, knees bent, feet stacked.",
            "Keep your feet together and lift the top knee.",
            "Lower the knee slowly.",
            "Keep your pelvis still; do not roll backwards.",
        ),
        key_points=(
            "Feet stay together.",
            "Feel it in the side of the glute.",
        ),
        sources=("000", "001"),
    ),
    Exercise(
        id="plank",
        name="Plank",
        kind="hold",
        dose=Dose(sets=2, holds=1, hold_s=30),
        dose_text="30–60 s × 2–3 sets",
        steps=(
            "Rest on your forearms, elbows under shoulders (hands are fine too).",
            "Step your feet back so your body makes one straight line.",
            "Tighten your belly and glutes.",
            "Keep your hips from sagging or lifting.",
            "Breathe steadily until the timer ends.",
        ),
        key_points=("Body one straight line from head to heels.",),
        sources=("001", "002"),
    ),
    Exercise(
        id="side_plank",
        name="Side plank",
        kind="hold",
        dose=Dose(sets=2, holds=1, hold_s=20, per_side=True),
        dose_text="20–40 s per side × 2–3 sets",
        side_note="The side is the one nearest the floor.",
        steps=(
            "Lie on your side with the elbow under the shoulder.",
            "Stack your feet, or bend your knees to make it easier.",
            "Lift your hips until your body is straight.",
            "Hold without letting the hips drop.",
        ),
        key_points=("Hips up.", "Body straight."),
        sources=("001",),
    ),
    Exercise(
        id="dead_bug",
        name="Dead bug",
        kind="reps",
        dose=Dose(sets=2, reps=8, alternating=True),
        dose_text="2–3 × 8 per side, alternating",
        steps=(
            "Lie face up, arms reaching straight at the ceiling.",
            "Lift your legs, knees bent to 90°.",
            "Press your low back gently into the floor.",
            "Slowly reach one arm overhead and the other-side leg out, toward the floor.",
            "Bring them back and switch to the other pair.",
        ),
        key_points=(
            "Move slowly.",
            "Low back stays down; shorten the reach if it lifts.",
        ),
        sources=("001",),
    ),
    Exercise(
        id="hollow_hold",
        name="Hollow hold",
        kind="hold",
        dose=Dose(holds=6, hold_s=10),
        dose_text="10 s × 6 rounds; hold longer as you can",
        steps=(
            "Lie face up, knees bent, feet on the floor.",
            "Lift your legs into tabletop: knees over hips, bent to 90°.",
            "Press your low back into the floor and keep it there.",
            "Hold with your head resting down.",
            "Harder, only while the back stays down: lift head and shoulders, "
            "then raise the arms, then straighten one leg, then both.",
        ),
        key_points=("Low back pressed to the floor the whole time.",),
        sources=("004",),
    ),
    Exercise(
        id="glute_bridge",
        name="Glute bridge",
        kind="reps",
        dose=Dose(sets=2, reps=12),
        dose_text="2–3 × 12–15",
        steps=(
            "Lie on your back, knees bent, feet flat and hip-width apart.",
            "Push through your heels and lift your hips.",
            "Squeeze your glutes at the top.",
            "Lower slowly back to the floor.",
        ),
        key_points=("Squeeze at the top.", "Lower slowly."),
        sources=("001", "002"),
    ),
    Exercise(
        id="single_leg_bridge",
        name="Single-leg bridge",
        kind="reps",
        dose=Dose(sets=2, reps=8, per_side=True, rest_s=STRENGTH_REST_S),
        dose_text="2 × 8 per side",
        side_note="The side is the leg with the foot on the floor.",
        steps=(
            "Lie on your back, knees bent, feet flat.",
            "Lift one foot off the floor and hold that leg up.",
            "Push through the other heel to lift your hips.",
            "Keep both hips at the same height.",
            "Lower slowly.",
        ),
        key_points=(
            "Hips level.",
            "Also the phase-1 check: these should feel comfortable before you run.",
        ),
        sources=("000",),
    ),
    Exercise(
        id="hip_thrust",
        name="Hip thrust",
        kind="reps",
        dose=Dose(sets=2, reps=12, rest_s=STRENGTH_REST_S),
        dose_text="2–3 × 12–15",
        steps=(
            "Sit with your upper back against a bench or step.",
            "Plant your feet, knees bent; rest a weight on your hips if you have one.",
            "Drive through your heels until your hips are level with your body.",
            "Squeeze your glutes, then lower with control.",
        ),
        key_points=("Upper back on the bench.", "Add load when it gets easy."),
        sources=("001", "000"),
    ),
    Exercise(
        id="squat",
        name="Squat",
        kind="reps",
        dose=Dose(sets=2, reps=12, rest_s=STRENGTH_REST_S),
        dose_text="2–3 × 12–15",
        steps=(
            "Stand with your feet shoulder-width apart.",
            "Sit your hips back and down, chest up.",
            "Let your knees follow your toes.",
            "Drive through the heels back up to standing.",
        ),
        key_points=("Chest up.", "Push through the heels."),
        sources=("001",),
    ),
    Exercise(
        id="lunge",
        name="Lunge",
        kind="reps",
        dose=Dose(sets=2, reps=12, per_side=True, rest_s=STRENGTH_REST_S),
        dose_text="2–3 × 12–15 per side",
        side_note="The side is the front leg.",
        steps=(
            "Stand tall with your feet hip-width apart.",
            "Step forward and bend both knees to lower.",
            "Keep the front knee over the ankle.",
            "Push off the front foot back to standing.",
        ),
        key_points=("Knee over ankle.",),
        sources=("001",),
    ),
    Exercise(
        id="romanian_deadlift",
        name="Romanian deadlift",
        kind="reps",
        dose=Dose(sets=2, reps=8, rest_s=STRENGTH_REST_S),
        dose_text="2–3 × 8–10",
        steps=(
            "Stand holding a weight in front of your thighs, knees soft.",
            "Push your hips back and let the weight slide down your legs.",
            "Keep your back flat and the weight close.",
            "Stop when the hamstrings pull, then drive your hips forward to stand.",
        ),
        key_points=("Hinge at the hips.", "Flat back.", "Weight close to the legs."),
        sources=("000", "003"),
    ),
    Exercise(
        id="pelvic_tilt_wall",
        name="Pelvic tilt against a wall",
        kind="reps",
        dose=Dose(reps=10),
        dose_text="1 × 10",
        steps=(
            "Stand with your back to a wall, heels a little away from it.",
            "Tilt your pelvis to flatten your low back against the wall.",
            "Tilt it the other way to make a small arch.",
            "Finish in the middle: that is the neutral pelvis to run with.",
        ),
        key_points=("Find neutral before you run.",),
        sources=("000",),
    ),
    Exercise(
        id="hip_flexor_rotation",
        name="Dynamic hip-flexor rotation",
        kind="reps",
        dose=Dose(reps=15, per_side=True),
        dose_text="up to 30 twists per side",
        side_note="The side is the leg that steps back.",
        steps=(
            "Stand tall and squeeze your glutes to set a neutral pelvis.",
            "Turn your upper body side to side; hips face forward.",
            "Step one leg back into a shallow lunge.",
            "Keep turning, reaching a little further as it loosens.",
        ),
        key_points=(
            "Start small, then widen the twist.",
            "Feel a light stretch at the front of the hips.",
        ),
        sources=("004",),
    ),
    Exercise(
        id="high_knee_march",
        name="High-knee march",
        kind="timed",
        dose=Dose(minutes=0.5),
        dose_text="30 s",
        steps=(
            "March in place or forward, standing tall.",
            "Lift each knee to hip height.",
            "Swing the opposite arm.",
        ),
        key_points=("Warm-up drill: easy effort.",),
        sources=("001",),
    ),
    Exercise(
        id="butt_kick",
        name="Butt kicks",
        kind="timed",
        dose=Dose(minutes=0.5),
        dose_text="30 s",
        steps=(
            "Jog lightly in place or forward.",
            "Bring each heel up toward your glutes.",
            "Stay tall and relaxed.",
        ),
        key_points=("Warm-up drill: easy effort.",),
        sources=("001",),
    ),
    Exercise(
        id="hamstring_stretch",
        name="Hamstring stretch",
        kind="hold",
        dose=_STRETCH,
        dose_text="20–30 s × 2–3",
        steps=(
            "Sit with both legs straight out in front.",
            "Hinge forward from the hips and reach for your toes.",
            "Stop at a gentle stretch and breathe.",
        ),
        key_points=("Reach, do not bounce.",),
        sources=("001",),
    ),
    Exercise(
        id="hip_flexor_stretch",
        name="Hip-flexor stretch",
        kind="hold",
        dose=_STRETCH_SIDE,
        dose_text="20–30 s × 2–3 per side",
        side_note="The side is the back leg, the one being stretched.",
        steps=(
            "Kneel in a lunge: one knee down, the other foot in front.",
            "Squeeze the glute of the back leg.",
            "Ease your hips gently forward.",
            "Keep your trunk upright.",
        ),
        key_points=("Gentle press forward.", "Stretch at the front of the back hip."),
        sources=("001",),
    ),
    Exercise(
        id="glute_stretch",
        name="Glute (figure-4) stretch",
        kind="hold",
        dose=_STRETCH_SIDE,
        dose_text="20–30 s × 2–3 per side",
        side_note="The side is the crossed leg.",
        steps=(
            "Lie on your back, knees bent.",
            "Rest one ankle on the opposite knee.",
            "Pull the lower thigh toward your chest.",
            "Feel the stretch in the glute of the crossed leg.",
        ),
        key_points=("Ankle over the opposite knee.",),
        sources=("001",),
    ),
    Exercise(
        id="childs_pose",
        name="Child's pose",
        kind="hold",
        dose=_STRETCH,
        dose_text="20–30 s × 2–3",
        steps=(
            "Kneel, then sit back toward your heels.",
            "Fold forward and slide your arms along the floor.",
            "Rest your forehead down and breathe into your lower back.",
        ),
        key_points=("Relax the lower back and hips.",),
        sources=("001", "002"),
    ),
    Exercise(
        id="knee_to_chest",
        name="Knee-to-chest",
        kind="hold",
        dose=_STRETCH_SIDE,
        dose_text="20–30 s × 2 per side",
        side_note="The side is the knee you hug.",
        steps=(
            "Lie on your back, knees bent.",
            "Hug one knee toward your chest with both hands.",
            "Leave the other foot on the floor and relax.",
        ),
        key_points=("Lets the lumbar muscles release.",),
        sources=("002",),
    ),
    Exercise(
        id="cat_cow",
        name="Cat-cow",
        kind="reps",
        dose=Dose(reps=10),
        dose_text="10 slow cycles",
        steps=(
            "Start on all fours.",
            "Breathe out and round your back up toward the ceiling.",
            "Breathe in, let your belly sink and lift your chest.",
            "Move slowly through the whole range.",
        ),
        key_points=("Slow, easy spine movement.",),
        sources=("002",),
    ),
    Exercise(
        id="piriformis_stretch",
        name="Piriformis stretch",
        kind="hold",
        dose=_STRETCH_SIDE,
        dose_text="20–30 s × 2 per side",
        side_note="The side is the crossed leg.",
        steps=(
            "Lie on your back, knees bent.",
            "Rest one ankle across the other knee.",
            "Draw the crossed knee toward the opposite shoulder.",
            "Hold a gentle stretch deep in the buttock.",
        ),
        key_points=("Eases pressure on the sciatic nerve.",),
        sources=("002",),
    ),
    Exercise(
        id="foam_roll",
        name="Foam rolling",
        kind="timed",
        dose=Dose(minutes=1, areas=("lower back", "glutes", "hamstrings", "hip flexors")),
        dose_text="1–2 min per area: lower back, glutes, hamstrings, hip flexors",
        steps=(
            "Set the roller under the area named on screen.",
            "Roll slowly back and forth.",
            "Pause on sore spots with gentle pressure, never sharp pain.",
            "Move on to the next area when the timer says.",
        ),
        key_points=("Slow and gentle.",),
        sources=("001",),
    ),
    Exercise(
        id="ice",
        name="Ice",
        kind="timed",
        dose=Dose(minutes=15),
        dose_text="15–20 min, every 2–3 waking hours during a flare",
        steps=(
            "Wrap an ice pack in a thin towel.",
            "Lay it on the sore spot of your lower back.",
            "Never put ice on bare skin.",
            "Take it off when the timer ends.",
        ),
        key_points=(
            "Thin towel, never bare skin.",
            "A gel pack holds its cold better than plain ice.",
        ),
        sources=("000",),
    ),
    Exercise(
        id="pool_run",
        name="Pool running",
        kind="timed",
        dose=Dose(minutes=20),
        dose_text="20–30 min",
        steps=(
            "Get into chest-deep water.",
            "Run with your normal arm swing.",
            "Stay tall and keep the effort easy.",
        ),
        key_points=("Chest-deep water.",),
        sources=("000",),
    ),
    Exercise(
        id="cycle_easy",
        name="Stationary cycling",
        kind="timed",
        dose=Dose(minutes=15),
        dose_text="15–20 min",
        steps=(
            "Set the bike to its lowest resistance.",
            "Pedal at an easy, steady pace.",
            "Sit tall and stop if your back hurts.",
        ),
        key_points=("Minimal resistance.",),
        sources=("000",),
    ),
)

EXERCISES: dict[str, Exercise] = {exercise.id: exercise for exercise in _EXERCISE_LIST}
"""Every exercise by id, in exercises.md order."""

_ROUTINE_LIST: tuple[Routine, ...] = (
    Routine(
        id="daily_core",
        name="10-minute core",
        exercise_ids=("bird_dog", "clamshell"),
        when="Daily in phase 1; any day after",
    ),
    Routine(
        id="core_stability",
        name="Core stability",
        exercise_ids=("plank", "side_plank", "bird_dog", "dead_bug", "hollow_hold"),
        when="2–3×/week, or 5–10 min daily in the build phase",
    ),
    Routine(
        id="glutes_hips",
        name="Glutes and hips",
        exercise_ids=("glute_bridge", "hip_thrust", "squat", "lunge", "clamshell"),
        when="2–3×/week",
        overrides=(
            DoseOverride("clamshell", Dose(sets=2, reps=12, per_side=True), "2–3 × 12–15 per side"),
        ),
    ),
    Routine(
        id="posterior_chain",
        name="Posterior-chain strength",
        exercise_ids=("hip_thrust", "romanian_deadlift", "single_leg_bridge", "lunge"),
        when="2–3×/week in the build phase",
    ),
    Routine(
        id="pre_run",
        name="Pre-run warm-up",
        exercise_ids=("pelvic_tilt_wall", "high_knee_march", "butt_kick", "hip_flexor_rotation"),
        when="Before every run-walk or run",
    ),
    Routine(
        id="post_run",
        name="Post-run stretch",
        exercise_ids=("hamstring_stretch", "hip_flexor_stretch", "glute_stretch", "childs_pose"),
        when="After every run-walk or run",
    ),
    Routine(
        id="desk_mobility",
        name="Sitting-day mobility",
        exercise_ids=("hip_flexor_rotation", "cat_cow", "knee_to_chest"),
        when="Any day",
    ),
    Routine(
        id="relief",
        name="Flare relief",
        exercise_ids=("ice", "knee_to_chest", "childs_pose"),
        when="Acute days",
    ),
)

ROUTINES: dict[str, Routine] = {routine.id: routine for routine in _ROUTINE_LIST}
"""Every routine by id, in exercises.md order."""


def get_exercise(exercise_id: str) -> Exercise:
    """The exercise with *exercise_id*, or KeyError naming the valid ids."""
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        valid = ", ".join(EXERCISES)
        raise KeyError(f"unknown exercise id {exercise_id!r}; valid ids: {valid}") from None


def get_routine(routine_id: str) -> Routine:
    """The routine with *routine_id*, or KeyError naming the valid ids."""
    try:
        return ROUTINES[routine_id]
    except KeyError:
        valid = ", ".join(ROUTINES)
        raise KeyError(f"unknown routine id {routine_id!r}; valid ids: {valid}") from None


FORM_CUES: tuple[str, ...] = (
    "Run tall: a string lifts the crown of your head.",
    "Eyes on the ground 15–20 feet ahead, not at your feet.",
    "Neutral pelvis: lower abs lightly on, no arch in the low back.",
    "Lean a little forward from the ankles, not the waist.",
    "Land with your feet under your hips; don't overstride.",
    "Elbows bent 80–90°, arms swinging from the shoulders.",
    "Hands pass at navel height, not across your chest.",
    "Shoulders low and loose; hands unclenched.",
    "Quiet trunk: no twisting at the waist.",
)
"""Running-form cues, one shown per run interval (sources 000, 001, 002, 003)."""


def form_cue_for(interval_index: int) -> str:
    """The form cue for the zero-based run interval *interval_index*, rotating through all cues."""
    return FORM_CUES[interval_index % len(FORM_CUES)]


EVERY_PHASE: frozenset[Phase] = frozenset(("paused", "acute", "movement", "run_walk", "build"))
"""Every phase a day's plan can show (limits.Phase)."""
TRAINING: frozenset[Phase] = frozenset(("movement", "run_walk", "build"))
"""The phases that train: not paused by a red flag, not the 48 hours of acute care."""
RUNNING: frozenset[Phase] = frozenset(("run_walk", "build"))
"""The phases that run (phase 1 has no running yet; paused and acute days have none)."""


@dataclass(frozen=True, slots=True)
class Tip:
    """A recovery or habit tip (exercises.md, recovery and habits)."""

    text: str
    """The tip, in one short sentence."""
    sources: tuple[str, ...]
    """Source ids the tip comes from."""
    phases: frozenset[Phase] = EVERY_PHASE
    """The phases whose days it fits: no running-surface tip before running or while it is
    off, no training tip while paused or acute (protocol.md §2–§6)."""

    def __str__(self) -> str:
        return self.text


RECOVERY_TIPS: tuple[Tip, ...] = (
    Tip("Take at least one full rest day every week.", ("001",), TRAINING),
    Tip("Sit upright, with support for your lower back.", ("003",)),
    Tip("Stand up and walk around at least once an hour.", ("003",), EVERY_PHASE - {"paused"}),
    Tip("Change your sitting position every 10–15 minutes.", ("003",)),
    Tip("At a desk, keep the screen at eye level and your feet flat on the floor.", ("003",)),
    Tip(
        "Long sitting tightens the hip flexors, and tight hip flexors pull on the low back.",
        ("004",),
    ),
    Tip(
        "Gentle movement such as walking, swimming or yoga helps tired muscles recover.",
        ("001",),
        TRAINING,
    ),
    Tip("Mix your running surfaces: pavement, grass and track.", ("002", "003"), RUNNING),
    Tip("While you recover, go easy on hard surfaces and downhills.", ("002", "003"), RUNNING),
    Tip("A treadmill may work your glutes less than running outdoors.", ("001",), RUNNING),
    Tip(
        "New orthotics: wear them 30 minutes the first day, then add 30 minutes a day.",
        ("000",),
        TRAINING,
    ),
    Tip(
        "Sleeping on your side? A pillow between your knees keeps your spine in line.",
        ("000",),
        TRAINING,
    ),
    Tip("For ice, a gel pack stays cold longer than plain ice.", ("000",), frozenset({"acute"})),
)
"""Every tip, for the help screen; home shows one a day that fits the day's phase (tip_for).

An acute day's own advice (ice, heat, the compression wrap, resting positions) is on home's ice
panel and in the flare warning, so no acute tip says it again."""


def tips_for_phase(phase: Phase) -> tuple[Tip, ...]:
    """The tips that fit a day in *phase*, in RECOVERY_TIPS order."""
    return tuple(tip for tip in RECOVERY_TIPS if phase in tip.phases)


def tip_for(phase: Phase, program_day: int) -> Tip:
    """The tip of a runner's *program_day* in *phase*: one of the phase's tips, the next one
    each day, so two runners on different program days see different tips on the same date.

    The same day and phase always give the same tip (the plan is a pure function of the
    history, and so is home).
    """
    fitting = tips_for_phase(phase) or RECOVERY_TIPS
    return fitting[program_day % len(fitting)]
