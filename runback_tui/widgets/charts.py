"""The dashboard's charts: the pain chart (textual-plotext) and text charts as pure functions.

Meaning is never carried by colour alone: the pain chart's series have distinct markers
(● check-in, braille line for the average, ▲ during, ▼ after) and a legend; the volume bars use
█ for a week, ▒ for a deload week, ▓ for distance over the cap, │ for the cap and words for the
warnings; the calendar uses letters; shoe gauges have marks and words.  Colour only adds to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from rich.cells import cell_len
from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from runback_tui.domain import load
from runback_tui.domain.aggregates import (
    SYMBOL_LEGEND,
    Adherence,
    DayActivity,
    PainPoint,
    SessionPain,
    ShoeWear,
    WeekVolume,
)
from runback_tui.domain.models import KM_PER_MILE, Units, from_km
from runback_tui.domain.wording import week_label

_EIGHTHS = " ▏▎▍▌▋▊▉"
_DAY_NAMES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


# ---------------------------------------------------------------------------------------------
# Pain chart.


PAIN_TOP = 10
"""The highest pain value (the scale is 0–10)."""

PAIN_CHART_AXES = 2
"""Rows the chart spends below its plot: the x axis and the dates."""

PAIN_CHART_HEIGHT = PAIN_TOP + 1 + PAIN_CHART_AXES
"""Rows the pain chart needs for a plot row per pain value 0–10."""


def pain_rows(height: int) -> int:
    """The plot rows of a chart *height* rows tall: one per pain value 0–10 when it fits."""
    return max(2, min(PAIN_TOP + 1, height - PAIN_CHART_AXES))


def pain_row(pain: int, rows: int) -> int:
    """The plot row (0 at the bottom) pain value *pain* is drawn on, in a plot of *rows*."""
    return math.floor(pain * (rows - 1) / PAIN_TOP + 0.5)


def pain_row_labels(rows: int) -> list[str]:
    """Each plot row's y label, bottom first: exactly the pain values drawn on that row.

    With a row per value (11 rows) the labels are 0 to 10; a shorter plot puts several values on
    one row and says so ('1-2'), so no label claims a row shows a value it does not.
    """
    labels = []
    for row in range(rows):
        values = [v for v in range(PAIN_TOP + 1) if pain_row(v, rows) == row]
        labels.append(str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}")
    return labels


_Series = tuple[Sequence[PainPoint], Sequence[SessionPain], date, date, bool]
"""What the pain chart shows: check-ins, session pain, first and last date, session marks."""


class PainChart(PlotextPlot):
    """Check-in pain, its 7-day average, and session pain during/after over a date range.

    The plot has a row per pain value 0–10 when the widget is tall enough
    (:data:`PAIN_CHART_HEIGHT`); when it is not, each row's label names exactly the values
    drawn on it (:func:`pain_row_labels`).
    """

    DEFAULT_CSS = f"""
    PainChart {{
        height: 1fr;
        min-height: 4;
        max-height: {PAIN_CHART_HEIGHT};
    }}
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._shown: _Series | None = None
        self._drawn: tuple[tuple[object, ...], Text] | None = None

    def show(
        self,
        points: Sequence[PainPoint],
        sessions: Sequence[SessionPain],
        first: date,
        last: date,
        *,
        session_marks: bool = True,
    ) -> None:
        """Plot the points dated from *first* to *last*; does nothing if nothing changed."""
        previous = self._shown
        if (
            previous is not None
            and previous[0] is points
            and previous[1] is sessions
            and previous[2:] == (first, last, session_marks)
        ):
            return
        self._shown = (points, sessions, first, last, session_marks)
        self._drawn = None
        self.refresh()

    def render(self) -> RenderResult:
        """The plot for the widget's size (rebuilt only when the data, size or theme change)."""
        shown = self._shown
        if shown is None:
            return Text()
        width, height = self.size
        theme = self._get_plotext_theme_name(self.app.theme)
        key = (width, height, theme)
        if self._drawn is not None and self._drawn[0] == key:
            return self._drawn[1]
        rows = pain_rows(height)
        plt = self.plt
        plt.clear_figure()
        self._plot_series(rows, *shown)
        plt.plotsize(width, rows + PAIN_CHART_AXES)
        plt._set_size(width, rows + PAIN_CHART_AXES)  # as PlotextPlot.render does
        plt.theme(theme)
        text = Text.from_ansi(plt.build())
        self._drawn = (key, text)
        return text

    def _plot_series(
        self,
        rows: int,
        points: Sequence[PainPoint],
        sessions: Sequence[SessionPain],
        first: date,
        last: date,
        session_marks: bool,
    ) -> None:
        """Plot each series on a plot of *rows* rows, a whole pain value on its own row."""
        plt = self.plt
        scale = (rows - 1) / PAIN_TOP
        span = max(1, (last - first).days)
        inside = [p for p in points if first <= p.date <= last]
        if inside:
            xs = [(p.date - first).days for p in inside]
            averages = [p.average * scale for p in inside]
            plt.plot(xs, averages, marker="braille", label="7-day average")
            plt.scatter(xs, [pain_row(p.pain, rows) for p in inside], marker="●", label="check-in")
        if session_marks:
            shown = [s for s in sessions if first <= s.date <= last]
            during = [(s.date, s.during) for s in shown if s.during is not None]
            after = [(s.date, s.after) for s in shown if s.after is not None]
            for marks, marker, label in (
                (during, "▲", "session, during"),
                (after, "▼", "session, after"),
            ):
                if marks:
                    plt.scatter(
                        [(day - first).days for day, _ in marks],
                        [pain_row(pain, rows) for _, pain in marks],
                        marker=marker,
                        label=label,
                    )
        plt.xlim(0, span)
        plt.ylim(0, rows - 1)
        plt.yticks(list(range(rows)), pain_row_labels(rows))
        plt.xaxes(True, False)  # no frame line on top and on the right: rows for the plot
        plt.yaxes(True, False)
        ticks, labels = date_ticks(first, last)
        plt.xticks([float(t) for t in ticks], labels)


