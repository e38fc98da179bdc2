"""Properties of the plan engine over generated histories (hypothesis).

Histories are generated day by day around a fixed start date: check-ins with mostly low pain,
occasional red flags and clearances, run-walks, runs, routines and cross-training, sometimes two
check-ins on one date, and shoes.  A second generator follows the book to the build phase and
then logs random weeks of running with the odd flare, to exercise the 10% rule.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runback_tui.domain.load import week_start, weekly_volume_km
from runback_tui.domain.models import (
    RED_FLAG_KEYS,
    CheckIn,
    Clearance,
    CrossLog,
    History,
    Profile,
    RoutineLog,
    RunLog,
    RunWalkLog,
    SessionLog,
    Shoe,
)
from runback_tui.domain.protocol import decide_next_stage, plan_for
from tests.unit.histories import START, H

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROUTINES = ("daily_core", "core_stability", "posterior_chain", "pre_run", "post_run", "relief")
PAIN = st.sampled_from([0] * 25 + [1] * 20 + [2] * 8 + [3] * 4 + [4, 5])
"""Mostly low pain; about one draw in 30 is a flare."""
SHOE_NAMES = ("Pegasus", "Ghost")


def day_of(n: int) -> date:
    """Program day *n* as a date."""
    return START + timedelta(days=n - 1)


@st.composite
def histories(draw: st.DrawFn, max_days: int = 45) -> tuple[Profile, History, int]:
    """A random but plausible history of up to *max_days* days, with the profile and its length."""
    days = draw(st.integers(min_value=8, max_value=max_days))
    profile = Profile(
        start_date=START,
        history=draw(st.lists(st.sampled_from(["osteoporosis", "cancer_history"]), max_size=1)),
        starting_weekly_km=draw(st.none() | st.floats(min_value=1, max_value=40)),
    )
    checkins: list[CheckIn] = []
    clearances: list[Clearance] = []
    sessions: list[SessionLog] = []
    shoes = [
        Shoe(name=name, start_distance_km=draw(st.floats(min_value=0, max_value=900)))
        for name in draw(st.lists(st.sampled_from(SHOE_NAMES), max_size=2, unique=True))
    ]
    for n in range(1, days + 1):
        d = day_of(n)
        for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 1, 2]))):
            flags = (
                draw(st.lists(st.sampled_from(RED_FLAG_KEYS), max_size=1))
                if draw(st.integers(0, 39)) == 0
                else []
            )
            checkins.append(
                CheckIn(
                    date=d,
                    pain=draw(PAIN),
                    red_flags=flags,
                    walked_30_pain_free=draw(st.sampled_from([True, True, True, False])),
                    single_leg_bridge_ok=draw(st.sampled_from([True, True, True, False])),
                    pain_meds_for_daily_life=draw(st.sampled_from([False] * 5 + [True])),
                )
            )
        if draw(st.integers(0, 14)) == 0:
            clearances.append(Clearance(date=d))
        kind = draw(st.sampled_from(["none", "rw", "rw", "rw", "run", "routine", "cross"]))
        shoe = draw(st.none() | st.sampled_from([n.lower() for n in SHOE_NAMES]))
        if kind == "rw":
            stage = draw(st.integers(1, 3))
            completed = draw(st.sampled_from([True, True, True, False]))
            sessions.append(
                RunWalkLog(
                    date=d,
                    stage=stage,
                    completed=completed,
                    repeats_done={1: 10, 2: 8, 3: 6}[stage] if completed else 3,
                    pain_during=draw(PAIN),
                    pain_after=draw(PAIN),
                    distance_km=draw(st.none() | st.floats(min_value=0.5, max_value=5)),
                    shoe=shoe,
                )
            )
        elif kind == "run":
            sessions.append(
                RunLog(
                    date=d,
                    distance_km=draw(st.floats(min_value=0.5, max_value=10)),
                    pain_during=draw(PAIN),
                    pain_after=draw(PAIN),
                    shoe=shoe,
                )
            )
        elif kind == "routine":
            sessions.append(RoutineLog(date=d, routine_id=draw(st.sampled_from(ROUTINES))))
        elif kind == "cross":
            sessions.append(CrossLog(date=d, activity="pool_run", minutes=25))
    history = History(checkins=checkins, clearances=clearances, sessions=sessions, shoes=shoes)
    return profile, history, days


@st.composite
def build_histories(draw: st.DrawFn) -> tuple[Profile, History, int]:
    """By the book to build on day 22, then 1–9 weeks of random running with the odd flare."""
    h = H(starting_weekly_km=draw(st.none() | st.floats(min_value=1, max_value=30)))
    h.standard_to_build(km=draw(st.sampled_from([0.0, 2.0, 3.0])))
    weeks = draw(st.integers(1, 9))
    last = 22 + 7 * weeks - 1
    for n in range(22, last + 1):
        if draw(st.integers(0, 2)) == 0:
            pain = 4 if draw(st.integers(0, 20)) == 0 else draw(st.integers(0, 2))
            h.run(n, draw(st.floats(min_value=0.5, max_value=8)), pain, 0)
        if draw(st.integers(0, 40)) == 0:
            h.red_flag(n)
        if draw(st.integers(0, 10)) == 0:
            h.clear(n)
    return h.profile, h.history(), last


def shuffled(history: History, seed: int) -> History:
    """*history* with every list in a different order."""
    rnd = random.Random(seed)
    checkins = list(history.checkins)
    clearances = list(history.clearances)
    sessions = list(history.sessions)
    shoes = list(history.shoes)
    rnd.shuffle(checkins)
    rnd.shuffle(clearances)
    rnd.shuffle(sessions)
    rnd.shuffle(shoes)
    return History(checkins=checkins, clearances=clearances, sessions=sessions, shoes=shoes)


@SETTINGS
@given(histories())
def test_at_most_one_stage_up_per_session(case: tuple[Profile, History, int]) -> None:
    profile, history, days = case
    rw_dates = {s.date for s in history.sessions if isinstance(s, RunWalkLog)}
    previous = plan_for(profile, history, day_of(1))
    for n in range(2, days + 2):
        plan = plan_for(profile, history, day_of(n))
        if plan.current_stage is not None and previous.current_stage is not None:
            ups = 1 if day_of(n - 1) in rw_dates else 0
            assert plan.current_stage <= previous.current_stage + ups
        if plan.current_stage is not None and plan.next_stage is not None:
            assert plan.next_stage <= plan.current_stage + 1
        previous = plan
    for session in history.sessions:
        if isinstance(session, RunWalkLog):
            decision = decide_next_stage(profile, history, session)
            if decision.next_stage is not None:
                assert decision.next_stage <= session.stage + 1
                assert 1 <= decision.next_stage <= 3


def _uncleared_red_flag(history: History, on: date) -> bool:
    """An oracle: a red flag on or before *on* with no clearance dated in [flag, on]."""
    clear_dates = [c.date for c in history.clearances]
    return any(
        not any(c.date <= cd <= on for cd in clear_dates)
        for c in history.checkins
        if c.red_flags and c.date <= on
    )


@SETTINGS
@given(histories())
def test_no_running_while_a_red_flag_is_uncleared(case: tuple[Profile, History, int]) -> None:
    profile, history, days = case
    for n in range(1, days + 3):
        on = day_of(n)
        plan = plan_for(profile, history, on)
        if _uncleared_red_flag(history, on):
            assert plan.phase == "paused"
            assert not plan.running_allowed
            assert plan.stage is None
            assert {"red_flag", "red_flag_urgent"} & set(plan.warning_codes())
        else:
            assert plan.phase != "paused"


@SETTINGS
@given(build_histories())
def test_planned_week_within_ten_percent_of_previous(case: tuple[Profile, History, int]) -> None:
    profile, history, last = case
    volumes = weekly_volume_km(history.sessions)
    for n in range(22, last + 2):
        on = day_of(n)
        plan = plan_for(profile, history, on)
        if plan.build is None or plan.build.planned_volume_km is None:
            continue
        previous = volumes.get(week_start(on) - timedelta(days=7), 0.0)
        planned = plan.build.planned_volume_km
        if previous > 0:
            assert planned <= 1.10 * previous + 1e-9
            if plan.build.deload:
                assert planned <= 0.75 * previous + 1e-9
        else:
            # Only build week 1 may plan without a previous week: the entered starting distance.
            assert plan.build.week == 1
            assert profile.starting_weekly_km is not None
            assert planned <= profile.starting_weekly_km + 1e-9


@SETTINGS
@given(histories(max_days=60), st.integers(min_value=1, max_value=70))
def test_same_inputs_same_plan(case: tuple[Profile, History, int], n: int) -> None:
    profile, history, _ = case
    on = day_of(n)
    first = plan_for(profile, history, on)
    again = plan_for(profile.model_copy(deep=True), history.model_copy(deep=True), on)
    assert first == again
    assert json.dumps(first.to_json()) == json.dumps(again.to_json())


@SETTINGS
@given(histories(max_days=60), st.integers(min_value=1, max_value=70), st.integers(0, 2**32))
def test_list_order_does_not_matter(case: tuple[Profile, History, int], n: int, seed: int) -> None:
    profile, history, _ = case
    on = day_of(n)
    assert plan_for(profile, history, on) == plan_for(profile, shuffled(history, seed), on)


@SETTINGS
@given(build_histories(), st.integers(0, 2**32))
def test_list_order_does_not_matter_in_build(case: tuple[Profile, History, int], seed: int) -> None:
    profile, history, last = case
    for n in (last - 3, last, last + 1):
        on = day_of(n)
        assert plan_for(profile, history, on) == plan_for(profile, shuffled(history, seed), on)


@SETTINGS
@given(histories(), st.integers(min_value=-3, max_value=50))
def test_plan_shape_is_always_the_interface(case: tuple[Profile, History, int], n: int) -> None:
    profile, history, _ = case
    plan = plan_for(profile, history, day_of(n))
    data = json.loads(json.dumps(plan.to_json()))
    assert set(data) == {
        "date",
        "day",
        "phase",
        "running_allowed",
        "stage",
        "activities",
        "done",
        "build",
        "warnings",
    }
    assert data["phase"] in {"paused", "acute", "movement", "run_walk", "build"}
    assert (data["stage"] is not None) == ("run_walk" in data["activities"])
    assert data["running_allowed"] == ("run_walk" in plan.activities or "run" in plan.activities)
    assert (data["build"] is not None) == (data["phase"] == "build")
    assert plan.day == n
