"""Session timelines: an exercise routine or a run-walk session as a list of timed segments.

A timeline is pure data built once; it never reads a clock.  The session screen keeps the
elapsed seconds itself and asks the timeline what is happening at that moment
(:meth:`Timeline.state_at`) and which cues fell due since the last tick
(:meth:`Timeline.cues_between`).  Queries bisect precomputed start and cue times, so each is
O(log n).

Rules chosen here (app rules; exercises.md and protocol.md are silent):

* Every exercise starts with a get-ready segment (:data:`GET_READY_S`, 10 s).  A per-side set
  runs the left side, a switch segment (5 s), then the right side.  Repetitions of a hold rest
  the dose's ``hold_rest_s`` (5 s) between them; sets rest the dose's ``rest_s`` (30 s, or 60 s
  for strength moves).  There is no rest between exercises (the get-ready covers it) and no
  trailing rest at the end.
* A reps segment lasts ``reps × tempo_s`` (default 4 s a rep: 2 s up, 2 s down) so the tempo
  mode can count reps for the runner (:func:`reps_done_at`).
* Cues: every segment opens with a cue ("start" for get-ready, hold, reps and timed segments;
  "switch", "rest", "run" or "walk" for the others).  Hold, rest, get-ready, timed, run and walk
  segments at least 5 s long get a 3-2-1 countdown at 3, 2 and 1 s before their end.  Holds at
  least 20 s long, and timed, run and walk segments at least 60 s long, get a "halfway" cue.
  A "done" cue comes at the very end.
* Run-walk stages follow protocol.md section 5: run/walk/repeats of 60/120/10, 120/60/8 and
  180/60/6 seconds.  Note that stage 1 comes to 30 minutes of intervals, not the "20 min" the
  protocol's table states (10 × (1 + 2) min = 30 min); the run, walk and repeat figures are
  kept because they are the gentler reading.  Warm-up and cool-down walks are extra segments
  outside the interval time (:attr:`Timeline.interval_s`).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from runback_tui.domain.exercises import (
    DEFAULT_TEMPO_S,
    GET_READY_S,
    Dose,
    Exercise,
    Routine,
    get_exercise,
    get_routine,
)

__all__ = [
    "BACK_GRACE_S",
    "COUNTDOWN_MIN_S",
    "DEFAULT_TEMPO_S",
    "GET_READY_S",
    "RUN_WALK_STAGES",
    "Cue",
    "CueKind",
    "RunWalkStage",
    "Segment",
    "SegmentKind",
    "Side",
    "Timeline",
    "TimelineState",
    "build_continuous_run_timeline",
    "build_exercise_timeline",
    "build_routine_timeline",
    "build_run_walk_timeline",
    "estimated_minutes_text",
    "estimated_seconds",
    "reps_done_at",
]

SegmentKind = Literal["get_ready", "hold", "reps", "timed", "switch", "rest", "run", "walk"]
"""What happens during a segment."""
CueKind = Literal["countdown", "halfway", "switch", "run", "walk", "start", "rest", "done"]
"""What a cue announces."""
Side = Literal["left", "right"]
"""The side of per-side work."""

COUNTDOWN_MIN_S = 5.0
"""Segments at least this long (of the kinds in :data:`_COUNTDOWN_KINDS`) get a 3-2-1."""
HALFWAY_HOLD_MIN_S = 20.0
"""Holds at least this long get a halfway cue."""
HALFWAY_LONG_MIN_S = 60.0
"""Run, walk and timed segments at least this long get a halfway cue."""
BACK_GRACE_S = 2.0
"""Within this many seconds of a segment's start, 'back' goes to the previous segment."""

_COUNTDOWN_KINDS: frozenset[str] = frozenset({"hold", "rest", "get_ready", "timed", "run", "walk"})
_START_CUE_KIND: dict[str, CueKind] = {
    "get_ready": "start",
    "hold": "start",
    "reps": "start",
    "timed": "start",
    "switch": "switch",
    "rest": "rest",
    "run": "run",
    "walk": "walk",
}


