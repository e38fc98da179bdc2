"""The plan engine, section by section of protocol.md, on realistic multi-week histories.

Each scenario is one row: a history built with :mod:`tests.unit.histories`, the program day
planned, and what the plan must say.  Row ids start with the protocol.md section they test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

from runback_tui.domain.models import History, Profile, RunWalkLog
from runback_tui.domain.protocol import (
    STAGES,
    DayPlan,
    decide_next_stage,
    plan_for,
)
from runback_tui.domain.wording import explain_phase
from tests.unit.histories import START, H, day_date

RUN_WALK_DAY = ("pre_run", "run_walk", "post_run", "daily_core")
OFF_DAY = ("daily_core", "desk_mobility")
REST = ("rest", "desk_mobility", "daily_core")
REST_BUILD = ("rest", "desk_mobility", "core_stability")
ACUTE = ("relief", "ice")


@dataclass(frozen=True)
class Expect:
    """What a scenario's plan must show; unset fields are not checked."""

    phase: str | None = None
    program_phase: str | None = None
    running: bool | None = None
    stage: int | None | str = "any"
    current_stage: int | None | str = "any"
    activities: tuple[str, ...] | None = None
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    only_codes: tuple[str, ...] | None = None
    build_week: int | None | str = "any"
    planned: float | None | str = "any"
    deload: bool | None = None
    gates: tuple[str, ...] | None = None
    rest: bool | None = None
    day: int | None = None
    checked_in: bool | None = None
    message: tuple[str, str] | None = None
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def check(plan: DayPlan, want: Expect) -> None:
    """Assert every set field of *want* against *plan*."""
    codes = plan.warning_codes()
    if want.phase is not None:
        assert plan.phase == want.phase, plan.reasons
    if want.program_phase is not None:
        assert plan.program_phase == want.program_phase
    if want.running is not None:
        assert plan.running_allowed is want.running, plan.reasons
    if want.stage != "any":
        assert (plan.stage.number if plan.stage else None) == want.stage, plan.reasons
    if want.current_stage != "any":
        assert plan.current_stage == want.current_stage, plan.reasons
    if want.activities is not None:
        assert plan.activities == want.activities, plan.reasons
    for code in want.has:
        assert code in codes, codes
    for code in want.lacks:
        assert code not in codes, codes
    if want.only_codes is not None:
        assert tuple(sorted(set(codes))) == tuple(sorted(want.only_codes)), codes
    if want.build_week != "any":
        assert (plan.build.week if plan.build else None) == want.build_week
    if want.planned != "any":
        assert plan.build is not None
        if want.planned is None:
            assert plan.build.planned_volume_km is None
        else:
            assert plan.build.planned_volume_km == pytest.approx(want.planned)
    if want.deload is not None:
        assert plan.build is not None and plan.build.deload is want.deload
    if want.gates is not None:
        assert plan.gates_missing == want.gates
    if want.rest is not None:
        assert plan.rest_day is want.rest
    if want.day is not None:
        assert plan.day == want.day
    if want.checked_in is not None:
        assert plan.checked_in is want.checked_in
    if want.message is not None:
        code, text = want.message
        messages = [w.message for w in plan.warnings if w.code == code]
        assert any(text in m for m in messages), messages
    if want.reason is not None:
        assert any(want.reason in r for r in plan.reasons), plan.reasons
    for name, value in want.extra.items():
        assert getattr(plan, name) == value, name


def p1() -> H:
    """A by-the-book phase 1 (days 1–7)."""
    return H().standard_phase1()


def p2(last: int) -> H:
    """Phase 1 by the book, then phase 2 up to day *last* (run-walks every other day)."""
    return H().standard_phase1().standard_phase2(last)


def build(*weeks: list[float], **profile: Any) -> H:
    """A history that reaches build on day 22, then runs *weeks* (km per run)."""
    h = H(**profile).standard_to_build()
    for number, kms in enumerate(weeks, start=1):
        h.build_week(number, kms)
    return h


def mi(miles: float) -> float:
    """*miles* in km."""
    return miles * 1.609344


Scenario = tuple[Callable[[], DayPlan], Expect]

