"""Every screen of the app driven as a runner reaches it, and the checks that a screen is whole.

SCREENS says how to reach each screen (a seed and the keys, as tests/make_screenshots.py does,
plus the screens the screenshots leave out).  The checks read the text a terminal shows
(tests/hardening/helpers.screen_text) and return what is wrong, one sentence a problem:

- footer_problems: the key bar (the last line) shows every shown and available binding of the
  screen, or, where they cannot all fit, at least `?` Help (when the screen has it) and the
  palette's key; every item whole ("q Quit", never "q").
- text_problems: no word cut by the screen's right edge or a box's right border, no opening
  bracket left unclosed where its sentence stops, no "(s)" plural, no word twice in a row
  ("Flare: Flare"), no "Why:" line repeating a line of the plan; and, line by line within
  each box, no option's mark without its label ("( )" then "18" below), no text stopping on
  a word that asks for more ("Press" with nothing after), no wrapped list item starting
  again under its number instead of under its text.
- a dialog (a screen without a key bar) names its keys, and only its own box is read.

The checks are plain functions of text, so tests feed them fake screens to show they fail.
Nothing is allow-listed: each check is narrow enough to pass the correct screens as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from rich.cells import cell_len
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import OptionList

from runback_tui.app import RunbackApp
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import ActiveSession
from runback_tui.storage.store import Store
from runback_tui.widgets.bars import KeyBar
from tests.make_screenshots import SHOTS, Seed
from tests.ui.fixtures import (
    NOW,
    TODAY,
    seed_acute,
    seed_movement,
    seed_paused,
    seed_pending,
    seed_run_walk,
)
from tests.ui.session_helpers import timer_screen

SIZES: tuple[tuple[int, int], ...] = ((80, 24), (120, 40))
"""The sizes every screen must be whole at (issue 17)."""

Step = str | Callable[[Pilot[Any]], Awaitable[None]]
"""A key to press, or something to do with the pilot (pick a list entry)."""


@dataclass(frozen=True)
class ScreenCase:
    """How to reach one screen: the data, then the keys (or steps) from home."""

    name: str
    seed: Seed
    steps: tuple[Step, ...] = ()


def highlight(option_id: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A step: move the screen's list to the option *option_id* with the arrow keys."""

    async def step(pilot: Pilot[Any]) -> None:
        options = pilot.app.screen.query_one(OptionList)
        target = options.get_option_index(option_id)
        for _ in range(options.option_count):
            if options.highlighted == target:
                return
            await pilot.press("down" if (options.highlighted or 0) < target else "up")
        raise AssertionError(f"could not highlight {option_id!r}")

    return step


def advance(seconds: float) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A step: move the app's FakeClock on by *seconds*, tick the session screen once, and
    wait for what it writes."""

    async def step(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, RunbackApp) and isinstance(app.clock, FakeClock)
        app.clock.advance(seconds)
        timer_screen(app).tick()
        await app.workers.wait_for_complete()
        await pilot.pause()

    return step


def palette_destination(name: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A step: open destination *name* as its command palette entry does."""

    async def step(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, RunbackApp)
        app.open_screen(name)
        await pilot.pause()

    return step


def seed_unfinished_run(store: Store) -> None:
    """Phase 2 with a run-walk session left unfinished 5 minutes ago: the resume offer."""
    seed_run_walk(store)
    store.save_active_session(
        ActiveSession(
            kind="run_walk",
            stage=1,
            date=TODAY,
            started_at=NOW - timedelta(minutes=10),
            saved_at=NOW - timedelta(minutes=5),
            elapsed_at_save_s=300.0,
        )
    )


