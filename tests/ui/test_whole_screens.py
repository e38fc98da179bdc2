"""Every screen whole at 80×24 and 120×40 (issue 17): the footer shows the screen's keys (or,
where they cannot all fit, at least `?` and the palette's key) and never half a key; no word
is cut at an edge, no bracket left open, no "(s)" plural, no word twice, no "Why:" repeating
the plan.  The checks themselves (tests/ui/screens_at_sizes.py) are shown to fail on fake
screens below.

And help and the palette in step with the bindings: help's key table lists every binding of
every screen and no key nothing binds; the palette offers a destination exactly where its key
works.
"""

from __future__ import annotations

import pkgutil
import re
from collections.abc import Iterable
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

import runback_tui.screens
import runback_tui.widgets
from runback_tui.app import DESTINATIONS, make_app
from runback_tui.domain.clock import FakeClock
from runback_tui.screens.commands import RunbackCommands
from runback_tui.screens.help import (
    SECTIONS,
    TEXTUAL_ACTIONS,
    UNBOUND,
    key_name,
    key_sections,
    owner_class,
)
from runback_tui.storage.store import Store
from tests.hardening.helpers import screen_text
from tests.ui.fixtures import NOW, new_store, seed_build
from tests.ui.screens_at_sizes import (
    SCREENS,
    SHOWN,
    SIZES,
    FooterItem,
    ScreenCase,
    footer_problems,
    reach,
    screen_problems,
    text_problems,
)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("case", SCREENS, ids=lambda case: case.name)
async def test_every_screen_is_whole(
    case: ScreenCase, size: tuple[int, int], tmp_path: Path
) -> None:
    store = new_store(tmp_path / "runback.json")
    if case.seed is not None:
        case.seed(store)
    app = make_app(store, FakeClock(NOW), blink_cursor=False, animations=False)
    async with app.run_test(size=size) as pilot:
        await reach(case, pilot)
        shown = type(app.screen).__name__
        assert shown == SHOWN[case.name], f"{case.name}: the keys led to {shown}"
        text = screen_text(app)
        problems = screen_problems(app, text)
    where = f"{case.name} at {size[0]}×{size[1]}"
    assert not problems, f"{where}:\n  " + "\n  ".join(problems) + "\n" + text


def test_every_case_names_the_screen_it_ends_on() -> None:
    assert {case.name for case in SCREENS} == set(SHOWN)


# --- the checks fail where they should, and only there ------------------------------------

ITEMS = [
    FooterItem("p Profile", True),
    FooterItem("c Check-in", True),
    FooterItem("d Dashboard", True),
    FooterItem("esc Back", True),
    FooterItem("q Quit", True),
    FooterItem("? Help", True, required=True),
    FooterItem("^p Palette", True, required=True),
]


def test_a_whole_footer_passes() -> None:
    line = " p Profile  c Check-in  d Dashboard  esc Back  q Quit   ▏ ? Help  ^p Palette "
    assert footer_problems(line, ITEMS, len(line)) == []
    short = " p Profile  esc Back  q Quit ▏ ? Help  ^p Palette "  # dropped for want of room
    assert footer_problems(short, ITEMS, len(short)) == []


def test_a_cut_footer_fails() -> None:
    line = " p Profile  c Check-in  d Dashboard  esc Back  q"
    problems = footer_problems(line, ITEMS, len(line))
    assert any("cut or unknown: 'q'" in problem for problem in problems), problems
    assert any("lacks '? Help'" in problem for problem in problems), problems
    assert any("lacks '^p Palette'" in problem for problem in problems), problems
    half = " p Profile  esc Back  q Quit  ? Help  ^p Pal"
    assert any("'^p Pal'" in problem for problem in footer_problems(half, ITEMS, len(half)))


def test_a_footer_dropping_a_key_with_room_fails() -> None:
    line = " p Profile  esc Back  q Quit ▏ ? Help  ^p Palette ".ljust(120)
    problems = footer_problems(line, ITEMS, 120)
    assert problems and "drops 'c Check-in', 'd Dashboard'" in problems[0], problems