SCENARIOS: dict[str, Scenario] = {
    # -- §1 Terms / §8 contents ---------------------------------------------------------------
    "s1-day1-movement": (
        lambda: H().checkin(1, 3).plan(1),
        Expect(
            phase="movement",
            day=1,
            running=False,
            stage=None,
            activities=("daily_core", "pool_run", "desk_mobility"),
            only_codes=(),
            checked_in=True,
        ),
    ),
    "s1-before-start-day-minus-2": (
        lambda: H().plan(-2),
        Expect(phase="movement", day=-2, running=False, stage=None, reason="starts on"),
    ),
    "s1-two-checkins-one-day-highest-pain": (
        lambda: p1().checkin(8, 1, gates=True).checkin(8, 5, gates=True).plan(8),
        Expect(phase="acute", program_phase="movement", running=False, has=("flare",)),
    ),
    "s1-two-checkins-one-day-gates-both": (
        lambda: p1().checkin(8, 1, gates=True).checkin(8, 1, gates=True, bridge=False).plan(8),
        Expect(phase="movement", gates=("single_leg_bridge_ok",), has=("gate_missing",)),
    ),
    "s1-two-checkins-one-day-flags-union": (
        lambda: p1().checkin(8, 1, gates=True).red_flag(8, "leg_weakness").plan(8),
        Expect(phase="paused", running=False, has=("red_flag",)),
    ),
    "s8-future-records-ignored": (
        lambda: p1().gates(8).red_flag(12).checkin(13, 6).plan(10),
        Expect(phase="run_walk", stage=1, running=True, only_codes=()),
    ),
    # -- §2 Red flags --------------------------------------------------------------------------
    "s2-red-flag-phase1-paused": (
        lambda: H().standard_phase1(5).red_flag(6).plan(6),
        Expect(
            phase="paused",
            running=False,
            stage=None,
            activities=("rest",),
            has=("red_flag",),
            lacks=("red_flag_urgent",),
            message=("red_flag", "healthcare provider"),
            extra={"paused_since": day_date(6)},
        ),
    ),
    "s2-red-flag-persists-later-days": (
        lambda: H().standard_phase1(5).red_flag(6).checkin(7).checkin(9, gates=True).plan(12),
        Expect(phase="paused", program_phase="movement", running=False, has=("red_flag",)),
    ),
    "s2-bladder-bowel-urgent": (
        lambda: p1().gates(8).run_walk(8, 1).red_flag(9, "bladder_bowel").plan(9),
        Expect(
            phase="paused",
            running=False,
            has=("red_flag_urgent",),
            lacks=("red_flag",),
            message=("red_flag_urgent", "Seek emergency care now"),
        ),
    ),
    "s2-bladder-bowel-urgent-until-cleared": (
        lambda: p1().gates(8).run_walk(8, 1).red_flag(9, "bladder_bowel").checkin(10).plan(11),
        Expect(phase="paused", has=("red_flag_urgent",)),
    ),
    "s2-urgent-and-other-flags": (
        lambda: p1().red_flag(8, "bladder_bowel", "night_pain").plan(8),
        # One urgent message (v2): the other flag is named in it, no "see a provider" beside it.
        Expect(
            phase="paused",
            has=("red_flag_urgent",),
            lacks=("red_flag",),
            message=("red_flag_urgent", "Also reported: back pain that woke you"),
        ),
    ),
    "s2-red-flag-phase2-clearance-stage-lower": (
        lambda: p2(12).red_flag(13).checkin(14).clear(16).plan(16),
        Expect(phase="run_walk", running=True, stage=2, lacks=("red_flag",)),
    ),
    "s2-red-flag-phase2-still-paused-before-clearance": (
        lambda: p2(12).red_flag(13).checkin(14).clear(16).plan(15),
        Expect(phase="paused", running=False, stage=None, has=("red_flag",)),
    ),
    "s2-red-flag-stage1-stays-1": (
        lambda: p1().gates(8).red_flag(9).clear(11).plan(11),
        Expect(phase="run_walk", stage=1, running=True),
    ),
    "s2-clearance-before-flag-does-not-clear": (
        lambda: p1().gates(8).clear(8).red_flag(10).plan(12),
        Expect(phase="paused", running=False),
    ),
    "s2-clearance-same-day-resumes-lower": (
        lambda: p1().gates(8).run_walk(8, 1).red_flag(10).clear(10).plan(10),
        Expect(phase="run_walk", running=True, stage=1, lacks=("red_flag",)),
    ),
    "s2-red-flag-build-paused-no-build": (
        lambda: build([3, 3, 3]).red_flag(29).plan(30),
        Expect(phase="paused", program_phase="build", running=False, build_week=None),
    ),
    "s2-red-flag-build-clearance-week-deload": (
        lambda: build([3, 3, 3]).red_flag(29).clear(31).plan(31),
        Expect(phase="build", build_week=2, deload=True, planned=6.75, running=True),
    ),
    "s2-history-advisory-not-blocking": (
        lambda: H(history=["osteoporosis"]).standard_phase1().gates(8).plan(8),
        Expect(
            phase="run_walk",
            running=True,
            only_codes=("history_advisory",),
            message=("history_advisory", "osteoporosis"),
        ),
    ),
    "s2-history-advisory-names-all": (
        lambda: H(history=["cancer_history", "long_term_steroids"]).plan(3),
        Expect(has=("history_advisory",), message=("history_advisory", "long-term steroid use")),
    ),
    "s2-persistent-pain-14-checkins": (
        lambda: H().checkins_for(range(1, 15), pain=3).plan(14),
        Expect(has=("persistent_pain",), message=("persistent_pain", "last 14 check-ins")),
    ),
    "s2-persistent-pain-13-checkins": (
        lambda: H().checkins_for(range(2, 15), pain=3).plan(14),
        Expect(lacks=("persistent_pain",)),
    ),
    "s2-persistent-pain-one-day-below": (
        lambda: (
            H()
            .checkins_for(range(1, 7), pain=3)
            .checkin(7, 2)
            .checkins_for(range(8, 15), 3)
            .plan(14)
        ),
        Expect(lacks=("persistent_pain",)),
    ),
    "s2-persistent-pain-most-recent-14": (
        lambda: H().checkins_for(range(1, 7), pain=0).checkins_for(range(7, 21), pain=3).plan(20),
        Expect(has=("persistent_pain",)),
    ),
    "s2-persistent-pain-gaps-between-checkins": (
        lambda: H().checkins_for(range(1, 29, 2), pain=3).plan(30),
        Expect(has=("persistent_pain",)),
    ),
    # -- §3 Flare ------------------------------------------------------------------------------
    "s3-checkin-pain-4-acute": (
        lambda: p1().gates(8).run_walk(8, 1).checkin(9, 4).plan(9),
        Expect(
            phase="acute",
            program_phase="run_walk",
            running=False,
            stage=None,
            activities=ACUTE,
            has=("flare",),
            message=("flare", "never on bare skin"),
            extra={"acute_until": day_date(10)},
        ),
    ),
    "s3-checkin-pain-3-not-acute": (
        lambda: p1().gates(8).run_walk(8, 1).checkin(9, 2).checkin(10, 3).plan(10),
        Expect(phase="run_walk", stage=2, lacks=("flare",)),
    ),
    "s3-acute-next-day": (
        lambda: p1().gates(8).run_walk(8, 1).checkin(9, 4).plan(10),
        Expect(phase="acute", running=False, activities=ACUTE),
    ),
    "s3-after-48h-stage-one-lower": (
        lambda: p1().gates(8).run_walk(8, 1).run_walk(10, 2).checkin(11, 5).plan(13),
        # The morning after the stage-2 session was 4 worse: a repeat (v2), then the flare.
        Expect(phase="run_walk", stage=1, running=True, lacks=("flare",)),
    ),
    "s3-session-pain-after-4-flare-then-lower": (
        lambda: p1().gates(8).run_walk(8, 1).run_walk(10, 2, 1, 4).plan(12),
        Expect(phase="run_walk", stage=1),
    ),
    "s3-flare-at-stage-1-stays-1": (
        lambda: p1().gates(8).run_walk(8, 1, 2, 2).run_walk(10, 1, 4, 4).plan(12),
        Expect(phase="run_walk", stage=1),
    ),
    "s4-flare-on-first-run-walk-day-gates-again": (
        lambda: p1().gates(8).run_walk(8, 1, 4, 4).plan(10),
        Expect(phase="movement", gates=(), reason="neither acute nor paused"),
    ),
    "s3-routine-pain-flare": (
        lambda: H().standard_phase1(4).routine(5, "glutes_hips", pain_after=6).plan(6),
        Expect(phase="acute", program_phase="movement", has=("flare",)),
    ),
    "s3-flare-build-week-3-deload": (
        lambda: build([3, 3, 3, 1], [3, 3, 3, 1]).run(36, 3, 2, 5).plan(39),
        Expect(phase="build", build_week=3, deload=True, planned=7.5),
    ),
    "s3-flare-build-sunday-next-week-deload": (
        lambda: build([3, 3, 3, 1], [3, 3, 3]).run(35, 2, 4, 4).plan(37),
        Expect(phase="build", build_week=3, deload=True, planned=8.25),
    ),
    "s3-flare-build-acute-no-build": (
        lambda: build([3, 3, 3, 1], [3, 3]).checkin(31, 4).plan(32),
        Expect(phase="acute", program_phase="build", build_week=None, running=False),
    ),
    "s3-red-flag-beats-flare": (
        lambda: p1().checkin(8, 6, gates=True, flags=["night_pain"]).plan(8),
        Expect(phase="paused", activities=("rest",), has=("red_flag", "flare")),
    ),
    # -- §4 Phase 1 ----------------------------------------------------------------------------
    "s4-day7-rest-after-six-session-days": (
        lambda: p1().routines(range(1, 7), "glutes_hips").plan(7),
        Expect(phase="movement", rest=True, activities=REST, running=False),
    ),
    "s4-day7-gates-not-checked-yet": (
        lambda: H().standard_phase1(6).gates(7).plan(7),
        Expect(phase="movement", gates=(), lacks=("gate_missing",)),
    ),
    "s4-day8-gates-met-stage-1": (
        lambda: p1().gates(8).plan(8),
        Expect(phase="run_walk", stage=1, current_stage=1, running=True, activities=RUN_WALK_DAY),
    ),
    "s4-day8-missing-walk": (
        lambda: p1().checkin(8, 1, gates=True, walked=False).plan(8),
        Expect(
            phase="movement",
            running=False,
            gates=("walked_30_pain_free",),
            message=("gate_missing", "walking 30 minutes"),
        ),
    ),
    "s4-day8-missing-bridge": (
        lambda: p1().checkin(8, 1, gates=True, bridge=False).plan(8),
        Expect(phase="movement", gates=("single_leg_bridge_ok",), has=("gate_missing",)),
    ),
    "s4-day8-pain-meds": (
        lambda: p1().checkin(8, 1, gates=True, meds=True).plan(8),
        Expect(
            phase="movement",
            gates=("no_pain_meds",),
            message=("gate_missing", "pain medication"),
        ),
    ),
    "s4-gates-not-rechecked-once-passed": (
        lambda: p1().gates(8).run_walk(8, 1).checkin(9, meds=True).checkin(10, 2).plan(10),
        Expect(phase="run_walk", stage=2, gates=(), lacks=("gate_missing",)),
    ),
    "s4-no-checkin-since-day8": (
        lambda: p1().plan(9),
        Expect(
            phase="movement",
            checked_in=False,
            gates=("walked_30_pain_free", "single_leg_bridge_ok", "no_pain_meds"),
            message=("gate_missing", "check in"),
        ),
    ),
    "s4-gates-before-day8-not-counted": (
        lambda: H().standard_phase1(6).gates(7).plan(9),
        Expect(
            phase="movement", gates=("walked_30_pain_free", "single_leg_bridge_ok", "no_pain_meds")
        ),
    ),
    "s4-gates-pass-day10-after-failing": (
        lambda: (
            p1()
            .checkin(8, walked=False, bridge=True)
            .checkin(9, gates=True, meds=True)
            .gates(10)
            .plan(10)
        ),
        Expect(phase="run_walk", stage=1, running=True),
    ),
    "s4-flare-on-day8-fails-gates": (
        lambda: p1().gates(8).routine(8, "glutes_hips", pain_after=4).plan(10),
        Expect(phase="movement", program_phase="movement", gates=()),
    ),
    "s4-cross-training-even-day": (
        lambda: H().plan(2),
        Expect(activities=("daily_core", "cycle_easy", "desk_mobility")),
    ),
    # -- §5 Phase 2 ----------------------------------------------------------------------------
    "s5-progress-pain-1": (
        lambda: p1().gates(8).run_walk(8, 1, 1, 1).plan(10),
        Expect(phase="run_walk", stage=2, reason="Stage 2 next"),
    ),
    "s5-pain-during-exactly-2-repeat": (
        lambda: p1().gates(8).run_walk(8, 1, 2, 0).plan(10),
        Expect(stage=1, reason="Stage 1 again"),
    ),
    "s5-pain-after-exactly-2-repeat": (
        lambda: p1().gates(8).run_walk(8, 1, 0, 2).plan(10),
        Expect(stage=1),
    ),
    "s5-pain-3-repeat-stage-2": (
        lambda: p1().gates(8).run_walk(8, 1).run_walk(10, 2, 3, 3).plan(12),
        Expect(stage=2),
    ),
    "s5-pain-exactly-4-flare": (
        lambda: p1().gates(8).run_walk(8, 1).run_walk(10, 2, 4, 0).plan(10),
        Expect(phase="acute", has=("flare",), running=False),
    ),
    "s5-stopped-early-repeat": (
        lambda: p1().gates(8).run_walk(8, 1).run_walk(10, 2, stopped_after=5).plan(12),
        Expect(stage=2, reason="stopped early"),
    ),
    "s5-no-run-walk-day-after": (
        lambda: p1().gates(8).run_walk(8, 1).plan(9),
        Expect(
            phase="run_walk",
            stage=None,
            current_stage=2,
            running=False,
            activities=OFF_DAY,
            reason="you ran yesterday",
        ),
    ),
    "s5-two-sessions-one-day-one-stage-up": (
        lambda: p1().gates(8).run_walk(8, 1).run_walk(8, 2).plan(10),
        Expect(stage=2),
    ),
    "s5-logged-stage-above-plan-one-up-from-plan": (
        lambda: p1().gates(8).run_walk(8, 3).plan(10),
        Expect(stage=2),
    ),
    "s5-stage-3-top-repeats-before-day22": (
        lambda: p2(16).plan(18),
        Expect(phase="run_walk", stage=3),
    ),
    "s5-missed-week-day7-no-step-back": (
        lambda: p2(12).plan(19),
        Expect(phase="run_walk", current_stage=3),
    ),
    "s5-missed-week-step-back": (
        lambda: p2(12).plan(20),
        Expect(phase="run_walk", stage=2),
    ),
    "s5-missed-two-weeks-stage-1": (
        lambda: p2(12).plan(27),
        Expect(phase="run_walk", stage=1),
    ),
    "s5-missed-week-cancels-build": (
        lambda: p2(12).plan(22),
        Expect(phase="run_walk", stage=2),
    ),
    "s5-exit-to-build-day22": (
        lambda: H().standard_to_build().plan(22),
        Expect(phase="build", build_week=1, stage=None, current_stage=None, running=True),
    ),
    "s5-not-build-on-day21": (
        lambda: H().standard_to_build().plan(21),
        Expect(phase="run_walk", build_week=None, current_stage=3),
    ),
    "s5-no-exit-last-stage3-pain-2": (
        lambda: p2(19).run_walk(20, 3, 2, 1).plan(22),
        Expect(phase="run_walk", stage=3, running=True),
    ),
    "s5-qualifying-day23-run-walk-that-day": (
        lambda: p2(19).run_walk(20, 3, 2, 2).run_walk(23, 3).plan(23),
        Expect(phase="run_walk", stage=3),
    ),
    "s5-qualifying-day23-build-day24": (
        lambda: p2(19).run_walk(20, 3, 2, 2).run_walk(23, 3).plan(24),
        # Day 24 is a Wednesday: the lead-in until build week 1's Monday (v2).
        Expect(phase="build", build_week=0),
    ),
    "s5-flare-after-qualifying-no-build": (
        lambda: p2(20).checkin(21, 4).plan(23),
        Expect(phase="run_walk", stage=2),
    ),
    "s5-rest-day-six-session-days": (
        lambda: p1().gates(8).run_walk(8, 1).routines(range(9, 14), "glutes_hips").plan(14),
        Expect(
            phase="run_walk",
            rest=True,
            stage=None,
            current_stage=2,
            running=False,
            activities=REST,
        ),
    ),
    "s5-rest-day-five-session-days": (
        lambda: p1().gates(8).run_walk(8, 1).routines(range(10, 14)).plan(14),
        Expect(phase="run_walk", rest=False, stage=2, running=True),
    ),
    "s5-rest-day-warmups-do-not-count": (
        lambda: H().routines(range(1, 7), "pre_run").routines(range(1, 7), "post_run").plan(7),
        Expect(rest=False),
    ),
    "s5-rest-day-cross-training-counts": (
        lambda: H().cross(1).cross(2).cross(3, "pool_run").cross(4).cross(5).cross(6).plan(7),
        Expect(rest=True, activities=REST),
    ),
    # -- §6 Build ------------------------------------------------------------------------------
    "s6-week1-cap-from-last-phase2-week": (
        lambda: build().plan(22),
        Expect(phase="build", build_week=1, planned=9.9, deload=False),
    ),
    "s6-week1-starting-weekly-distance": (
        lambda: H(starting_weekly_km=8.0).standard_phase1().standard_phase2(21, km=None).plan(22),
        Expect(phase="build", build_week=1, planned=8.0),
    ),
    "s6-week1-no-basis": (
        lambda: H().standard_phase1().standard_phase2(21, km=None).plan(22),
        Expect(phase="build", build_week=1, planned=None, running=True),
    ),
    "s6-week2-ten-percent-of-week1": (
        lambda: build([3, 3, 3, 1]).plan(29),
        Expect(build_week=2, planned=11.0, deload=False),
    ),
    "s6-deload-week4": (
        lambda: build([3, 3, 3, 1], [3, 3, 3, 2], [3, 3, 4, 2]).plan(43),
        Expect(build_week=4, planned=9.0, deload=True),
    ),
    "s6-week5-not-deload": (
        lambda: build([3, 3, 3, 1], [3, 3, 3, 2], [3, 3, 4, 2], [3, 3, 3]).plan(50),
        Expect(build_week=5, planned=9.9, deload=False),
    ),
    "s6-deload-week8": (
        lambda: build(*([[3.0, 3.0, 3.0]] * 7)).plan(71),
        Expect(build_week=8, planned=6.75, deload=True),
    ),
    "s6-ten-percent-warning": (
        lambda: build([3, 3, 3, 3]).plan(28),
        Expect(has=("ten_percent_rule",), message=("ten_percent_rule", "2.1 km over")),
    ),
    "s6-ten-percent-warning-into-next-week": (
        lambda: build([3, 3, 3, 3]).plan(30),
        Expect(build_week=2, has=("ten_percent_rule",), message=("ten_percent_rule", "Last week")),
    ),
    "s6-ten-percent-gone-after-two-weeks": (
        lambda: build([3, 3, 3, 3], [3, 3, 3]).plan(36),
        Expect(build_week=3, lacks=("ten_percent_rule",)),
    ),
    "s6-exactly-at-cap-no-warning": (
        lambda: build([3, 3, 3.9]).plan(28),
        Expect(lacks=("ten_percent_rule",)),
    ),
    "s6-missed-week-in-build-no-basis": (
        lambda: build([3, 3, 3]).plan(36),
        Expect(build_week=3, planned=None, running=True, reason="no basis"),
    ),
    "s6-strength-not-two-days-in-a-row": (
        lambda: build([3]).routine(22, "posterior_chain").plan(23),
        Expect(activities=("core_stability",)),
    ),
    "s6-strength-day-after-a-rest-from-it": (
        lambda: build([3, 3]).routine(22, "posterior_chain").plan(24),
        Expect(activities=("pre_run", "run", "post_run", "posterior_chain", "core_stability")),
    ),
    "s6-strength-at-most-three-a-week": (
        lambda: build([3, 3, 3]).routines((22, 24, 26), "posterior_chain").plan(28),
        Expect(activities=("pre_run", "run", "post_run", "core_stability")),
    ),
    "s6-volume-met-no-run": (
        lambda: build([5, 5]).plan(26),
        Expect(running=False, activities=("posterior_chain", "core_stability")),
    ),
    "s6-rest-day-in-build": (
        lambda: build([3, 3, 3]).routines((23, 25, 27), "posterior_chain").plan(28),
        Expect(phase="build", rest=True, activities=REST_BUILD, build_week=1, running=False),
    ),
    # -- v2 rules ----------------------------------------------------------------------------
    "v2-saddle-numbness-is-urgent": (
        lambda: p1().gates(8).red_flag(9, "saddle_numbness").plan(10),
        Expect(
            phase="paused",
            running=False,
            has=("red_flag_urgent",),
            lacks=("red_flag",),
            message=("red_flag_urgent", "groin, genitals or inner thighs"),
        ),
    ),
    "v2-mistake-clearance-lifts-no-earlier-pause": (
        lambda: p1().gates(8).red_flag(9).checkin(10).mistake(10).plan(11),
        Expect(phase="paused", running=False, has=("red_flag",)),
    ),
    "v2-mistake-clearance-is-not-a-professional-one": (
        lambda: p1().gates(8).red_flag(9).mistake(9, "numbness_below_knee").plan(9),
        Expect(phase="paused", running=False, has=("red_flag",)),
    ),
    "v2-daily-core-every-day-is-no-rest-day": (
        lambda: p1().routines(range(7, 8)).plan(8),
        Expect(rest=False, extra={"rest_day": False}),
    ),
    "v2-phase1-day7-daily-core-no-rest": (
        lambda: p1().plan(7),
        Expect(
            phase="movement", rest=False, activities=("daily_core", "pool_run", "desk_mobility")
        ),
    ),
    "v2-heat-for-stiffness": (
        lambda: p1().checkin(7, 1, stiffness=5).plan(7),
        Expect(
            has=(),
            reason="Heat for stiffness (5/10",
            extra={"activities": ("daily_core", "pool_run", "desk_mobility", "heat")},
        ),
    ),
    "v2-no-heat-below-five": (
        lambda: p1().checkin(7, 1, stiffness=4).plan(7),
        Expect(activities=("daily_core", "pool_run", "desk_mobility")),
    ),
    "v2-no-heat-on-acute-day-ice-instead": (
        lambda: p1().checkin(7, 5, stiffness=8).plan(7),
        Expect(phase="acute", activities=ACUTE),
    ),
    "v2-next-morning-worse-repeats": (
        lambda: p1().gates(8).run_walk(8, 1).checkin(9, 3).plan(10),
        Expect(phase="run_walk", stage=1, reason="the morning after must not be worse"),
    ),
    "v2-next-morning-one-higher-progresses": (
        lambda: p1().gates(8).run_walk(8, 1).checkin(9, 2).plan(10),
        Expect(phase="run_walk", stage=2),
    ),
    "v2-next-morning-only-the-first-check-in": (
        lambda: p1().gates(8).run_walk(8, 1).checkin(9, 1).checkin(10, 3).plan(10),
        Expect(phase="run_walk", stage=2),
    ),
    "v2-next-morning-cancels-build": (
        lambda: p2(20).checkin(21, 3).plan(22),
        Expect(phase="run_walk", stage=3, reason="the morning after must not be worse"),
    ),
    "v2-ten-percent-exactly-in-miles-no-warning": (
        lambda: build([mi(7), mi(6), mi(6)], [mi(7.7), mi(6.6), mi(6.6)], units="mi").plan(36),
        Expect(build_week=3, lacks=("ten_percent_rule",)),
    ),
    "v2-ten-percent-just-over-in-miles-warns": (
        lambda: build([mi(7), mi(6), mi(6)], [mi(7.7), mi(6.6), mi(6.7)], units="mi").plan(36),
        Expect(build_week=3, message=("ten_percent_rule", "0.1 mi over")),
    ),
    "v2-prescribed-run-walks-never-over-cap": (
        lambda: p2(19).run_walk(20, 3, 2, 2, km=6.0).run_walk(23, 3, km=20.0).plan(27),
        Expect(phase="build", build_week=0, lacks=("ten_percent_rule",)),
    ),
    "v2-lead-in-planned-pro-rata": (
        # Build starts Wednesday (day 24); the last phase-2 week (days 15–21) logged 6 km:
        # 1.10 × 6 × 5/7 = 4.71 km for Wednesday to Sunday.
        lambda: p2(19).run_walk(20, 3, 2, 2).run_walk(23, 3).plan(24),
        Expect(phase="build", build_week=0, planned=4.71, reason="Build lead-in"),
    ),
    "v2-build-week1-on-the-monday-after": (
        lambda: p2(19).run_walk(20, 3, 2, 2).run_walk(23, 3).plan(29),
        Expect(phase="build", build_week=1),
    ),
    "v2-long-run-spike": (
        lambda: build([3, 3, 3], [3, 3, 5]).plan(34),
        Expect(
            has=("long_run_spike",),
            message=("long_run_spike", "5.0 km, more than 10% longer"),
        ),
    ),
    "v2-long-run-within-spike": (
        lambda: build([3, 3, 3], [3, 3, 3.3]).plan(34),
        Expect(lacks=("long_run_spike",)),
    ),
    "v2-longest-run-shown-in-build-plan": (
        lambda: build([3, 3, 3]).plan(28),
        Expect(reason="Longest run today: 3.3 km", extra={"longest_run_km": 3.3}),
    ),
    # -- §7 Shoes ------------------------------------------------------------------------------
    "s7-shoe-482-ok": (
        lambda: H().shoe("Pegasus", 482.7).plan(3),
        Expect(lacks=("shoe_replace_soon", "shoe_replace_now")),
    ),
    "s7-shoe-483-replace-soon": (
        lambda: H().shoe("Pegasus", 483).plan(3),
        Expect(
            has=("shoe_replace_soon",),
            lacks=("shoe_replace_now",),
            message=("shoe_replace_soon", "8–10 mm"),
        ),
    ),
    "s7-shoe-804-replace-soon": (
        lambda: H().shoe("Pegasus", 804.6).plan(3),
        Expect(has=("shoe_replace_soon",), lacks=("shoe_replace_now",)),
    ),
    "s7-shoe-805-replace-now": (
        lambda: H().shoe("Pegasus", 805).plan(3),
        Expect(has=("shoe_replace_now",), lacks=("shoe_replace_soon",)),
    ),
    "s7-shoe-logged-runs-case-insensitive": (
        lambda: H().shoe("Pegasus", 480).run_walk(9, 1, km=3.0, shoe="pEGASUS ").plan(10),
        Expect(has=("shoe_replace_soon",), message=("shoe_replace_soon", "Pegasus")),
    ),
    "s7-shoe-message-in-miles": (
        lambda: H(units="mi").shoe("Ghost", 500).plan(3),
        Expect(has=("shoe_replace_soon",), message=("shoe_replace_soon", "311 mi")),
    ),
}


