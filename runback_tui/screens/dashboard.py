"""The dashboard (key ``d``): where you are, pain trend, adherence, load, shoes and events.

Layout: below 110 columns or 38 rows one panel at a time under a tab bar (``1``–``6`` or
``←``/``→`` on the tabs); from 110×38 up all six panels in a grid, its rows fitted so that
"where you are", the pain chart (a row per pain value) and the adherence calendar with its key
show whole.  ``tab`` moves focus through the visible panels either way.  The aggregates are
computed once per data change by :class:`~runback_tui.widgets.live.LiveData` in a thread
worker (the file is checked every second, so a check-in written by another process shows
within about a second); switching the pain range (``w``) or the events filter (``f``) only
redraws from the cached data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical, VerticalScroll
from textual.events import Resize
from textual.geometry import Size
from textual.visual import visualize
from textual.widget import Widget
from textual.widgets import DataTable, Static, Tab, Tabs

from runback_tui.domain import wording
from runback_tui.domain.aggregates import (
    EVENT_KINDS,
    EVENT_LABELS,
    DashboardData,
    EventKind,
    WeekVolume,
    at_a_glance,
    compute_dashboard,
)
from runback_tui.domain.load import format_distance
from runback_tui.domain.models import Units
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.charts import (
    PainChart,
    flow,
    hanging,
    heat_map_with_key,
    paged,
    shoe_blocks,
    volume_bars,
)
from runback_tui.widgets.live import LiveData

if TYPE_CHECKING:
    from runback_tui.screens.base import Runback as RunbackApp

PANELS: tuple[tuple[str, str], ...] = (
    ("now", "Now"),
    ("pain", "Pain"),
    ("adherence", "Adherence"),
    ("load", "Load"),
    ("shoes", "Shoes"),
    ("events", "Events"),
)
"""(id, tab label) of each panel, in key order 1–6."""

PAIN_RANGES: tuple[tuple[str, int | None], ...] = (
    ("2 weeks", 14),
    ("4 weeks", 28),
    ("12 weeks", 84),
    ("everything", None),
)
"""The pain chart's ranges: label and days (None: since the first check-in)."""

GRID_MIN_HEIGHT = 38
"""From this many rows (and 110 columns) the six panels share the screen in a grid: below it
the grid's first two rows, fitted to "where you are" and the calendar, leave shoes and events
no room."""

SESSION_MARKS_MAX_DAYS = 120
"""Session pain marks are drawn only in ranges up to this many days (they crowd longer ones)."""

EVENT_FILTERS: tuple[EventKind | None, ...] = (None, *EVENT_KINDS)
"""The events table's filters in the order ``f`` cycles through them."""

NOT_MEDICAL_ADVICE = "Runback is not medical advice. Press ? for when to see a professional."

DONE_DAY = (
    "Uppercase = done: a check-in plus training or a rest day (planned, flare or pause). "
    "Today counts once done."
)
"""What makes a day done, under the adherence calendar (aggregates' adherent day)."""

EMPTY_TEXT = (
    "Your dashboard fills in as you go. After your first check-in you will see:\n\n"
    "• Pain: daily pain, its 7-day average, pain during and after sessions\n"
    "• Adherence: 12 weeks of check-ins, routines, run-walks and rest days\n"
    "• Load: weekly distance against the 10% cap, deload weeks marked\n"
    "• Shoes: each pair's distance against the 300 mi and 500 mi marks\n"
    "• Events: red flags, clearances, flares and stage changes\n\n"
    "To start, press c for today's check-in (or `runback checkin --pain N`).\n"
    "To look around first, try `runback demo`: ten weeks of made-up history."
)


class ScrollPanel(VerticalScroll):
    """A bordered dashboard panel whose content scrolls (focusable)."""


class FixedPanel(Vertical, can_focus=True):
    """A bordered dashboard panel holding a chart or a table (focusable)."""


