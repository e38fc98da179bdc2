"""Command-palette entries for every Runback screen and the theme."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from runback_tui.screens.base import Runback


class RunbackCommands(Provider):
    """Open any screen that makes sense now, or switch the theme."""

    def _entries(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """(name, help, command) for what can be opened from here."""
        from runback_tui.screens.today import is_paused

        app = cast("Runback", self.app)

        def opening(name: str) -> Callable[[], Any]:
            """Open destination *name* as its key does (nothing when it cannot be opened now)."""
            return partial(self.app.run_action, f"open({name!r})")

        entries: list[tuple[str, str, Callable[[], Any]]] = []
        if app.current_profile() is not None:
            entries += [
                (
                    "Home: today's plan",
                    "Program day, phase, plan, warnings (h)",
                    opening("home"),
                ),
                (
                    "Check-in",
                    "Today's pain, stiffness and red-flag questions (c)",
                    opening("checkin"),
                ),
                (
                    "Exercise routines",
                    "Pick a routine, the ice timer or a single exercise (e)",
                    opening("routines"),
                ),
                (
                    "Run session",
                    "Today's run-walk or run, any stage, warm-up and stretch (r)",
                    opening("run_session"),
                ),
                (
                    "Session cue settings",
                    "Banner, bell, desktop notification, 3-2-1, halfway, tempo reps",
                    opening("cue_settings"),
                ),
                (
                    "Dashboard",
                    "Pain trend, adherence, weekly load, shoes and events (d)",
                    opening("dashboard"),
                ),
                (
                    "Profile",
                    "Units, start date, history answers, build start",
                    opening("profile"),
                ),
            ]
            if is_paused(app):
                entries.append(
                    (
                        "Red-flag stop and clearance",
                        "What to do now, and record a professional's clearance",
                        opening("stop_screen"),
                    )
                )
        entries += [
            (
                "Help",
                "Keys, the protocol in brief, when to see a professional (?)",
                opening("help"),
            ),
            (
                "Toggle light/dark theme",
                "Switch between the light and the dark theme",
                partial(self.app.run_action, "toggle_dark"),
            ),
        ]
        return entries

    async def discover(self) -> Hits:
        """Every entry, before anything is typed."""
        for name, help_text, command in self._entries():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        """Entries matching what was typed."""
        matcher = self.matcher(query)
        for name, help_text, command in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
