"""The road ahead (protocol.md §8 projection) and `runback plan`.

The projection must say what the engine will say: for each history, the sessions of the
projected days are then really logged clean through the Store, day by day, asking `plan_for`
each morning, and every projected day (phase, stage, activities, rest day, build week, deload)
and every stage and build-start date must be the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from runback_tui.domain.models import (
    CheckIn,
    CrossLog,
    History,
    Profile,
    RoutineLog,
    RunLog,
    RunWalkLog,
)
from runback_tui.domain.projection import Projection, clean_run_km, project
from runback_tui.domain.protocol import UNLOGGED_ACTIVITIES, DayPlan, plan_for
from runback_tui.storage.store import Store
from tests.conftest import CliRunner
from tests.ui import fixtures
from tests.unit.histories import H


def _store_of(path: Path, profile: Profile, history: History) -> Store:
    """A Store on *path* holding *profile* and *history*, saved through its typed methods."""
    store = fixtures.new_store(path)
    store.save_profile(profile)
    for shoe in history.shoes:
        store.add_shoe(shoe)
    for checkin in history.checkins:
        store.save_checkin(checkin)
    for clearance in history.clearances:
        store.add_clearance(clearance)
    for session in history.sessions:
        store.add_session(session)
    return store


def _latest(history: History, kinds: tuple[type, ...]) -> float | None:
    dated: list[tuple[date, float]] = []
    for s in history.sessions:
        km = getattr(s, "distance_km", None)
        if isinstance(s, kinds) and km is not None:
            dated.append((s.date, km))
    return max(dated, key=lambda d: d[0])[1] if dated else None


def live_clean(store: Store, today: date, days: int) -> list[DayPlan]:
    """Live the coming *days* clean through *store*: each morning a clean check-in (gates met
    from day 8) unless there is one, the day's plan from `plan_for`, then every session on it
    logged as planned with pain 0.  Returns each day's plan once the check-in is made."""
    profile = store.profile()
    assert profile is not None
    run_walk_km = _latest(store.history(), (RunWalkLog,))
    plans: list[DayPlan] = []
    for offset in range(days):
        on = today + timedelta(days=offset)
        day = (on - profile.start_date).days + 1
        history = store.history()
        if day >= 1 and on not in {c.date for c in history.checkins}:
            gates = day >= 8
            store.save_checkin(
                CheckIn(date=on, pain=0, walked_30_pain_free=gates, single_leg_bridge_ok=gates)
            )
        plan = plan_for(profile, store.history(), on)
        plans.append(plan)
        if day < 1:
            continue
        latest_run = _latest(store.history(), (RunLog, RunWalkLog))
        for activity in plan.activities:
            if activity in UNLOGGED_ACTIVITIES or activity in plan.done:
                continue
            if activity == "run_walk":
                assert plan.stage is not None
                store.add_session(
                    RunWalkLog(date=on, stage=plan.stage.number, completed=True,
                               repeats_done=plan.stage.repeats, pain_during=0, pain_after=0,
                               distance_km=run_walk_km)
                )  # fmt: skip
            elif activity == "run":
                km = clean_run_km(plan, latest_run)
                store.add_session(RunLog(date=on, distance_km=km, pain_during=0, pain_after=0))
            elif activity in ("pool_run", "cycle_easy"):
                store.add_session(CrossLog(date=on, activity=activity, minutes=20.0))
            else:
                store.add_session(RoutineLog(date=on, routine_id=activity))
    return plans


def _shown(plan: DayPlan) -> dict[str, Any]:
    """What the road ahead shows of a plan."""
    build = plan.build
    return {
        "date": plan.date,
        "phase": plan.phase,
        "program_phase": plan.program_phase,
        "stage": plan.stage,
        "current_stage": plan.current_stage,
        "activities": plan.activities,
        "rest_day": plan.rest_day,
        "build": None if build is None else (build.week, build.planned_volume_km, build.deload),
    }