def _fmt_s(seconds: float) -> str:
    """A duration as '30 s', '1 min', '1.5 min' or '15 min'."""
    if seconds < 60:
        return f"{seconds:g} s"
    return f"{seconds / 60:g} min"


def _check_seconds(name: str, value: float, *, positive: bool = False) -> float:
    """Refuse a NaN, infinite or negative (or, if *positive*, zero) number of seconds."""
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        allowed = "above 0" if positive else "0 or more"
        raise ValueError(f"{name} must be a finite number {allowed}, not {value!r}")
    return float(value)


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of a session with a single thing to do."""

    index: int
    """Position in the timeline, from 0."""
    kind: SegmentKind
    """What happens."""
    label: str
    """What the screen shows, e.g. 'Bird dog — left, hold 3/10'."""
    start_s: float
    """Seconds from the session's start to the segment's start."""
    duration_s: float
    """Length in seconds (above 0); nominal for reps segments."""
    exercise_id: str | None = None
    """The exercise the segment belongs to (None for run-walk segments)."""
    side: Side | None = None
    """The side worked (for a switch, the side coming up)."""
    set_number: int | None = None
    """Set number from 1 (for a rest between sets, the set coming up; the area number for
    foam rolling)."""
    set_count: int | None = None
    """Number of sets (of areas for foam rolling)."""
    rep_target: int | None = None
    """Reps to do in a reps segment (both sides counted for alternating work)."""
    rep_s: float | None = None
    """Tempo of a reps segment: seconds per rep."""
    hold_number: int | None = None
    """Which repetition of the hold, from 1 (for a rest between holds, the one coming up)."""
    hold_count: int | None = None
    """Repetitions of the hold in this set and side."""
    area: str | None = None
    """The body area of area-by-area timed work (foam rolling)."""
    repeat_number: int | None = None
    """Run-walk repeat number from 1 (None for warm-up and cool-down walks)."""
    repeat_count: int | None = None
    """Run-walk repeats in the session."""

    @property
    def end_s(self) -> float:
        """Seconds from the session's start to the segment's end."""
        return self.start_s + self.duration_s

    @property
    def is_interval(self) -> bool:
        """True for the run and walk segments that count as interval time."""
        return self.kind in ("run", "walk") and self.repeat_number is not None


@dataclass(frozen=True, slots=True)
class Cue:
    """Something to announce at a moment of the session."""

    at_s: float
    """Seconds from the session's start."""
    kind: CueKind
    """What is announced."""
    text: str
    """What the screen or notification says, e.g. 'RUN — 1 of 10'."""
    segment_index: int
    """The segment the cue belongs to."""
    value: int | None = None
    """3, 2 or 1 for a countdown; None otherwise."""


@dataclass(frozen=True, slots=True)
class TimelineState:
    """Where a session stands at some elapsed time."""

    segment: Segment
    """The current segment (the last one once finished)."""
    index: int
    """The current segment's index."""
    elapsed_s: float
    """Elapsed seconds, clamped to 0 … total."""
    elapsed_in_segment: float
    """Seconds since the current segment started."""
    remaining_in_segment: float
    """Seconds until the current segment ends."""
    remaining_s: float
    """Seconds until the session ends."""
    progress: float
    """Fraction of the session done, 0 … 1."""
    finished: bool
    """True once the elapsed time reaches the total."""


@dataclass(frozen=True, slots=True)
class RunWalkStage:
    """One run-walk stage of protocol.md section 5."""

    stage: int
    """Stage number, 1–3."""
    run_s: float
    """Seconds of running per repeat."""
    walk_s: float
    """Seconds of walking per repeat."""
    repeats: int
    """Run-then-walk repeats."""

    @property
    def interval_s(self) -> float:
        """Total interval time in seconds (warm-up and cool-down excluded)."""
        return self.repeats * (self.run_s + self.walk_s)


RUN_WALK_STAGES: dict[int, RunWalkStage] = {
    1: RunWalkStage(1, 60.0, 120.0, 10),
    2: RunWalkStage(2, 120.0, 60.0, 8),
    3: RunWalkStage(3, 180.0, 60.0, 6),
}
"""The run-walk stages by number (protocol.md section 5)."""


