"""Pilot tests of the dashboard: panels by keyboard, ranges, filters, states, live refresh, and
what the panels show whole at 80×24 and 120×40 (issue 17)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Tabs

from runback_tui.app import RunbackApp, make_app
from runback_tui.demo import seed_demo
from runback_tui.domain.aggregates import SYMBOL_LEGEND, at_a_glance
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import CheckIn, Profile, RunLog
from runback_tui.screens.dashboard import (
    EVENT_FILTERS,
    NOT_MEDICAL_ADVICE,
    PAIN_RANGES,
    PANELS,
    DashboardScreen,
)
from runback_tui.storage.store import Store
from runback_tui.widgets.charts import PainChart, pain_row, pain_row_labels
from runback_tui.widgets.live import LIVE_POLL_SECONDS, LiveData
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import NOW, TODAY, new_store, seed_build

ROOT = Path(__file__).resolve().parents[2]
SMALL = (80, 24)
LARGE = (120, 40)


def app_for(store: Store, clock: FakeClock) -> RunbackApp:
    """The app as the tests drive it: no blinking cursor, no animations."""
    return make_app(store, clock, blink_cursor=False, animations=False)


def demo_store(path: Path) -> Store:
    """A store holding the demo history ending on the suite's frozen today."""
    store = Store(path, now=FakeClock(NOW).now)
    seed_demo(store, TODAY)
    return store


async def open_dashboard(pilot: Pilot[None]) -> DashboardScreen:
    """Push the dashboard and wait until its first computation is shown."""
    screen = DashboardScreen()
    await pilot.app.push_screen(screen)
    for _ in range(100):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if screen.data is not None or screen.problem is not None or screen.has_class("-empty"):
            break
    await pilot.pause()
    return screen


def text_of(screen: DashboardScreen, selector: str) -> str:
    """The plain text a Static or a TextChart shows."""
    return str(screen.query_one(selector).render())


def shown_lines(app: RunbackApp, widget: Widget) -> list[str]:
    """The lines the terminal shows inside *widget*'s border and padding (what is on screen
    now, not what scrolling would reveal)."""
    region = widget.content_region
    lines = []
    for row in screen_text(app).split("\n")[region.y : region.bottom]:
        cells, line = 0, ""
        for char in row:
            if region.x <= cells < region.right:
                line += char
            cells += cell_len(char)
        lines.append(line)
    return lines


def words(text: str) -> str:
    """*text* with every run of whitespace (line breaks, indents) one space."""
    return " ".join(text.split())


def shown_words(app: RunbackApp, widget: Widget) -> str:
    """The words on screen inside *widget*, wrapped lines joined."""
    return words(" ".join(shown_lines(app, widget)))


async def test_dashboard_shows_where_you_are_and_every_panel_by_key(tmp_path: Path) -> None:
    app = app_for(demo_store(tmp_path / "r.json"), FakeClock(NOW))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.data is not None and not screen.data.empty
        assert screen.has_class("-narrow") and not screen.has_class("-tall")
        now = text_of(screen, "#now-body")
        assert "Phase 3 · build week 6" in now and "Program day 70" in now
        assert "Next scheduled deload: build week 8" in now
        for number, (key, _) in enumerate(PANELS, start=1):
            await pilot.press(str(number))
            await pilot.pause()
            panel = screen.query_one(f"#panel-{key}")
            assert panel.display and panel.has_focus
            assert screen.query_one("#dash-tabs", Tabs).active == f"tab-{key}"
            others = [k for k, _ in PANELS if k != key]
            assert not any(screen.query_one(f"#panel-{o}").display for o in others)
        # The tab bar works with the arrow keys too.
        screen.query_one("#dash-tabs", Tabs).focus()
        await pilot.press("left")
        await pilot.pause()
        assert screen.active_panel == "shoes"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DashboardScreen)


async def test_grid_shows_all_panels_at_120x40(tmp_path: Path) -> None:
    app = app_for(demo_store(tmp_path / "r.json"), FakeClock(NOW))
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.has_class("-wide") and screen.has_class("-tall")
        assert not screen.query_one("#dash-tabs").display
        for key, _ in PANELS:
            assert screen.query_one(f"#panel-{key}").display, key
        # Tab moves focus through the panels (every panel is reachable by keyboard).
        focused = set()
        for _ in range(12):
            await pilot.press("tab")
            if app.focused is not None:
                focused.add(app.focused.id)
        assert {f"panel-{key}" for key, _ in PANELS} <= focused | {"events-table"}


