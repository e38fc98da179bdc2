"""Issue 17, item 3, on the screens: each fact said once, no word twice, tips that fit the
phase and follow the runner's program day, cue radios whole at 80×24 and 120×40, a saved
summary's footer that says what escape now does, and wrapped steps that hang under their text.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from runback_tui.app import RunbackApp, make_app
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.exercises import RECOVERY_TIPS
from runback_tui.domain.models import CheckIn
from runback_tui.screens.home import HomeScreen
from runback_tui.screens.routines import RoutinesScreen
from runback_tui.screens.settings import SettingsScreen
from runback_tui.screens.stop import StopScreen
from runback_tui.screens.summary import RunSummaryScreen, SummaryScreen
from runback_tui.storage.store import Store
from tests.conftest import CliRunner
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import (
    TODAY,
    _easy_checkins,
    _profile,
    days_ago,
    new_store,
    seed_acute,
    seed_movement,
    seed_paused,
    seed_run_walk,
)
from tests.ui.session_helpers import settle

SIZES = ((80, 24), (120, 40))
RUNNING_WORDS = ("surface", "downhill", "pavement", "grass", "track")


def app_for(store: Store, clock: FakeClock) -> RunbackApp:
    return make_app(store, clock, blink_cursor=False, animations=False)


def panel(app: RunbackApp, name: str) -> str:
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    return str(screen.query_one(f"#{name}", Static).render())


def squash(text: str) -> str:
    """*text* with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


# -- 1. reasons that only repeat the plan ---------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_home_says_todays_stage_once(
    store: Store, clock: FakeClock, size: tuple[int, int]
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        plan = panel(app, "home-plan")
        day = panel(app, "home-day")
    assert "Run-walk stage 1: 10 × (1 min run, 2 min walk) — 30 min" in plan
    assert "Why: Run-walk stage 1 today." not in plan
    assert "Why: Stage 1 first: the gates to phase 2 were met" in squash(plan)
    both = squash(plan + " " + day)
    assert both.count("10 × (1 min run, 2 min walk)") == 1, both