class Timeline:
    """An immutable sequence of contiguous segments with precomputed cues."""

    __slots__ = ("_cue_times", "_cues", "_starts", "segments", "title", "total_s")

    def __init__(self, segments: Sequence[Segment], *, title: str = "") -> None:
        """Check that *segments* start at 0, are numbered in order and follow on exactly."""
        if not segments:
            raise ValueError("a timeline needs at least one segment")
        expected_start = 0.0
        for position, segment in enumerate(segments):
            if segment.index != position:
                raise ValueError(f"segment {position} has index {segment.index}")
            if segment.start_s != expected_start:
                raise ValueError(
                    f"segment {position} starts at {segment.start_s}, "
                    f"not where the previous one ends ({expected_start})"
                )
            if not (math.isfinite(segment.duration_s) and segment.duration_s > 0):
                raise ValueError(f"segment {position} has a duration of {segment.duration_s}")
            expected_start = segment.end_s
        self.segments: tuple[Segment, ...] = tuple(segments)
        """The segments, in order."""
        self.title = title
        """A name for the session, e.g. the routine's name."""
        self.total_s: float = self.segments[-1].end_s
        """Length of the whole session in seconds."""
        self._starts: list[float] = [segment.start_s for segment in self.segments]
        self._cues: tuple[Cue, ...] = _build_cues(self.segments, self.total_s)
        self._cue_times: list[float] = [cue.at_s for cue in self._cues]

    def __repr__(self) -> str:
        return f"Timeline({self.title!r}, {len(self.segments)} segments, {self.total_s:g} s)"

    def __len__(self) -> int:
        return len(self.segments)

    @property
    def cues(self) -> tuple[Cue, ...]:
        """Every cue of the session, in time order."""
        return self._cues

    @property
    def interval_s(self) -> float:
        """Seconds of run-walk interval time (warm-up and cool-down walks excluded)."""
        return sum(segment.duration_s for segment in self.segments if segment.is_interval)

    def _clamp(self, elapsed: float) -> float:
        """*elapsed* limited to 0 … total, refusing NaN."""
        if math.isnan(elapsed):
            raise ValueError("elapsed must be a number, not NaN")
        return min(max(elapsed, 0.0), self.total_s)

    def segment_index_at(self, elapsed: float) -> int:
        """The index of the segment under way at *elapsed* (a boundary belongs to the next one)."""
        elapsed = self._clamp(elapsed)
        if elapsed >= self.total_s:
            return len(self.segments) - 1
        return bisect_right(self._starts, elapsed) - 1

    def start_of(self, index: int) -> float:
        """The start time of segment *index* (``len(timeline)`` gives the total)."""
        if index == len(self.segments):
            return self.total_s
        if not 0 <= index < len(self.segments):
            raise IndexError(f"segment index {index} is outside 0 … {len(self.segments)}")
        return self._starts[index]

    def state_at(self, elapsed: float) -> TimelineState:
        """What is happening at *elapsed* seconds (negative clamps to 0, past the end finishes)."""
        clamped = self._clamp(elapsed)
        index = self.segment_index_at(clamped)
        segment = self.segments[index]
        # Within the segment: starts and the total are float sums, so at the very end the
        # difference can exceed the duration by a rounding error (never show -0.0 s left).
        in_segment = min(clamped - segment.start_s, segment.duration_s)
        return TimelineState(
            segment=segment,
            index=index,
            elapsed_s=clamped,
            elapsed_in_segment=in_segment,
            remaining_in_segment=segment.duration_s - in_segment,
            remaining_s=self.total_s - clamped,
            progress=clamped / self.total_s,
            finished=clamped >= self.total_s,
        )

    def cues_between(self, after: float, until: float) -> list[Cue]:
        """Every cue with ``after < at_s <= until``, in time order.

        Successive calls with ``cues_between(previous, now)`` never repeat or skip a cue,
        however far ``now`` jumps.  Cues at t = 0 need ``after < 0``: start a session with
        ``previous = -1.0`` (or call :meth:`start_cues`).
        """
        if math.isnan(after) or math.isnan(until):
            raise ValueError("cue bounds must be numbers, not NaN")
        if until <= after:
            return []
        low = bisect_right(self._cue_times, after)
        high = bisect_right(self._cue_times, until)
        return list(self._cues[low:high])

    def cues_at(self, moment: float) -> list[Cue]:
        """The cues exactly at *moment*, e.g. a segment's opening cue after a skip or back."""
        low = bisect_left(self._cue_times, moment)
        high = bisect_right(self._cue_times, moment)
        return list(self._cues[low:high])

    def start_cues(self) -> list[Cue]:
        """The cues at t = 0 (the opening cue of the first segment)."""
        return self.cues_at(0.0)

    def skip_target(self, elapsed: float) -> float:
        """Where 'next' jumps to from *elapsed*: the next segment's start (the total at the end)."""
        return self.start_of(self.segment_index_at(elapsed) + 1)

    def back_target(self, elapsed: float) -> float:
        """Where 'back' jumps to: this segment's start, or the previous one's if just started."""
        state = self.state_at(elapsed)
        if state.elapsed_in_segment > BACK_GRACE_S or state.index == 0:
            return state.segment.start_s
        return self._starts[state.index - 1]


