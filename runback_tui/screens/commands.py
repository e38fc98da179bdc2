"""Command-palette entries for every Runback screen and the theme."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from runback_tui.screens.base import Runback


class RunbackCommands(Provider):
    """Open any screen that makes sense now, or switch the theme."""

    def _entries(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """(name, help, command) for what can be opened from here.

        As the footer: a destination shows only when its key would open it now (not the
        screen showing, nothing that would close a running session), and its help names the
        app's key for it, read from the app's bindings.
        """
        from runback_tui.screens.today import is_paused, pending_imports

        app = cast("Runback", self.app)
        keys = {
            binding.action: self.app.get_key_display(binding)
            for binding in type(self.app).BINDINGS
            if isinstance(binding, Binding)
        }
        profile = app.current_profile() is not None
        shown_on = self.screen

        def entry(
            name: str, title: str, help_text: str
        ) -> list[tuple[str, str, Callable[[], Any]]]:
            """The entry opening destination *name* as its key does, when that key would open
            it from the screen the palette was opened on (the app's opens_now decides, as for
            the key itself)."""
            if not app.opens_now(name, shown_on):
                return []
            action = f"open({name!r})"
            key = keys.get(action)
            if key is not None:
                help_text += f" ({key})"
            return [(title, help_text, partial(self.app.run_action, action))]

        entries: list[tuple[str, str, Callable[[], Any]]] = []
        if profile:
            entries += entry("home", "Home: today's plan", "Program day, phase, plan, warnings")
            entries += entry(
                "checkin", "Check-in", "Today's pain, stiffness and red-flag questions"
            )
            entries += entry(
                "routines",
                "Exercise routines",
                "Pick a routine, the ice timer or a single exercise",
            )
            entries += entry(
                "run_session",
                "Run session",
                "Today's run-walk or run, any stage, warm-up and stretch",
            )
            entries += entry(
                "cue_settings",
                "Session cue settings",
                "Banner, bell, desktop notification, 3-2-1, halfway, tempo reps",
            )
            entries += entry(
                "dashboard", "Dashboard", "Pain trend, adherence, weekly load, shoes and events"
            )
            entries += entry(
                "profile", "Profile", "Units, start date, history answers, build start"
            )
            entries += entry(
                "road_ahead",
                "Road ahead",
                "Today's plan, then the projected coming days: stage dates, build start",
            )
            entries += entry(
                "import_runs",
                "Import runs",
                "Log runs from a FIT, GPX or TCX file or a Strava or Garmin export archive",
            )
            if pending_imports(app):
                entries += entry(
                    "pending_imports",
                    "Imported runs: how did your back feel?",
                    "Pain during and after for runs imported without it; until then they "
                    "count for nothing",
                )
            if is_paused(app):
                entries += entry(
                    "stop_screen",
                    "Red-flag stop and clearance",
                    "What to do now, and record a professional's clearance",
                )
        entries += entry("help", "Help", "Keys, the protocol in brief, when to see a professional")
        entries.append(
            (
                "Toggle light/dark theme",
                "Switch between the light and the dark theme",
                partial(self.app.run_action, "toggle_dark"),
            )
        )
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
