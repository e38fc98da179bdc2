"""The question a screen asks when another Runback changed what it is about to save over.

No lost update (interface.md, data file): a screen that read a record (today's check-in, the
profile, the red flags a clearance lifts, the session under way) passes it to the Store's save
as *expected*; when the stored record is no longer that, the Store writes nothing and raises
``RecordChanged``, and the screen shows this dialog.  The runner keeps theirs (the other
process's version stays; the screen's answers are dropped), keeps mine (saved over theirs,
which for a check-in is archived in the file's history as any replaced check-in is), or shows
both field by field first.  Escape goes back to the screen with its answers, nothing saved.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from runback_tui.paths import stylesheet
from runback_tui.widgets.bars import KeyBar

Choice = Literal["theirs", "mine"]


def _shown(value: Any) -> str:
    """A field's value as the comparison shows it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def compare_rows(theirs: Any, mine: Any) -> list[tuple[str, str, str]]:
    """(field, theirs, mine) for every field of two records (pydantic models or None)."""

    def fields(record: Any) -> dict[str, Any]:
        if isinstance(record, BaseModel):
            return record.model_dump(mode="json")
        return {} if record is None else {"value": record}

    left, right = fields(theirs), fields(mine)
    names = list(dict.fromkeys([*left, *right]))
    return [(name, _shown(left.get(name)), _shown(right.get(name))) for name in names]


class ConflictDialog(ModalScreen[Choice | None]):
    """Keep theirs (`t`), keep mine (`m`), or show both (`b`); `escape` goes back."""

    CSS_PATH = [stylesheet("session.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict-theirs"),
        Binding("m", "choose('mine')", "Keep mine", id="conflict-mine"),
        Binding("b", "both", "Show both", id="conflict-both"),
        Binding("escape", "choose(None)", "Back", id="conflict-back"),
    ]
    AUTO_FOCUS = ""

    def __init__(
        self,
        what: str,
        theirs: str,
        mine: str,
        *,
        rows: list[tuple[str, str, str]],
        keep_mine: str = "saved over theirs",
    ) -> None:
        super().__init__()
        self.keep_mine = keep_mine
        """What keeping yours does, e.g. "saved over theirs" (worded in domain/wording.py)."""
        self.what = what
        """What changed, e.g. "the check-in of 2026-11-21"."""
        self.theirs = theirs
        """The other process's version, in a line."""
        self.mine = mine
        """This screen's version, in a line."""
        self.rows = rows
        """Both versions field by field (shown with `b`)."""

    def question(self) -> str:
        """The dialog's text."""
        return (
            f"{self.what[:1].upper()}{self.what[1:]} was changed by another Runback (another "
            "terminal or the command line) since this screen read it. Nothing is saved yet.\n"
            f"Theirs: {self.theirs}\n"
            f"Yours:  {self.mine}\n"
            f"t keeps theirs (your answers are dropped), m keeps yours ({self.keep_mine})."
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog conflict"):
            yield Static(self.question(), id="confirm-question", markup=False)
            with VerticalScroll(id="conflict-both"):
                yield Static(id="conflict-table")
        yield KeyBar()  # t keep theirs, m keep mine, b show both, escape back

    def on_mount(self) -> None:
        """Both versions stay hidden until `b`."""
        self.query_one("#conflict-both").display = False

    def action_both(self) -> None:
        """Show (or hide) both versions field by field."""
        table = Table("field", "theirs", "yours", box=None, padding=(0, 1), expand=True)
        for name, left, right in self.rows:
            mark = "" if left == right else " ≠"
            table.add_row(name.replace("_", " ") + mark, left, right)
        self.query_one("#conflict-table", Static).update(table)
        panel = self.query_one("#conflict-both")
        panel.display = not panel.display

    def action_choose(self, choice: Choice | None) -> None:
        """Close with *choice* (None: back to the screen, nothing saved)."""
        self.dismiss(choice)
