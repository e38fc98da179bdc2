"""One wording: the stage description every surface uses, and its two surface options."""

from __future__ import annotations

import pytest

from runback_tui.domain import wording
from runback_tui.domain.protocol import STAGES


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "stage 1: 10 × (1 min run, 2 min walk), 30 min"),
        (2, "stage 2: 8 × (2 min run, 1 min walk), 24 min"),
        (3, "stage 3: 6 × (3 min run, 1 min walk), 24 min"),
    ],
)
def test_stage_text(number: int, text: str) -> None:
    assert wording.stage_text(STAGES[number]) == text


def test_stage_text_in_plain_ascii_and_as_a_sum() -> None:
    stage = STAGES[1]
    assert wording.stage_text(stage, ascii=True) == "stage 1: 10 x (1 min run, 2 min walk), 30 min"
    assert wording.stage_intervals(stage, plus=True) == "10 × (1 min run + 2 min walk)"
    assert wording.stage_text(stage, ascii=True).isascii()


# -- issue 17: every fact worded once ---------------------------------------------------------


def test_a_marker_word_is_not_said_twice() -> None:
    assert wording.after_marker("⚠ FLARE", "Flare (pain 4 or more on 2026-11-21): acute care") == (
        " ",
        "(pain 4 or more on 2026-11-21): acute care",
    )
    assert wording.after_marker("⚠ FLARE", "Flare: pain reached 5, so 48 hours") == (
        ": ",
        "pain reached 5, so 48 hours",
    )
    assert wording.after_marker("ℹ SHOES", "Shoes “Blue trainers” have 490 km") == (
        " ",
        "“Blue trainers” have 490 km",
    )
    assert wording.after_marker("⚠ LONG RUN", "Your run on 2026-11-20 was 9.0 km") == (
        ": ",
        "Your run on 2026-11-20 was 9.0 km",
    )
    assert wording.after_marker("STOP", "Stopping early is fine") == (
        ": ",
        "Stopping early is fine",
    )