EXTRA: tuple[ScreenCase, ...] = (
    ScreenCase("ice-setup", seed_acute, ("e", highlight("ice"), "enter")),
    ScreenCase("ice-timer", seed_acute, ("e", highlight("ice"), "enter", "enter")),
    ScreenCase(
        "ice-finished", seed_acute, ("e", highlight("ice"), "enter", "enter", advance(21 * 60))
    ),
    ScreenCase("run-session-walk", seed_run_walk, ("r", "enter", advance(65))),
    ScreenCase("cue-settings", seed_run_walk, ("r", "s")),
    ScreenCase("confirm-end-run", seed_run_walk, ("r", "enter", "escape")),
    ScreenCase("run-summary", seed_run_walk, ("r", "enter", "escape", "enter")),
    ScreenCase("routine-summary", seed_movement, ("e", "enter", "escape", "enter")),
    ScreenCase("resume-offer", seed_unfinished_run),
    ScreenCase("stop-mistake", seed_paused, ("s", "m")),
    ScreenCase("pending-runs", seed_pending),
    ScreenCase("pending-drop", seed_pending, ("x",)),
    ScreenCase("pending-later-home", seed_pending, ("escape",)),
    ScreenCase("import-runs", seed_run_walk, (palette_destination("import_runs"),)),
)
"""The screens tests/make_screenshots.py has no picture of (the too-small notice aside)."""

SCREENS: tuple[ScreenCase, ...] = (
    *(ScreenCase(name, seed, keys) for name, seed, keys, _size in SHOTS),
    *EXTRA,
)
"""Every screen of the app, reached as a runner reaches it (the too-small notice excepted)."""

SHOWN: dict[str, str] = {
    "onboarding": "OnboardingScreen",
    "home-movement": "HomeScreen",
    "home-run-walk": "HomeScreen",
    "home-build": "HomeScreen",
    "home-build-wide": "HomeScreen",
    "home-acute": "HomeScreen",
    "home-paused": "HomeScreen",
    "checkin": "CheckInScreen",
    "stop": "StopScreen",
    "stop-urgent": "StopScreen",
    "clearance": "ClearanceDialog",
    "profile": "ProfileScreen",
    "help": "HelpScreen",
    "routines": "RoutinesScreen",
    "routine-session": "RoutineSessionScreen",
    "run-start": "RunStartScreen",
    "road-ahead": "RoadAheadScreen",
    "run-session": "RunSessionScreen",
    "dashboard-where": "DashboardScreen",
    "dashboard-pain": "DashboardScreen",
    "dashboard-adherence": "DashboardScreen",
    "dashboard-load": "DashboardScreen",
    "dashboard-shoes": "DashboardScreen",
    "dashboard-events": "DashboardScreen",
    "dashboard-wide": "DashboardScreen",
    "dashboard-empty": "DashboardScreen",
    "ice-setup": "IceSetupScreen",
    "ice-timer": "IceTimerScreen",
    "ice-finished": "IceTimerScreen",
    "run-session-walk": "RunSessionScreen",
    "cue-settings": "SettingsScreen",
    "confirm-end-run": "ConfirmDialog",
    "run-summary": "RunSummaryScreen",
    "routine-summary": "RoutineSummaryScreen",
    "resume-offer": "ResumeScreen",
    "stop-mistake": "ConfirmDialog",
    "pending-runs": "PendingRunsScreen",
    "pending-drop": "ConfirmDialog",
    "pending-later-home": "HomeScreen",
    "import-runs": "ImportRunsScreen",
}
"""The screen class each case must end on (so a changed key cannot test the wrong screen)."""


# --- the footer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FooterItem:
    """A key the footer may show: its text as drawn (`q Quit`), whether it is available, and
    whether it must show whatever the width (`?` Help, the palette's key)."""

    label: str
    enabled: bool
    required: bool = False


