"""Import runs (the command palette): what `runback import` does, from a path typed in.

A path (a FIT, GPX or TCX file, gzipped or not, or a Strava or Garmin export archive), the
pain during and after those runs, then `enter` (or the Import button).  The files are read and
stored in a worker thread (storage/activities.py, Store.import_activities); the screen then
says what was logged, skipped as a duplicate, listed as pre-program history, or refused and
why.  As on the command line, a refused file stores nothing and the others still import.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from runback_tui.domain import wording
from runback_tui.domain.models import Profile
from runback_tui.domain.protocol import is_flare
from runback_tui.domain.text import printable
from runback_tui.paths import stylesheet
from runback_tui.screens.base import RunbackScreen
from runback_tui.screens.forms import apply_cursor_setting, focus_first
from runback_tui.storage import activities as act
from runback_tui.storage.durable import StoreError
from runback_tui.widgets.bars import KeyBar, TitleBar

INTRO = (
    "Log runs recorded by a watch or phone: a FIT, GPX or TCX file (also .gz), or a Strava "
    "or Garmin export archive (.zip). Duplicates are skipped."
)


def import_text(
    plan: act.ImportPlan, refused: list[act.Refusal], stored: set[str], profile: Profile,
    pain: int,
) -> str:  # fmt: skip
    """What an import did, as ``runback import`` says it, then the flare advice when due."""
    lines = act.report_lines(plan, refused, stored, profile.units, profile.start_date)
    lines += ["R" + act.refusal_line(refusal)[1:] for refusal in refused]  # "Refused …"
    if stored and is_flare(pain):
        lines.append(wording.flare_after_log(pain))
    return "\n".join(lines)


class ImportRunsScreen(RunbackScreen[None]):
    """A path and the pain during and after; enter imports."""

    CSS_PATH = [stylesheet("profile.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = []
    AUTO_FOCUS = ""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="form"):
            yield Static("Import runs", classes="form-title")
            yield Static(INTRO, classes="hint")
            yield Static("File or archive path", classes="section")
            yield Input(placeholder="~/Downloads/export.zip", id="import-path")
            yield Static("Highest pain during those runs, 0-10", classes="section")
            yield Input(id="import-pain-during", type="integer", max_length=2)
            yield Static("Pain after them, 0-10", classes="section")
            yield Input(id="import-pain-after", type="integer", max_length=2)
            yield Static("", id="import-message", classes="form-message")
            with Horizontal(classes="buttons"):
                yield Button("Import  enter", id="import", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        apply_cursor_setting(self)
        focus_first(self, "#import-path")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start_import()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import":
            event.stop()
            self.start_import()

    def _pain(self, field_id: str, what: str) -> int | str:
        """The pain typed in *field_id*, or the problem with it."""
        text = self.query_one(f"#{field_id}", Input).value.strip()
        if text.isdigit() and 0 <= int(text) <= 10:
            return int(text)
        return f"{what}: a whole number 0-10 is needed"

    def start_import(self) -> None:
        """Check the fields, then read and store in a worker thread."""
        message = self.query_one("#import-message", Static)
        raw = self.query_one("#import-path", Input).value.strip()
        during = self._pain("import-pain-during", "Pain during")
        after = self._pain("import-pain-after", "Pain after")
        problems = [p for p in (during, after) if isinstance(p, str)]
        if not raw:
            problems.insert(0, "Path: type the file or archive to import")
        if problems:
            message.update("\n".join(problems))
            return
        assert isinstance(during, int) and isinstance(after, int)
        message.update("Importing…")
        self._import(Path(raw).expanduser(), during, after)

    @work(thread=True, exclusive=True, group="import")
    def _import(self, path: Path, during: int, after: int) -> None:
        """In a worker thread: read, plan and store (no widget access but the last update)."""
        app = self.runback
        try:
            snapshot = app.store.snapshot()
            profile = snapshot.profile
            if profile is None:
                text = "No profile yet."
            else:
                found, refused = act.read_paths([path])
                plan = act.plan_import(
                    found, profile, snapshot.history, app.clock.today(),
                    pain_during=during, pain_after=after,
                )  # fmt: skip
                stored: set[str] = set()
                if plan.logs:
                    stored = set(app.store.import_activities([log for _, log in plan.logs]))
                text = import_text(plan, refused, stored, profile, max(during, after))
        except StoreError as error:
            text = f"Nothing was imported: {error}"
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        # As Text: a file name's brackets are not markup (printable: no control characters).
        self.query_one("#import-message", Static).update(Text(printable(text)))