def reps_done_at(segment: Segment, seconds_into_segment: float) -> int:
    """Reps the tempo mode has counted *seconds_into_segment* into a reps *segment*."""
    if segment.kind != "reps" or segment.rep_target is None or segment.rep_s is None:
        raise ValueError(f"segment {segment.index} ({segment.kind}) is not a reps segment")
    if math.isnan(seconds_into_segment) or seconds_into_segment <= 0:
        return 0
    done = math.floor(seconds_into_segment / segment.rep_s + 1e-9)
    return min(segment.rep_target, done)


def _build_cues(segments: tuple[Segment, ...], total_s: float) -> tuple[Cue, ...]:
    """Every cue of *segments*, sorted by time."""
    cues: list[Cue] = []
    for segment in segments:
        start, end, length = segment.start_s, segment.end_s, segment.duration_s
        cues.append(Cue(start, _START_CUE_KIND[segment.kind], _start_text(segment), segment.index))
        halfway = (segment.kind == "hold" and length >= HALFWAY_HOLD_MIN_S) or (
            segment.kind in ("run", "walk", "timed") and length >= HALFWAY_LONG_MIN_S
        )
        if halfway:
            cues.append(Cue(start + length / 2, "halfway", "Halfway", segment.index))
        if segment.kind in _COUNTDOWN_KINDS and length >= COUNTDOWN_MIN_S:
            for value in (3, 2, 1):
                cues.append(Cue(end - value, "countdown", str(value), segment.index, value))
    cues.append(Cue(total_s, "done", "Done", segments[-1].index))
    # Generated in time order already; a stable sort guards against float ties.
    cues.sort(key=lambda cue: cue.at_s)
    return tuple(cues)


def _start_text(segment: Segment) -> str:
    """The text of a segment's opening cue."""
    if segment.kind == "switch":
        return "Switch sides"
    if segment.kind in ("run", "walk"):
        word = segment.kind.upper()
        if segment.repeat_number is None:  # "Warm-up walk" / "Cool-down walk"
            return f"{word} — {segment.label.removesuffix(' walk').lower()}"
        if segment.repeat_count == 1:
            return f"{word} — {_fmt_s(segment.duration_s)}"
        return f"{word} — {segment.repeat_number} of {segment.repeat_count}"
    return segment.label


