"""Large letters and digits that fill the space they are given, readable from across a room.

A session screen's remaining time and its segment word (RUN, WALK, HOLD, 3, 2, 1 …) are drawn
here in a hand-drawn 5×7 pixel font.  Each pixel is drawn with half-block characters
(``▀ ▄ █``), so a terminal cell holds two pixels stacked, and the font is scaled by whole
pixels to the largest size that fits the widget: 7 rows at 80×24, 14 at 120×40.  Only block
characters and spaces are written, so it reads the same with NO_COLOR, over SSH and in any
font the terminal uses.

Why not pyfiglet: its fonts come in fixed sizes (a font is a size), so "scale with the
window" would mean picking among fonts; box-drawing figlet fonts look thin from two metres,
and the solid ones are not there at every size.  A 5×7 bitmap scaled by whole pixels gives
every size from one drawing, and it is forty small glyphs in one module.

The widget repaints only the cells that changed: when "1:23" becomes "1:22", it marks the
changed span of each changed row dirty (Textual's ``refresh(region)``), so a countdown at
120×40 sends a few hundred bytes a second, not the whole block of digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from rich.segment import Segment
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["FONT", "BigText", "Scale", "best_scale", "draw", "glyph_edges", "pixel_width"]

_GLYPHS: dict[str, tuple[str, ...]] = {
    "0": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("####.", "....#", "....#", ".###.", "....#", "....#", "####."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "D": ("####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "G": (".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "I": (".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "J": ("..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "Q": (".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."),
    "Z": ("#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"),
    ":": (".", "#", "#", ".", "#", "#", "."),
    ".": (".", ".", ".", ".", ".", ".", "#"),
    "!": ("#", "#", "#", "#", "#", ".", "#"),
    "-": ("...", "...", "...", "###", "...", "...", "..."),
    "/": ("....#", "....#", "...#.", "..#..", ".#...", "#....", "#...."),
    " ": ("...", "...", "...", "...", "...", "...", "..."),
}

FONT: dict[str, tuple[tuple[bool, ...], ...]] = {
    char: tuple(tuple(cell == "#" for cell in row) for row in rows)
    for char, rows in _GLYPHS.items()
}
"""Each glyph as 7 rows of pixels (True = ink); letters are upper case only."""

GLYPH_ROWS = 7
"""Pixel rows of every glyph."""
GAP = 1
"""Pixels between two glyphs."""
_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def _glyphs(text: str) -> list[tuple[tuple[bool, ...], ...]]:
    """The glyphs of *text* (upper-cased; characters the font lacks are left out)."""
    return [FONT[char] for char in text.upper() if char in FONT]


def pixel_width(text: str) -> int:
    """Width of *text* in font pixels, gaps included."""
    glyphs = _glyphs(text)
    if not glyphs:
        return 0
    return sum(len(glyph[0]) for glyph in glyphs) + GAP * (len(glyphs) - 1)


@dataclass(frozen=True, slots=True)
class Scale:
    """How big one font pixel is drawn: *columns* cells wide, *halves* half-cells tall."""

    columns: int
    halves: int

    def rows(self) -> int:
        """Terminal rows of a line of text at this scale."""
        return math.ceil(GLYPH_ROWS * self.halves / 2)


def best_scale(text: str, size: Size) -> Scale | None:
    """The largest scale at which *text* fits in *size*, or None when even the smallest does not.

    Height comes first (the taller, the further away it reads), then width; a pixel is never
    more than twice as tall as it is wide (a cell is about twice as tall as wide, so
    ``columns >= halves / 2``), and at most three quarters as wide as tall
    (``columns <= 3 * halves / 4``): letters keep their shape, and the few cells a ticking
    digit repaints stay under the 1 KB/s budget at 120×40.
    """
    width = pixel_width(text)
    if width == 0 or size.width <= 0 or size.height <= 0:
        return None
    for halves in range(2 * size.height // GLYPH_ROWS + 1, 0, -1):
        scale_rows = math.ceil(GLYPH_ROWS * halves / 2)
        if scale_rows > size.height:
            continue
        widest = max(1, math.ceil(3 * halves / 4))
        for columns in range(widest, max(1, math.ceil(halves / 2)) - 1, -1):
            if width * columns <= size.width:
                return Scale(columns, halves)
    return None


def glyph_edges(text: str, scale: Scale) -> tuple[int, ...]:
    """The columns where each glyph of *text* starts and ends, drawn at *scale*."""
    edges: list[int] = []
    x = 0
    for index, glyph in enumerate(_glyphs(text)):
        if index:
            x += GAP * scale.columns
        edges.append(x)
        x += len(glyph[0]) * scale.columns
        edges.append(x)
    return tuple(edges)


@lru_cache(maxsize=64)
def draw(text: str, scale: Scale) -> tuple[str, ...]:
    """*text* drawn at *scale*: one string of block characters and spaces per terminal row."""
    glyphs = _glyphs(text)
    pixel_rows: list[list[bool]] = [[] for _ in range(GLYPH_ROWS)]
    for index, glyph in enumerate(glyphs):
        for number in range(GLYPH_ROWS):
            if index:
                pixel_rows[number].extend([False] * GAP)
            pixel_rows[number].extend(glyph[number])
    # Scale: every pixel becomes *columns* cells wide and *halves* half-rows tall.
    halves: list[list[bool]] = []
    for pixels in pixel_rows:
        wide = [ink for ink in pixels for _ in range(scale.columns)]
        halves.extend([wide] * scale.halves)
    if len(halves) % 2:
        halves.append([False] * len(halves[0]))
    return tuple(
        "".join(_HALF_BLOCKS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(halves[::2], halves[1::2], strict=True)
    )


class _Glyph(Widget):
    """One character of a :class:`BigText`, drawn at the text's scale (its own widget, so a
    ticking digit repaints only its own cells: Textual sends a partial update from the left
    edge of the widget it falls in)."""

    DEFAULT_CSS = """
    _Glyph {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, char: str, scale: Scale | None, *, lead: bool) -> None:
        super().__init__()
        self.char = char
        self.scale = scale
        self.lead = lead
        """True when a gap is drawn before the glyph (every glyph but the first)."""
        self._apply_size()

    def _apply_size(self) -> None:
        """Size the widget to the glyph; the gap before it is a margin (never repainted)."""
        if self.scale is None:
            self.styles.width = len(self.char)
            self.styles.height = 1
            self.styles.margin = 0
            return
        self.styles.width = pixel_width(self.char) * self.scale.columns
        self.styles.height = self.scale.rows()
        self.styles.margin = (0, 0, 0, GAP * self.scale.columns if self.lead else 0)

    def set(self, char: str, scale: Scale | None, *, lead: bool) -> None:
        """Show *char*; repaint only the rows that changed (all of them when resized)."""
        if (char, scale, lead) == (self.char, self.scale, self.lead):
            return
        resized = (
            scale != self.scale
            or lead != self.lead
            or pixel_width(char) != pixel_width(self.char)
            or len(char) != len(self.char)
        )
        before = self.char
        self.char, self.scale, self.lead = char, scale, lead
        if resized or scale is None:
            self._apply_size()
            self.refresh(layout=True)
            return
        width = self.size.width
        for y, (old, new) in enumerate(zip(draw(before, scale), draw(char, scale), strict=True)):
            if old != new:
                self.refresh(Region(0, y, width, 1))

    def render_line(self, y: int) -> Strip:
        """One row of the glyph."""
        style = self.rich_style
        width = self.size.width
        if self.scale is None:
            text = self.char if y == 0 else ""
        else:
            rows = draw(self.char, self.scale)
            text = rows[y] if 0 <= y < len(rows) else ""
        return Strip([Segment(text[:width].ljust(width), style)], width)