@pytest.mark.parametrize(
    ("make", "want"), [pytest.param(*row, id=name) for name, row in SCENARIOS.items()]
)
def test_protocol_scenarios(make: Callable[[], DayPlan], want: Expect) -> None:
    check(make(), want)


def test_at_least_45_scenarios() -> None:
    assert len(SCENARIOS) >= 45


# -- to_json ------------------------------------------------------------------------------------


def test_to_json_has_exactly_the_interface_keys() -> None:
    plan = build([3, 3, 3, 3]).shoe("Old", 600).plan(30)
    data = plan.to_json()
    assert list(data) == [
        "date",
        "day",
        "phase",
        "running_allowed",
        "stage",
        "activities",
        "done",
        "build",
        "warnings",
    ]
    assert data["date"] == day_date(30).isoformat()
    assert set(data["build"]) == {"week", "planned_volume_km", "deload"}
    assert all(set(w) == {"code", "message"} for w in data["warnings"])
    json.dumps(data)


def test_to_json_stage_object() -> None:
    data = p1().gates(8).plan(8).to_json()
    assert data["stage"] == {"number": 1, "run_s": 60, "walk_s": 120, "repeats": 10}
    assert data["build"] is None
    assert data["phase"] == "run_walk"
    assert data["activities"] == list(RUN_WALK_DAY)