class _Builder:
    """Appends segments one after another, keeping start times and indices."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.t = 0.0

    def add(
        self,
        kind: SegmentKind,
        label: str,
        duration_s: float,
        *,
        exercise_id: str | None = None,
        side: Side | None = None,
        set_number: int | None = None,
        set_count: int | None = None,
        rep_target: int | None = None,
        rep_s: float | None = None,
        hold_number: int | None = None,
        hold_count: int | None = None,
        area: str | None = None,
        repeat_number: int | None = None,
        repeat_count: int | None = None,
    ) -> None:
        """Append a segment starting where the previous one ends."""
        segment = Segment(
            index=len(self.segments),
            kind=kind,
            label=label,
            start_s=self.t,
            duration_s=float(duration_s),
            exercise_id=exercise_id,
            side=side,
            set_number=set_number,
            set_count=set_count,
            rep_target=rep_target,
            rep_s=rep_s,
            hold_number=hold_number,
            hold_count=hold_count,
            area=area,
            repeat_number=repeat_number,
            repeat_count=repeat_count,
        )
        self.segments.append(segment)
        self.t = segment.end_s

    def build(self, title: str) -> Timeline:
        """The finished timeline."""
        return Timeline(self.segments, title=title)


def _label(name: str, *parts: str | None) -> str:
    """'Name — part, part' leaving out empty parts."""
    return f"{name} — {', '.join(part for part in parts if part)}"


def _add_exercise(
    builder: _Builder, exercise: Exercise, dose: Dose, *, tempo_s: float, get_ready_s: float
) -> None:
    """Append the segments of one exercise done at *dose*."""
    ex_id, name = exercise.id, exercise.name
    if get_ready_s > 0:
        builder.add("get_ready", f"Get ready: {name}", get_ready_s, exercise_id=ex_id)
    if exercise.kind == "timed":
        seconds = (dose.minutes or 0.0) * 60
        count = len(dose.areas)
        for number, area in enumerate(dose.areas, 1):
            label = f"{name} — {area} ({number}/{count})"
            builder.add(
                "timed",
                label,
                seconds,
                exercise_id=ex_id,
                area=area,
                set_number=number,
                set_count=count,
            )
        if not dose.areas:
            builder.add("timed", f"{name} — {_fmt_s(seconds)}", seconds, exercise_id=ex_id)
        return
    sides: tuple[Side | None, ...] = ("left", "right") if dose.per_side else (None,)
    sets = dose.sets
    for set_number in range(1, sets + 1):
        set_text = f"set {set_number}/{sets}" if sets > 1 else None
        if set_number > 1 and dose.rest_s > 0:
            builder.add(
                "rest",
                f"Rest {_fmt_s(dose.rest_s)} — next: set {set_number}/{sets}",
                dose.rest_s,
                exercise_id=ex_id,
                set_number=set_number,
                set_count=sets,
            )
        for side_number, side in enumerate(sides):
            if side_number > 0 and dose.switch_s > 0:
                builder.add(
                    "switch",
                    f"Switch to the {side} side",
                    dose.switch_s,
                    exercise_id=ex_id,
                    side=side,
                    set_number=set_number,
                    set_count=sets,
                )
            if exercise.kind == "hold":
                holds = dose.holds or 1
                hold_s = dose.hold_s or 0.0
                for hold in range(1, holds + 1):
                    if hold > 1 and dose.hold_rest_s > 0:
                        builder.add(
                            "rest",
                            f"Rest {_fmt_s(dose.hold_rest_s)}",
                            dose.hold_rest_s,
                            exercise_id=ex_id,
                            side=side,
                            set_number=set_number,
                            set_count=sets,
                            hold_number=hold,
                            hold_count=holds,
                        )
                    hold_text = f"hold {hold}/{holds}" if holds > 1 else f"hold {_fmt_s(hold_s)}"
                    builder.add(
                        "hold",
                        _label(name, side, set_text, hold_text),
                        hold_s,
                        exercise_id=ex_id,
                        side=side,
                        set_number=set_number,
                        set_count=sets,
                        hold_number=hold,
                        hold_count=holds,
                    )
            else:
                reps = dose.reps or 1
                target = reps * 2 if dose.alternating else reps
                rep_text = (
                    f"{target} reps alternating ({reps} per side)"
                    if dose.alternating
                    else f"{target} reps"
                )
                builder.add(
                    "reps",
                    _label(name, side, set_text, rep_text),
                    target * tempo_s,
                    exercise_id=ex_id,
                    side=side,
                    set_number=set_number,
                    set_count=sets,
                    rep_target=target,
                    rep_s=tempo_s,
                )


def build_routine_timeline(
    routine: Routine | str,
    *,
    tempo_s: float = DEFAULT_TEMPO_S,
    get_ready_s: float = GET_READY_S,
    beginner: bool = False,
) -> Timeline:
    """The timeline of a whole routine, each exercise at the routine's dose."""
    routine = get_routine(routine) if isinstance(routine, str) else routine
    tempo_s = _check_seconds("tempo_s", tempo_s, positive=True)
    get_ready_s = _check_seconds("get_ready_s", get_ready_s)
    if not routine.exercise_ids:
        raise ValueError(f"routine {routine.id!r} has no exercises")
    builder = _Builder()
    for exercise_id in routine.exercise_ids:
        exercise = get_exercise(exercise_id)
        dose = routine.dose_for(exercise_id, beginner=beginner)
        _add_exercise(builder, exercise, dose, tempo_s=tempo_s, get_ready_s=get_ready_s)
    return builder.build(routine.name)