def _stage_dates(plans: list[DayPlan]) -> dict[str, date]:
    """The first date of each stage's session and of the build phase."""
    found: dict[str, date] = {}
    for plan in plans:
        if plan.stage is not None:
            found.setdefault(f"stage {plan.stage.number}", plan.date)
        if plan.program_phase == "build":
            found.setdefault("build", plan.date)
        if plan.build is not None and plan.build.deload:
            found.setdefault("deload", plan.date)
    return found


def check_against_live(
    path: Path, profile: Profile, history: History, today: date, days: int
) -> Projection:
    """Project, then live those days clean and compare day by day."""
    projection = project(profile, history, today, days)
    assert projection.days[0].projected is False
    assert all(d.projected for d in projection.days[1:])
    assert projection.days[0].plan == plan_for(profile, history, today)  # today's real plan
    lived = live_clean(_store_of(path, profile, history), today, days)
    first = projection.days[0]
    expected_today = first.after_checkin or first.plan
    assert _shown(expected_today) == _shown(lived[0])
    projected = [expected_today] + [d.plan for d in projection.days[1:]]
    assert len(projected) == days
    for mine, real in zip(projected, lived, strict=True):
        assert _shown(mine) == _shown(real), mine.date
    assert _stage_dates(projected) == _stage_dates(lived)
    return projection


