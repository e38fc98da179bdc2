"""Import runs (the command palette): what `runback import` does, from a path typed in.

A path (a FIT, GPX or TCX file, gzipped or not, or a Strava or Garmin export archive), the
pain during and after those runs (both, or neither: the runs then wait for it, and `i` opens
the screen that asks run by run), then `enter` (or the Import button).  The files are read
and stored in a worker thread (storage/activities.py, Store.import_activities); the screen
then says what was logged, kept waiting, skipped as a duplicate, kept as pre-program history,
or refused and why.  As on the command line, a refused file stores nothing and the others
still import.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from runback_tui.domain import wording
from runback_tui.domain.models import Profile
from runback_tui.domain.protocol import flare_acute_on, is_flare
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
    pain: int | None, acute: bool,
) -> str:  # fmt: skip
    """What an import did, as ``runback import`` says it, then the flare advice when due."""
    lines = act.report_lines(
        plan, refused, stored, profile.units, profile.start_date, surface="tui"
    )
    lines += ["R" + act.refusal_line(refusal)[1:] for refusal in refused]  # "Refused …"
    days = [log.date for _, log in plan.logs if log.id in stored]
    if pain is not None and is_flare(pain) and days:
        over = None if acute else max(days)  # acute: a flare's 48 hours reach today
        lines.append(wording.flare_after_log(pain, "tui", over_since=over))
    return "\n".join(lines)


class ImportRunsScreen(RunbackScreen[None]):
    """A path and the pain during and after; enter imports."""

    CSS_PATH = [stylesheet("profile.tcss")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "pending_imports", "Say how they felt", id="import-pending"),
    ]
    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__()
        self._pending = False
        """True once this screen kept runs waiting for their pain (`i` then asks)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pending_imports":
            return self._pending
        return True

    def action_pending_imports(self) -> None:
        """Ask about the runs kept waiting (screens/pending.py), over this screen."""
        from runback_tui.screens.pending import PendingRunsScreen

        self.app.push_screen(PendingRunsScreen())

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="form"):
            yield Static("Import runs", classes="form-title")
            yield Static(INTRO, classes="hint")
            yield Static("File or archive path", classes="section")
            yield Input(placeholder="~/Downloads/export.zip", id="import-path")
            yield Static(
                "Highest pain during those runs, 0-10 (leave both empty to answer run by run)",
                classes="section",
            )
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

    def _pain(self, field_id: str, what: str) -> int | str | None:
        """The pain typed in *field_id* (None: left empty), or the problem with it."""
        text = self.query_one(f"#{field_id}", Input).value.strip()
        if not text:
            return None
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
        if not problems and (during is None) != (after is None):
            problems.append(
                "Pain: give both pain during and pain after, 0-10, or leave both empty "
                "(the runs then wait, and Runback asks run by run)"
            )
        if problems:
            message.update("\n".join(problems))
            return
        pain = (during, after) if isinstance(during, int) and isinstance(after, int) else None
        message.update("Importing…")
        self._import(Path(raw).expanduser(), pain)

    @work(thread=True, exclusive=True, group="import")
    def _import(self, path: Path, pain: tuple[int, int] | None) -> None:
        """In a worker thread: read, plan and store (no widget access but the last update)."""
        app = self.runback
        waiting = False
        try:
            snapshot = app.store.snapshot()
            profile = snapshot.profile
            if profile is None:
                text = "No profile yet."
            else:
                found, refused = act.read_paths([path])
                plan = act.plan_import(
                    found, profile, snapshot.history, app.clock.today(), pain=pain,
                    pending=snapshot.pending_imports, pre_program=snapshot.pre_program,
                )  # fmt: skip
                stored: set[str] = set()
                if plan.logs or plan.pending or plan.pre_program:
                    stored = set(
                        app.store.import_activities(
                            [log for _, log in plan.logs],
                            pending=[a for _, a in plan.pending],
                            pre_program=[a for _, a in plan.pre_program],
                        )
                    )
                worst = max(pain) if pain is not None else None
                acute = (  # read again only for a flare: does its 48 hours reach today?
                    bool(stored)
                    and is_flare(worst)
                    and flare_acute_on(app.store.history(), app.clock.today())
                )
                text = import_text(plan, refused, stored, profile, worst, acute)
                waiting = any(a.id in stored for _, a in plan.pending)
        except StoreError as error:
            text = f"Nothing was imported: {error}"
        self.app.call_from_thread(self._show, text, waiting)

    def _show(self, text: str, waiting: bool = False) -> None:
        # As Text: a file name's brackets are not markup (printable: no control characters).
        self.query_one("#import-message", Static).update(Text(printable(text)))
        if waiting:
            self._pending = True
            self.runback.asked_about_imports = True  # this screen offers `i`; home need not ask
            # Off the text fields, or the `i` the message offers would be typed into one.
            self.query_one("#import", Button).focus()
            self.refresh_bindings()