def date_ticks(first: date, last: date, count: int = 5) -> tuple[list[int], list[str]]:
    """About *count* evenly spread tick positions (days from *first*) and their date labels."""
    span = max(1, (last - first).days)
    steps = min(count - 1, span)
    positions = sorted({round(span * i / steps) for i in range(steps + 1)})
    long = span > 200
    labels = [(first + timedelta(days=p)).strftime("%b %Y" if long else "%d %b") for p in positions]
    return positions, labels


# ---------------------------------------------------------------------------------------------
# Lines of items that wrap between items, never inside one.


def flow(items: Iterable[Text], width: int, *, gap: int = 2) -> Text:
    """*items* on lines of at most *width* cells, *gap* spaces apart, a new line before an item
    that would not fit (an item wider than *width* gets a line of its own).  An item that
    starts with a "· " separator drops it when it starts a line."""
    text = Text()
    used = 0
    for item in items:
        size = item.cell_len
        if used and used + gap + size > width:
            text.append("\n")
            used = 0
            if item.plain.startswith("· "):
                item = item[2:]
                size = item.cell_len
        elif used:
            text.append(" " * gap)
            used += gap
        text.append_text(item)
        used += size
    return text


def hanging(line: Text, width: int, indent: int) -> Text:
    """*line* wrapped between words to *width* cells, every line after the first indented by
    *indent* spaces (a word longer than a line is broken)."""
    plain = line.plain
    text = Text()
    start, room = 0, width
    while start < len(plain):
        end, cells = start, 0  # the longest run from start that fits in room cells
        while end < len(plain) and cells + cell_len(plain[end]) <= room:
            cells += cell_len(plain[end])
            end += 1
        if end == len(plain):
            text.append_text(line[start:])
            break
        words = len(plain) - len(plain[start:].lstrip(" ")) + 1  # after the first word's start
        cut = plain.rfind(" ", words, end + 1)
        if cut < 0:
            cut = max(end, start + 1)
        text.append_text(line[start:cut])
        start = cut
        while start < len(plain) and plain[start] == " ":
            start += 1
        if start < len(plain):
            text.append("\n" + " " * indent)
        room = max(1, width - indent)
    return text


def paged(blocks: Sequence[Text], page: int) -> Text:
    """*blocks* one under another, a block that would straddle the bottom of a *page*-row view
    moved down to start the next page, so the view never ends inside a block (a sentence, a
    shoe); a block taller than a page is left to flow.  *page* 0: no pages."""
    lines: list[Text] = []
    for block in blocks:
        rows = block.split("\n")
        at = len(lines) % page if page else 0
        if at and at + len(rows) > page and len(rows) <= page:
            lines += [Text()] * (page - at)
        lines += rows
    return Text("\n").join(lines)


# ---------------------------------------------------------------------------------------------
# Weekly volume bars.