def test_stage_table() -> None:
    # protocol.md's "total" column says 20 min for stage 1, but 10 × (1 + 2) min is 30 min;
    # the run/walk/repeats columns (and interface.md's example) are what the engine uses.
    assert [(s.run_s, s.walk_s, s.repeats, s.total_s) for s in STAGES.values()] == [
        (60, 120, 10, 1800),
        (120, 60, 8, 1440),
        (180, 60, 6, 1440),
    ]


# -- decide_next_stage ---------------------------------------------------------------------------


def _decide(h: H) -> Any:
    """Decide on the last session logged in *h*."""
    session = h.last_session()
    assert isinstance(session, RunWalkLog)
    return h.decide(session)


@pytest.mark.parametrize(
    ("make", "outcome", "next_stage"),
    [
        pytest.param(lambda: p1().gates(8).run_walk(8, 1), "progress", 2, id="s5-progress"),
        pytest.param(lambda: p1().gates(8).run_walk(8, 1, 2, 0), "repeat", 1, id="s5-pain-2"),
        pytest.param(
            lambda: p1().gates(8).run_walk(8, 1, stopped_after=3), "repeat", 1, id="s5-stopped"
        ),
        pytest.param(
            lambda: p1().gates(8).run_walk(8, 1).run_walk(10, 2, 0, 4), "flare", 1, id="s3-flare"
        ),
        pytest.param(lambda: p1().gates(8).run_walk(8, 3), "step_back", 2, id="s5-above-plan"),
        pytest.param(lambda: p2(12), "build", 3, id="s5-stage3-build-next"),
    ],
)
def test_decide_next_stage(make: Callable[[], H], outcome: str, next_stage: int) -> None:
    decision = _decide(make())
    assert decision.outcome == outcome
    assert decision.next_stage == next_stage
    assert decision.reason