class TextChart(Widget):
    """Text drawn for the widget's current width (bars, or lines that wrap between items or
    with a hanging indent); redrawn only on resize or new data."""

    DEFAULT_CSS = """
    TextChart {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._draw: Callable[[int], Text] | None = None
        self._cache: tuple[tuple[int, int], Text] | None = None

    def draw(self, draw: Callable[[int], Text]) -> None:
        """Show what *draw* returns for the widget's width."""
        self._draw = draw
        self._cache = None
        self.refresh(layout=True)

    def _text(self, width: int) -> Text:
        """The drawing for *width* cells (the last one is kept, per width and page height)."""
        if self._draw is None:
            return Text()
        key = (width, self.page_height())
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self._draw(width))
        return self._cache[1]

    def page_height(self) -> int:
        """The rows of the panel's view this drawing scrolls in (0 before it is laid out)."""
        parent = self.parent
        return parent.scrollable_content_region.height if isinstance(parent, Widget) else 0

    def render(self) -> Text:
        """The drawing for the current width."""
        return self._text(self.size.width or 60)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The height of the drawing for *width* (not for the width the widget has now)."""
        if self._draw is None or not width:
            return 0
        visual = visualize(self, self._text(width))
        return visual.get_height(self.styles, width)  # type: ignore[arg-type]  # as Widget does

    def on_resize(self, event: Resize) -> None:
        """Redraw for the new width."""
        self._cache = None
        self.refresh(layout=True)


_last_data: tuple[object, date, DashboardData] | None = None
"""The last aggregates computed, with the snapshot (one per file version) and date they are for."""


class DashboardScreen(RunbackScreen[None]):
    """Progress at a glance, refreshed live when another Runback process writes the file."""

    CSS_PATH = [stylesheet("dashboard.tcss")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (GRID_MIN_HEIGHT, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "panel('now')", "Panels", key_display="1-6", id="dashboard-panels"),
        *[
            Binding(str(number), f"panel('{key}')", label, show=False)
            for number, (key, label) in enumerate(PANELS[1:], start=2)
        ],
        Binding("w", "pain_range", "Pain range", id="dashboard-pain-range"),
        Binding("f", "event_filter", "Filter events", id="dashboard-event-filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: DashboardData | None = None
        """The aggregates shown, recomputed once per data change."""
        self.problem: str | None = None
        """Why nothing can be shown (no profile, unreadable file), else None."""
        self.pain_range = 1
        """Index into PAIN_RANGES (4 weeks first)."""
        self.event_filter = 0
        """Index into EVENT_FILTERS (all first)."""
        self.active_panel = "now"
        """The panel shown in the one-panel (tabs) layout."""
        self._grid_rows = ""
        """The grid's row heights as last fitted to the panels (see _fit_grid)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Panel, range and filter keys only while there is something to show."""
        if action in ("panel", "pain_range", "event_filter"):
            return self.data is not None and not self.data.empty
        return True

    # -- building ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Tabs(
            *[Tab(f"{n} {label}", id=f"tab-{key}") for n, (key, label) in enumerate(PANELS, 1)],
            id="dash-tabs",
        )
        yield Static(EMPTY_TEXT, id="dash-empty")
        with Container(id="dash-panels"):
            with ScrollPanel(id="panel-now", classes="dash-panel -active"):
                yield TextChart(id="now-body")
            with FixedPanel(id="panel-pain", classes="dash-panel"):
                yield TextChart(id="pain-head")
                yield PainChart(id="pain-chart")
                yield Static(id="pain-none")
            with ScrollPanel(id="panel-adherence", classes="dash-panel"):
                yield TextChart(id="adherence-body")
            with ScrollPanel(id="panel-load", classes="dash-panel"):
                yield Static(id="load-head")
                yield TextChart(id="load-bars")
            with ScrollPanel(id="panel-shoes", classes="dash-panel"):
                yield TextChart(id="shoes-body")
            with FixedPanel(id="panel-events", classes="dash-panel"):
                yield TextChart(id="events-filter")
                yield DataTable(id="events-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="events-detail")
        yield LiveData(self._compute, self._version, id="dash-live")
        yield KeyBar()

    def on_mount(self) -> None:
        """Titles and table columns; the data arrives from the LiveData worker."""
        titles = {
            "now": "1 Where you are",
            "pain": "2 Pain trend",
            "adherence": "3 Adherence · last 12 weeks",
            "load": "4 Weekly load",
            "shoes": "5 Shoes",
            "events": "6 Events",
        }
        for key, title in titles.items():
            self.query_one(f"#panel-{key}").border_title = title
        table = self.query_one("#events-table", DataTable)
        table.add_column("Date", key="date")
        table.add_column("Kind", key="kind")
        table.add_column("What", key="what")
        self.query_one("#pain-none").display = False
        self.query_one("#now-body", TextChart).draw(lambda width: Text("Loading…"))

    # -- data -------------------------------------------------------------------------------

    def _version(self) -> object:
        """Changes whenever any process writes the file, and at midnight."""
        return (self.runback.store.data_version(), self.runback.clock.today())

    def _compute(self) -> DashboardData | None:
        """Runs in a worker thread: read the store and compute every aggregate once."""
        return dashboard_data(self.runback)

    @on(LiveData.Updated)
    def _data_updated(self, message: LiveData.Updated) -> None:
        """Show freshly computed data."""
        message.stop()
        value = message.value
        if value is None:
            self.data = None
            self.problem = "No profile yet: set one up on the home screen first (press h)."
        else:
            assert isinstance(value, DashboardData)
            self.data = value
            self.problem = None
        self._show_all()

    @on(LiveData.Failed)
    def _data_failed(self, message: LiveData.Failed) -> None:
        """Say why the data cannot be shown (the file is unreadable, locked, corrupt …)."""
        message.stop()
        self.data = None
        self.problem = f"✗ The dashboard cannot read your data: {message.error}"
        self._show_all()

    def on_resize(self, event: Resize) -> None:
        """Fit the grid's rows to the new size once it is laid out."""
        self.call_after_refresh(self._fit_grid)

    def _fit_grid(self) -> None:
        """In the grid layout, make the first row as tall as all of "where you are" (or the pain
        chart with a row per pain value, if taller) and the second as the adherence calendar
        with its key, so both show whole; shoes and events get the rest."""
        if not (self.has_class("-wide") and self.has_class("-tall")) or self.has_class("-empty"):
            return
        grid = self.query_one("#dash-panels")

        def needed(*keys: str) -> int | None:
            heights = []
            for key in keys:
                panel = self.query_one(f"#panel-{key}")
                inner = panel.region.width - panel.styles.gutter.width
                if inner <= 0:
                    return None  # not laid out yet
                content = panel.get_content_height(grid.size, self.size, inner)
                heights.append(content + panel.styles.gutter.height)
            return max(heights)

        first, second = needed("now", "pain"), needed("adherence")
        if first is None or second is None:
            return
        rows = f"{first} {second} 1fr"
        if rows != self._grid_rows:
            self._grid_rows = rows
            grid.styles.grid_rows = rows
        # The shoes panel's blocks are laid out for the height of its view: redraw for it.
        self.call_after_refresh(self.query_one("#shoes-body").refresh, layout=True)

    def on_screen_resume(self) -> None:
        """Pick up changes made on other screens of this app."""
        self.query_one(LiveData).poll()

    # -- actions ----------------------------------------------------------------------------

    def action_panel(self, key: str) -> None:
        """Show panel *key* (tabs layout) and focus it (both layouts)."""
        self._activate(key)
        self.query_one("#dash-tabs", Tabs).active = f"tab-{key}"
        panel = self.query_one(f"#panel-{key}")
        if panel.display:
            panel.focus()
            panel.scroll_visible()

    def action_pain_range(self) -> None:
        """Cycle the pain chart through 2, 4, 12 weeks and everything."""
        self.pain_range = (self.pain_range + 1) % len(PAIN_RANGES)
        self._show_pain()

    def action_event_filter(self) -> None:
        """Cycle the events table through all, red flags, clearances, flares, stage changes."""
        self.event_filter = (self.event_filter + 1) % len(EVENT_FILTERS)
        self._show_events()

    @on(Tabs.TabActivated, "#dash-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        """The tab bar chose a panel."""
        tab_id = event.tab.id or ""
        if tab_id.startswith("tab-"):
            self._activate(tab_id.removeprefix("tab-"))

    def _activate(self, key: str) -> None:
        """Mark panel *key* as the one the tabs layout shows."""
        self.active_panel = key
        for other, _ in PANELS:
            self.query_one(f"#panel-{other}").set_class(other == key, "-active")

    @on(DataTable.RowHighlighted, "#events-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the highlighted event's sentence under the table."""
        self._show_event_detail(event.cursor_row)

    # -- showing ----------------------------------------------------------------------------

    def _show_all(self) -> None:
        """Fill every panel from self.data (or show the empty state)."""
        data = self.data
        empty = data is None or data.empty
        self.set_class(empty, "-empty")
        self.refresh_bindings()
        if data is None or empty:
            body = self.problem if self.problem else EMPTY_TEXT
            if data is not None and self.problem is None:
                body = f"{data.phase_title} · program day {data.plan.day}\n\n{EMPTY_TEXT}"
                body += "".join(f"\n\n{line}" for line in data.load_context)
            self.query_one("#dash-empty", Static).update(body)
            return
        self._show_now()
        self._show_pain()
        self._show_adherence()
        self._show_load()
        self._show_shoes()
        self._show_events()
        self.call_after_refresh(self._fit_grid)

    def _show_now(self) -> None:
        """Where you are: phase, program day, stage, next milestones, today's check-in."""
        data = self.data
        assert data is not None
        plan = data.plan
        lines: list[tuple[Text, int]] = []  # each line, and the indent of its wrapped rest

        def add(line: str, style: str = "", hang: int = 0) -> None:
            lines.append((Text(line, style=style), hang))

        add(data.phase_title, "bold")
        add(f"Program day {plan.day} · {data.today:%A %d %B %Y}")
        if plan.stage is not None:
            stage = plan.stage
            add(f"Today: run-walk stage {stage.number}, {wording.stage_intervals(stage)}", hang=2)
        elif plan.rest_day:
            add("Today: full rest day")
        for line in data.milestones:
            add(f"→ {line}", hang=2)
        add("At a glance", "bold underline")
        for line in at_a_glance(data):
            style = "bold" if ("WORSE" in line or "OVER" in line) else ""
            add(f"  {line}", style, hang=4)
        if plan.checked_in:
            add("✓ Checked in today")
        else:
            add("✗ Not checked in yet today: press c", "bold")
        if plan.warnings:
            codes = ", ".join(dict.fromkeys(w.code.replace("_", " ") for w in plan.warnings))
            many = wording.plural(len(plan.warnings), "warning")
            add(f"⚠ {many} on the home screen: {codes}", hang=2)
        add(NOT_MEDICAL_ADVICE, "italic dim")

        def draw(width: int) -> Text:
            return Text("\n").join(hanging(line, width, hang) for line, hang in lines)

        self.query_one("#now-body", TextChart).draw(draw)

    def _show_pain(self) -> None:
        """The pain chart for the chosen range, with a header naming the range and figures."""
        data = self.data
        if data is None or data.empty:
            return
        label, days = PAIN_RANGES[self.pain_range]
        last = data.today
        if days is None:
            first = min(data.profile.start_date, data.pain[0].date if data.pain else last)
        else:
            first = last - timedelta(days=days - 1)
        ranges = [Text("Range (w):")]
        for index, (name, _) in enumerate(PAIN_RANGES):
            if index == self.pain_range:
                ranges.append(Text(f"[{name}]", style="bold reverse"))
            else:
                ranges.append(Text(f" {name} ", style="dim"))
        inside = [p for p in data.pain if first <= p.date <= last]
        figures: list[Text] = []
        if inside:
            latest = inside[-1]
            worst = max(inside, key=lambda p: (p.pain, p.date))
            when = "today" if latest.date == data.today else f"{latest.date:%d %b}"
            figures += [
                Text(f"Latest {latest.pain} ({when}),"),
                Text(f"7-day average {latest.average:.1f},"),
                Text(f"peak {worst.pain} ({worst.date:%d %b})"),
            ]
        marks = (last - first).days < SESSION_MARKS_MAX_DAYS
        if not marks:
            figures.append(Text("· session marks in the shorter ranges", style="dim"))

        def draw_head(width: int) -> Text:
            head = flow(ranges, width, gap=1)
            head.append("\n")
            head.append_text(flow(figures, width, gap=1))
            return head

        self.query_one("#pain-head", TextChart).draw(draw_head)
        chart = self.query_one("#pain-chart", PainChart)
        none = self.query_one("#pain-none", Static)
        chart.display = bool(inside)
        none.display = not inside
        if inside:
            chart.show(data.pain, data.session_pain, first, last, session_marks=marks)
        else:
            none.update(f"No check-ins in the last {label}: press c to check in.")

    def _show_adherence(self) -> None:
        """The 12-week calendar with its key, adherence and streaks, and what a done day is."""
        data = self.data
        assert data is not None
        adherence = data.adherence
        streaks = data.streaks
        percent = adherence.percent
        share = f"{percent:.0f}%" if percent is not None else "–"
        done = Text(f"Done {adherence.adherent} of {adherence.counted} days ({share})", "bold")
        streak = f"check-in {streaks.checkin_days} d, core {streaks.core_days} d"

        def draw(width: int) -> Text:
            text = heat_map_with_key(adherence, width)
            text.append("\n")
            text.append_text(done)
            one_line = f" · streaks: {streak}"
            if done.cell_len + len(one_line) <= width:
                text.append(one_line)
            else:
                text.append(f"\nStreaks: {streak}")
            text.append("\n")
            text.append_text(hanging(Text(DONE_DAY, style="dim"), width, 0))
            return text

        self.query_one("#adherence-body", TextChart).draw(draw)

    def _show_load(self) -> None:
        """Weekly volume bars with the cap and deload marks, and the over-cap warning."""
        data = self.data
        assert data is not None
        units = data.profile.units
        head = Text()
        over = data.over_cap_weeks
        if over:
            # The Load line of "At a glance" says whether an over-cap week is recent; the
            # heading says the same, so the two never disagree.
            recent = data.recent_over_cap_week is not None
            head.append(
                over_cap_heading(over, units, recent=recent),
                style="bold red" if recent else "",
            )
        elif data.weeks:
            head.append("✓ No build week went over its 10% cap.")
        for line in data.load_context:  # what the bars leave out: never judged
            head.append(("\n" if head else "") + line, style="dim")
        load_head = self.query_one("#load-head", Static)
        load_head.update(head)
        load_head.display = bool(head)
        weeks = data.weeks
        self.query_one("#load-bars", TextChart).draw(lambda width: volume_bars(weeks, units, width))

    def _show_shoes(self) -> None:
        """Each pair against the 300 and 500 mi marks, in the profile's unit."""
        data = self.data
        assert data is not None
        shoes, units = data.shoes, data.profile.units
        body = self.query_one("#shoes-body", TextChart)
        body.draw(lambda width: paged(shoe_blocks(shoes, units, width), body.page_height()))

    def _filtered_events(self) -> list[tuple[str, str, str, str]]:
        """(date, kind, title, detail) of the events the filter lets through, newest first."""
        data = self.data
        if data is None:
            return []
        kind = EVENT_FILTERS[self.event_filter]
        rows = []
        # Newest date first; events of one date keep their order (a red flag, then its step back).
        for event in sorted(data.events, key=lambda e: -e.date.toordinal()):
            if kind is not None and event.kind != kind:
                continue
            label = EVENT_LABELS[event.kind]
            if event.kind == "red_flag":
                label = "URGENT RED FLAG" if event.urgent else "RED FLAG"
            rows.append((event.date.isoformat(), label, event.title, event.detail))
        return rows

    def _show_events(self) -> None:
        """The events table under the current filter."""
        data = self.data
        if data is None or data.empty:
            return
        items = [Text("Filter (f):")]
        for index, kind in enumerate(EVENT_FILTERS):
            name = "All" if kind is None else EVENT_LABELS[kind]
            if index == self.event_filter:
                items.append(Text(f"[{name}]", style="bold reverse"))
            else:
                items.append(Text(f" {name} ", style="dim"))
        self.query_one("#events-filter", TextChart).draw(lambda width: flow(items, width, gap=1))
        table = self.query_one("#events-table", DataTable)
        table.clear()
        rows = self._filtered_events()
        for date_text, label, title, _detail in rows:
            style = "bold red" if label.endswith("RED FLAG") else ""
            table.add_row(date_text, Text(label, style=style), title)
        self.query_one("#panel-events").set_class(not rows, "-none")
        if not rows:
            self.query_one("#events-detail", Static).update("No events of this kind yet.")
        else:
            self._show_event_detail(table.cursor_row)

    def _show_event_detail(self, row: int) -> None:
        """The sentence of event *row* of the table."""
        rows = self._filtered_events()
        detail = self.query_one("#events-detail", Static)
        if 0 <= row < len(rows):
            date_text, label, _title, sentence = rows[row]
            detail.update(Text.assemble((f"{date_text} {label}: ", "bold"), sentence))
        else:
            detail.update("")


def over_cap_heading(over: Sequence[WeekVolume], units: Units, *, recent: bool) -> str:
    """The Load panel's 10% heading for the build weeks that went over their cap (their
    ``over_km``, the engine's judgement); *recent* as the at-a-glance Load line decides."""
    latest = over[-1]
    which = (
        f"{wording.plural(len(over), 'build week')} went over the cap; the latest, "
        f"{wording.build_week_name(latest.build_week)} from {latest.week_start:%d %b}, by "
        f"{format_distance(latest.over_km, units)}"
    )
    if recent:
        return f"⚠ 10% RULE: {which}. Ease off to let your back adapt."
    return f"✓ No build week in the last two weeks went over its 10% cap. Earlier, {which}."


def dashboard_data(app: RunbackApp) -> DashboardData | None:
    """Every aggregate for the file as it is and the app's date; None without a profile.

    Kept per file version and date, so opening the dashboard again does not recompute; the
    app also calls this in a worker while home is idle, so the first open finds it ready.
    """
    global _last_data
    snapshot = app.store.snapshot()
    if snapshot.profile is None:
        return None
    today = app.clock.today()
    cached = _last_data
    if cached is not None and cached[0] is snapshot and cached[1] == today:
        return cached[2]
    data = compute_dashboard(
        snapshot.profile,
        snapshot.history,
        today,
        pre_program=snapshot.pre_program,
        pending=len(snapshot.pending_imports),
    )
    _last_data = (snapshot, today, data)
    return data
