"""The dashboard's aggregates as pure functions: table tests on small built histories."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from runback_tui.demo import DEMO_DAYS, DEMO_SEED, generate_history
from runback_tui.domain import aggregates as agg
from runback_tui.domain.load import REPLACE_NOW_KM, REPLACE_SOON_KM
from runback_tui.domain.models import CheckIn
from runback_tui.domain.protocol import plan_for
from tests.unit.histories import H

D0 = date(2026, 3, 2)


def day(n: int) -> date:
    """Program day *n* of the builder's start (a Monday)."""
    return D0 + timedelta(days=n - 1)


# -- pain --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pains", "expected"),
    [
        ({1: 2}, [2.0]),
        ({1: 2, 2: 4}, [2.0, 3.0]),
        # Days without a check-in are skipped, not counted as 0.
        ({1: 2, 5: 4}, [2.0, 3.0]),
        # Day 8's window is days 2–8: day 1 drops out.
        ({1: 9, 2: 1, 8: 3}, [9.0, 5.0, 2.0]),
        # Day 15's window (9–15) is empty apart from itself.
        ({1: 6, 15: 2}, [6.0, 2.0]),
        ({n: n % 3 for n in range(1, 8)}, [1.0, 1.5, 1.0, 1.0, 1.2, 1.0, 1.0]),
    ],
)
def test_pain_series_rolling_average(pains: dict[int, int], expected: list[float]) -> None:
    points = agg.pain_series({day(n): p for n, p in pains.items()})
    assert [p.date for p in points] == sorted(day(n) for n in pains)
    assert [round(p.average, 6) for p in points] == pytest.approx(expected)


def test_pain_summary_first_last_lowest_highest() -> None:
    points = agg.pain_series({day(1): 3, day(2): 1, day(3): 5, day(4): 1, day(5): 2})
    summary = agg.summarise_pain(points)
    assert summary.count == 5
    assert (summary.first.date, summary.first.pain) == (day(1), 3)  # type: ignore[union-attr]
    assert (summary.last.date, summary.last.pain) == (day(5), 2)  # type: ignore[union-attr]
    assert (summary.highest.date, summary.highest.pain) == (day(3), 5)  # type: ignore[union-attr]
    # Ties: the latest date with the lowest pain.
    assert (summary.lowest.date, summary.lowest.pain) == (day(4), 1)  # type: ignore[union-attr]
    assert summary.mean == pytest.approx(2.4)
    assert agg.summarise_pain(()).first is None


def test_session_pains_keep_during_and_after() -> None:
    h = H().standard_phase1().gates(8).run_walk(8, 1, during=2, after=3).routine(9, pain_after=1)
    points = agg.session_pains(h.history().sessions)
    assert [(p.date, p.kind, p.during, p.after) for p in points] == [
        (day(8), "run_walk", 2, 3),
        (day(9), "routine", None, 1),
    ]


# -- weekly volume ----------------------------------------------------------------------------


def test_weekly_volume_caps_deloads_and_over_cap_weeks() -> None:
    # Phase 2 logs 3 km per run-walk: days 8–14 hold 4 sessions (12 km), days 15–21 hold 3 (9 km).
    h = H().standard_to_build(km=3.0)
    h.build_week(1, [3.0, 3.0, 3.5])  # 9.5 km ≤ cap 9.9
    # 11.0 km > cap 10.45, shown as 10.4: over by 0.6 at the precision shown (protocol v2 §6)
    h.build_week(2, [3.5, 3.5, 4.0])
    h.build_week(3, [3.5, 3.5, 4.0])  # 11.0 km ≤ cap 12.1
    h.build_week(4, [3.0, 3.0])  # the scheduled deload: planned 8.25
    timeline = agg.analyse(h.profile, h.history(), day(49))
    weeks = agg.weekly_volumes(timeline)
    table = [
        (w.week_start, round(w.km, 2), w.build_week, w.cap_km, w.deload, round(w.over_km, 2))
        for w in weeks
    ]
    assert table == [
        (day(8), 12.0, None, None, False, 0.0),
        (day(15), 9.0, None, None, False, 0.0),
        (day(22), 9.5, 1, 9.9, False, 0.0),
        (day(29), 11.0, 2, 10.45, False, 0.6),
        (day(36), 11.0, 3, 12.1, False, 0.0),
        (day(43), 6.0, 4, 12.1, True, 0.0),
    ]
    assert weeks[-1].current and not weeks[-2].current
    assert weeks[-1].planned_km == pytest.approx(8.25)


