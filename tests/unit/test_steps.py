"""Numbered steps with a hanging indent (widgets/steps.py): wrapped lines stay under the text."""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.text import Text

from runback_tui.widgets.steps import hanging, hanging_lines, numbered_steps

STEPS = (
    "Kneel on all fours: hands under shoulders, knees under hips.",
    "Reach one leg straight back and the opposite arm straight forward.",
)
POINTS = ("Opposite arm and leg long.", "Spine stays still.")


def lines(renderable: RenderableType, width: int) -> list[str]:
    """*renderable* as plain lines at *width* cells."""
    console = Console(width=width, color_system=None, legacy_windows=False, soft_wrap=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get().rstrip("\n").split("\n")


def test_wrapped_steps_hang_under_their_text() -> None:
    shown = lines(numbered_steps(STEPS, POINTS), 30)
    assert shown[0] == "1. Kneel on all fours: hands"
    for line in shown:
        assert len(line.rstrip()) <= 30
        # every line starts a step ("1. ") or the key points, or hangs 3 cells in
        assert line[:3] in ("1. ", "2. ") or line.startswith("   "), shown
    starts = [line for line in shown if not line.startswith("   ")]
    assert [s[:3] for s in starts] == ["1. ", "2. "]
    assert any(line.startswith("   Key points: Opposite") for line in shown), shown
    text = " ".join(" ".join(line.split()) for line in shown)
    assert "straight forward. Key points: Opposite arm and leg long. Spine stays still." in text


def test_numbers_align_from_step_10() -> None:
    shown = lines(numbered_steps([f"Step {n} of a long list." for n in range(1, 11)]), 40)
    assert shown[0] == " 1. Step 1 of a long list."
    assert shown[9] == "10. Step 10 of a long list."


def test_nothing_is_lost_or_cut_at_any_width() -> None:
    for width in (12, 20, 40, 80, 120):
        shown = lines(numbered_steps(STEPS, POINTS), width)
        words = " ".join(shown).split()
        for sentence in (*STEPS, *POINTS):
            for word in sentence.split():
                assert word in words or width < 16, (width, word)


def test_hanging_keeps_a_lead_and_styles() -> None:
    shown = lines(hanging("★ ", Text("Core stability · 2–3×/week, or daily in build")), 24)
    assert shown[0].startswith("★ Core stability")
    assert all(line.startswith("  ") for line in shown[1:]) and len(shown) > 1


def test_a_panel_of_mixed_lines_hangs_each_under_its_own_lead() -> None:
    text = Text(
        "1. Ice, 15–20 min every 2–3 waking hours (thin towel, never bare skin)\n"
        "Why: Acute care until 2026-11-22: pain of 4 or more was logged on 2026-11-21.\n"
        "[x] Checked in today: pain 5/10, stiffness 6/10. Press c to change it.\n"
        "A plain sentence that wraps like any other sentence does."
    )
    shown = lines(hanging_lines(text), 40)
    assert shown[0].startswith("1. Ice") and shown[1].startswith("   ")
    why = next(i for i, line in enumerate(shown) if line.startswith("Why: "))
    assert shown[why + 1].startswith("     ") and not shown[why + 1].startswith("      ")
    check = next(i for i, line in enumerate(shown) if line.startswith("[x] "))
    assert shown[check + 1].startswith("    ")
    assert shown[-1] == "does." or not shown[-1].startswith(" ")
    assert str(hanging_lines(text)) == text.plain  # plain text, as the panel's tests read it