def footer_expectation(app: App[Any]) -> list[FooterItem] | None:
    """What the current screen's footer may show, from the screen's active bindings (None when
    the screen has no key bar)."""
    screen = app.screen
    if not screen.query(KeyBar):
        return None
    bindings = screen.active_bindings
    palette = bindings.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
    items: list[FooterItem] = []
    seen: set[str] = set()
    for _node, binding, enabled, _tooltip in bindings.values():
        if not binding.show or binding.action in seen:
            continue
        if palette is not None and binding is palette.binding:
            continue
        seen.add(binding.action)
        label = f"{app.get_key_display(binding)} {binding.description}".strip()
        items.append(FooterItem(label, enabled, required=binding.key == "question_mark"))
    if palette is not None:
        name = palette.binding.description
        label = f"{app.get_key_display(palette.binding)} {name[:1].upper()}{name[1:]}"
        items.append(FooterItem(label, palette.enabled, required=True))
    return items


def footer_problems(line: str, items: Sequence[FooterItem], width: int) -> list[str]:
    """What is wrong with the footer *line* of a screen *width* cells wide that may show
    *items*: a cut or unknown item, a required key missing, a key dropped with room for it."""
    problems: list[str] = []
    shown: list[str] = []
    labels = sorted({item.label for item in items}, key=len, reverse=True)
    position = 0
    text = line.replace("▏", " ")
    while position < len(text):
        if text[position] == " ":
            position += 1
            continue
        for label in labels:
            end = position + len(label)
            if text.startswith(label, position) and (end == len(text) or text[end] == " "):
                shown.append(label)
                position = end
                break
        else:
            rest = text[position:].rstrip()
            problems.append(f"footer item cut or unknown: {rest!r} in {line.rstrip()!r}")
            break
    wanted = [item for item in items if item.enabled]
    missing = [item for item in wanted if item.label not in shown]
    if missing:
        all_cells = sum(cell_len(f" {item.label} ") for item in items)
        for item in missing:
            if item.required:
                problems.append(f"footer lacks {item.label!r}: {line.rstrip()!r}")
        if all_cells <= width:
            names = ", ".join(repr(item.label) for item in missing)
            problems.append(f"footer drops {names} with room for all: {line.rstrip()!r}")
    return problems


def key_names(key: str, display: str) -> set[str]:
    """The ways a dialog may write a key on screen (its button labels)."""
    names = {display, key}
    names |= {"esc"} if key == "escape" else set()
    names |= {"⏎"} if key == "enter" else set()
    return names


def dialog_key_problems(app: App[Any], text: str) -> list[str]:
    """A screen without a key bar (a dialog) names each of its shown, available keys."""
    problems = []
    seen: set[str] = set()
    for _node, binding, enabled, _tooltip in app.screen.active_bindings.values():
        if not binding.show or not enabled or binding.action in seen:
            continue
        seen.add(binding.action)
        names = key_names(binding.key, app.get_key_display(binding))
        if not any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) for name in names):
            problems.append(
                f"dialog without a key bar does not name {binding.key!r} "
                f"({binding.description}) anywhere"
            )
    return problems


# --- the text -----------------------------------------------------------------------------

BORDERS = frozenset("│┃║╎╏┆┇┊┋▏▎▍▌▋▊▉█▐▕")
"""Glyphs Textual draws as the left or right edge of a box (round, heavy, double, tall,
outer, thick and wide borders)."""
RULES = frozenset("─━═╌╍┄┅┈┉▔▁▀▄")
"""Glyphs of horizontal edges: a line of them is a box's top or bottom."""
OPENING = {"(": ")", "[": "]", "{": "}"}
PLURAL = re.compile(r"\w\((?:s|es)\)", re.IGNORECASE)
"""`flag(s)`: write the plural the number asks for."""
REPEATED = re.compile(
    r"(?<![\w-])([A-Za-z][A-Za-z'’]+)(?:[:;,.]? | [—–] )\1(?![\w-])", re.IGNORECASE
)
"""A word twice in a row in one sentence, whatever the case and the punctuation between
("FLARE: Flare"); words further apart are in different cells of a table or columns."""
CONTINUATION_LINES = 3
"""How many lines below an opening bracket its closing one may come (a wrapped sentence)."""