def test_weekly_volume_includes_empty_weeks_and_nothing_without_runs() -> None:
    h = H().standard_to_build(km=3.0).build_week(3, [4.0])
    weeks = agg.weekly_volumes(agg.analyse(h.profile, h.history(), day(40)))
    assert [(w.week_start, w.km) for w in weeks][2:] == [
        (day(22), 0.0),
        (day(29), 0.0),
        (day(36), 4.0),
    ]
    assert weeks[-1].cap_km is None  # nothing logged the week before: no basis
    empty = H().standard_phase1()
    assert agg.weekly_volumes(agg.analyse(empty.profile, empty.history(), day(7))) == ()


# -- adherence and streaks --------------------------------------------------------------------


def _adherence_of(h: H, today: int, first: int = 1) -> agg.Adherence:
    timeline = agg.analyse(h.profile, h.history(), day(today))
    return agg.adherence(timeline, day(first), day(today))


@pytest.mark.parametrize(
    ("build", "symbol", "adherent"),
    [
        (lambda h: h.checkin(1).routine(1), "E", True),
        (lambda h: h.checkin(1).cross(1), "E", True),
        (lambda h: h.checkin(1), "C", False),
        (lambda h: h.routine(1), "e", False),
        (lambda h: h.routine(1, "desk_mobility").checkin(1), "C", False),  # stretching only
        (lambda h: h.checkin(1, pain=5), "Z", True),  # a flare: the plan is rest
        (lambda h: h.red_flag(1), "Z", True),  # paused: the plan is rest
        (lambda h: h, "·", False),
    ],
)
def test_adherence_day_symbols(build, symbol: str, adherent: bool) -> None:
    h = build(H())
    days = _adherence_of(h, today=2, first=1).days
    assert days[0].symbol == symbol
    assert days[0].adherent is adherent


def test_adherence_run_day_and_full_rest_day() -> None:
    # Strength days 1–6 (the daily core alone would not count: protocol v2 §5), check-ins 1–7.
    h = H().standard_phase1().routines(range(1, 7), "glutes_hips")
    h.gates(8).run_walk(8, 1)
    days = {d.date: d for d in _adherence_of(h, today=8).days}
    assert days[day(7)].rest and days[day(7)].symbol == "Z"  # six training days before it
    assert days[day(8)].symbol == "R"


def test_adherence_percent_counts_today_only_once_done() -> None:
    h = H().checkins_for(range(1, 5)).routines(range(1, 4))  # day 4: checked in, nothing done
    adherence = _adherence_of(h, today=4)
    assert (adherence.adherent, adherence.counted, adherence.checkins) == (3, 3, 4)
    assert adherence.percent == pytest.approx(100.0)
    h.routine(4)
    adherence = _adherence_of(h, today=4)
    assert (adherence.adherent, adherence.counted) == (4, 4)
    # Yesterday undone counts against; days before day 1 are not counted.
    h2 = H().checkins_for(range(1, 4)).routines([1, 3])
    adherence = agg.adherence(agg.analyse(h2.profile, h2.history(), day(3)), day(-5), day(3))
    assert (adherence.adherent, adherence.counted) == (2, 3)
    assert adherence.percent == pytest.approx(200 / 3)
    assert not adherence.days[0].in_program and adherence.days[0].symbol == " "


def test_calendar_range_is_twelve_monday_to_sunday_weeks() -> None:
    first, last = agg.calendar_range(date(2026, 11, 21))  # a Saturday
    assert first == date(2026, 8, 31) and first.weekday() == 0
    assert last == date(2026, 11, 22) and last.weekday() == 6
    assert (last - first).days + 1 == 84


@pytest.mark.parametrize(
    ("checkins", "cores", "today", "expected"),
    [
        (range(1, 6), [], 5, (5, 0)),  # checked in today
        (range(1, 5), [], 5, (4, 0)),  # not yet today: the streak still stands
        ([1, 2, 4, 5], [], 5, (2, 0)),  # a gap breaks it
        ([], range(1, 5), 5, (0, 4)),
        ([], [1, 2, 4], 5, (0, 1)),
    ],
)
def test_streaks(checkins, cores, today: int, expected: tuple[int, int]) -> None:
    h = H().checkins_for(checkins).routines(cores)
    streaks = agg.streaks(agg.analyse(h.profile, h.history(), day(today)))
    assert (streaks.checkin_days, streaks.core_days) == expected


