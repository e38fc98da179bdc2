"""What a finished session did: handed by the session screens to the summary screens."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from runback_tui.domain.models import ActiveSession
from runback_tui.sessions.active import RunSpec


@dataclass(frozen=True)
class RoutineResult:
    """What a routine or single-exercise session did, for its summary."""

    routine_id: str
    """The routine's id (or the exercise's, for a single exercise)."""
    title: str
    """The routine's or exercise's name."""
    completed: bool
    """False when ended early."""
    duration_s: float
    """Session-clock seconds taken, pauses left out."""
    skipped: tuple[str, ...]
    """Labels of the segments skipped."""
    max_pain: int | None
    """The highest pain logged during the session."""
    flare: bool
    """True when pain of 4 or more stopped the session."""
    ice_minutes: float | None = None
    """Minutes of ice done in the session (the relief routine), to record for the next-ice time."""
    day: date | None = None
    """The date the session started, which it is logged on (None: the date it is saved)."""


@dataclass(frozen=True)
class RunResult:
    """What a run session did, for its summary."""

    spec: RunSpec
    """The session that was run."""
    day: date
    """The date it counts for."""
    completed: bool
    """Every repeat done (no run skipped) and the end reached."""
    repeats_done: int
    """Repeats fully done."""
    elapsed_s: float
    """Timeline seconds reached."""
    active_s: float
    """Session-clock seconds, pauses left out."""
    max_pain: int | None
    """The highest pain logged during the session."""
    skipped: tuple[str, ...] = ()
    """Labels of the segments skipped."""
    pains: tuple[tuple[float, datetime, int], ...] = ()
    """(elapsed, wall time, pain) of every pain tap."""
    saver_idle: threading.Event | None = field(default=None, compare=False)
    """Set once the session screen's background saves are done (waited for before logging)."""
    saved_record: Callable[[], ActiveSession | None] | None = field(default=None, compare=False)
    """The resumable record as this session last wrote it (read once the saver is idle):
    logging expects the file to hold exactly it, else another process took the session over."""