def test_decide_next_stage_session_not_yet_in_history() -> None:
    h = p1().gates(8)
    session = RunWalkLog(
        date=day_date(8), stage=1, completed=True, repeats_done=10, pain_during=1, pain_after=0
    )
    decision = decide_next_stage(h.profile, h.history(), session)
    assert (decision.outcome, decision.next_stage) == ("progress", 2)
    assert "Stage 2 next" in decision.reason


def test_decide_next_stage_build_date() -> None:
    decision = _decide(p2(12))
    assert decision.build_from == day_date(22)


def test_decide_next_stage_in_phase1_changes_nothing() -> None:
    decision = _decide(p1().run_walk(5, 1))
    assert decision.outcome == "repeat"
    assert decision.next_stage is None


# -- explain_phase and misc -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "word"),
    [
        (lambda: p1().plan(3), "Phase 1"),
        (lambda: p1().gates(8).plan(8), "stage 1"),
        (lambda: build().plan(22), "Phase 3"),
        (lambda: p1().checkin(8, 5).plan(8), "48-hour"),
        (lambda: p1().red_flag(8).plan(8), "healthcare provider"),
    ],
)
def test_explain_phase(make: Callable[[], DayPlan], word: str) -> None:
    assert word in explain_phase(make())


def test_empty_history_far_before_and_after_start() -> None:
    profile = Profile(start_date=START)
    for on in (date(1970, 1, 1), date(2200, 12, 31)):
        plan = plan_for(profile, History(), on)
        assert plan.phase == "movement"
        assert not plan.running_allowed