def test_core_streak_is_bridged_by_rest_days() -> None:
    # Core and strength on days 1–6 make day 7 a full rest day; core again on days 8 and 9.
    h = H().routines([1, 2, 3, 4, 5, 6, 8, 9]).routines(range(1, 7), "glutes_hips")
    streaks = agg.streaks(agg.analyse(h.profile, h.history(), day(9)))
    assert streaks.core_days == 8 and streaks.core_today
    # A flare's 48 hours bridge it too.
    h = H().routines([1, 2]).checkin(3, pain=5).routines([5])
    assert agg.streaks(agg.analyse(h.profile, h.history(), day(5))).core_days == 3


# -- events -----------------------------------------------------------------------------------


def test_events_red_flag_clearance_flare_and_stages() -> None:
    h = H().standard_phase1().gates(8)
    h.run_walk(8, 1).run_walk(10, 2, during=2).run_walk(12, 2)  # progress, repeat, progress
    h.red_flag(13, "night_pain").clear(15, note="GP")
    h.run_walk(16, 2).checkin(17).checkin(18, pain=5).checkin(19, pain=4)  # one flare episode
    timeline = agg.analyse(h.profile, h.history(), day(21))
    events = [(e.date, e.kind, e.title) for e in agg.events(timeline)]
    assert events == [
        (day(8), "stage", "Phase 2 began (stage 1)"),
        (day(8), "stage", "Stage 1 → 2 (up)"),
        (day(12), "stage", "Stage 2 → 3 (up)"),
        (day(13), "red_flag", "Back pain that woke you from sleep"),
        (day(13), "stage", "Stage 3 → 2 (down)"),
        (day(15), "clearance", "Cleared after 2 paused days"),
        (day(16), "stage", "Stage 2 → 3 (up)"),
        (day(18), "flare", "Flare, pain 5"),
        (day(18), "stage", "Stage 3 → 2 (down)"),
    ]
    flare = next(e for e in agg.events(timeline) if e.kind == "flare")
    assert "until 2026-03-21" in flare.detail  # days 18 and 19 triggered: acute through day 20


def test_urgent_red_flag_is_marked() -> None:
    h = H().red_flag(3, "bladder_bowel")
    [event] = agg.events(agg.analyse(h.profile, h.history(), day(4)))
    assert event.urgent and "emergency" in event.detail


def test_build_event_matches_the_engine() -> None:
    h = H().standard_to_build()
    stages = [e for e in agg.events(agg.analyse(h.profile, h.history(), day(30)))]
    assert stages[-1].title == "Build phase began" and stages[-1].date == day(22)
    assert plan_for(h.profile, h.history(), day(22)).program_phase == "build"
    assert plan_for(h.profile, h.history(), day(21)).program_phase == "run_walk"


def test_recorded_phases_and_stages_agree_with_plan_for_every_day() -> None:
    """The one replay's stage changes give the same phase and stage as a fresh plan on each day,
    and its pauses the same paused days."""
    profile, history = generate_history(date(2026, 1, 5), DEMO_DAYS, DEMO_SEED)
    today = date(2026, 1, 5) + timedelta(days=DEMO_DAYS - 1)
    timeline = agg.analyse(profile, history, today)
    changes = timeline.replay.changes
    index = 0
    phase, stage = "movement", 1
    current = date(2026, 1, 5)
    while current <= today:
        while index < len(changes) and changes[index].date <= current:
            phase, stage = changes[index].phase, changes[index].stage
            index += 1
        plan = plan_for(profile, history, current)
        assert plan.program_phase == phase, current
        if phase == "run_walk":
            assert plan.next_stage == stage, current
        assert (current in timeline.paused_days) == (plan.phase == "paused"), current
        current += timedelta(days=1)


def test_a_flare_episode_lasts_until_the_day_after_its_last_trigger() -> None:
    """Pain 5 on day 18, pain 4 on day 20 (the day after its 48 hours): one episode for the
    engine, acute through day 21 as the plan says; the flare event names that same end."""
    h = H().standard_phase1().gates(8).checkin(18, pain=5).checkin(19).checkin(20, pain=4)
    timeline = agg.analyse(h.profile, h.history(), day(22))
    [flare] = [e for e in agg.events(timeline) if e.kind == "flare"]
    assert flare.date == day(18)
    assert plan_for(h.profile, h.history(), day(21)).acute_until == day(21)
    assert f"until {day(21).isoformat()}" in flare.detail