def is_letter(char: str) -> bool:
    """A letter of any script (what a word is made of at a cut)."""
    return unicodedata.category(char).startswith("L")


def box_span(line: str, column: int) -> tuple[int, int]:
    """The columns of the box (between border glyphs) holding *column* of *line*."""
    left = column
    while left > 0 and line[left - 1] not in BORDERS:
        left -= 1
    right = column
    while right < len(line) and line[right] not in BORDERS:
        right += 1
    return left, right


CORNERS = frozenset("╭╮╰╯┏┓┗┛╔╗╚╝┌┐└┘")


def _is_rule(segment: str) -> bool:
    """A box's top or bottom edge, titled or not (or blank)."""
    stripped = segment.strip()
    return not stripped or stripped[0] in RULES or stripped[0] in CORNERS


def unclosed_bracket(lines: Sequence[str], row: int) -> str | None:
    """The text from an opening bracket on *row* that neither its line nor the next lines of
    its box close, or None."""
    line = lines[row]
    stack: list[int] = []
    for column, char in enumerate(line):
        if char in OPENING:
            stack.append(column)
        elif stack and char == OPENING[line[stack[-1]]]:
            stack.pop()
    if not stack:
        return None
    column = stack[0]
    left, right = box_span(line, column)
    depth = len(stack)
    for below in lines[row + 1 : row + 1 + CONTINUATION_LINES]:
        segment = below[left:right]
        if _is_rule(segment):
            break
        for char in segment:
            if char in OPENING:
                depth += 1
            elif char in OPENING.values():
                depth -= 1
                if depth == 0:
                    return None
    return line[column:right].rstrip()


def why_repeats(lines: Sequence[str], row: int) -> str | None:
    """The reason on a "Why:" line of *row* when another line already says it, or None."""
    line = lines[row]
    found = re.search(r"Why: (.+?\.)(?=\s|$)", line)
    if found is None:
        return None
    reason = found.group(1).rstrip(".")
    if len(reason) < 10:
        return None
    wanted = _words(reason)
    for other, text in enumerate(lines):
        if other != row and wanted in _words(text):
            return reason
    return None


def _words(text: str) -> str:
    """*text* lower-cased, its words separated by one space, punctuation dropped."""
    return " ".join(re.findall(r"[\w'’–-]+", text.casefold()))


RADIO_AT_END = re.compile(r"\((?: |•)\)\s*$")
"""An option's mark at the end of a line: its label went onto the next one ("( )" / "18")."""
LIST_ITEM = re.compile(r"^(\s*(?:\d+\.|•|→|\[[ x✓]\])\s+)\S")
"""A numbered, bulleted or ticked line: its wrapped lines hang under its text."""
DANGLING = frozenset(
    {
        *("a", "an", "the", "to", "of", "and", "or", "but", "with", "for", "from", "in"),
        *("on", "at", "by", "into", "than", "as", "press", "your", "its", "their"),
        *("is", "are", "was"),
    }
)
"""Words that never end a sentence or a label: a line ending with one must go on."""


def segments(line: str) -> list[tuple[int, int]]:
    """The column spans of *line* between box edges (the whole line when there are none)."""
    spans, start = [], 0
    for column, char in enumerate(line):
        if char in BORDERS:
            if column > start:
                spans.append((start, column))
            start = column + 1
    if len(line) > start:
        spans.append((start, len(line)))
    return spans


def continues(segment: str) -> bool:
    """Whether *segment*, below a line in the same box, may carry on its text (it starts
    with a letter or a digit)."""
    stripped = segment.strip()
    return bool(stripped) and stripped[0].isalnum()


