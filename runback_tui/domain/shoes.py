"""Which shoe a run is logged in when none is named: one rule for the CLI and the summary."""

from __future__ import annotations

from runback_tui.domain.models import History, RunLog, RunWalkLog


def default_shoe(history: History) -> str | None:
    """The shoe a new run or run-walk is logged in when none is named.

    That is the shoe of the latest run or run-walk (by date, then id) that names a shoe still
    stored, names compared case-insensitively; else the only shoe when exactly one is stored;
    else none.  The name comes back spelt as the stored shoe spells it.
    """
    names = {shoe.name.casefold(): shoe.name for shoe in history.shoes}
    used = [
        (session.date, session.id, names[session.shoe.casefold()])
        for session in history.sessions
        if isinstance(session, RunLog | RunWalkLog)
        and session.shoe
        and session.shoe.casefold() in names
    ]
    if used:
        return max(used)[2]
    return history.shoes[0].name if len(history.shoes) == 1 else None
