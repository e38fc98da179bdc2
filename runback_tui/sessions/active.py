"""Run sessions as data: what is being run, the resumable record, and what a session achieved.

Pure logic (no Textual, no TinyDB).  A run session is saved as an
:class:`~runback_tui.domain.models.ActiveSession` when it starts, at every segment change,
on SIGHUP/SIGTERM and on quit; reopening Runback with one offers to resume it where it would
be now by the wall clock, to log what was done up to the save, or to discard it.  "Now by the
wall clock" is judged in UTC: every stored time carries its UTC offset, so reopening it in
another time zone (or after a DST change) puts it where it really is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from runback_tui.domain.clock import aware
from runback_tui.domain.models import ActiveSession, PainTap, PauseSpan
from runback_tui.domain.timeline import (
    RUN_WALK_STAGES,
    Timeline,
    build_continuous_run_timeline,
    build_run_walk_timeline,
)
from runback_tui.sessions.controller import PainMark, SessionController

DEFAULT_RUN_MINUTES = 20
"""Default length of a continuous build-phase run."""
MIN_RUN_MINUTES = 5
"""Shortest continuous run the start screen offers."""
MAX_RUN_MINUTES = 120
"""Longest continuous run the start screen offers."""


@dataclass(frozen=True, slots=True)
class RunSpec:
    """What run session to do: a run-walk stage or a continuous run of some minutes."""

    kind: Literal["run_walk", "run"]
    """Run-walk intervals or a continuous run."""
    stage: int | None = None
    """The run-walk stage, 1–3."""
    minutes: float | None = None
    """The continuous run's length."""

    def __post_init__(self) -> None:
        if self.kind == "run_walk" and self.stage not in RUN_WALK_STAGES:
            raise ValueError(f"run-walk stage must be 1, 2 or 3, not {self.stage!r}")
        if self.kind == "run" and not (self.minutes and self.minutes > 0):
            raise ValueError("a continuous run needs its minutes")

    def timeline(self) -> Timeline:
        """The session's timeline."""
        if self.kind == "run_walk":
            assert self.stage is not None
            return build_run_walk_timeline(self.stage)
        assert self.minutes is not None
        return build_continuous_run_timeline(self.minutes)

    @property
    def title(self) -> str:
        """e.g. 'Run-walk stage 1' or 'Continuous run, 20 min'."""
        if self.kind == "run_walk":
            return f"Run-walk stage {self.stage}"
        return f"Continuous run, {self.minutes:g} min"

    @classmethod
    def of(cls, record: ActiveSession) -> RunSpec:
        """The spec of a saved record."""
        return cls(record.kind, stage=record.stage, minutes=record.minutes)


def make_record(
    spec: RunSpec,
    controller: SessionController,
    *,
    day: date,
    started_at: datetime,
    pauses: list[PauseSpan],
    now: datetime,
    speed: float,
) -> ActiveSession:
    """The resumable record of a session under way, as of *now*.

    The times are aware (the clock's; a naive one is read as local time), so the running
    time is a difference of instants, the same in any time zone.
    """
    started_at, now = aware(started_at), aware(now)
    elapsed = controller.elapsed()
    draft = ActiveSession(
        kind=spec.kind,
        stage=spec.stage,
        minutes=spec.minutes,
        date=day,
        started_at=started_at,
        pauses=[span.model_copy() for span in pauses],
        pains=[PainTap(at=m.at, elapsed_s=m.elapsed_s, pain=m.pain) for m in controller.pains],
        skipped=controller.skipped_labels,
        speed=speed,
        saved_at=now,
        elapsed_at_save_s=elapsed,
    )
    running = (now - started_at).total_seconds() - draft.paused_seconds(now)
    draft.shift_s = elapsed - running * speed
    return draft


def resume_controller(record: ActiveSession, controller: SessionController) -> None:
    """Give a fresh *controller* the saved pains and skips of *record*."""
    controller.pains = [PainMark(tap.elapsed_s, tap.at, tap.pain) for tap in record.pains]
    controller.mark_skipped(record.skipped)