def test_years_of_history_plan_a_build_week() -> None:
    """150 build weeks replay to a build day (the time it takes is tests.bench's to measure)."""
    h = build(*([[5.0, 5.0, 5.0]] * 150))
    plan = h.plan(22 + 7 * 150)
    assert plan.program_phase == "build"


# -- v2: told true ------------------------------------------------------------------------------


def test_two_sessions_in_a_day_the_decision_names_the_one_that_decided() -> None:
    """A stopped-early stage-2 session, then a completed pain-0 one the same day (issue 15)."""
    h = p1().gates(8).run_walk(8, 1).checkin(10).run_walk(10, 2, stopped_after=3)
    h.run_walk(10, 2)
    decision = h.decide(h.last_session())  # type: ignore[arg-type]
    assert decision.outcome == "repeat"
    assert decision.next_stage == 2
    assert "your stage 2 session was stopped early (after 3 of 8 repeats)" in decision.reason
    assert "With 2 run-walk sessions on" in decision.reason
    assert "the worst decides" in decision.reason


def test_a_session_logged_with_a_time_is_named_by_it() -> None:
    h = p1().gates(8).run_walk(8, 1).checkin(10).run_walk(10, 2, stopped_after=3)
    first = h.sessions[-1]
    h.sessions[-1] = first.model_copy(update={"logged_at": datetime(2026, 3, 11, 7, 10)})
    decision = h.decide(h.sessions[-1])  # type: ignore[arg-type]
    assert "your stage 2 session logged at 07:10 was stopped early" in decision.reason


