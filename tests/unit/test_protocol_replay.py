"""The engine's public replay interface: ``replay(profile, history, until, on_day=...)``.

The dashboard, the report and any projection of the road ahead read the engine through it, so
its day-by-day facts must say exactly what ``plan_for`` says for each of those days.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from runback_tui.demo import DEMO_DAYS, generate_history
from runback_tui.domain.models import History, Profile
from runback_tui.domain.protocol import (
    FLARE_PAIN,
    DayFacts,
    Pause,
    day_plan,
    is_flare,
    plan_for,
    replay,
    session_pain,
)
from tests.unit.histories import H, day_date


def _every_day(profile: Profile, history: History, until: date) -> list[DayFacts]:
    days: list[DayFacts] = []
    replay(profile, history, until, on_day=days.append)
    return days


def _assert_agrees_with_plan_for(profile: Profile, history: History, facts: DayFacts) -> None:
    plan = plan_for(profile, history, facts.date)
    assert (facts.day, facts.phase, facts.program_phase) == (
        plan.day,
        plan.phase,
        plan.program_phase,
    ), facts.date
    assert (facts.current_stage, facts.next_stage) == (plan.current_stage, plan.next_stage)
    assert (facts.paused_since, facts.acute_until, facts.rest_day) == (
        plan.paused_since,
        plan.acute_until,
        plan.rest_day,
    ), facts.date
    assert facts.red_flags_in_force == plan.red_flags_in_force, facts.date


@pytest.mark.parametrize("seed", [2026, 7, 11])
def test_every_days_facts_are_what_plan_for_says_that_day(seed: int) -> None:
    start = date(2026, 1, 5)
    profile, history = generate_history(start, DEMO_DAYS, seed)
    until = start + timedelta(days=DEMO_DAYS - 1)
    days = _every_day(profile, history, until)
    assert [d.date for d in days] == [start + timedelta(days=k) for k in range(DEMO_DAYS)]
    for facts in days:
        _assert_agrees_with_plan_for(profile, history, facts)


def test_the_days_changes_are_the_replays_changes_and_the_last_day_is_today() -> None:
    profile, history = generate_history(date(2026, 1, 5), 200, 3)
    until = date(2026, 1, 5) + timedelta(days=199)
    days = _every_day(profile, history, until)
    replayed = replay(profile, history, until)
    assert tuple(c for d in days for c in d.changes) == replayed.changes
    assert all(c.date == d.date for d in days for c in d.changes)
    assert days[-1] == replayed.today
    assert day_plan(replayed) == plan_for(profile, history, until)
    # The build phase began, and the replay says when.
    [build] = [c for c in replayed.changes if c.phase != c.previous_phase == "run_walk"]
    assert replayed.build_start == build.date
    assert plan_for(profile, history, build.date - timedelta(days=1)).program_phase == "run_walk"
    assert plan_for(profile, history, build.date).program_phase == "build"


def test_a_missed_week_step_is_a_change_on_a_day_without_records() -> None:
    h = H().standard_phase1().gates(8).run_walk(8, 1).run_walk(10, 2)  # stage 3 next
    days = {d.date: d for d in _every_day(h.profile, h.history(), h.date(30))}
    # Ran on day 10: seven full days without running (11–17), one stage lower on day 18.
    [step] = days[h.date(18)].changes
    assert (step.previous_stage, step.stage, step.phase) == (3, 2, "run_walk")
    assert "no run-walk for 7 days" in step.reason
    [again] = days[h.date(25)].changes
    assert (again.previous_stage, again.stage) == (2, 1)
    for day in (17, 18, 24, 25, 30):
        _assert_agrees_with_plan_for(h.profile, h.history(), days[h.date(day)])


def test_pauses_from_red_flag_to_clearance() -> None:
    h = H().standard_phase1().gates(8).run_walk(8, 1)
    h.red_flag(10, "night_pain").red_flag(11, "leg_weakness").clear(13)
    h.red_flag(15).clear(15)  # cleared the same day: no day paused
    h.red_flag(20, "bladder_bowel")
    replayed = replay(h.profile, h.history(), h.date(22))
    assert replayed.pauses == (
        Pause(h.date(10), h.date(13), frozenset({"night_pain", "leg_weakness"})),
        Pause(h.date(20), None, frozenset({"bladder_bowel"})),
    )
    assert replayed.today.paused_since == h.date(20)
    assert replayed.today.red_flags_in_force == ("bladder_bowel",)


def test_flare_episodes_and_the_flare_rule() -> None:
    h = H().standard_phase1().gates(8)
    h.checkin(12, pain=FLARE_PAIN).checkin(13, pain=5).checkin(14, pain=2)  # one episode
    h.run_walk(20, 1, after=FLARE_PAIN).routine(30, "relief", pain_after=6)
    facts = replay(h.profile, h.history(), h.date(31)).facts
    assert [(f.start, f.acute_until) for f in facts.flares] == [
        (h.date(12), h.date(14)),
        (h.date(20), h.date(21)),
        (h.date(30), h.date(31)),
    ]
    assert not is_flare(None) and not is_flare(FLARE_PAIN - 1) and is_flare(FLARE_PAIN)
    pains = [session_pain(s) for s in h.history().sessions if s.date >= h.date(20)]
    assert pains == [FLARE_PAIN, 6]


def test_replay_ignores_later_records_and_starts_at_program_day_one() -> None:
    h = H().standard_phase1().gates(8).run_walk(8, 1).red_flag(12)
    days = _every_day(h.profile, h.history(), h.date(10))
    assert days[0].date == day_date(1) and days[-1].date == h.date(10)
    assert all(d.paused_since is None for d in days)
    # Before program day 1, with nothing logged: one call, for the date asked.
    before = _every_day(h.profile, History(), h.date(-5))
    assert [(d.date, d.day, d.phase) for d in before] == [(h.date(-5), -5, "movement")]
