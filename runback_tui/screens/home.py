"""Home ("Today"): program day and phase, today's plan, warnings, check-in status and a tip."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from runback_tui.screens.base import Runback, RunbackScreen
from runback_tui.screens.homeview import ICE_GUIDANCE, PANELS, ice_mark, ice_status
from runback_tui.screens.too_small import sync_too_small
from runback_tui.storage.durable import StoreError
from runback_tui.widgets.bars import KeyBar, TitleBar
from runback_tui.widgets.steps import Hanging, hanging_lines

if TYPE_CHECKING:
    from runback_tui.screens.today import Today

POLL_SECONDS = 1.0
"""How often home checks whether another process changed the data file."""

WIDE = 100
"""From this many cells wide, home shows two columns (HORIZONTAL_BREAKPOINTS agree)."""

PANEL_TITLES = {
    "home-day": "Today",
    "home-plan": "Today's plan, in order",
    "home-ice": "Ice",
    "home-warnings": "Warnings and advisories",
    "home-tip": "Recovery tip",
}
"""The bordered panels and their titles."""
LEFT_PANELS = ("home-day", "home-plan", "home-ice")
RIGHT_PANELS = ("home-warnings", "home-tip")
"""The two columns from WIDE cells on; below that, one column: the left, then the right."""


class Panel(Static):
    """A home panel whose list lines ("2. Ice, …", "[x] Checked in …", "Why: …") wrap under
    their text, not back to the panel's edge (widgets/steps.hanging_lines).

    ``render()`` returns the lines themselves, so ``str(panel.render())`` is the panel's
    plain text, as with a Text.
    """

    def show(self, text: Text) -> None:
        """Show *text*, each list line hanging under its lead."""
        self.update(hanging_lines(text))

    def render(self) -> RenderResult:
        content = self.content
        return content if isinstance(content, Hanging) else super().render()


class HomeApp(Runback, Protocol):
    """What home asks of the app beyond what every screen does (RunbackApp provides it)."""

    def remember_views(self, today: Today) -> None:
        """Keep home's views and today's plan for this file version, for the next start."""
        ...


class HomeScreen(RunbackScreen[None]):
    """Today at a glance (styles/home.tcss, loaded with the app's own styles)."""

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (WIDE, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "profile", "Profile", id="home-profile"),
        Binding("a", "road_ahead", "Road ahead", id="home-road-ahead"),
        Binding("i", "pending_imports", "Imported runs", id="home-pending-imports"),
        Binding("s", "stop_screen", "STOP: what to do", id="home-stop"),
    ]
    FOOTER_SPARE: ClassVar[frozenset[str]] = frozenset(
        {"home-profile", "home-road-ahead", "home-pending-imports"}
    )
    """Home's own keys that give way in a narrow footer before c, e, r and d (help and the
    palette list them too)."""

    def __init__(self, view: dict[str, Any] | None = None) -> None:
        """*view*: home as cached for the file as it is now; drawn before anything loads."""
        super().__init__()
        self._seen_version: object = None
        self._paused = False
        self._pending = 0
        self._view = view
        self._wide = False
        self._width: int | None = None

    def compose(self) -> ComposeResult:
        """The panels in one column, or in two from WIDE cells on (composed again on crossing).

        One column needs no column containers: nested auto-height containers cost about 8 ms
        of the first frame at 80x24 (layout is worked out for each level).
        """
        self._wide = (self._width or self.app.size.width) >= WIDE
        panels = {}
        for name, title in PANEL_TITLES.items():
            panels[name] = Panel(id=name, classes="panel")
            panels[name].border_title = title
        yield TitleBar()
        with VerticalScroll(id="home-scroll"):
            yield Panel(id="home-paused", classes="stop-banner")
            if self._wide:
                with Horizontal(id="home-columns"):
                    with Vertical(id="home-left"):
                        yield from (panels[name] for name in LEFT_PANELS)
                    with Vertical(id="home-right"):
                        yield from (panels[name] for name in RIGHT_PANELS)
            else:
                yield from (panels[name] for name in LEFT_PANELS + RIGHT_PANELS)
        yield KeyBar()

    def on_mount(self) -> None:
        """Fill in from the store and keep watching the file for other processes' writes."""
        if self._view is not None:
            # The first frame comes from the cached view; the store loads after it is drawn.
            self._seen_version = self._current_version()
            self.show_view(self._view)
            self.call_after_refresh(self.runback.load_in_background)
        else:
            self.refresh_from_store()
        self.set_interval(POLL_SECONDS, self._poll_file)

    async def on_resize(self, event: events.Resize) -> None:
        """Between one and two columns: compose again, then draw what was shown."""
        if (event.size.width >= WIDE) == self._wide:
            return
        self._width = event.size.width  # the app's own size is updated after this handler
        await self.recompose()
        if self._view is not None:
            self.show_view(self._view)
        else:
            self.refresh_from_store()
        if self.is_current:  # composing again removed the too-small notice, if it showed
            sync_too_small(self.app, event.size)

    def on_screen_resume(self) -> None:
        """Show what changed while another screen was on top (nothing to do at first show)."""
        if self._current_version() != self._seen_version:
            self.refresh_from_store()
        elif self._pending and not self.runback.asked_about_imports:
            self.call_after_refresh(self._ask_about_imports)  # the resume offer came first

    def _poll_file(self) -> None:
        """Re-read when another process (the CLI, a second terminal) wrote the file."""
        if self._current_version() != self._seen_version:
            self.refresh_from_store()

    def _current_version(self) -> object:
        """The file's version and today's date: a new day re-plans too (open past midnight)."""
        try:
            return (self.runback.data_version(), self.runback.clock.today())
        except StoreError:  # shown by the refresh
            return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the stop screen only while the plan is paused."""
        if action == "stop_screen":
            return self._paused
        if action == "pending_imports":
            return self._pending > 0
        return True

    def action_profile(self) -> None:
        """Open the profile."""
        self.runback.open_screen("profile")

    def action_road_ahead(self) -> None:
        """Open the road ahead (the projection of the coming days)."""
        self.runback.open_screen("road_ahead")

    def action_pending_imports(self) -> None:
        """Say how imported runs felt (screens/pending.py)."""
        self.runback.open_screen("pending_imports")

    def _ask_about_imports(self) -> None:
        """Once a run, at the start: ask about imported runs waiting for their pain (not over
        another screen, such as the offer to resume a session)."""
        runback = self.runback
        if self._pending and self.is_current and not runback.asked_about_imports:
            runback.asked_about_imports = True
            runback.open_screen("pending_imports")

    def action_stop_screen(self) -> None:
        """Open the red-flag stop screen."""
        self.runback.open_screen("stop_screen")

    def refresh_from_store(self) -> None:
        """Show today's plan, computed from the store (which loads it if it has not yet)."""
        from runback_tui.screens.homeview import build_home_view
        from runback_tui.screens.today import try_load_today

        self._seen_version = self._current_version()
        today, problem = try_load_today(self.runback)
        if today is None:
            self._show_problem(problem or "No profile yet: restart Runback to set one up.")
            return
        self.show_view(build_home_view(today, today.last_ice))
        cast("HomeApp", self.app).remember_views(today)
        self.call_after_refresh(self.runback.warm_up)

    def show_view(self, view: dict[str, Any]) -> None:
        """Draw a home view (screens/homeview.py): every panel, and the ice line for now."""
        self._view = view
        paused = view["phase"] == "paused"
        pending = view.get("pending_imports", 0)
        if (paused, pending) != (self._paused, self._pending):
            # `s` (the stop screen) only while paused, `i` while imported runs wait
            self._paused, self._pending = paused, pending
            self.refresh_bindings()
        if pending and not self.runback.asked_about_imports:
            self.call_after_refresh(self._ask_about_imports)
        for name in PANELS:
            panel = self.query_one(f"#{name}", Panel)
            segments = view["panels"][name]
            panel.display = segments is not None
            if segments is not None:
                text = Text.assemble(*((part, style) for part, style in segments))
                text.rstrip()
                panel.show(text)
        self._show_ice()

    def _show_problem(self, problem: str) -> None:
        """Say why nothing can be shown."""
        self._view = None
        self.query_one("#home-day", Static).update(Text.assemble(("✗ ", "bold"), problem))
        self.query_one("#home-day").display = True
        for name in ("#home-paused", "#home-plan", "#home-ice", "#home-warnings", "#home-tip"):
            self.query_one(name).display = False

    def _show_ice(self) -> None:
        """On acute days, the ice rule and the next ice times (worked out for now)."""
        panel = self.query_one("#home-ice", Panel)
        view = self._view
        panel.display = view is not None and view["phase"] == "acute"
        if view is None or not panel.display:
            return
        text = Text()
        text.append("❄ " + ICE_GUIDANCE + "\n", style="bold")
        text.append(ice_status(self.runback.clock.now(), ice_mark(view["last_ice"])) + "\n")
        text.append(
            "Heat instead for stiffness without inflammation. Compression wrap by day, off at "
            "night. Gentle walking only.",
            style="dim",
        )
        panel.show(text)