VOLUME_LEGEND: tuple[tuple[str, str], ...] = (
    ("█", "{units} logged"),
    ("░", "run-walk (prescribed)"),
    ("▒", "deload"),
    ("▓", "over the cap"),
    ("│", "10% cap"),
)
"""The volume bars' marks and what each means ({units}: the profile's unit)."""


def _bar(fraction: float, width: int) -> str:
    """A bar of *width* cells filled to *fraction* with eighth blocks."""
    eighths = max(0, min(width * 8, round(fraction * width * 8)))
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text.ljust(width)


def _week_notes(week: WeekVolume, units: Units) -> list[tuple[str, str]]:
    """The words after a week's distance: deload, over the cap, so far (with their styles)."""
    notes: list[tuple[str, str]] = []
    if week.deload:
        notes.append((" deload", "blue"))
    if week.over_km > 0:
        notes.append((f" ⚠ OVER +{load.format_distance(week.over_km, units)}", "bold red"))
    if week.current:
        notes.append((" (so far)", "dim"))
    return notes


def volume_bars(weeks: Sequence[WeekVolume], units: Units, width: int) -> Text:
    """One line per week, newest first: label, bar with the cap mark, distance and warnings.

    Every line fits *width*: the bars get what the label, the distance and the longest notes
    leave, and the legend wraps between its items.
    """
    legend = [Text(f"{mark} {meaning.format(units=units)}") for mark, meaning in VOLUME_LEGEND]
    text = flow(legend, width)
    text.stylize("dim")
    text.append("\n")
    if not weeks:
        text.append("No runs logged yet: weekly distance appears after your first run-walk.")
        return text
    names = [week_label(w.build_week, "run-walk", prefix="wk ") for w in weeks]
    name_w = max(len(name) for name in names)
    values = [load.format_distance(w.km, units) for w in weeks]
    value_w = max(len(value) for value in values)
    notes_w = max(sum(len(note) for note, _ in _week_notes(w, units)) for w in weeks)
    label_w = name_w + 1 + 6 + 1  # name, space, "16 Nov", space
    bar_w = max(6, width - label_w - 1 - value_w - notes_w)
    top = max(max(w.km for w in weeks), max((w.cap_km or 0.0) for w in weeks), 1.0)
    for week, name, value in reversed(list(zip(weeks, names, values, strict=True))):
        label = f"{name:<{name_w}} {week.week_start:%d %b} "
        fill = "▒" if week.deload else "█"
        over = week.over_km
        cells = [" "] * bar_w
        filled = _bar(week.km / top, bar_w).rstrip()
        for i, ch in enumerate(filled):
            cells[i] = fill if ch == "█" else ch
        if week.build_week is not None and week.km - week.judged_km > 1e-9:
            # Phase-2 run-walks in a build week's span: prescribed, so never judged (§6 v2).
            for i in range(min(len(filled), round((week.km - week.judged_km) / top * bar_w))):
                cells[i] = "░"
        style_cells = ["bar"] * bar_w
        if week.cap_km is not None:
            cap_at = min(bar_w - 1, round(week.cap_km / top * bar_w))
            if over > 0:
                for i in range(cap_at, len(filled)):
                    cells[i] = "▓"
                    style_cells[i] = "over"
            cells[cap_at] = "│" if cells[cap_at] == " " else "┼"
            style_cells[cap_at] = "cap"
        text.append(label)
        for ch, kind in zip(cells, style_cells, strict=True):
            style = {"bar": "cyan", "over": "bold red", "cap": "bold yellow"}[kind]
            if kind == "bar" and week.deload:
                style = "blue"
            text.append(ch, style=style if ch.strip() else "")
        text.append(f" {value:>{value_w}}")
        for note, style in _week_notes(week, units):
            text.append(note, style=style)
        text.append("\n")
    text.rstrip()
    return text


# ---------------------------------------------------------------------------------------------
# Adherence calendar.


_SYMBOL_STYLE = {
    "R": "bold black on green",
    "E": "black on #5fafaf",
    "Z": "black on #8a8a8a",
    "C": "yellow",
    "r": "green",
    "e": "#5fafaf",
    "z": "#8a8a8a",
    "·": "dim",
    " ": "",
}


