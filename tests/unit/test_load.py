"""Weekly volume, the 10% rule, deloads, shoe wear and distance formatting (protocol.md §6, §7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runback_tui.domain import load
from runback_tui.domain.models import (
    CrossLog,
    RoutineLog,
    RunLog,
    RunWalkLog,
    Shoe,
)

MONDAY = date(2026, 3, 2)


def run(day: date, km: float, shoe: str | None = None) -> RunLog:
    """A continuous run."""
    return RunLog(date=day, distance_km=km, pain_during=0, pain_after=0, shoe=shoe)


def run_walk(day: date, km: float | None, shoe: str | None = None) -> RunWalkLog:
    """A completed stage-1 run-walk."""
    return RunWalkLog(
        date=day,
        stage=1,
        completed=True,
        repeats_done=10,
        pain_during=0,
        pain_after=0,
        distance_km=km,
        shoe=shoe,
    )


@pytest.mark.parametrize("offset", range(7))
def test_week_start_is_the_monday(offset: int) -> None:
    assert load.week_start(MONDAY + timedelta(days=offset)) == MONDAY


def test_week_start_sunday_before_is_previous_week() -> None:
    assert load.week_start(MONDAY - timedelta(days=1)) == MONDAY - timedelta(days=7)


def test_weekly_volume_counts_runs_and_run_walks_only() -> None:
    sessions = [
        run(MONDAY, 5.0),
        run_walk(MONDAY + timedelta(days=2), 2.5),
        run_walk(MONDAY + timedelta(days=4), None),
        RoutineLog(date=MONDAY, routine_id="daily_core"),
        CrossLog(date=MONDAY, activity="pool_run", minutes=30),
        run(MONDAY + timedelta(days=7), 4.0),
    ]
    assert load.weekly_volume_km(sessions) == {
        MONDAY: 7.5,
        MONDAY + timedelta(days=7): 4.0,
    }


def test_weekly_volume_sunday_belongs_to_its_week() -> None:
    sunday = MONDAY + timedelta(days=6)
    assert load.weekly_volume_km([run(sunday, 3.0)]) == {MONDAY: 3.0}


@given(st.lists(st.floats(min_value=0, max_value=50, allow_nan=False), max_size=30), st.randoms())
@settings(max_examples=100, deadline=None)
def test_weekly_volume_does_not_depend_on_order(kms: list[float], rnd: object) -> None:
    sessions = [run(MONDAY + timedelta(days=i % 10), km) for i, km in enumerate(kms)]
    shuffled = list(sessions)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert load.weekly_volume_km(sessions) == load.weekly_volume_km(shuffled)


@pytest.mark.parametrize(
    ("previous", "cap", "deload"),
    [
        pytest.param(10.0, 11.0, 7.5, id="10km"),
        pytest.param(0.0, 0.0, 0.0, id="zero"),
        pytest.param(3.33, 3.66, 2.49, id="rounded-down"),
        pytest.param(20.0, 22.0, 15.0, id="20km"),
    ],
)
def test_ten_percent_cap_and_deload(previous: float, cap: float, deload: float) -> None:
    assert load.ten_percent_cap(previous) == pytest.approx(cap)
    assert load.deload_volume_km(previous) == pytest.approx(deload)


@given(st.floats(min_value=0, max_value=1000, allow_nan=False))
@settings(max_examples=200, deadline=None)
def test_cap_never_exceeds_ten_percent(previous: float) -> None:
    assert load.ten_percent_cap(previous) <= 1.10 * previous + 1e-6
    assert load.deload_volume_km(previous) <= 0.75 * previous + 1e-6


@pytest.mark.parametrize(
    ("km", "limit", "over"),
    [(10.0, 10.0, False), (10.004, 10.0, False), (10.006, 10.0, True), (9.0, 10.0, False)],
)
def test_exceeds_needs_more_than_five_metres(km: float, limit: float, over: bool) -> None:
    assert load.exceeds(km, limit) is over


@pytest.mark.parametrize(
    ("week", "deload"),
    [(1, False), (2, False), (3, False), (4, True), (5, False), (8, True), (12, True)],
)
def test_every_fourth_week_is_a_deload(week: int, deload: bool) -> None:
    assert load.is_scheduled_deload(week) is deload


@pytest.mark.parametrize(
    ("total", "status"),
    [
        pytest.param(0.0, "ok", id="new"),
        pytest.param(482.7, "ok", id="482.7km"),
        pytest.param(482.81, "replace_soon", id="300mi"),
        pytest.param(483.0, "replace_soon", id="483km"),
        pytest.param(804.6, "replace_soon", id="804.6km"),
        pytest.param(804.68, "replace_now", id="500mi"),
        pytest.param(805.0, "replace_now", id="805km"),
        pytest.param(1200.0, "replace_now", id="worn-out"),
    ],
)
def test_shoe_status_thresholds(total: float, status: str) -> None:
    assert load.shoe_status(total) == status


def test_shoe_thresholds_match_protocol() -> None:
    assert round(load.REPLACE_SOON_KM) == 483
    assert round(load.REPLACE_NOW_KM) == 805


def test_shoe_exactly_300_miles_of_logged_runs() -> None:
    # 100 runs of 3 mi each, stored in km, must reach the 300 mi threshold despite float sums.
    km = 3 * 1.609344
    sessions = [run(MONDAY + timedelta(days=i), km, shoe="Trail") for i in range(100)]
    totals = load.shoe_totals_km([Shoe(name="Trail")], sessions)
    assert load.shoe_status(totals["Trail"]) == "replace_soon"


def test_shoe_totals_start_distance_and_case_insensitive_match() -> None:
    shoes = [Shoe(name="Pegasus 40", start_distance_km=100.0), Shoe(name="Ghost")]
    sessions = [
        run(MONDAY, 10.0, shoe="pegasus 40"),
        run_walk(MONDAY, 2.0, shoe=" PEGASUS 40 "),
        run_walk(MONDAY, None, shoe="Pegasus 40"),
        run(MONDAY, 5.0, shoe="Ghost"),
        run(MONDAY, 7.0, shoe="Other"),
        run(MONDAY, 9.0),
    ]
    assert load.shoe_totals_km(shoes, sessions) == {"Pegasus 40": 112.0, "Ghost": 5.0}


def test_shoe_without_sessions_is_its_start_distance() -> None:
    assert load.shoe_totals_km([Shoe(name="New", start_distance_km=12.5)], []) == {"New": 12.5}


@pytest.mark.parametrize(
    ("km", "units", "decimals", "text"),
    [
        (10.0, "km", 1, "10.0 km"),
        (10.0, "mi", 1, "6.2 mi"),
        (482.8032, "mi", 0, "300 mi"),
        (0.0, "km", 2, "0.00 km"),
        (2.1, "km", 2, "2.10 km"),
    ],
)
def test_format_distance(km: float, units: str, decimals: int, text: str) -> None:
    assert load.format_distance(km, units, decimals) == text  # type: ignore[arg-type]


def test_session_distance_of_other_kinds_is_zero() -> None:
    assert load.session_distance_km(RoutineLog(date=MONDAY, routine_id="relief")) == 0.0
    assert load.session_distance_km(run_walk(MONDAY, None)) == 0.0
