"""The session runner: a Timeline driven by an injected Clock, with pause, skip, back and reps.

Pure logic, no Textual: the screens call :meth:`SessionController.poll` on every tick and
show what it returns.  Every shown value is computed from the clock, never from counting
ticks, so a stalled event loop shows the right second at the next tick.

How time works here:

* The session position ("timeline time", seconds from the start of the timeline) is
  ``offset + (clock.monotonic() − anchor)`` while running, and ``offset`` while paused or
  waiting.  Pause, skip, back and rep completion move ``offset`` and ``anchor``; nothing
  accumulates per tick, so pause/resume totals are exact.
* **Manual reps** (the default; the tempo setting turns it off): when the position reaches
  the start of a reps segment, timeline time stops there — the controller is *waiting* —
  until ``enter`` has counted the segment's reps (or ``n`` skips it).  Then the position
  jumps to the segment's end and time runs on from that moment.  The freeze is found lazily
  at the next query: however long a stall, the position never runs past an unfinished reps
  segment.  Time spent waiting counts as active time (:meth:`active_seconds`) but not as
  timeline time.  With tempo reps, a reps segment simply lasts ``reps × 4 s`` and
  :func:`~runback_tui.domain.timeline.reps_done_at` counts for the runner.
* **Cues** are the timeline's cues with ``last < at_s <= now`` (half-open, so each fires
  once).  **After a jump** of more than ``stall_s`` timeline seconds between two polls (a
  stalled loop, a suspended laptop, a dropped SSH connection), missed cues are not replayed
  as a burst: only the latest *relevant* one fires — one that fell within the last
  ``stall_s`` seconds, or the opening cue of the segment now under way (so the runner hears
  what they should be doing) or the final "done".  Stale countdowns and halfway cues are
  dropped.  Every later cue then fires once, as usual.  Screens running under ``--speed F``
  pass ``stall_s × F`` so that a normal tick is not mistaken for a stall.
* **Skip** jumps to the next segment's start and **back** to this segment's start (or the
  previous one's within 2 s of the start); the opening cue of the segment landed on fires.
  A work segment (hold, reps, timed, run, walk) left unfinished by a skip is remembered as
  skipped, by label, until a back returns to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from runback_tui.domain.clock import Clock
from runback_tui.domain.timeline import Cue, Segment, Timeline, TimelineState, reps_done_at

STALL_S = 1.5
"""A jump of more than this many timeline seconds between polls counts as a stall."""

OPENING_KINDS = frozenset({"start", "run", "walk", "switch", "rest"})
"""Cue kinds that open a segment."""

WORK_KINDS = frozenset({"hold", "reps", "timed", "run", "walk"})
"""Segment kinds whose skipping is recorded."""


@dataclass(frozen=True, slots=True)
class PainMark:
    """A pain rating logged during the session."""

    elapsed_s: float
    """Timeline seconds when it was logged."""
    at: datetime
    """Wall-clock time when it was logged."""
    pain: int
    """The rating, 0–10."""


@dataclass(frozen=True, slots=True)
class Tick:
    """What one poll found."""

    state: TimelineState
    """Where the session stands."""
    cues: tuple[Cue, ...]
    """Cues to deliver now, in time order."""
    dropped: int
    """Cues missed in a stall and not delivered."""
    waiting_for_reps: bool
    """True while a manual reps segment waits for `enter` (timeline time stands still)."""
    reps_done: int | None
    """Reps counted in the current reps segment (None outside reps segments)."""


class SessionController:
    """Runs one session over a Timeline and a Clock."""

    def __init__(
        self,
        timeline: Timeline,
        clock: Clock,
        *,
        manual_reps: bool = True,
        stall_s: float = STALL_S,
        start_at: float = 0.0,
    ) -> None:
        if math.isnan(start_at) or start_at < 0:
            raise ValueError(f"start_at must be 0 or more, not {start_at!r}")
        self.timeline = timeline
        """The session's segments and cues."""
        self.clock = clock
        """Injected time."""
        self.manual_reps = manual_reps
        """True when `enter` counts reps and timeline time waits for them."""
        self.stall_s = stall_s
        """Jumps longer than this (timeline seconds) deliver at most one cue."""
        self._offset = min(start_at, timeline.total_s)
        self._anchor: float | None = None
        self._last_cue_s = self._offset
        self._started_mono: float | None = None
        self._ended_mono: float | None = None
        self._pause_started: float | None = None
        self._paused_total = 0.0
        self._waiting = False
        self._reps: dict[int, int] = {}
        self._skipped: dict[int, str] = {}
        self.pains: list[PainMark] = []
        """Pain logged during the session, in order."""
        self.pause_count = 0
        """How many times the session was paused."""

    # -- state ---------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """True once :meth:`start` ran."""
        return self._started_mono is not None

    @property
    def paused(self) -> bool:
        """True while paused."""
        return self._pause_started is not None

    @property
    def ended(self) -> bool:
        """True once :meth:`end` ran."""
        return self._ended_mono is not None

    @property
    def waiting_for_reps(self) -> bool:
        """True while a manual reps segment waits for its reps."""
        self.elapsed()
        return self._waiting

    @property
    def skipped_labels(self) -> list[str]:
        """Labels of the work segments skipped, in timeline order."""
        return [self._skipped[index] for index in sorted(self._skipped)]

    @property
    def skipped_indices(self) -> set[int]:
        """Indices of the work segments skipped."""
        return set(self._skipped)

    def mark_skipped(self, labels: list[str]) -> None:
        """Mark segments as skipped by label (restoring a saved session)."""
        wanted = set(labels)
        for segment in self.timeline.segments:
            if segment.label in wanted:
                self._skipped[segment.index] = segment.label

    @property
    def max_pain(self) -> int | None:
        """The highest pain logged, if any."""
        return max((mark.pain for mark in self.pains), default=None)

    def elapsed(self) -> float:
        """Timeline seconds now (stops at an unfinished manual reps segment)."""
        if self._anchor is None:
            return self._offset
        now = self.clock.monotonic()
        raw = min(self._offset + (now - self._anchor), self.timeline.total_s)
        if self.manual_reps:
            frozen = self._reps_stop_between(self._offset, raw)
            if frozen is not None:
                self._offset = frozen.start_s
                self._anchor = None
                self._waiting = True
                return self._offset
        return raw

    def _reps_stop_between(self, low: float, high: float) -> Segment | None:
        """The first unfinished reps segment starting in ``[low, high]``."""
        index = self.timeline.segment_index_at(low)
        segments = self.timeline.segments
        while index < len(segments) and segments[index].start_s <= high:
            segment = segments[index]
            if segment.kind == "reps" and segment.start_s >= low:
                return segment
            index += 1
        return None

    def state(self) -> TimelineState:
        """Where the session stands now."""
        return self.timeline.state_at(self.elapsed())

    def reps_done(self, state: TimelineState | None = None) -> int | None:
        """Reps done in the current segment (counted, or by tempo); None if not a reps one."""
        state = state or self.state()
        segment = state.segment
        if segment.kind != "reps":
            return None
        if self.manual_reps:
            if state.elapsed_s >= segment.end_s:
                return segment.rep_target
            return self._reps.get(segment.index, 0)
        return reps_done_at(segment, state.elapsed_in_segment)

    def active_seconds(self) -> float:
        """Session-clock seconds from the start to now (or the end), pauses left out."""
        if self._started_mono is None:
            return 0.0
        end = self._ended_mono if self._ended_mono is not None else self.clock.monotonic()
        paused = self._paused_total
        if self._pause_started is not None:
            paused += end - self._pause_started
        return max(0.0, end - self._started_mono - paused)

    # -- driving -------------------------------------------------------------------------

    def start(self) -> list[Cue]:
        """Start the clock; returns the cues due at the start (the first segment's opening)."""
        if self.started:
            return []
        now = self.clock.monotonic()
        self._started_mono = now
        self._anchor = now
        cues = self.timeline.cues_at(self._offset) if self._offset == 0 else []
        self.elapsed()  # a reps segment at the very start waits at once
        return self._filtered(cues)

    def poll(self) -> Tick:
        """Advance to now: the state and the cues that fell due since the last poll."""
        elapsed = self.elapsed()
        state = self.timeline.state_at(elapsed)
        due = self.timeline.cues_between(self._last_cue_s, elapsed)
        jump = elapsed - self._last_cue_s
        self._last_cue_s = max(self._last_cue_s, elapsed)
        delivered = due
        if jump > self.stall_s and due:
            delivered = self._after_stall(due, state)
        return Tick(
            state=state,
            cues=tuple(delivered),
            dropped=len(due) - len(delivered),
            waiting_for_reps=self._waiting,
            reps_done=self.reps_done(state),
        )

    def _after_stall(self, due: list[Cue], state: TimelineState) -> list[Cue]:
        """At most one cue after a jump: the latest still relevant one."""
        fresh_after = state.elapsed_s - self.stall_s
        relevant = [
            cue
            for cue in due
            if cue.at_s > fresh_after
            or cue.kind == "done"
            or (cue.kind in OPENING_KINDS and cue.segment_index == state.index)
        ]
        return relevant[-1:]

    def _filtered(self, cues: list[Cue]) -> list[Cue]:
        """Cues at a jump target: the opening cue and a final done, never a stale countdown."""
        return [cue for cue in cues if cue.kind in OPENING_KINDS or cue.kind == "done"]

    def _jump_to(self, target: float) -> list[Cue]:
        """Move the position to *target* and return its opening cues."""
        target = min(max(target, 0.0), self.timeline.total_s)
        self._offset = target
        self._waiting = False
        self._anchor = None if self.paused else self.clock.monotonic()
        self._last_cue_s = target
        cues = self._filtered(self.timeline.cues_at(target))
        self.elapsed()
        return cues

    def skip(self) -> list[Cue]:
        """Go to the next segment's start; returns the cues to deliver there."""
        if not self.started or self.ended:
            return []
        elapsed = self.elapsed()
        state = self.timeline.state_at(elapsed)
        if state.finished:
            return []
        segment = state.segment
        unfinished = (
            (self._reps.get(segment.index, 0) < (segment.rep_target or 0))
            if (segment.kind == "reps" and self.manual_reps)
            else state.elapsed_in_segment < segment.duration_s
        )
        if segment.kind in WORK_KINDS and unfinished:
            self._skipped[segment.index] = segment.label
        return self._jump_to(self.timeline.skip_target(elapsed))

    def back(self) -> list[Cue]:
        """Go back to this segment's start (or the previous one's just after a start)."""
        if not self.started or self.ended:
            return []
        elapsed = self.elapsed()
        current = self.timeline.segment_index_at(elapsed)
        target = self.timeline.back_target(elapsed)
        if elapsed >= self.timeline.total_s:
            target = self.timeline.segments[-1].start_s
        first = self.timeline.segment_index_at(target)
        for index in range(first, current + 1):
            self._reps.pop(index, None)
            self._skipped.pop(index, None)
        return self._jump_to(target)

    def count_rep(self) -> list[Cue]:
        """Count one rep of a waiting manual reps segment; at the target, move on."""
        if not self.started or self.ended or self.paused or not self.waiting_for_reps:
            return []
        segment = self.timeline.state_at(self._offset).segment
        done = self._reps.get(segment.index, 0) + 1
        self._reps[segment.index] = done
        if done < (segment.rep_target or 1):
            return []
        return self._jump_to(segment.end_s)

    def pause(self) -> None:
        """Stop the clock (the position stays where it is)."""
        if not self.started or self.ended or self.paused:
            return
        self._offset = self.elapsed()
        self._anchor = None
        self._pause_started = self.clock.monotonic()
        self.pause_count += 1

    def resume(self) -> None:
        """Start the clock again from where it stopped."""
        if self._pause_started is None or self.ended:
            return
        now = self.clock.monotonic()
        self._paused_total += now - self._pause_started
        self._pause_started = None
        if not self._waiting:
            self._anchor = now

    def toggle_pause(self) -> bool:
        """Pause or resume; returns True when now paused."""
        if self.paused:
            self.resume()
        else:
            self.pause()
        return self.paused

    def log_pain(self, pain: int, at: datetime) -> PainMark:
        """Record a pain rating at the current position."""
        if not 0 <= pain <= 10:
            raise ValueError(f"pain must be 0–10, not {pain!r}")
        mark = PainMark(elapsed_s=self.elapsed(), at=at, pain=pain)
        self.pains.append(mark)
        return mark

    def end(self) -> float:
        """Stop for good (finished or ended early); returns the final position."""
        if self.ended:
            return self._offset
        elapsed = self.elapsed()
        now = self.clock.monotonic()
        if self._started_mono is None:
            self._started_mono = now
        if self._pause_started is not None:
            self._paused_total += now - self._pause_started
            self._pause_started = None
        self._offset = elapsed
        self._anchor = None
        self._ended_mono = now
        return elapsed

    @property
    def finished(self) -> bool:
        """True once the position reached the end of the timeline."""
        return self.elapsed() >= self.timeline.total_s
