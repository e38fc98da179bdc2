"""What the form screens share: store-write messages, field errors and the cursor switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from runback_tui.domain.models import ValidationError, check_note, describe_validation_error

if TYPE_CHECKING:
    from runback_tui.screens.base import Runback
    from runback_tui.storage.store import RecordChanged

T = TypeVar("T")


class StoreWriteFailed(Message):
    """A store write in a worker failed; the form keeps what the user entered."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem
        """The store's message: what went wrong and what to do."""


class StoreWriteDone(Message):
    """A store write in a worker finished."""

    def __init__(self, result: Any = None) -> None:
        super().__init__()
        self.result = result
        """Whatever the write returned (e.g. True when a check-in was replaced)."""


class StoreWriteConflict(Message):
    """A save refused because another process changed the record since it was read."""

    def __init__(self, error: RecordChanged, mine: Any) -> None:
        super().__init__()
        self.error = error
        """What changed, and their version."""
        self.mine = mine
        """The record this screen was saving."""


def ask_whose(
    screen: Screen[Any],
    conflict: StoreWriteConflict,
    describe: Callable[[Any], str],
    *,
    mine: Any,
    keep_mine: str,
    show: Callable[[str], None],
    resave: Callable[[Any], None],
    keep_theirs: Callable[[], None],
) -> None:
    """The one handling of a save refused because another process changed the record:
    *show* says so on the screen, the dialog (widgets/conflict.py) shows their version and
    *mine* (each worded by *describe*; *keep_mine* says what keeping it does), then
    *resave* gets their version to save over (expecting it now) after "Saving…", or
    *keep_theirs* drops this screen's answers.  Back (escape) leaves the screen as it was."""
    from runback_tui.domain import wording
    from runback_tui.widgets.conflict import ConflictDialog, compare_rows

    error = conflict.error
    show(wording.changed_elsewhere(error.what))
    dialog = ConflictDialog(
        error.what,
        describe(error.theirs),
        describe(mine),
        rows=compare_rows(error.theirs, mine),
        keep_mine=keep_mine,
    )

    def answered(choice: str | None) -> None:
        if choice == "mine":
            show("Saving…")
            resave(error.theirs)
        elif choice == "theirs":
            keep_theirs()

    screen.app.push_screen(dialog, answered)


def report_from_worker(
    app: App[Any], screen: Screen[Any], message: Message, orphan_text: str, *, error: bool
) -> None:
    """Post *message* to *screen* from a worker thread; notify through *app* if it is gone.

    A save can outlast its screen (the user pressed escape while the lock was held): the
    result must still reach the user, as a notification on whatever screen is showing.
    *app* is passed in because a detached screen no longer knows its app.
    """
    if screen.is_attached and screen.post_message(message):
        return
    severity = "error" if error else "information"
    app.call_from_thread(app.notify, orphan_text, severity=severity, markup=False)


def note_problem(text: str, label: str = "Note") -> str | None:
    """Why *text* cannot be stored as a note, or None when it can."""
    try:
        check_note(text)
    except ValidationError as error:
        detail = describe_validation_error(error).split(": ", 1)[-1]
        return f"✗ {label}: {detail} (now {len(text)} characters)."
    return None


def apply_cursor_setting(screen: Screen[Any]) -> None:
    """Make every text input follow the app's cursor-blink switch."""
    blink = cast("Runback", screen.app).blink_cursor
    for field in screen.query(Input):
        field.cursor_blink = blink


def focus_first(screen: Screen[Any], selector: str) -> None:
    """Focus the form's first field without scrolling the title out of view."""
    for widget in screen.query(selector):
        if widget.focusable:
            screen.set_focus(widget, scroll_visible=False)
            return


def failure_text(problem: str, key: str = "ctrl+s") -> str:
    """The message shown on a form when saving failed (*key* saves it again)."""
    return f"✗ Not saved: {problem}\nYour answers are still here: press {key} to try again."


def build_or_refuse(
    screen: Screen[Any], problems: list[str], build: Callable[[], T], field_names: dict[str, str]
) -> T | None:
    """What *build* makes of the form, or None after refuse_save said why it cannot be saved.

    *problems* are the form's own checks; the models' validation (*build* raising
    ValidationError) is reported with the form's *field_names*.
    """
    if problems:
        refuse_save(screen, problems)
        return None
    try:
        return build()
    except ValidationError as error:
        refuse_save(screen, [describe_validation_error(error, field_names)])
        return None


def refuse_save(screen: Screen[Any], problems: list[str]) -> None:
    """Say why a form was not saved: under the form (#form-message) and in a toast."""
    from textual.widgets import Static

    screen.query_one("#form-message", Static).update(
        "Not saved — fix this first:\n" + "\n".join(problems)
    )
    screen.notify("Not saved: " + problems[0], severity="error", markup=False)