def test_done_lists_what_was_logged_that_day_in_order() -> None:
    h = p1().gates(8)
    h.routine(9, "pre_run").run_walk(9, 1).routine(9, "daily_core").routine(9, "pre_run")
    plan = h.plan(9)
    assert plan.done == ("pre_run", "run_walk", "daily_core")
    assert plan.to_json()["done"] == ["pre_run", "run_walk", "daily_core"]
    assert h.plan(10).done == ()
    assert not plan.complete
    h.routine(9, "post_run")
    assert h.plan(9).complete


def test_build_rest_day_keeps_the_daily_core_and_explains_it() -> None:
    plan = build([3, 3, 3]).routines((23, 25, 27), "posterior_chain").plan(28)
    assert plan.rest_day
    assert "core_stability" in plan.activities
    # The plan's first line says it, once (issue 17): the phase text does not repeat it.
    from runback_tui.domain.wording import ACTIVITY_TEXT

    assert plan.activities[0] == "rest" and "daily core" in ACTIVITY_TEXT["rest"]
    assert "rest day" not in explain_phase(plan)


def test_complete_does_not_wait_for_heat_or_ice() -> None:
    h = p1().checkin(7, 1, stiffness=6)
    for routine in ("daily_core", "desk_mobility"):
        h.routine(7, routine)
    h.cross(7, "pool_run")
    plan = h.plan(7)
    assert "heat" in plan.activities and plan.complete


