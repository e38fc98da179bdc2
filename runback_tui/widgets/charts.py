"""The dashboard's charts: the pain chart (textual-plotext) and text charts as pure functions.

Meaning is never carried by colour alone: the pain chart's series have distinct markers
(● check-in, braille line for the average, ▲ during, ▼ after) and a legend; the volume bars use
█ for a week, ▒ for a deload week, ▓ for distance over the cap, │ for the cap and words for the
warnings; the calendar uses letters; shoe gauges have marks and words.  Colour only adds to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from rich.text import Text
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


class PainChart(PlotextPlot):
    """Check-in pain, its 7-day average, and session pain during/after over a date range."""

    DEFAULT_CSS = """
    PainChart {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._shown: tuple[object, ...] | None = None

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
        plt = self.plt
        plt.clear_figure()
        span = max(1, (last - first).days)
        inside = [p for p in points if first <= p.date <= last]
        if inside:
            xs = [(p.date - first).days for p in inside]
            plt.plot(xs, [p.average for p in inside], marker="braille", label="7-day average")
            plt.scatter(xs, [p.pain for p in inside], marker="●", label="check-in")
        if session_marks:
            shown = [s for s in sessions if first <= s.date <= last]
            during = [s for s in shown if s.during is not None]
            after = [s for s in shown if s.after is not None]
            if during:
                plt.scatter(
                    [(s.date - first).days for s in during],
                    [s.during for s in during],
                    marker="▲",
                    label="session, during",
                )
            if after:
                plt.scatter(
                    [(s.date - first).days for s in after],
                    [s.after for s in after],
                    marker="▼",
                    label="session, after",
                )
        plt.xlim(0, span)
        plt.ylim(0, 10)
        plt.yticks([0, 2, 4, 6, 8, 10])
        ticks, labels = date_ticks(first, last)
        plt.xticks([float(t) for t in ticks], labels)
        self.refresh()


def date_ticks(first: date, last: date, count: int = 5) -> tuple[list[int], list[str]]:
    """About *count* evenly spread tick positions (days from *first*) and their date labels."""
    span = max(1, (last - first).days)
    steps = min(count - 1, span)
    positions = sorted({round(span * i / steps) for i in range(steps + 1)})
    long = span > 200
    labels = [(first + timedelta(days=p)).strftime("%b %Y" if long else "%d %b") for p in positions]
    return positions, labels


# ---------------------------------------------------------------------------------------------
# Weekly volume bars.


def _bar(fraction: float, width: int) -> str:
    """A bar of *width* cells filled to *fraction* with eighth blocks."""
    eighths = max(0, min(width * 8, round(fraction * width * 8)))
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text.ljust(width)


def volume_bars(weeks: Sequence[WeekVolume], units: Units, width: int) -> Text:
    """One line per week, newest first: label, bar with the cap mark, distance and warnings."""
    text = Text()
    text.append(
        "█ km logged  ░ run-walk (prescribed)  ▒ deload  ▓ over the cap  │ 10% cap\n",
        style="dim",
    )
    if not weeks:
        text.append("No runs logged yet: weekly distance appears after your first run-walk.")
        return text
    label_w, value_w = 16, 9
    bar_w = max(6, width - label_w - value_w - 16)
    top = max(max(w.km for w in weeks), max((w.cap_km or 0.0) for w in weeks), 1.0)
    for week in reversed(weeks):
        name = week_label(week.build_week, "run-walk", prefix="wk ")
        label = f"{name:<8} {week.week_start:%d %b}"[:label_w].ljust(label_w)
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
        value = load.format_distance(week.km, units)
        text.append(f" {value:>{value_w}}")
        notes: list[tuple[str, str]] = []
        if week.deload:
            notes.append((" deload", "blue"))
        if over > 0:
            notes.append((f" ⚠ OVER +{load.format_distance(over, units)}", "bold red"))
        if week.current:
            notes.append((" (so far)", "dim"))
        for note, style in notes:
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


def heat_map_legend() -> Text:
    """What the calendar's letters mean, in two short lines."""
    text = Text()
    for index, (symbol, meaning) in enumerate(SYMBOL_LEGEND):
        if index:
            text.append(" ")
        text.append(f" {symbol} ", style=_SYMBOL_STYLE.get(symbol, ""))
        text.append(f"{meaning}")
    text.append("\nUppercase = checked in too (a done day); lowercase r e z = no check-in.")
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


def shoe_gauges(shoes: Sequence[ShoeWear], units: Units, width: int) -> Text:
    """Each pair: name, distance and status in words, then a gauge with the 300 and 500 mi marks."""
    text = Text()
    if not shoes:
        text.append("No shoes yet. Add a pair in your profile or with `runback shoe add NAME`.")
        return text
    bar_w = max(10, width - 2)
    top = max(_NOW_KM * 1.1, max(s.total_km for s in shoes))
    soon_at = round(_SOON_KM / top * (bar_w - 1))
    now_at = round(_NOW_KM / top * (bar_w - 1))
    for shoe in shoes:
        word, style = _STATUS_WORDS[shoe.status]
        distance = load.format_distance(shoe.total_km, units, 0)
        text.append(shoe.name, style="bold")
        text.append(f"  {distance}\n")
        text.append(word, style=style)
        text.append("\n")
        cells = list(_bar(shoe.total_km / top, bar_w).replace(" ", "░"))
        cells[soon_at] = "│"
        cells[now_at] = "┃"
        text.append("".join(cells), style=style if shoe.status != "ok" else "green")
        text.append("\n")
    soon = _mark(300, units)
    now = _mark(500, units)
    text.append(f"│ {soon}: start looking\n┃ {now}: replace now\n", style="dim")
    text.append(load.SHOE_ADVICE, style="italic")
    return text


def _mark(miles: int, units: Units) -> str:
    """A shoe mark in the profile's unit, with the other unit in brackets."""
    km = miles * KM_PER_MILE
    if units == "mi":
        return f"{miles} mi ({km:.0f} km)"
    return f"{from_km(km, 'km'):.0f} km ({miles} mi)"