def layout_problems(lines: Sequence[str], row: int) -> list[str]:
    """A line of *lines* ending with an option's mark, ending with a word that asks for more
    where the text below does not go on, or a wrapped list item not hanging under its text."""
    line = lines[row]
    below = lines[row + 1] if row + 1 < len(lines) else ""
    problems = []
    for left, right in segments(line):
        segment = line[left:right]
        after = below[left:right]
        if RADIO_AT_END.search(segment) and segment.strip() not in ("( )", "(•)"):
            problems.append(f"an option's mark without its label ({segment.strip()[-12:]!r})")
        words = segment.split()
        if words and words[-1].casefold() in DANGLING and not continues(after):
            problems.append(f"text stops on {words[-1]!r} ({segment.strip()[-30:]!r})")
        item = LIST_ITEM.match(segment)
        wrapped = after.strip()[:1].islower() and not LIST_ITEM.match(after)
        if item and wrapped and len(after) - len(after.lstrip()) < len(item.group(1)):
            problems.append(f"wrapped item not under its text ({after.strip()[:30]!r})")
    return problems


def text_problems(text: str, *, footer: bool = True) -> list[str]:
    """What is cut, left open or said twice on a screen *text* (its last line, the footer,
    is checked by footer_problems when *footer*)."""
    lines = text.split("\n")
    problems = []
    for row, line in enumerate(lines[:-1] if footer else lines):
        where = f"line {row + 1}: {line.rstrip()!r}"
        stripped = line.rstrip()
        if stripped and len(stripped) == len(line) and is_letter(line[-1]):
            problems.append(f"word cut by the right edge of the screen, {where}")
        for column in range(2, len(line)):
            before = line[column - 2 : column]
            if line[column] in BORDERS and all(is_letter(char) for char in before):
                problems.append(f"word cut by a box's right border, {where}")
                break
        opened = unclosed_bracket(lines, row)
        if opened is not None:
            problems.append(f"bracket never closed ({opened!r}), {where}")
        for found in PLURAL.finditer(line):
            problems.append(f"'(s)' plural {found.group(0)!r}, {where}")
        for found in REPEATED.finditer(line):
            problems.append(f"word repeated ({found.group(0)!r}), {where}")
        repeated = why_repeats(lines, row)
        if repeated is not None:
            problems.append(f"'Why:' repeats another line ({repeated!r}), {where}")
        problems += [f"{problem}, {where}" for problem in layout_problems(lines, row)]
    return problems


# --- a whole screen -----------------------------------------------------------------------


def screen_problems(app: App[Any], text: str) -> list[str]:
    """Everything wrong with the current screen of *app*, which shows *text*.

    A dialog (a modal screen) is checked within its own box only: what lies around it belongs
    to the screen under it (checked on its own), and the dialog's border covers that screen's
    text without cutting it.
    """
    items = footer_expectation(app)
    footer = text.split("\n")[-1]
    if app.screen.is_modal:
        boxes = [w.region for w in app.screen.children if not isinstance(w, KeyBar)]
        box_text = region_text(app, Region.from_union(boxes))
        if items is not None:  # a dialog with its own key bar over the screen's footer
            return footer_problems(footer, items, app.size.width) + text_problems(
                box_text, footer=False
            )
        return dialog_key_problems(app, box_text) + text_problems(box_text, footer=False)
    if items is not None:
        return footer_problems(footer, items, app.size.width) + text_problems(text)
    return dialog_key_problems(app, text) + text_problems(text, footer=False)


def region_text(app: App[Any], region: Region) -> str:
    """The characters the terminal shows within *region* of the current screen."""
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return "\n".join(strip.crop(region.x, region.right).text for strip in strips)


async def reach(case: ScreenCase, pilot: Pilot[Any]) -> None:
    """Press the keys (take the steps) of *case*, then let the app settle."""
    await pilot.pause()
    for step in case.steps:
        if isinstance(step, str):
            await pilot.press(step)
        else:
            await step(pilot)
    await pilot.wait_for_scheduled_animations()
    await pilot.app.workers.wait_for_complete()  # screens that compute in a worker
    await pilot.pause()
    await pilot.pause()