@dataclass(frozen=True, slots=True)
class Position:
    """A point of a run session, as the resume offer describes it."""

    elapsed_s: float
    """Timeline seconds."""
    label: str
    """e.g. 'RUN 4 of 10, 0:35 in' or 'finished'."""
    repeats_done: int
    """Repeats fully done by then."""
    finished: bool
    """True at or past the end."""


def fmt_clock(seconds: float) -> str:
    """Seconds as 'm:ss' (or 'h:mm:ss' from an hour)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def describe_position(timeline: Timeline, elapsed: float) -> Position:
    """Where *elapsed* falls: the segment, how far in, and the repeats done."""
    state = timeline.state_at(elapsed)
    done = repeats_done(timeline, state.elapsed_s, set())
    if state.finished:
        return Position(state.elapsed_s, "the end (finished)", done, True)
    segment = state.segment
    word = segment.kind.upper()
    if segment.repeat_number is not None and (segment.repeat_count or 0) > 1:
        where = f"{word} {segment.repeat_number} of {segment.repeat_count}"
    else:
        where = word
    return Position(
        state.elapsed_s,
        f"{where}, {fmt_clock(state.elapsed_in_segment)} in "
        f"({fmt_clock(state.elapsed_s)} of {fmt_clock(timeline.total_s)})",
        done,
        False,
    )


def repeats_done(timeline: Timeline, elapsed: float, skipped: set[int]) -> int:
    """Repeats whose walk ended by *elapsed* and whose run was not skipped."""
    runs_skipped = {
        timeline.segments[i].repeat_number for i in skipped if timeline.segments[i].kind == "run"
    }
    done = 0
    for segment in timeline.segments:
        if (
            segment.is_interval
            and segment.kind == "walk"
            and segment.end_s <= elapsed + 1e-9
            and segment.repeat_number not in runs_skipped
        ):
            done += 1
    return done


def runs_skipped(timeline: Timeline, skipped: set[int]) -> bool:
    """True when any run interval was skipped."""
    return any(timeline.segments[i].kind == "run" for i in skipped)


class ActiveSaver:
    """Writes the latest resumable record in the background, newest last, never out of order.

    ``submit`` keeps only the newest record waiting; one background run writes records until
    none is waiting, so a slow disk never reorders or piles up writes.  ``idle`` is set
    whenever nothing is waiting or being written.  ``close`` accepts no more records but still
    writes the one waiting (so the last state reaches the file before the session is logged).
    """

    def __init__(
        self,
        save: Callable[[ActiveSession], None],
        on_error: Callable[[str], None],
        start: Callable[[Callable[[], None]], object] | None = None,
    ) -> None:
        self._save = save
        self._on_error = on_error
        self._start = start or (lambda fn: threading.Thread(target=fn, daemon=True).start())
        self._lock = threading.Lock()
        self._pending: ActiveSession | None = None
        self._running = False
        self._closed = False
        self.idle = threading.Event()
        """Set while nothing is waiting or being written."""
        self.idle.set()
        self.last_saved: ActiveSession | None = None
        """The record last written (what the file holds, unless another process changed it):
        the summary logs the session expecting exactly this (no lost update)."""

    def submit(self, record: ActiveSession) -> None:
        """Write *record* soon (replacing any record still waiting)."""
        with self._lock:
            if self._closed:
                return
            self._pending = record
            if self._running:
                return
            self._running = True
            self.idle.clear()
        self._start(self._drain)

    def _drain(self) -> None:
        """Write waiting records until none is left (runs off the event loop)."""
        while True:
            with self._lock:
                record, self._pending = self._pending, None
                if record is None:
                    self._running = False
                    self.idle.set()
                    return
            try:
                self._save(record)
                self.last_saved = record
            except Exception as error:  # a StoreError, or anything the disk throws
                self._on_error(str(error))

    def close(self) -> None:
        """Accept no more records (a waiting one is still written)."""
        with self._lock:
            self._closed = True

    def save_now(self, record: ActiveSession, timeout: float = 0.5) -> None:
        """Write *record* right now on this thread (signal handlers, quit), after any write."""
        self.close()
        with self._lock:
            self._pending = None
        self.idle.wait(timeout)
        self._save(record)
        self.last_saved = record