def test_red_flags_in_force_are_every_flag_since_the_pause_began() -> None:
    h = p1().gates(8).red_flag(9, "night_pain").red_flag(10, "bladder_bowel").checkin(11)
    assert h.plan(11).red_flags_in_force == ("bladder_bowel", "night_pain")
    assert h.clear(12).plan(12).red_flags_in_force == ()


# -- issue 17: reasons said once ------------------------------------------------------------------


def test_plan_reasons_drop_what_the_plan_lines_already_say() -> None:
    """Under "Run-walk stage 1: 10 × …", "Run-walk stage 1 today." says nothing new (issue 17)."""
    from runback_tui.domain.wording import plan_reasons

    plan = p1().gates(8).plan(8)
    assert plan.stage is not None and f"Run-walk stage {plan.stage.number} today." in plan.reasons
    shown = plan_reasons(plan)
    assert not any(reason.startswith("Run-walk stage") for reason in shown)
    assert any(reason.startswith("Stage 1 first") for reason in shown)
    assert "10 × (1 min run, 2 min walk)" not in explain_phase(plan)  # the plan line says it
    movement = p1().plan(3)
    assert plan_reasons(movement) == []  # "Phase 1, day 3 of 7: …" is the phase line again
    heat = p1().checkin(7, 1, stiffness=6).plan(7)
    assert [r for r in plan_reasons(heat) if r.startswith("Heat")] == [
        "Heat for stiffness: 6/10 on today's check-in."
    ]
    build_plan = build([3, 3, 3]).routines((23, 25, 27), "posterior_chain").plan(28)
    assert build_plan.rest_day
    rest = [r for r in plan_reasons(build_plan) if r.startswith("Full rest day")]
    assert rest == ["Full rest day: you trained on each of the last 6 days."]