class BigText(Widget):
    """A line of text in large letters, centred, at the largest size its region allows.

    ``fit`` is a template whose width the size is chosen for (e.g. "00:00" for a countdown),
    so the letters keep their size while the text ticks; text wider than the template is
    sized for itself.  When not even the smallest size fits (a tiny terminal), the text is
    shown in plain letters (for bold, give the widget ``text-style: bold``: the blocks need
    none, and every repainted row would carry it).  Each character is a child widget, so a
    change repaints only the characters that changed.
    """

    DEFAULT_CSS = """
    BigText {
        width: 1fr;
        height: 1fr;
        layout: horizontal;
        align: center middle;
    }
    """

    def __init__(
        self,
        text: str = "",
        *,
        fit: str = "",
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._text = text
        self._fit = fit
        self._scale: Scale | None = None

    @property
    def text(self) -> str:
        """The text shown."""
        return self._text

    @property
    def fit(self) -> str:
        """The template the size is chosen for."""
        return self._fit

    @fit.setter
    def fit(self, template: str) -> None:
        if template != self._fit:
            self._fit = template
            self._sync()

    def scale(self) -> Scale | None:
        """The scale the text is drawn at (None: plain letters)."""
        return self._scale

    def _best_scale(self) -> Scale | None:
        template = self._fit if pixel_width(self._fit) > pixel_width(self._text) else self._text
        return best_scale(template.upper(), self.size)

    def show(self, text: str) -> bool:
        """Show *text*; returns True when it changed.  Only changed characters repaint."""
        if text == self._text:
            return False
        self._text = text
        self._sync()
        return True

    def on_mount(self) -> None:
        """Draw the text."""
        self._sync()

    def on_resize(self) -> None:
        """Redraw at the new size."""
        self._sync()

    def _sync(self) -> None:
        """Make the child glyphs show the text at the best scale for the widget's size."""
        if not self.is_mounted:
            return
        self._scale = self._best_scale()
        chars = [c for c in self._text.upper() if c in FONT] if self._scale else []
        glyphs = list(self.query_children(_Glyph))
        if self._scale is None:
            chars = [self._text.upper()] if self._text else []
        extra = glyphs[len(chars) :]
        if extra:
            for glyph in extra:
                glyph.remove()
        for index, char in enumerate(chars):
            lead = index > 0 and self._scale is not None
            if index < len(glyphs):
                glyphs[index].set(char, self._scale, lead=lead)
            else:
                self.mount(_Glyph(char, self._scale, lead=lead))

    def lines(self) -> tuple[str, ...]:
        """The rows drawn now (block characters), for tests and diagnostics."""
        if self._scale is None:
            return (self._text.upper(),) if self._text else ()
        return draw(self._text.upper(), self._scale)
