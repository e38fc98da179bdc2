"""Numbered steps (and any line with a lead) whose wrapped lines hang under their text.

A plain string "3. Once a professional has assessed you …" wraps back to column 0; these
renderables wrap each item's text in the width left after its lead ("3. ", "★ ") and indent
every further line by the lead's width::

     9. Kneel on all fours: hands under
        shoulders, knees under hips.
    10. Set your back flat.
        Key points: Opposite arm and leg
        long. Spine stays still.

They are Rich renderables, so a Static, an OptionList prompt or a Group can show them, and
they read the same without colour (the numbers are text, not styling).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import StyleType
from rich.text import Text

KEY_POINTS = "Key points: "
"""The label the key points start with, under the steps."""


class Hanging:
    """Rows of (lead, text): each text wraps in the width after the widest lead, and its
    wrapped lines start under the text, never under the lead."""

    def __init__(
        self, rows: Iterable[tuple[str | Text, str | Text]], *, align_leads: bool = True
    ) -> None:
        """*align_leads*: every row's text starts in one column, after the widest lead (the
        leads right-aligned: " 9." over "10."); otherwise each row hangs under its own lead
        (a panel mixing "1. " items, "Why: " lines and plain lines)."""
        self.rows: list[tuple[Text, Text]] = [
            (
                Text(lead) if isinstance(lead, str) else lead,
                Text(text) if isinstance(text, str) else text,
            )
            for lead, text in rows
        ]
        self.align_leads = align_leads
        self.lead_width = max((lead.cell_len for lead, _ in self.rows), default=0)
        """The widest lead: where every row's text starts when the leads are aligned."""

    def _lead_width(self, lead: Text) -> int:
        """Where the text of the row led by *lead* starts."""
        return self.lead_width if self.align_leads else lead.cell_len

    def __str__(self) -> str:
        """The plain text, one row a line, unwrapped ('1. Kneel on all fours: …')."""
        return "\n".join(f"{lead.plain}{text.plain}" for lead, text in self.rows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for lead, text in self.rows:
            lead_width = min(self._lead_width(lead), max(0, options.max_width - 1))
            width = max(1, options.max_width - lead_width)
            lines = text.wrap(console, width, justify="left", overflow="fold")
            for number, line in enumerate(lines or [Text()]):
                row = Text(no_wrap=True, overflow="crop", end="\n")
                if number == 0:
                    row.append(" " * (lead_width - lead.cell_len))
                    row.append_text(lead)
                else:
                    row.append(" " * lead_width)
                line.rstrip()
                row.append_text(line)
                yield row

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max(
            (self._lead_width(lead) + text.cell_len for lead, text in self.rows), default=0
        )
        narrowest = max(
            (
                self._lead_width(lead) + max((cell_len(w) for w in text.plain.split()), default=0)
                for lead, text in self.rows
            ),
            default=0,
        )
        return Measurement(min(narrowest, widest), widest).clamp(max_width=options.max_width)


LIST_LEAD = re.compile(r"(?:\d+\. (?:✓ )?|\[[ x✓]\] |[•✓→❄⚠ℹ○] |(?:Why|Tip): )")
"""What leads a line of a list: '3. ', '3. ✓ ', '[x] ', '• ', '✓ ', '⚠ ', 'Why: ', 'Tip: '."""


def hanging_lines(text: Text, lead: re.Pattern[str] = LIST_LEAD) -> Hanging:
    """*text*, one row a line, each line that starts with a *lead* hanging under its text
    and every other line wrapping as usual (home's panels: numbered plan items, "[x] Checked
    in …", "Why: …" and plain sentences together)."""
    rows: list[tuple[str | Text, str | Text]] = []
    for line in text.split("\n"):
        found = lead.match(line.plain)
        cut = found.end() if found else 0
        rows.append((line[:cut], line[cut:]))
    return Hanging(rows, align_leads=False)


def hanging(lead: str | Text, text: str | Text) -> Hanging:
    """One line with a lead ('★ ', '• ') whose wrapped lines start under *text*."""
    return Hanging([(lead, text)])


def numbered_steps(
    steps: Sequence[str | Text],
    key_points: Sequence[str] = (),
    *,
    number_style: StyleType = "bold",
    key_style: StyleType = "bold",
) -> Hanging:
    """*steps* numbered from 1, each wrapped under its text, then the *key_points* in one
    line ("Key points: …") hanging under the steps' text.

    The numbers are right-aligned ("9." and "10." end in one column); *number_style* and
    *key_style* style the numbers and the "Key points:" label.
    """
    rows: list[tuple[str | Text, str | Text]] = [
        (Text(f"{number}. ", style=number_style), step) for number, step in enumerate(steps, 1)
    ]
    if key_points:
        points = Text(KEY_POINTS, style=key_style)
        points.append(" ".join(key_points))
        rows.append(("", points))
    return Hanging(rows)
