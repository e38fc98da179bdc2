"""The title bar and key bar of every screen: one widget each, drawn as one line of text.

They show what Textual's Header and Footer show (the icon, title and sub-title; each key with
its description, dimmed when unavailable, and the command palette's key on the right), but
Textual's Footer mounts a widget per key and re-composes them whenever the bindings change,
and its Header three widgets.  That was about 18 ms of home's first frame, a seventh of a bare
Textual app's whole start.  Here a binding change is one repaint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

ICON = "⭘"
ICON_CELLS = 8
"""The icon's cell at the left of the title bar, as in Textual's Header (opens the palette)."""
RIGHT_CELLS = 10
"""Kept clear at the right of the title bar, as in Textual's Header (titles centre alike)."""


class TitleBar(Widget):
    """The top line: the palette icon, then the title and sub-title of the screen or the app."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        """Repaint whenever the app's or the screen's title changes."""
        for owner in (self.app, self.screen):
            self.watch(owner, "title", self._title_changed, init=False)
            self.watch(owner, "sub_title", self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    def title_text(self) -> Text:
        """The title, and the sub-title dimmed after a dash, as Textual's Header shows them."""
        screen = self.screen
        title = screen.title if screen.title is not None else self.app.title
        sub_title = screen.sub_title if screen.sub_title is not None else self.app.sub_title
        text = Text(title)
        if sub_title:
            text.append(" — ", "dim")
            text.append(sub_title, "dim")
        return text

    def render(self) -> Text:
        """The icon, then the title centred between the icon and the right margin."""
        width = self.size.width
        middle = max(0, width - ICON_CELLS - RIGHT_CELLS)
        title = self.title_text()
        if title.cell_len > middle:
            title.truncate(middle, overflow="ellipsis")
        left = (middle - title.cell_len) // 2
        line = Text(no_wrap=True, overflow="crop", end="")
        line.append(f" {ICON}".ljust(ICON_CELLS))
        line.append(" " * left)
        line.append_text(title)
        line.append(" " * (width - line.cell_len))
        return line

    async def on_click(self, event: events.Click) -> None:
        """The icon opens the command palette, as in Textual's Header."""
        if event.x < ICON_CELLS and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            await self.run_action("app.command_palette")


class _Key(NamedTuple):
    """One key as drawn: where it sits on the line and what pressing it does."""

    start: int
    end: int
    key: str
    enabled: bool


HELP_KEY = "question_mark"
"""The help key: always shown at the right of the key bar (with the palette's key)."""
IMPORTANT_KEYS = frozenset({"escape", "q"})
"""Back (or end, cancel, discard) and quit: the last keys to give way when room is short."""


class _Item(NamedTuple):
    """One key the bar may show."""

    binding: Binding
    enabled: bool
    description: str
    rank: int = 0
    """What gives way first when room is short: -1 the keys a screen names as spare
    (``FOOTER_SPARE``), 0 the app's navigation keys, 1 the focused widget's keys (a field's
    hints), 2 the screen's own keys, 3 escape and q."""
    position: int = 0
    """Where it comes in the screen's order."""

    def keep_order(self) -> tuple[bool, int, int]:
        """Sort key, first kept first: available keys before dimmed ones, then by rank, then
        in the screen's order (so the last of a rank gives way first)."""
        return (not self.enabled, -self.rank, self.position)


def _rank(owner: str, binding: Binding, spare: frozenset[str] = frozenset()) -> int:
    """See _Item.rank; *owner* is "app", "screen" or "widget": where the binding is from;
    *spare* the binding ids the screen lets give way first (home's profile and road ahead:
    its main keys are the app's navigation)."""
    if binding.id is not None and binding.id in spare:
        return -1
    if binding.key in IMPORTANT_KEYS:
        return 3
    if owner == "app":
        return 0 if binding.action.startswith("open(") else 2
    return 2 if owner == "screen" else 1


def _label(app: App[object], item: _Item) -> str:
    """The cells an item takes: ` key description ` (as KeyBar.render draws it)."""
    key = app.get_key_display(item.binding)
    return f" {key} {item.description} " if item.description else f" {key} "


class KeyBar(Widget, can_focus=False):
    """The bottom line: the screen's shown bindings (`key description`); click one to press it.

    Where they do not all fit, whole keys give way (never half of one): first dimmed keys,
    then the app's navigation keys, then the focused field's, then the screen's own, and
    escape and q last, each kind from its end (a smaller key of a kind given way to may
    still fill the room left); `?` Help and the palette's key always stay at the right.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--hover"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        width: 100%;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--hover {
            background: $block-hover-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[_Key] = []
        self._hover: int | None = None

    def on_mount(self) -> None:
        """Repaint whenever the screen's bindings change (focus moved, check_action changed)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop listening to the screen."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def render(self) -> Text:
        """The shown bindings that fit, in order; `?` Help and the palette's key at the right."""
        app = self.app
        left, pinned = self.items()
        room = self.size.width - sum(cell_len(_label(app, item)) for item in pinned)
        kept: set[int] = set()
        for item in sorted(left, key=_Item.keep_order):
            cells = cell_len(_label(app, item))
            if cells <= room:
                kept.add(item.position)
                room -= cells
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        hover_style = self.get_component_rich_style("key-bar--hover")
        dim = Style(dim=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        keys: list[_Key] = []

        def add(item: _Item) -> None:
            start = line.cell_len
            extra = Style()
            if not item.enabled:
                extra += dim
            if self._hover == len(keys):
                extra += hover_style
            binding = item.binding
            line.append(f" {app.get_key_display(binding)} ", key_style + extra)
            if item.description:
                line.append(f"{item.description} ", description_style + extra)
            keys.append(_Key(start, line.cell_len, binding.key, item.enabled))

        for item in left:
            if item.position in kept:
                add(item)
        if pinned:
            if room >= 1:
                line.append(" " * (room - 1))
                line.append("▏", dim)
            for item in pinned:
                add(item)
        self._keys = keys
        return line

    def items(self) -> tuple[list[_Item], list[_Item]]:
        """The keys to show: those that give way when room is short, in the screen's order
        (the focused widget's first, then the screen's, then the app's), and those kept at the
        right whatever the width (`?` Help and the command palette's key)."""
        app = self.app
        bindings = self.screen.active_bindings
        palette = bindings.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
        seen_actions: set[str] = set()
        left: list[_Item] = []
        pinned: list[_Item] = []
        for node, binding, enabled, _tooltip in bindings.values():
            if not binding.show or binding.action in seen_actions:
                continue
            if palette is not None and binding is palette.binding:
                continue
            seen_actions.add(binding.action)
            owner = "app" if node is app else "screen" if node is self.screen else "widget"
            rank = _rank(owner, binding, getattr(self.screen, "FOOTER_SPARE", frozenset()))
            item = _Item(binding, enabled, binding.description, rank, len(left))
            if binding.key == HELP_KEY:
                pinned.append(item)
            else:
                left.append(item)
        if palette is not None:
            description = palette.binding.description
            pinned.append(
                _Item(palette.binding, palette.enabled, description[:1].upper() + description[1:])
            )
        return left, pinned

    def _key_at(self, x: int) -> int | None:
        for index, key in enumerate(self._keys):
            if key.start <= x < key.end:
                return index
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Highlight the key under the pointer."""
        hover = self._key_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        """No highlight once the pointer leaves."""
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Press the key clicked (a bell if it is unavailable), as Textual's Footer does."""
        index = self._key_at(event.x)
        if index is None:
            return
        key = self._keys[index]
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
