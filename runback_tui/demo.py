"""Realistic generated histories: for ``runback demo``, the screenshots and the benchmarks.

:func:`generate_history` is pure: the same (start, days, seed) always gives the same profile
and records, ids included.  It simulates a runner who follows the protocol — it does not ask the
plan engine (that would cost a replay per day); the engine interprets the result, and the tests
check that it agrees with the story told here:

- **Phase 1** (days 1–7, longer until the gates hold): check-ins easing from pain 3 to 1, the
  10-minute core routine daily and cross-training (pool running on odd days, easy cycling on
  even days) on most days; the gates are met on program day 8, 9 or 10.
- **Phase 2**: run-walks on alternate days (core after about half of them), core on the days
  between, a full rest day after six training days; the first stage-2 session repeats (pain
  2), later ones now and then; stage 3 usually by day 15; the build starts after a pain-free
  stage-3 session from day 22.
- **Build**: runs on alternate days, strength (posterior chain, at most 3 a week, never two
  days in a row) and core stability between (and after about half of the runs); each week's
  volume just under the 10% cap up to a plateau (changing every 12 weeks, 14–26 km); every
  4th week and the week after a flare or red flag a deload (0.75 × the previous week); build
  week 2 or 3 goes a little over the cap (unless an earlier week already did).  After 12
  build weeks the runner holds a steady volume near the plateau, so the week after each
  deload goes over its cap (1.10 × 0.75 < 1).
- **A red flag** (night pain) around program day 15–18, cleared by a professional 3–4 days
  later, then one every 8–16 months (cleared 3–5 days later).
- **A flare** around day 38–44 (a run with pain 4 after it, pain 4 again the next morning),
  then one every 3–7 months; acute days log the relief routine.
- **Missed days** (about 1 in 25 without any log) and, after the first year, an occasional week
  away.
- **Shoes**: a first pair already worn to about 460 km and replaced at 484–488 km (a new
  pair added that day); later pairs are replaced between 650 and 790 km.  A demo shows one
  pair over the 300 mi mark and a newer pair.

:func:`seed_store` writes a generated history through the Store's typed bulk import in one
transaction, so years of data seed in well under a second.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from runback_tui.domain import load
from runback_tui.domain.models import (
    CheckIn,
    Clearance,
    CrossActivity,
    CrossLog,
    History,
    Profile,
    RoutineLog,
    RunLog,
    RunWalkLog,
    SessionLog,
    Shoe,
    Units,
)
from runback_tui.domain.protocol import (
    BUILD_FROM_DAY,
    PROGRESS_PAIN_BELOW,
    STAGES,
    STRENGTH_PER_WEEK,
    TOP_STAGE,
    first_build_monday,
    is_training,
    rest_day_due,
)

if TYPE_CHECKING:
    from textual.app import App

    from runback_tui.domain.clock import Clock
    from runback_tui.storage.store import Store

DEMO_SEED = 2026
"""The seed of ``runback demo``, the screenshots and the golden report."""
DEMO_DAYS = 70
"""Ten weeks of history for ``runback demo``."""

MAINTAIN_AFTER_WEEKS = 12
"""After this many build weeks the simulated runner holds a steady volume near a plateau."""

_ONE_DAY = timedelta(days=1)
_STAGE_KM = {1: 2.6, 2: 3.3, 3: 3.9}
_SHOE_NAMES = (
    "Blue trainers",
    "Grey cushions",
    "Red daily",
    "Green tempo",
    "Black trail",
    "White stability",
)
_NOTES = (
    "Long day at the desk",
    "Slept well",
    "Tight hamstrings this morning",
    "Felt strong",
    "Busy week at work",
    "Back a little stiff after the drive",
)

Phase = Literal["movement", "run_walk", "build"]


@dataclass
class _Runner:
    """The simulated runner's state."""

    rng: random.Random
    start: date
    end: date
    units: Units
    phase: Phase = "movement"
    stage: int = 1
    gate_day: int = 8
    repeated_stage2: bool = False
    build_from: date | None = None
    build_start: date | None = None
    flare_on: date | None = None
    red_flag_on: date | None = None
    clear_on: date | None = None
    acute_until: date | None = None
    flare_extended: bool = False
    paused: bool = False
    deload_weeks: set[date] = field(default_factory=set)
    week_targets: dict[date, float] = field(default_factory=dict)
    week_km: dict[date, float] = field(default_factory=dict)
    over_week: int = 2
    went_over: bool = False
    plateau_km: float = 20.0
    away_until: date | None = None
    training: set[date] = field(default_factory=set)
    running: set[date] = field(default_factory=set)
    last_run: date | None = None
    last_checkin: date = date.min
    last_pain: int = 0
    strength: set[date] = field(default_factory=set)
    shoe: str = ""
    shoe_km: float = 0.0
    shoe_limit: float = 600.0
    shoe_count: int = 0
    ids: int = 0
    checkins: list[CheckIn] = field(default_factory=list)
    clearances: list[Clearance] = field(default_factory=list)
    sessions: list[SessionLog] = field(default_factory=list)
    shoes: list[Shoe] = field(default_factory=list)

    # -- helpers ------------------------------------------------------------------------------

    def day_number(self, day: date) -> int:
        return (day - self.start).days + 1

    def next_id(self) -> str:
        self.ids += 1
        return f"demo{self.ids:06d}"

    def new_shoe(self, day: date, start_km: float = 0.0, limit: float | None = None) -> None:
        base = _SHOE_NAMES[self.shoe_count % len(_SHOE_NAMES)]
        cycle = self.shoe_count // len(_SHOE_NAMES)
        name = base if cycle == 0 else f"{base} {cycle + 1}"
        self.shoe_count += 1
        self.shoes.append(Shoe(name=name, start_distance_km=start_km, added=day))
        self.shoe = name
        self.shoe_km = start_km
        self.shoe_limit = limit if limit is not None else self.rng.uniform(650.0, 790.0)

    def rest_day(self, day: date) -> bool:
        """protocol.md §5: a full rest day after six training days in a row."""
        return rest_day_due(self.training, day)

    def add(self, session: SessionLog) -> None:
        self.sessions.append(session)
        if is_training(session):
            self.training.add(session.date)
        if isinstance(session, RoutineLog) and session.routine_id == "posterior_chain":
            self.strength.add(session.date)
        if isinstance(session, RunLog | RunWalkLog):
            self.running.add(session.date)
            self.last_run = session.date
            km = load.session_distance_km(session)
            monday = load.week_start(session.date)
            self.week_km[monday] = self.week_km.get(monday, 0.0) + km
            self.shoe_km += km

    def routine(self, day: date, routine_id: str, pain_after: int | None = None) -> None:
        self.add(
            RoutineLog(id=self.next_id(), date=day, routine_id=routine_id, pain_after=pain_after)
        )

    def km(self, value: float) -> float:
        """A distance as the runner would type it: 0.1 of the profile's unit."""
        if self.units == "mi":
            return math.floor(value / 1.609344 * 10) / 10 * 1.609344
        return math.floor(value * 10) / 10

    # -- the story ----------------------------------------------------------------------------

    def schedule_events(self) -> None:
        """The first flare and red flag; later ones are drawn as the days go by."""
        rng = self.rng
        self.gate_day = rng.choice((8, 9, 10))
        self.red_flag_on = self.start + timedelta(days=rng.randint(15, 18) - 1)
        self.clear_on = self.red_flag_on + timedelta(days=rng.randint(3, 4))
        self.flare_on = self.start + timedelta(days=rng.randint(38, 44) - 1)
        self.over_week = rng.choice((2, 3))
        self.plateau_km = rng.uniform(18.0, 24.0)

    def simulate(self) -> None:
        self.schedule_events()
        # The first pair is replaced soon after the 300 mi (483 km) "look for a replacement".
        start_km = round(self.rng.uniform(458.0, 464.0), 1)
        self.new_shoe(self.start, start_km=start_km, limit=self.rng.uniform(484.0, 488.0))
        day = self.start
        while day <= self.end:
            self.live(day)
            day += _ONE_DAY
        self.mistaken_flag(self.start + timedelta(days=3))

    def mistaken_flag(self, day: date) -> None:
        """protocol.md §2 (v2): a red flag ticked by mistake on day 4, withdrawn that morning.

        The check-in is stored as it stands after the withdrawal (no flag), beside the
        ``mistake`` clearance that names what was withdrawn and when.
        """
        if day > self.end or not any(c.date == day for c in self.checkins):
            return
        self.clearances.append(
            Clearance(
                date=day,
                reason="mistake",
                made_at=datetime.combine(day, time(7, 12), tzinfo=UTC),
                flags=["leg_weakness"],
                note="Tapped yes on the wrong question",
            )
        )

    def live(self, day: date) -> None:
        rng = self.rng
        n = self.day_number(day)
        if self.build_from is not None and day >= self.build_from and self.phase == "run_walk":
            self.phase = "build"
            self.build_start = day
            self.build_from = None
        if (day - self.start).days % 84 == 0 and day > self.start:
            self.plateau_km = rng.uniform(14.0, 26.0)
        if day == self.red_flag_on:
            self.red_flag(day)
            return
        if self.paused:
            self.paused_day(day)
            return
        if self.away_until is not None and day <= self.away_until:
            if rng.random() < 0.5:
                self.checkin(day, pain=rng.choice((0, 1, 1, 2)))
            return
        if n > 365 and day.weekday() == 0 and rng.random() < 0.015:
            self.away_until = day + timedelta(days=6)
            return
        acute = self.acute_until is not None and day <= self.acute_until
        if acute:
            self.acute_day(day)
            return
        missed = n > 3 and rng.random() < 0.04 and not self.flare_due(day)
        if missed:
            return
        self.normal_day(day, n)

    def checkin(self, day: date, pain: int, **extra: object) -> None:
        self.last_pain = pain
        self.last_checkin = day
        stiffness = min(10, pain + self.rng.randint(0, 2))
        note = self.rng.choice(_NOTES) if self.rng.random() < 0.06 else ""
        fields: dict[str, object] = {
            "date": day,
            "pain": pain,
            "stiffness": stiffness,
            "note": note,
            "walked_30_pain_free": self.phase != "movement",
            "single_leg_bridge_ok": self.phase != "movement",
        }
        fields.update(extra)
        self.checkins.append(CheckIn.model_validate(fields))

    def red_flag(self, day: date) -> None:
        """protocol.md §2: night pain; the plan pauses until the clearance."""
        self.checkin(day, pain=3, red_flags=["night_pain"], note="Woke at 3 am with back pain")
        self.paused = True
        self.build_from = None

    def paused_day(self, day: date) -> None:
        rng = self.rng
        assert self.clear_on is not None
        if day < self.clear_on:
            self.checkin(day, pain=rng.choice((2, 2, 3)))
            return
        # The clearance: assessed, cleared, back to the program (one stage lower in phase 2).
        self.checkin(day, pain=rng.choice((1, 2)))
        self.clearances.append(
            Clearance(date=day, note="Physio assessment: mechanical back pain, cleared to run")
        )
        self.paused = False
        if self.phase == "run_walk":
            self.stage = max(1, self.stage - 1)
        if self.phase == "build":
            assert self.red_flag_on is not None
            self.deload_weeks.add(load.week_start(self.red_flag_on))
            self.deload_weeks.add(load.week_start(day))
            self.week_targets.pop(load.week_start(day), None)
        self.red_flag_on = day + timedelta(days=rng.randint(240, 480))
        self.clear_on = self.red_flag_on + timedelta(days=rng.randint(3, 5))

    def acute_day(self, day: date) -> None:
        """protocol.md §3: ice, relief positions, gentle walking; sore the next morning too."""
        assert self.acute_until is not None
        if not self.flare_extended:
            # Pain 4 again the next morning: the engine extends the 48 hours by a day.
            self.flare_extended = True
            self.acute_until = day + _ONE_DAY
            self.checkin(day, pain=4, note="Sore, icing")
        else:
            self.checkin(day, pain=3)
        self.routine(day, "relief", pain_after=3)

    def flare(self, day: date, session_pain: bool) -> None:
        """protocol.md §3: 48 hours of acute care; the stage steps back, a deload follows."""
        self.acute_until = day + _ONE_DAY
        self.flare_extended = False
        self.build_from = None
        if self.phase == "run_walk":
            self.stage = max(1, self.stage - 1)
        if self.phase == "build":
            self.deload_weeks.add(load.week_start(day + 2 * _ONE_DAY))
        self.flare_on = day + timedelta(days=self.rng.randint(90, 210))
        if not session_pain:
            self.routine(day, "relief", pain_after=3)

    def normal_day(self, day: date, n: int) -> None:
        rng = self.rng
        flare_today = self.flare_due(day) and self.phase != "movement"
        if self.phase == "movement":
            pain = 3 if n <= 2 else 2 if n <= 4 else rng.choice((1, 1, 2))
            gates = n >= self.gate_day
            self.checkin(
                day,
                pain=pain,
                walked_30_pain_free=gates or n >= 6,
                single_leg_bridge_ok=gates,
                pain_meds_for_daily_life=n <= 3,
            )
            if gates:
                self.phase = "run_walk"
                self.stage = 1
        else:
            base = rng.choices((0, 1, 2), weights=(35, 50, 15))[0]
            if flare_today and not self.run_due(day):
                self.checkin(day, pain=4, note="Sore after lifting boxes")
                self.flare(day, session_pain=False)
                return
            if self.last_run is not None and self.last_run >= self.last_checkin:
                # A morning after a session no worse than 1 above the one before (§5 v2).
                base = min(base, self.last_pain + 1)
            self.checkin(day, pain=base)
        if self.rest_day(day):
            # The daily core is prescribed on rest days too (protocol.md §5 v2).
            self.routine(day, "core_stability" if self.phase == "build" else "daily_core")
            return
        if self.phase == "movement":
            self.routine(day, "daily_core")
            if rng.random() < 0.8:
                activity: CrossActivity = "pool_run" if n % 2 == 1 else "cycle_easy"
                minutes = float(rng.choice((20, 25, 30)) if n % 2 == 1 else rng.choice((15, 20)))
                self.add(CrossLog(id=self.next_id(), date=day, activity=activity, minutes=minutes))
            return
        if self.phase == "run_walk":
            if self.run_due(day):
                self.run_walk(day, flare_today)
                if not flare_today and rng.random() < 0.5:
                    self.routine(day, "daily_core")
            else:
                self.routine(day, "daily_core")
            return
        self.build_day(day, flare_today)

    def flare_due(self, day: date) -> bool:
        return self.flare_on is not None and day >= self.flare_on

    def run_due(self, day: date) -> bool:
        if (day - _ONE_DAY) in self.running or self.rest_day(day):
            return False
        if self.phase == "build":
            monday = load.week_start(day)
            return self.week_km.get(monday, 0.0) + 1.5 <= self.week_target(monday)
        return self.phase == "run_walk"

    def run_walk(self, day: date, flare_today: bool) -> None:
        """protocol.md §5: progress on pain below 2, repeat on 2–3 or stopping early."""
        rng = self.rng
        stage = self.stage
        during, after = rng.choice((0, 1)), rng.choice((0, 1))
        completed = True
        if flare_today:
            during, after = 3, 4
        elif stage == 2 and not self.repeated_stage2:
            self.repeated_stage2 = True
            during = 2
        elif rng.random() < 0.15:
            during = 2
        elif rng.random() < 0.04:
            completed = False
        planned = STAGES[stage].repeats
        repeats = planned if completed else rng.randint(2, planned - 1)
        distance = _STAGE_KM[stage] * rng.uniform(0.95, 1.1) * repeats / planned
        self.add(
            RunWalkLog(
                id=self.next_id(),
                date=day,
                stage=stage,
                completed=completed,
                repeats_done=repeats,
                pain_during=during,
                pain_after=after,
                distance_km=self.km(distance),
                shoe=self.shoe,
            )
        )
        self.after_run(day)
        if flare_today:
            self.flare(day, session_pain=True)
            return
        if not completed or max(during, after) >= PROGRESS_PAIN_BELOW:
            self.build_from = None
            return
        if stage < TOP_STAGE:
            self.stage += 1
            return
        day22 = self.start + timedelta(days=BUILD_FROM_DAY - 1)
        if self.build_from is None:
            self.build_from = max(day + _ONE_DAY, day22)

    def week_target(self, monday: date) -> float:
        """The week's target: just under the 10% cap, a deload, or (once) a little over."""
        if monday in self.week_targets:
            return self.week_targets[monday]
        rng = self.rng
        assert self.build_start is not None
        number = (monday - first_build_monday(self.build_start)).days // 7 + 1
        previous = self.week_km.get(monday - timedelta(days=7), 0.0)
        before = self.week_km.get(monday - timedelta(days=14), 0.0)
        if before > 0 and load.exceeds(previous, load.ten_percent_cap(before)):
            self.went_over = True
        if previous <= 0:
            target = min(self.plateau_km, 8.0)
        else:
            cap = load.ten_percent_cap(previous)
            if load.is_scheduled_deload(number) or monday in self.deload_weeks:
                target = load.deload_volume_km(previous) * rng.uniform(0.97, 1.0)
            elif (number >= self.over_week and not self.went_over) or (
                number > 8 and rng.random() < 0.02
            ):
                # Far enough over that the week's runs pass the cap as it is shown.
                target = cap * rng.uniform(1.15, 1.2)
            elif number > MAINTAIN_AFTER_WEEKS:
                # Holding a steady volume: the week after a deload goes over its cap, because
                # 1.10 × 0.75 of a week never gets back to it (the engine warns, as it should).
                target = self.plateau_km * rng.uniform(0.9, 1.0)
            else:
                target = min(cap * rng.uniform(0.96, 0.995), self.plateau_km)
        self.week_targets[monday] = target
        return target

    def build_day(self, day: date, flare_today: bool) -> None:
        """protocol.md §6: alternate-day runs, strength 2–3 a week, core stability."""
        rng = self.rng
        monday = load.week_start(day)
        if self.run_due(day):
            target = self.week_target(monday)
            left = target - self.week_km.get(monday, 0.0)
            # Spread what is left over the run days left this week (alternate days).
            runs_left = max(1, (7 - day.weekday() + 1) // 2)
            share = left / runs_left * rng.uniform(0.9, 1.1)
            distance = min(left, max(3.0, share))
            if left - distance < 2.0:
                distance = left
            during, after = rng.choice((0, 1, 1)), rng.choice((0, 1, 1, 2))
            if flare_today:
                during, after = 3, 4
            self.add(
                RunLog(
                    id=self.next_id(),
                    date=day,
                    distance_km=self.km(distance),
                    minutes=round(distance * rng.uniform(6.0, 6.8), 1),
                    pain_during=during,
                    pain_after=after,
                    shoe=self.shoe,
                )
            )
            self.after_run(day)
            if flare_today:
                self.flare(day, session_pain=True)
            elif rng.random() < 0.5:
                self.routine(day, "core_stability")
            return
        strength_this_week = sum(
            1 for k in range(day.weekday()) if (monday + timedelta(days=k)) in self.strength
        )
        if (
            strength_this_week < STRENGTH_PER_WEEK
            and (day - _ONE_DAY) not in self.strength
            and rng.random() < 0.7
        ):
            self.routine(day, "posterior_chain")
            if rng.random() < 0.3:
                self.routine(day, "core_stability")
        else:
            self.routine(day, "core_stability")

    def after_run(self, day: date) -> None:
        """Replace the shoes once they pass their mark."""
        if self.shoe_km >= self.shoe_limit and day < self.end:
            self.new_shoe(day + _ONE_DAY)


def generate_history(
    start: date, days: int, seed: int, *, units: Units = "km"
) -> tuple[Profile, History]:
    """A realistic profile and history of *days* days from *start* (same seed, same result)."""
    if days < 1:
        raise ValueError("days must be 1 or more")
    runner = _Runner(
        rng=random.Random(seed),
        start=start,
        end=start + timedelta(days=days - 1),
        units=units,
    )
    runner.simulate()
    profile = Profile(start_date=start, units=units, accepted_disclaimer=True)
    history = History.model_construct(
        checkins=runner.checkins,
        clearances=runner.clearances,
        sessions=runner.sessions,
        shoes=[s for s in runner.shoes if s.added is None or s.added <= runner.end],
    )
    return profile, history


def seed_store(store: Store, profile: Profile, history: History) -> None:
    """Write *profile* and *history* to *store* in one transaction."""
    store.import_records(
        profile=profile,
        checkins=history.checkins,
        clearances=history.clearances,
        sessions=history.sessions,
        shoes=history.shoes,
    )


def seed_demo(store: Store, today: date, *, seed: int = DEMO_SEED, units: Units = "km") -> None:
    """Ten weeks of realistic history ending *today*, written to *store*."""
    start = today - timedelta(days=DEMO_DAYS - 1)
    profile, history = generate_history(start, DEMO_DAYS, seed, units=units)
    seed_store(store, profile, history)


DEMO_SUB_TITLE = "DEMO · made-up data, nothing is kept"
"""The app's subtitle during ``runback demo``."""


def launch(app: App[None]) -> None:
    """Run the app (a seam the tests replace), following the terminal's real size."""
    from runback_tui.screens.too_small import follow_real_terminal_size

    follow_real_terminal_size()
    app.run()


def run_demo(*, clock: Clock | None = None, speed: float = 1.0, err: TextIO | None = None) -> int:
    """``runback demo``: the TUI on a temporary file seeded with ten weeks; nothing is kept.

    The user's ``--data`` and ``RUNBACK_DATA`` are never read: the data file lives in a fresh
    private temporary folder that is deleted when the app exits.
    """
    import tempfile

    from runback_tui.app import make_app
    from runback_tui.domain.clock import SystemClock
    from runback_tui.storage.store import Store

    clock = clock or SystemClock(speed)
    with tempfile.TemporaryDirectory(prefix="runback-demo-") as folder:
        store = Store(Path(folder) / "runback.json")
        seed_demo(store, clock.today())
        app = make_app(store, clock, speed=speed)
        app.sub_title = DEMO_SUB_TITLE
        launch(app)
    return 0