# -- shoes and the whole dashboard ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_km", "status"),
    [
        (0.0, "ok"),
        (REPLACE_SOON_KM - 0.1, "ok"),
        (REPLACE_SOON_KM, "replace_soon"),
        (REPLACE_NOW_KM - 0.1, "replace_soon"),
        (REPLACE_NOW_KM, "replace_now"),
    ],
)
def test_shoe_wear_against_the_marks(start_km: float, status: str) -> None:
    h = H().shoe("Pair", start_km=start_km, added_day=1)
    [wear] = agg.shoe_wear(agg.analyse(h.profile, h.history(), day(2)))
    assert (wear.name, wear.status) == ("Pair", status)


def test_shoe_wear_counts_runs_with_the_pair() -> None:
    h = H().shoe("Pair", start_km=100.0, added_day=1).standard_phase1().standard_phase2(km=None)
    h.run(22, 5.0, shoe="pair").run(24, 6.0, shoe="Other")
    [wear] = agg.shoe_wear(agg.analyse(h.profile, h.history(), day(25)))
    assert wear.total_km == pytest.approx(105.0) and wear.sessions == 1


def test_compute_dashboard_empty_and_full() -> None:
    empty = H()
    data = agg.compute_dashboard(empty.profile, empty.history(), day(1))
    assert data.empty and data.pain == () and data.weeks == ()
    profile, history = generate_history(day(1), DEMO_DAYS, DEMO_SEED)
    today = day(DEMO_DAYS)
    data = agg.compute_dashboard(profile, history, today)
    assert not data.empty
    assert data.plan == plan_for(profile, history, today)
    assert data.checkin_count == len({c.date for c in history.checkins})
    assert {e.kind for e in data.events} == {
        "red_flag",
        "clearance",
        "withdrawal",
        "flare",
        "stage",
    }
    assert len(data.adherence.days) == 84
    assert data.milestones


def test_at_a_glance_answers_the_three_questions_on_the_demo() -> None:
    today = date(2026, 11, 21)
    profile, history = generate_history(today - timedelta(days=DEMO_DAYS - 1), DEMO_DAYS, DEMO_SEED)
    better, work, overload = agg.at_a_glance(agg.compute_dashboard(profile, history, today))
    assert better.startswith("Pain: ") and "7-day average" in better
    assert work.startswith("Work: done ") and "%" in work
    assert overload.startswith("Load: ")


def test_at_a_glance_for_a_new_user() -> None:
    from runback_tui.domain.models import History, Profile

    profile = Profile(start_date=date(2026, 11, 21), accepted_disclaimer=True)
    data = agg.compute_dashboard(profile, History(), date(2026, 11, 21))
    better, work, overload = agg.at_a_glance(data)
    assert "no check-ins yet" in better
    assert overload == "Load: no running logged yet."


def test_core_every_day_makes_no_rest_day() -> None:
    """protocol v2 §5: the daily core neither counts toward a rest day nor is dropped on one."""
    h = H().checkins_for(range(1, 9)).routines(range(1, 8))
    days = {d.date: d for d in _adherence_of(h, today=8).days}
    assert not days[day(7)].rest and not days[day(8)].rest
    assert days[day(7)].symbol == "E"


def test_a_mistake_withdrawal_is_listed_apart_and_clears_nothing() -> None:
    h = H().standard_phase1().gates(8).red_flag(9, "leg_weakness").checkin(10)
    h.mistake(10, "night_pain")
    timeline = agg.analyse(h.profile, h.history(), day(11))
    kinds = [(e.date, e.kind) for e in agg.events(timeline)]
    assert (day(10), "withdrawal") in kinds
    assert not any(kind == "clearance" for _, kind in kinds)
    assert timeline.plan.phase == "paused"


def test_dashboard_keeps_a_red_flag_a_later_edit_left_out(tmp_path: Path) -> None:
    """Issue 15: c, answer yes, save; c, answer no, save: the flag is still on the dashboard."""
    from runback_tui.storage.store import Store

    store = Store(tmp_path / "runback.json", now=lambda: datetime(2026, 3, 10, 8, 0))
    store.save_profile(H().profile)
    store.save_checkin(CheckIn(date=day(9), pain=2, red_flags=["bladder_bowel"]))
    store.save_checkin(CheckIn(date=day(9), pain=1))
    snap = store.snapshot()
    data = agg.compute_dashboard(snap.profile, snap.history, day(9))  # type: ignore[arg-type]
    flags = [e for e in data.events if e.kind == "red_flag"]
    assert [(e.date, e.urgent) for e in flags] == [(day(9), True)]
    assert data.plan.phase == "paused"
    assert data.phase_title.startswith("PAUSED · EMERGENCY")