def estimated_seconds(
    routine: Routine | str, *, tempo_s: float = DEFAULT_TEMPO_S, beginner: bool = False
) -> float:
    """How long *routine* takes, from the same timeline the session runs."""
    return build_routine_timeline(routine, tempo_s=tempo_s, beginner=beginner).total_s


def estimated_minutes_text(routine: Routine | str) -> str:
    """The routine's length for a picker, e.g. '~10 min'."""
    return f"~{max(1, round(estimated_seconds(routine) / 60))} min"


def build_exercise_timeline(
    exercise_id: str,
    *,
    dose: Dose | None = None,
    tempo_s: float = DEFAULT_TEMPO_S,
    get_ready_s: float = GET_READY_S,
    beginner: bool = False,
) -> Timeline:
    """The timeline of one exercise at *dose* (default: its own, or its beginner variant)."""
    exercise = get_exercise(exercise_id)
    tempo_s = _check_seconds("tempo_s", tempo_s, positive=True)
    get_ready_s = _check_seconds("get_ready_s", get_ready_s)
    builder = _Builder()
    chosen = dose if dose is not None else exercise.dose_for(beginner=beginner)
    _add_exercise(builder, exercise, chosen, tempo_s=tempo_s, get_ready_s=get_ready_s)
    return builder.build(exercise.name)


def build_run_walk_timeline(stage: int, *, warmup_s: float = 0, cooldown_s: float = 0) -> Timeline:
    """A run-walk session of *stage* (1–3), with optional warm-up and cool-down walks."""
    if stage not in RUN_WALK_STAGES:
        valid = ", ".join(str(number) for number in RUN_WALK_STAGES)
        raise ValueError(f"run-walk stage must be one of {valid}, not {stage!r}")
    warmup_s = _check_seconds("warmup_s", warmup_s)
    cooldown_s = _check_seconds("cooldown_s", cooldown_s)
    spec = RUN_WALK_STAGES[stage]
    builder = _Builder()
    if warmup_s > 0:
        builder.add("walk", "Warm-up walk", warmup_s)
    for repeat in range(1, spec.repeats + 1):
        for kind, seconds in (("run", spec.run_s), ("walk", spec.walk_s)):
            label = f"{kind.capitalize()} {repeat}/{spec.repeats}"
            builder.add(
                "run" if kind == "run" else "walk",
                label,
                seconds,
                repeat_number=repeat,
                repeat_count=spec.repeats,
            )
    if cooldown_s > 0:
        builder.add("walk", "Cool-down walk", cooldown_s)
    return builder.build(f"Run-walk stage {stage}")


def build_continuous_run_timeline(minutes: float) -> Timeline:
    """A continuous run of *minutes* for the build phase: one run segment."""
    seconds = _check_seconds("minutes", minutes, positive=True) * 60
    builder = _Builder()
    builder.add("run", f"Run {_fmt_s(seconds)}", seconds, repeat_number=1, repeat_count=1)
    return builder.build(f"Run {_fmt_s(seconds)}")
