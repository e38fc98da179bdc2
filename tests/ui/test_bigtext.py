"""The large letters of the session screens: sizes that fill the window, glyphs drawn right,
and repaints limited to the characters that changed."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Size

from runback_tui.widgets.bigtext import (
    FONT,
    GLYPH_ROWS,
    BigText,
    Scale,
    _Glyph,
    best_scale,
    draw,
    pixel_width,
)


def test_every_glyph_is_seven_rows_of_one_width() -> None:
    for char, rows in FONT.items():
        assert len(rows) == GLYPH_ROWS, char
        assert len({len(row) for row in rows}) == 1, char


def test_digits_share_one_width_so_a_countdown_does_not_shift() -> None:
    assert {pixel_width(d) for d in "0123456789"} == {5}
    assert pixel_width("1:23") == pixel_width("0:00") == 19


def test_a_countdown_is_at_least_seven_rows_at_80x24_and_twelve_at_120x40() -> None:
    # The space the run screen gives the countdown at each size (half the big area).
    small = best_scale("0:00", Size(80, 7))
    large = best_scale("0:00", Size(120, 15))
    assert small is not None and small.rows() >= 7
    assert large is not None and large.rows() >= 12


def test_the_scale_keeps_letters_in_shape_and_inside_the_region() -> None:
    for width, height in ((80, 7), (40, 8), (120, 16), (60, 16), (200, 60), (30, 4)):
        scale = best_scale("WALK", Size(width, height))
        assert scale is not None
        assert scale.rows() <= height
        assert pixel_width("WALK") * scale.columns <= width
        assert scale.halves / 2 <= scale.columns <= max(1, 3 * scale.halves / 4 + 1)


def test_nothing_fits_in_a_region_too_small() -> None:
    assert best_scale("PAUSED", Size(20, 3)) is None
    assert best_scale("", Size(80, 24)) is None


def test_draw_stacks_two_pixel_rows_in_each_terminal_row() -> None:
    rows = draw("1", Scale(1, 1))  # 7 half-rows -> 4 terminal rows
    assert rows == (" ▄█  ", "  █  ", "  █  ", " ▀▀▀ ")
    doubled = draw("1", Scale(2, 2))
    assert len(doubled) == 7
    assert doubled[0] == "    ██    "


class _Clock(App[None]):
    def compose(self) -> ComposeResult:
        yield BigText("1:23", fit="0:00", id="clock")


async def test_a_tick_repaints_only_the_digit_that_changed() -> None:
    app = _Clock()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        big = app.query_one(BigText)
        glyphs = list(big.query_children(_Glyph))
        assert [g.char for g in glyphs] == ["1", ":", "2", "3"]
        for glyph in glyphs:
            glyph._repaint_required = False
        big.show("1:22")
        assert [g._repaint_required for g in glyphs] == [False, False, False, True]
        await pilot.pause()
        assert big.lines() == draw("1:22", big.scale() or Scale(1, 1))


async def test_plain_letters_when_the_window_is_tiny() -> None:
    app = _Clock()
    async with app.run_test(size=(12, 3)) as pilot:
        await pilot.pause()
        big = app.query_one(BigText)
        assert big.scale() is None
        assert big.lines() == ("1:23",)