GOOD = """\
 ╭─ Today ─────────────────────────────╮
 │ Ice 15–20 min every 2–3 waking      │
 │ hours (thin towel, never bare       │
 │ skin). Next ice due 22:12–23:12     │
 │ (2–3 h).                            │
 │ 1. Run-walk stage 2 today           │
 │ 2. Ice, 15–20 min every 2–3 waking  │
 │    hours                            │
 │ Why: stage 1 went without pain.     │
 │ ( ) 18  (•) 20  ( ) 22              │
 │ Yes or No. A                        │
 │ Yes never blocks your plan.         │
 ╰─────────────────────────────────────╯
 enter starts · ↑/↓ choose             """


def test_a_whole_screen_passes() -> None:
    assert text_problems(GOOD, footer=False) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Next ice due 22:12–23:12 (2–3\n\n", "bracket never closed ('(2–3')"),
        (
            " │ Next ice due 22:12–23:12 (2–3 │\n │                              │\n",
            "bracket never closed ('(2–3')",
        ),
        (" │ a sentence cut at the bord│\n", "word cut by a box's right border"),
        (" text running off the screen", "word cut by the right edge of the screen"),
        (" │ 1 red flag(s) │\n", "'(s)' plural 'g(s)'"),
        (" │ 1 warning(s) │\n", "'(s)' plural 'g(s)'"),
        (" │ ⚠ FLARE: Flare (pain 4 or more) │\n", "word repeated ('FLARE: Flare')"),
        (" │ the the plan │\n", "word repeated ('the the')"),
        (
            " │ 1. Run-walk stage 2 today │\n │ Why: Run-walk stage 2 today. │\n",
            "'Why:' repeats another line ('Run-walk stage 2 today')",
        ),
        ("  Ice timer length  (•) 15  ( ) 16  ( )\n  18  ( ) 19\n", "an option's mark"),
        (" Thin towel, never bare skin.\n Press\n ✔ Recorded 15 min.\n", "stops on 'Press'"),
        (" │ 1. Kneel on all fours: hands │\n │ under shoulders.             │\n", "not under"),
    ],
)
def test_a_broken_screen_fails(text: str, problem: str) -> None:
    problems = text_problems(text, footer=False)
    assert any(problem in found for found in problems), problems


# --- help and the palette in step with the bindings ---------------------------------------


def described(bindings: Iterable[BindingType]) -> list[Binding]:
    """The bindings that do something (a binding without a description only blocks its key)."""
    return [b for b in bindings if isinstance(b, Binding) and b.description]