CASES: dict[str, tuple[Callable[[], H], int, int]] = {
    # name: (history, today's program day, days)
    "phase 1 day 4": (lambda: H().standard_phase1(last_day=4), 4, 60),
    "phase 1 day 4, no check-in today": (lambda: H().standard_phase1(last_day=3), 4, 40),
    "gates day 8, run-walk stage 1 with distances": (
        lambda: H().standard_phase1().gates(8).run_walk(8, 1, km=3.0), 9, 60,
    ),
    "run-walk stage 1, no distance logged": (lambda: H().standard_phase1().gates(8), 9, 40),
    "stage 2 repeated after pain 3": (
        lambda: H().standard_phase1().standard_phase2(10).run_walk(12, 2, during=3).checkin(12),
        13, 45,
    ),
    "build week 1": (lambda: H().standard_to_build().build_week(1, [4.0, 4.0, 4.0]), 27, 40),
    "build with a starting weekly distance": (
        lambda: H(starting_weekly_km=10.0).standard_phase1().standard_phase2(21, km=None), 22, 30,
    ),
    "acute": (lambda: H().standard_phase1().standard_phase2(12).checkin(13, pain=5), 13, 30),
    "before day 1": (lambda: H(), -3, 20),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_projection_equals_living_it_clean(name: str, tmp_path: Path) -> None:
    build, day, days = CASES[name]
    h = build()
    check_against_live(tmp_path / "r.json", h.profile, h.history(), h.date(day), days)


def test_projection_reaches_stage_three_build_and_deload_on_the_engines_dates(
    tmp_path: Path,
) -> None:
    h = H().standard_phase1(last_day=4)
    projection = check_against_live(tmp_path / "r.json", h.profile, h.history(), h.date(4), 60)
    milestones = [(on, e.kind, e.stage) for on, e in projection.milestones()]
    kinds = [k for _on, k, _s in milestones]
    assert kinds[:4] == ["run_walk", "stage", "stage", "build"]
    assert (h.date(8), "run_walk", None) == milestones[0]
    assert (h.date(22), "build", None) in milestones  # program day 22: the first build day
    assert "deload" in kinds  # build week 4
    assert projection.summary().startswith("If your back stays quiet: run-walk from the ")


@pytest.mark.parametrize("seed", ["movement", "run_walk", "build"])
def test_projection_of_the_ui_seeds(seed: str, tmp_path: Path) -> None:
    store = fixtures.new_store(tmp_path / "seed.json")
    fixtures.SEEDS[seed](store)
    profile = store.profile()
    assert profile is not None
    check_against_live(tmp_path / "r.json", profile, store.history(), fixtures.TODAY, 45)


def test_paused_projects_nothing_past_the_pause(tmp_path: Path) -> None:
    store = fixtures.new_store(tmp_path / "seed.json")
    fixtures.seed_paused(store)
    profile = store.profile()
    assert profile is not None
    projection = project(profile, store.history(), fixtures.TODAY, 21)
    assert projection.stopped == "paused"
    assert [d.plan.phase for d in projection.days] == ["paused"]
    assert "past the pause" in projection.notes()[0]


def test_acute_days_are_acute_care_and_training_comes_after() -> None:
    h = H().standard_phase1().standard_phase2(12).checkin(13, pain=5)
    projection = project(h.profile, h.history(), h.date(13), 10)
    phases = [d.plan.phase for d in projection.days]
    assert phases[:2] == ["acute", "acute"]
    assert "acute" not in phases[2:]
    assert projection.acute_until == h.date(14)
    assert "Acute care until the end of" in projection.notes()[0]
    assert not any(d.plan.running_allowed for d in projection.days[:2])


def test_projection_never_stores_anything(tmp_path: Path) -> None:
    h = H().standard_phase1().gates(8)
    history = h.history()
    before = history.model_dump_json()
    project(h.profile, history, h.date(9), 30)
    assert history.model_dump_json() == before


def test_days_out_of_range_refused() -> None:
    h = H()
    for days in (0, 91):
        with pytest.raises(ValueError, match="from 1 to 90"):
            project(h.profile, h.history(), h.date(1), days)


# -- `runback plan` ----------------------------------------------------------------------------


@pytest.fixture
def seeded(data_path: Path) -> Callable[[str], None]:
    def seed(name: str) -> None:
        data_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fixtures.SEEDS[name](fixtures.new_store(data_path))

    return seed


def test_plan_text(cli: CliRunner, seeded: Callable[[str], None]) -> None:
    seeded("run_walk")
    result = cli("plan")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("The road ahead from 2026-11-21 (21 of 21 days): a projection")
    assert lines[1].startswith("If your back stays quiet: ")
    assert "stage 2 on the 2" in lines[1] and "build from the " in lines[1]
    days = [line for line in lines if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    assert len(days) == 21
    assert "  today  " in days[0] and all("  projected  " in d for d in days[1:])
    assert any("[stage 3 on the " in d for d in days)
    assert "A projection, not a promise" in result.out


def test_plan_json(cli: CliRunner, seeded: Callable[[str], None]) -> None:
    seeded("build")
    result = cli("plan", "--days", "30", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert isinstance(data, list) and len(data) == 30
    assert data[0]["date"] == "2026-11-21" and data[0]["projected"] is False
    assert all(d["projected"] is True for d in data[1:])
    keys = {"date", "day", "projected", "phase", "stage", "current_stage", "activities",
            "build", "deload", "rest_day", "events", "after_checkin"}  # fmt: skip
    assert all(set(d) == keys for d in data)
    assert all(d["phase"] == "build" and d["build"]["week"] >= 1 for d in data)
    assert any(d["deload"] for d in data)  # build week 4 is a deload week
    assert any(d["rest_day"] for d in data)


def test_plan_paused_says_so(cli: CliRunner, seeded: Callable[[str], None]) -> None:
    seeded("paused")
    result = cli("plan")
    assert result.code == 0, result.err
    assert "nothing can be projected past the pause" in result.out
    assert len(json.loads(cli("plan", "--json").out)) == 1


@pytest.mark.parametrize("value", ["0", "91", "x", "-1", "2.5"])
def test_plan_bad_days_refused(
    cli: CliRunner, seeded: Callable[[str], None], value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded("movement")
    result = cli("plan", "--days", value)
    assert result.code == 2
    err = result.err + capsys.readouterr().err  # argparse writes to sys.stderr
    assert "--days" in err and "from 1 to 90" in err


def test_plan_without_profile(cli: CliRunner) -> None:
    result = cli("plan")
    assert result.code == 2 and "runback init" in result.err