async def test_home_in_phase_1_does_not_restate_the_phase_as_a_reason(
    store: Store, clock: FakeClock
) -> None:
    seed_movement(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plan = panel(app, "home-plan")
    assert "Phase 1, day 4 of 7" not in plan
    assert "Why:" not in plan


async def test_home_heat_reason_adds_only_the_stiffness(store: Store, clock: FakeClock) -> None:
    seed_run_walk(store)
    store.save_checkin(CheckIn(date=TODAY, pain=1, stiffness=6))
    app = app_for(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        plan = squash(panel(app, "home-plan"))
    assert plan.count("never while sleeping") == 1, plan
    assert "Why: Heat for stiffness: 6/10 on today's check-in." in plan


def test_cli_today_says_the_stage_once(cli: CliRunner) -> None:
    cli("init", "--start-date", "2026-11-13", "--units", "km", "--accept-disclaimer")
    cli("checkin", "--pain", "1", "--date", "2026-11-20", "--walked-30-pain-free",
        "--single-leg-bridge-ok")  # fmt: skip
    cli("checkin", "--pain", "1", "--stiffness", "6", "--date", "2026-11-21")
    out = cli("today", "--date", "2026-11-21").out
    assert "Run-walk stage 1: 10 x (1 min run, 2 min walk), 30 min" in out
    assert "Run-walk stage 1 today." not in out
    assert out.count("(1 min run, 2 min walk)") == 1, out
    assert out.count("never while sleeping") == 1, out
    assert "Stage 1 first: the gates to phase 2 were met" in out
    first = cli("today", "--date", "2026-11-16").out
    assert "Phase 1, day 4 of 7" not in first and "Why:" not in first


# -- 2. no word twice: "⚠ FLARE: Flare (pain 4…" -----------------------------------------------


REPEATED = re.compile(r"(?<![\w-])([A-Za-z]+)(?:[:;,.]? )\1(?![\w-])", re.IGNORECASE)


@pytest.mark.parametrize("size", SIZES)
async def test_acute_warnings_name_the_flare_once(
    store: Store, clock: FakeClock, size: tuple[int, int]
) -> None:
    seed_acute(store)
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        warnings = squash(panel(app, "home-warnings"))
        text = screen_text(app)
    assert warnings.startswith("⚠ FLARE (pain 4 or more on 2026-11-21): acute care"), warnings
    assert not REPEATED.search(warnings), warnings
    assert not REPEATED.search(text), text


async def test_shoe_and_gate_warnings_name_their_word_once(store: Store, clock: FakeClock) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        warnings = squash(panel(app, "home-warnings"))
    assert warnings.startswith("ℹ SHOES “Blue trainers” have 490 km"), warnings
    assert not REPEATED.search(warnings), warnings


# -- 3. tips that fit the phase and change per runner ----------------------------------------


async def home_tip(store: Store, clock: FakeClock) -> str:
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        return squash(panel(app, "home-tip"))


@pytest.mark.parametrize("seed", [seed_acute, seed_paused, seed_movement])
async def test_no_running_tip_while_running_is_off(
    store: Store, clock: FakeClock, seed: object
) -> None:
    seed(store)  # type: ignore[operator]
    for _ in range(7):
        tip = await home_tip(store, clock)
        assert tip.startswith("Tip: ")
        assert not any(word in tip.lower() for word in RUNNING_WORDS), tip
        clock.advance(24 * 3600)


async def test_two_runners_see_different_tips_on_the_same_day(
    tmp_path: Path, clock: FakeClock
) -> None:
    tips = set()
    for offset in (8, 9):  # program days 9 and 10 of phase 2 on the same date
        store = new_store(tmp_path / f"r{offset}" / "runback.json")
        _profile(store, days_ago(offset))
        _easy_checkins(store, days_ago(offset), days_ago(2), gates_from=days_ago(2))
        tips.add(await home_tip(store, clock))
    assert len(tips) == 2, tips


async def test_the_tip_changes_from_day_to_day(store: Store, clock: FakeClock) -> None:
    seed_run_walk(store)
    seen = []
    for _ in range(3):
        seen.append(await home_tip(store, clock))
        clock.advance(24 * 3600)
    assert seen[0] != seen[1] != seen[2], seen
    texts = {tip.text for tip in RECOVERY_TIPS}
    for tip in seen:
        assert tip.removeprefix("Tip: ").split(" Runback is not")[0] in texts


# -- 4. the cue radios fit ---------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_cue_setting_radios_stay_together(
    store: Store, clock: FakeClock, size: tuple[int, int]
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        app.push_screen(SettingsScreen())
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        lines = screen_text(app).split("\n")
    ice = [line for line in lines if re.search(r"\((•| )\) (15|16|17|18|19|20)\b", line)]
    assert len(ice) == 1, ice  # all six minutes on one line
    assert all(f") {m}" in ice[0] for m in range(15, 21)), ice
    for line in lines:
        assert not line.strip().startswith(("( )", "(•)")) or "15" in line, line
        for answer in ("( ) No", "(•) No"):
            if answer in line:
                assert "Yes" in line, line


# -- 5. a saved summary's footer ----------------------------------------------------------------


async def finished_run(pilot: object, clock: FakeClock) -> None:
    from tests.ui.session_helpers import timer_screen

    app = pilot.app  # type: ignore[attr-defined]
    await pilot.press("r")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    screen = timer_screen(app)
    for _ in range(1800):
        clock.advance(1)
        screen.tick()
    await settle(pilot)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", SIZES)
async def test_saved_summary_offers_close_not_discard(
    store: Store, clock: FakeClock, size: tuple[int, int]
) -> None:
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await finished_run(pilot, clock)
        assert isinstance(app.screen, RunSummaryScreen)
        before = screen_text(app).split("\n")[-1]
        assert "esc Discard" in before
        await pilot.press("1", "tab", "1", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SummaryScreen) and screen.saved
        footer = screen_text(app).split("\n")[-1]
        text = screen_text(app)
        descriptions = {
            key: active.binding.description for key, active in screen.active_bindings.items()
        }
        assert descriptions["escape"] == "Close" and descriptions["enter"] == "Close"
        assert screen.active_bindings["escape"].binding.show
        assert "esc Close" in footer and "Discard" not in footer, footer
        assert "Save the log" not in footer, footer
        assert "escape discards" not in text and "enter saves" not in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SummaryScreen)  # closed, back where the run began


async def test_a_flare_decision_names_the_flare_once(store: Store, clock: FakeClock) -> None:
    """ "⚠ FLARE" over the engine's "Flare: pain reached 4 or more, …" would say it twice."""
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await finished_run(pilot, clock)
        await pilot.press("5", "tab", "5", "enter")
        await settle(pilot)
        decision = str(app.screen.query_one("#summary-decision", Static).render())
    assert decision.startswith("⚠ FLARE"), decision
    assert "\nPain reached 4 or more, so 48 hours of acute care come first" in decision, decision
    assert "Flare:" not in decision


# -- 6. hanging indents ------------------------------------------------------------------------


def continuation_problems(lines: list[str]) -> list[str]:
    """Lines that continue a numbered step ("3. …") but start left of the step's text."""
    problems = []
    text_column: int | None = None
    for line in lines:
        inner = re.sub(r"^[^\w(•★]*?[│┃║▊]\s?", "", line)  # drop a box's left edge
        step = re.match(r"^(\s*)(\d+)\. ", inner)
        if step:
            text_column = step.end()
            continue
        if text_column is None:
            continue
        stripped = inner.rstrip("│┃║▎ ").strip()
        if not stripped or not stripped[0].isalnum():  # a blank line or a box's edge
            text_column = None
            continue
        indent = len(inner) - len(inner.lstrip())
        if stripped[0].islower() and indent < text_column:
            problems.append(line)
        text_column = None if stripped[0].isupper() and indent < text_column else text_column
    return problems


@pytest.mark.parametrize("size", [(60, 24), (80, 24), (120, 40)])
async def test_stop_screen_steps_hang_under_their_text(
    store: Store, clock: FakeClock, size: tuple[int, int]
) -> None:
    seed_paused(store)
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(StopScreen())
        await pilot.pause()
        await pilot.pause()
        lines = screen_text(app).split("\n")
    assert not continuation_problems(lines), "\n".join(lines)
    joined = squash("\n".join(lines))
    assert "2. See a healthcare provider" in joined


@pytest.mark.parametrize("size", SIZES)
async def test_routine_list_lines_hang_under_their_names(
    store: Store, clock: FakeClock, size: tuple[int, int]
) -> None:
    seed_acute(store)  # "· not today" makes the long lines longer
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(RoutinesScreen())
        await pilot.pause()
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        rows = []
        for index in range(options.option_count):
            option = options.get_option_at_index(index)
            if option.id and option.id.startswith(("routine:", "exercise:", "ice")):
                style = options.get_visual_style("option-list--option")
                strips = options._get_option_render(option, style)
                lines = [strip.text.rstrip() for strip in strips]
                rows.append([line for line in lines if line.strip(" ─")])  # not its divider
    wrapped = [row for row in rows if len(row) > 1]
    if size[0] == 80:
        assert wrapped, "expected a long routine line to wrap at 80 columns"
    for row in wrapped:
        column = next(i for i, char in enumerate(row[0]) if char.isalnum())
        for line in row[1:]:  # under the name, past the ★ mark
            assert not line[:column].strip() and line[column] != " ", row
    flat = [squash(" ".join(row)) for row in rows]
    assert "★ Ice timer · 15–20 min · Acute days" in flat


@pytest.mark.parametrize("size", [(60, 24), (80, 24), (120, 40)])
async def test_routine_picker_numbers_a_routines_exercises(
    store: Store, clock: FakeClock, size: tuple[int, int]
) -> None:
    """The panel below the list numbers the highlighted routine's exercises; a wrapped one
    hangs under its name."""
    seed_run_walk(store)
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(RoutinesScreen())
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index("routine:glutes_hips")
        await pilot.pause()
        await pilot.pause()
        lines = screen_text(app).split("\n")
    text = squash("\n".join(lines))
    assert "1. Glute bridge · 2 × 12" in text
    assert "5. Banded clamshell · 2 × 12 per side" in text  # the routine's own dose, all shown
    assert not continuation_problems(lines), "\n".join(lines)


def test_days_ago_is_relative() -> None:  # keeps the fixture import honest
    assert days_ago(1) == TODAY - timedelta(days=1)


def left_panel(lines: list[str]) -> list[str]:
    """The left column of home at 120×40 (up to the first panel's right border)."""
    return [line[: line.find("│", 3) + 1] if "│" in line[3:] else line for line in lines]


async def test_home_list_lines_hang_under_their_text(store: Store, clock: FakeClock) -> None:
    """At 120×40 an acute day's plan item, check-in line and "Why:" wrap under their text."""
    seed_acute(store)
    app = app_for(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lines = left_panel(screen_text(app).split("\n"))
    assert not continuation_problems(lines), "\n".join(lines)
    for lead, follow in (("2. Ice, 15–20 min", "   "), ("[x] Checked in", "    "),
                         ("Why: Acute care", "     ")):  # fmt: skip
        row = next(i for i, line in enumerate(lines) if lead in line)
        start = lines[row].index(lead)
        below = lines[row + 1][start:]
        assert below.startswith(follow) and below[len(follow)] != " ", (lines[row], below)