def heat_map(adherence: Adherence) -> Text:
    """The calendar: a column per Monday–Sunday week, a row per weekday, a letter per day."""
    days = adherence.days
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    text = Text()
    text.append("   ")
    for week in weeks:
        text.append(f"{week[0].date.day:>2} ", style="dim")
    text.append("\n")
    for row, name in enumerate(_DAY_NAMES):
        text.append(f"{name} ", style="dim")
        for week in weeks:
            day: DayActivity | None = week[row] if row < len(week) else None
            symbol = day.symbol if day is not None else " "
            text.append(f" {symbol}", style=_SYMBOL_STYLE.get(symbol, ""))
            text.append(" ")
        text.append("\n")
    text.rstrip()
    return text


_CASE_NOTE = ("lowercase r e z:", "no check-in")
"""What a lowercase letter means, in two parts (two rows beside the calendar)."""


def heat_map_key() -> list[Text]:
    """The calendar's key, an item per character, then what lowercase means."""
    items = []
    for symbol, meaning in SYMBOL_LEGEND:
        item = Text(f" {symbol} ", style=_SYMBOL_STYLE.get(symbol, ""))
        item.append(meaning)
        items.append(item)
    items.append(Text(" ".join(_CASE_NOTE)))
    return items


def heat_map_with_key(adherence: Adherence, width: int) -> Text:
    """The calendar with its key beside it when *width* allows, else below it (wrapped
    between items), so the key always shows with the calendar."""
    calendar = heat_map(adherence)
    rows = calendar.split("\n")
    side = [*heat_map_key()[:-1], Text(f" {_CASE_NOTE[0]}"), Text(f"   {_CASE_NOTE[1]}")]
    calendar_w = max(row.cell_len for row in rows)
    side_w = max(item.cell_len for item in side)
    text = Text()
    if calendar_w + side_w <= width and len(side) < len(rows):
        # The key's rows start beside Monday (the first row is the dates).
        for index, row in enumerate(rows):
            text.append_text(row)
            item = index - 1
            if 0 <= item < len(side):
                text.append(" " * (calendar_w - row.cell_len))
                text.append_text(side[item])
            text.append("\n")
        text.rstrip()
        return text
    text.append_text(calendar)
    text.append("\n")
    text.append_text(flow(heat_map_key(), width))
    return text


# ---------------------------------------------------------------------------------------------
# Shoes.


_SOON_KM = load.REPLACE_SOON_KM
_NOW_KM = load.REPLACE_NOW_KM
_STATUS_WORDS = {
    "ok": ("OK", "green"),
    "replace_soon": ("LOOK FOR A REPLACEMENT", "bold yellow"),
    "replace_now": ("REPLACE NOW", "bold red"),
}


def shoe_blocks(shoes: Sequence[ShoeWear], units: Units, width: int) -> list[Text]:
    """A block per pair (name and distance, status in words, a gauge with the 300 and 500 mi
    marks), then the marks' key, then the advice wrapped to *width*."""
    if not shoes:
        return [hanging(Text(NO_SHOES), width, 0)]
    bar_w = max(10, width - 2)
    top = max(_NOW_KM * 1.1, max(s.total_km for s in shoes))
    soon_at = round(_SOON_KM / top * (bar_w - 1))
    now_at = round(_NOW_KM / top * (bar_w - 1))
    blocks = []
    for shoe in shoes:
        word, style = _STATUS_WORDS[shoe.status]
        distance = load.format_distance(shoe.total_km, units, 0)
        text = Text()
        text.append(shoe.name, style="bold")
        text.append(f"  {distance}\n")
        text.append(word, style=style)
        text.append("\n")
        cells = list(_bar(shoe.total_km / top, bar_w).replace(" ", "░"))
        cells[soon_at] = "│"
        cells[now_at] = "┃"
        text.append("".join(cells), style=style if shoe.status != "ok" else "green")
        blocks.append(text)
    soon = _mark(300, units)
    now = _mark(500, units)
    marks = Text("\n").join(
        hanging(Text(line, style="dim"), width, 2)
        for line in (f"│ {soon}: start looking", f"┃ {now}: replace now")
    )
    blocks.append(marks)
    blocks.append(hanging(Text(load.SHOE_ADVICE, style="italic"), width, 0))
    return blocks


NO_SHOES = "No shoes yet. Add a pair in your profile or with `runback shoe add NAME`."
"""The shoes panel before the first pair."""


def _mark(miles: int, units: Units) -> str:
    """A shoe mark in the profile's unit, with the other unit in brackets."""
    km = miles * KM_PER_MILE
    if units == "mi":
        return f"{miles} mi ({km:.0f} km)"
    return f"{from_km(km, 'km'):.0f} km ({miles} mi)"