async def test_pain_range_and_event_filter_switch_without_recomputing(tmp_path: Path) -> None:
    app = app_for(demo_store(tmp_path / "r.json"), FakeClock(NOW))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_dashboard(pilot)
        live = screen.query_one(LiveData)
        computed = live.computations
        await pilot.press("2")
        assert "[4 weeks]" in text_of(screen, "#pain-head")
        chart = screen.query_one("#pain-chart", PainChart)
        assert chart.display
        for label, _ in PAIN_RANGES[2:] + PAIN_RANGES[:2]:
            await pilot.press("w")
            await pilot.pause()
            assert f"[{label}]" in text_of(screen, "#pain-head")
        await pilot.press("6")
        table = screen.query_one("#events-table", DataTable)
        data = screen.data
        assert data is not None
        assert table.row_count == len(data.events)
        for kind in EVENT_FILTERS[1:]:
            await pilot.press("f")
            await pilot.pause()
            assert table.row_count == len([e for e in data.events if e.kind == kind]) > 0
        await pilot.press("f")
        assert table.row_count == len(data.events)
        assert "RED FLAG" in [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        await pilot.pause(1.2)  # a poll with no change computes nothing
        assert live.computations == computed


async def test_panels_say_it_in_words(tmp_path: Path) -> None:
    """Meaning never rests on colour alone: marks and words in every panel."""
    app = app_for(demo_store(tmp_path / "r.json"), FakeClock(NOW))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("3")
        adherence = text_of(screen, "#adherence-body")
        data = screen.data
        assert data is not None
        done = data.adherence
        percent = f"{done.percent:.0f}%"
        assert f"Done {done.adherent} of {done.counted} days ({percent})" in adherence
        assert f"check-in {data.streaks.checkin_days} d" in adherence
        assert "R ran" in adherence and "Uppercase" in adherence
        await pilot.press("4")
        await pilot.pause()
        load_text = str(screen.query_one("#load-bars").render())
        # The demo's build weeks stay within the cap as the engine judges them (protocol v2:
        # prescribed run-walks never count); the over mark shows exactly when a week is over.
        assert ("⚠ OVER" in load_text) == bool(data.over_cap_weeks)
        assert "deload" in load_text and "│" in load_text
        assert "10% cap" in text_of(screen, "#load-head")
        await pilot.press("5")
        await pilot.pause()
        shoes = str(screen.query_one("#shoes-body").render())
        assert "LOOK FOR A REPLACEMENT" in shoes and "OK" in shoes
        assert "483 km (300 mi)" in shoes


async def test_empty_state_for_a_new_user(store: Store, clock: FakeClock) -> None:
    store.save_profile(Profile(start_date=TODAY, accepted_disclaimer=True))
    app = app_for(store, clock)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.has_class("-empty")
        assert screen.query_one("#dash-empty").display
        assert not screen.query_one("#dash-panels").display
        text = text_of(screen, "#dash-empty")
        assert "fills in as you go" in text and "press c" in text
        assert "program day 1" in text
        await pilot.press("w", "f", "3")  # nothing to switch: harmless
        assert screen.has_class("-empty")


async def test_no_profile_says_so(store: Store, clock: FakeClock) -> None:
    app = app_for(store, clock)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_dashboard(pilot)
        assert "No profile yet" in text_of(screen, "#dash-empty")


async def test_live_refresh_when_another_process_checks_in(tmp_path: Path) -> None:
    """`runback checkin` in a second process shows on the open dashboard at its next poll."""
    today = date.today()
    path = tmp_path / "live.json"
    store = Store(path)
    store.save_profile(Profile(start_date=today - timedelta(days=20), accepted_disclaimer=True))
    store.save_checkin(CheckIn(date=today - timedelta(days=1), pain=1))
    app = app_for(store, FakeClock(datetime.combine(today, datetime.min.time())))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.data is not None and screen.data.pain[-1].date < today
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        argv = [sys.executable, "-m", "runback_tui", "--data", str(path), "checkin"]
        argv += ["--pain", "3", "--date", today.isoformat()]
        done = await asyncio.to_thread(
            subprocess.run, argv, capture_output=True, text=True, env=env, check=False
        )
        assert done.returncode == 0, done.stderr
        # The screen polls the file every LIVE_POLL_SECONDS; poll now rather than time it.
        assert screen.query_one(LiveData).interval <= LIVE_POLL_SECONDS <= 2.0
        screen.query_one(LiveData).poll()
        for _ in range(600):  # a wait, not a timing: the reload runs in a worker
            await pilot.pause(0.05)
            data = screen.data
            if data is not None and data.pain[-1].date == today:
                break
        data = screen.data
        assert data is not None
        assert (data.pain[-1].date, data.pain[-1].pain) == (today, 3)
        await pilot.press("2")
        assert "Latest 3" in text_of(screen, "#pain-head")


async def test_unreadable_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    store = demo_store(path)
    app = app_for(store, FakeClock(NOW))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.data is not None
        path.write_text("{ not json", encoding="utf-8")
        for _ in range(40):
            await pilot.pause(0.05)
            if screen.problem is not None:
                break
        assert screen.problem is not None and "cannot read your data" in screen.problem
        assert screen.has_class("-empty")
        assert str(path) in text_of(screen, "#dash-empty")


# -- whole at 80×24 and 120×40 (issue 17) -----------------------------------------------------


async def test_where_you_are_is_whole_in_the_grid_at_120x40(tmp_path: Path) -> None:
    """Panel 1 shows all of itself without scrolling: every At-a-glance line (Work and Load
    too) and the last line."""
    app = app_for(demo_store(tmp_path / "r.json"), FakeClock(NOW))
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.pause()
        data = screen.data
        assert data is not None
        panel = screen.query_one("#panel-now")
        assert panel.max_scroll_y == 0  # nothing hidden below
        shown = shown_words(app, panel)
        pain, work, overload = at_a_glance(data)
        assert work.startswith("Work:") and overload.startswith("Load:")
        for line in (pain, work, overload, NOT_MEDICAL_ADVICE):
            assert words(line) in shown, (line, shown)


@pytest.mark.parametrize(("size", "keys"), [(SMALL, "3"), (LARGE, "")], ids=["80x24", "120x40"])
async def test_adherence_key_is_on_screen(size: tuple[int, int], keys: str, tmp_path: Path) -> None:
    """What every calendar letter means shows with the calendar, at both sizes."""
    app = app_for(demo_store(tmp_path / "r.json"), FakeClock(NOW))
    async with app.run_test(size=size) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        panel = screen.query_one("#panel-adherence")
        shown = shown_words(app, panel)
        for symbol, meaning in SYMBOL_LEGEND:
            assert f"{symbol} {meaning}" in shown, (symbol, shown)
        assert "lowercase r e z" in shown


def pain_one_store(path: Path) -> Store:
    """Two weeks of check-ins, every one of them pain 1."""
    store = new_store(path)
    store.save_profile(Profile(start_date=TODAY - timedelta(days=13), accepted_disclaimer=True))
    for n in range(14):
        store.save_checkin(CheckIn(date=TODAY - timedelta(days=n), pain=1))
    return store


def chart_rows(chart: PainChart) -> dict[str, str]:
    """Each plot row of the pain chart as drawn, by its y label."""
    rows = {}
    for line in str(chart.render()).split("\n"):
        label, bar, plot = line.partition("┤")
        if bar:
            rows[label.strip()] = plot
    return rows


@pytest.mark.parametrize(("size", "keys"), [(SMALL, "2"), (LARGE, "")], ids=["80x24", "120x40"])
async def test_pain_1_is_drawn_on_the_row_labelled_1(
    size: tuple[int, int], keys: str, tmp_path: Path
) -> None:
    """A row per pain value 0–10, each labelled, and a check-in of pain 1 on the row '1'."""
    app = app_for(pain_one_store(tmp_path / "r.json"), FakeClock(NOW))
    async with app.run_test(size=size) as pilot:
        await open_dashboard(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        rows = chart_rows(app.screen.query_one("#pain-chart", PainChart))
        assert list(rows) == [str(v) for v in range(10, -1, -1)]
        assert "●" in rows["1"]
        assert "●" not in rows["0"] and "●" not in rows["2"]


def test_a_short_pain_chart_labels_its_rows_exactly() -> None:
    """Where the height has fewer than 11 plot rows, each label names exactly the values drawn
    on its row: every value 0–10 on one row, and that row's label says so."""
    for rows in range(2, 12):
        labels = pain_row_labels(rows)
        assert len(labels) == rows
        for value in range(11):
            low, _, high = labels[pain_row(value, rows)].partition("-")
            assert int(low) <= value <= int(high or low), (rows, value, labels)
    assert pain_row_labels(11) == [str(v) for v in range(11)]


def deload_now_store(path: Path) -> tuple[Store, FakeClock]:
    """The build seed ten days on: today is in build week 4, a deload week, with a run."""
    store = new_store(path)
    seed_build(store)
    today = TODAY + timedelta(days=10)
    day = TODAY
    while day <= today:
        store.save_checkin(CheckIn(date=day, pain=1))
        day += timedelta(days=1)
    for offset in (2, 5, 9):
        store.add_session(
            RunLog(
                date=TODAY + timedelta(days=offset),
                distance_km=3.0,
                minutes=22.0,
                pain_during=1,
                pain_after=0,
                shoe="Grey racers",
            )
        )
    return store, FakeClock(NOW + timedelta(days=10))


@pytest.mark.parametrize(("size", "keys"), [(SMALL, "4"), (LARGE, "")], ids=["80x24", "120x40"])
async def test_load_lines_fit_deload_so_far_and_the_legend(
    size: tuple[int, int], keys: str, tmp_path: Path
) -> None:
    """The current deload week's line keeps "deload (so far)" on it, and the legend's "│ 10% cap"
    stays whole: no line of the load panel wraps."""
    store, clock = deload_now_store(tmp_path / "r.json")
    app = app_for(store, clock)
    async with app.run_test(size=size) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        data = screen.data
        assert data is not None
        current = [w for w in data.weeks if w.current]
        assert current and current[0].deload and current[0].build_week == 4
        bars = screen.query_one("#load-bars")
        drawn = str(bars.render()).split("\n")
        assert all(cell_len(line) <= bars.size.width for line in drawn), drawn
        lines = shown_lines(app, screen.query_one("#panel-load"))
        week = [line for line in lines if line.startswith("wk 4 ")]
        assert week and "deload (so far)" in week[0], lines
        assert any("│ 10% cap" in line for line in lines), lines