def runback_classes_with_bindings() -> dict[str, type]:
    """Every screen and widget class of Runback declaring bindings, by "module:Class"."""
    found: dict[str, type] = {}
    for package in (runback_tui.screens, runback_tui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                if not isinstance(value, type) or value.__module__ != module.__name__:
                    continue
                if described(value.__dict__.get("BINDINGS", ())):
                    found[f"{module.__name__}:{name}"] = value
    return found


def keys_in(rows: Iterable[tuple[str, str]]) -> set[str]:
    """The keys help's *rows* name ("0–9" is ten of them, "→/←" two)."""
    keys: set[str] = set()
    for text, _meaning in rows:
        span = re.fullmatch(r"(\d)–(\d)", text)
        if span:
            keys |= {str(n) for n in range(int(span[1]), int(span[2]) + 1)}
        else:
            keys |= set(text.split("/"))
    return keys


def help_gaps(app: App[Any], classes: dict[str, type]) -> list[str]:
    """Where help's key table and the bindings of *classes* and of *app* disagree: a binding
    help does not list (a class missing from its SECTIONS, a key missing from its section),
    or a key help lists that no binding of its section has."""
    sections = dict(key_sections(app))
    owners = [("Everywhere", "app", type(app))]
    owners += [(title, owner, owner_class(owner)) for title, names in SECTIONS for owner in names]
    placed = {owner for _title, names in SECTIONS for owner in names}
    gaps = [f"{owner} has bindings but no place in help.SECTIONS" for owner in classes]
    gaps = [gap for gap in gaps if gap.split()[0] not in placed]
    bound: dict[str, set[str]] = {}
    for title, owner, cls in owners:
        bindings = cls.BINDINGS if owner == "app" else cls.__dict__.get("BINDINGS", ())
        wanted = TEXTUAL_ACTIONS.get(owner)  # of Textual's classes, only the keys help lists
        keys = {
            key_name(k)
            for b in described(bindings)
            if wanted is None or b.action in wanted
            for k in b.key.split(",")
        }
        keys |= {keys_text for keys_text, _meaning in UNBOUND.get(owner, ())}
        if owner == "app":
            keys.add(key_name(app.COMMAND_PALETTE_BINDING))
        for key in sorted(keys - keys_in(sections[title])):
            gaps.append(f"{owner}: key {key!r} is bound but not in help's {title!r}")
        bound.setdefault(title, set()).update(keys)
    for title, rows in sections.items():
        for key in sorted(keys_in(rows) - bound[title]):
            gaps.append(f"help's {title!r} lists {key!r}, which nothing there binds")
    return gaps


def an_app(tmp_path: Path) -> App[Any]:
    """An app, not running (help's table needs only its class and key display)."""
    return make_app(new_store(tmp_path / "runback.json"), FakeClock(NOW))


def test_help_lists_every_binding_and_no_other_key(tmp_path: Path) -> None:
    assert help_gaps(an_app(tmp_path), runback_classes_with_bindings()) == []


def test_a_binding_help_does_not_list_is_caught(tmp_path: Path) -> None:
    class NewScreen(Screen[None]):
        BINDINGS: ClassVar[list[BindingType]] = [Binding("z", "zoom", "Zoom")]

    classes = {**runback_classes_with_bindings(), "runback_tui.screens.new:NewScreen": NewScreen}
    assert help_gaps(an_app(tmp_path), classes) == [
        "runback_tui.screens.new:NewScreen has bindings but no place in help.SECTIONS"
    ]


def test_a_binding_added_to_a_screen_shows_in_help(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Help reads the bindings themselves: a new key on home is in help with its label."""
    from runback_tui.screens.home import HomeScreen

    monkeypatch.setattr(
        HomeScreen, "BINDINGS", [*HomeScreen.BINDINGS, Binding("z", "zoom", "Zoom")]
    )
    app = an_app(tmp_path)
    assert ("z", "Zoom") in dict(key_sections(app))["Home"]
    assert help_gaps(app, runback_classes_with_bindings()) == []


async def test_the_help_screen_shows_the_key_table(store: Store) -> None:
    seed_build(store)
    app = make_app(store, FakeClock(NOW), blink_cursor=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        shown = " ".join(str(app.screen.query_one("#help-keys", Static).render()).split())
        for title, rows in key_sections(app):
            assert title in shown
            for keys, meaning in rows:
                assert f"{keys} {meaning}" in shown, (keys, meaning)


PALETTE_SCREENS = ("home-build", "help", "dashboard-where", "run-session", "stop", "checkin")
"""Screens the palette is opened on: home, over home, a running session, a paused plan."""


@pytest.mark.parametrize(
    "case", [c for c in SCREENS if c.name in PALETTE_SCREENS], ids=lambda case: case.name
)
async def test_the_palette_offers_what_the_keys_open(case: ScreenCase, tmp_path: Path) -> None:
    """An entry for a destination with a key exactly where the footer offers that key (and
    names it); no entry for the screen showing or for what would close a running session."""
    store = new_store(tmp_path / "runback.json")
    if case.seed is not None:
        case.seed(store)
    app = make_app(store, FakeClock(NOW), blink_cursor=False, animations=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await reach(case, pilot)
        entries = {
            command.args[0]: (name, help_text)
            for name, help_text, command in RunbackCommands(app.screen)._entries()
            if isinstance(command, partial) and command.args[0].startswith("open(")
        }
        offered = {
            active.binding.action: app.get_key_display(active.binding)
            for active in app.screen.active_bindings.values()
            if active.binding.action.startswith("open(") and active.enabled
        }
        keyed = {b.action for b in type(app).BINDINGS if isinstance(b, Binding)}
        assert {a for a in entries if a in keyed} == set(offered), case.name
        for action, key in offered.items():
            assert entries[action][1].endswith(f"({key})"), entries[action]
        showing = type(app.screen).__name__
        assert not any(showing == DESTINATIONS[a[6:-2]].screen for a in entries), entries
