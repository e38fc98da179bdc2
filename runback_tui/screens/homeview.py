"""What the home screen shows, as plain JSON-ready data.

Home is opened every morning, so its first frame must not wait for pydantic and years of
history.  ``build_home_view`` turns today's plan into panels of ``[text, style]`` segments;
the home screen draws only from that.  After the full Store has validated a file version,
the views of today and the next few days are kept in the sidecar (storage/cache.py) under that
version's digest, so the next start draws home straight from them and loads the rest after
the first frame.  Only the ice line depends on the time of day: it is worked out when drawn.

This module imports neither pydantic, tinydb nor textual at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runback_tui.domain.models import IceLog
    from runback_tui.screens.today import Today

VIEW_FORMAT = 4
"""Bumped whenever the view's layout or wording changes (old sidecar views are then ignored).

2: the plan ticks off what was done today (protocol.md §8 v2) and names urgent red flags.
3: each fact said once (issue 17): no reason that repeats the plan, no warning word twice,
the tip chosen by program day from the tips that fit the phase.
4: imported runs waiting for their pain are named on the day panel, with `i` to answer."""

PANELS = ("home-paused", "home-day", "home-plan", "home-warnings", "home-tip")
"""The panels a view fills, by widget id."""

DAYS_AHEAD = 3
"""Views kept per file version: today and the next two days, so the next mornings start fast.

Each costs one plan_for in a worker thread; after a longer gap the first start loads first."""

ICE_GUIDANCE = "Ice 15–20 min every 2–3 waking hours, wrapped in a thin towel — never on bare skin."
"""The acute-day ice rule (protocol.md §3)."""

NOT_MEDICAL_ADVICE = (
    "Runback is not medical advice and gives no diagnosis. Press ? for when to see a professional."
)
"""The note every advice screen links to (protocol.md)."""

WAKING_UNTIL_HOUR = 22
"""No ice reminders are suggested after this hour."""


Segments = list[list[str]]
"""A panel's text: ``[text, style]`` pairs."""


@dataclass(frozen=True)
class IceMark:
    """The latest ice block, as far as the home screen needs it."""

    started_at: datetime
    minutes: float
    next_due_from: datetime
    next_due_by: datetime


def ice_status(now: datetime, last: IceMark | IceLog | None) -> str:
    """When the next ice is due, from the latest logged ice block (protocol.md §3)."""
    if now.hour >= WAKING_UNTIL_HOUR:
        return "No more ice tonight: rest, and start again in the morning."
    if last is None or last.started_at.date() != now.date():
        return "No ice yet today: press e and choose the ice timer (15–20 min, thin towel)."
    done = f"Last ice {last.started_at:%H:%M} ({last.minutes:g} min)"
    if now < last.next_due_from:
        return f"{done}. Next ice due {last.next_due_from:%H:%M}–{last.next_due_by:%H:%M}."
    return f"{done}. Ice due now (since {last.next_due_from:%H:%M})."


def _paused_panel(today: Today) -> Segments | None:
    """The unmistakable banner while a red flag pauses the plan."""
    from runback_tui.domain import wording

    if today.plan.phase != "paused":
        return None
    plan = today.plan
    since = plan.paused_since.isoformat() if plan.paused_since else "a recent day"
    segments = [["STOP — PLAN PAUSED\n", "bold"]]
    if "red_flag_urgent" in plan.warning_codes():
        # protocol.md §2: the one urgent message, naming the urgent flags reported.
        urgent = [f for f in plan.red_flags_in_force if wording.is_urgent([f])]
        named = f"{wording.name_flags(urgent).capitalize()}: " if urgent else ""
        emergency = "this is a medical emergency. " if urgent else ""
        segments.append([f"{named}{emergency}{wording.URGENT_CARE}\n", "bold"])
        segments.append([f"A red flag was reported on {since}.\n", ""])
    else:
        stop = "Stop running and see a healthcare provider."
        segments.append([f"A red flag was reported on {since}. {stop}\n", ""])
    segments.append(["Press s for what to do and to record a professional's clearance.", ""])
    return segments


def _day_panel(today: Today) -> Segments:
    """Date, program day, phase and the check-in status."""
    from runback_tui.domain import wording
    from runback_tui.domain.wording import explain_phase, phase_title, plural

    plan = today.plan
    segments = [[f"{today.date.strftime('%A %d %B %Y')} · ", ""]]
    if plan.day >= 1:
        segments.append([f"Program day {plan.day}\n", "bold"])
    else:
        segments.append([f"Program starts {today.profile.start_date.isoformat()}\n", "bold"])
    segments.append([phase_title(plan) + "\n", "bold"])
    if plan.phase != "paused":
        explanation = explain_phase(plan).split(": ", 1)[-1]
        segments.append([explanation[:1].upper() + explanation[1:] + "\n", "dim"])
    checkin = next((c for c in today.history.checkins if c.date == today.date), None)
    if checkin is None:
        segments.append(["[ ] Not checked in yet today — press c to check in.", "bold"])
    else:
        parts = [f"pain {checkin.pain}/10"]
        if checkin.stiffness is not None:
            parts.append(f"stiffness {checkin.stiffness}/10")
        if checkin.red_flags:
            parts.append(plural(len(checkin.red_flags), "red flag"))
        segments.append([f"[x] Checked in today: {', '.join(parts)}. ", ""])
        segments.append(["Press c to change it.", "dim"])
    if today.pending_imports:
        segments.append(["\n", ""])
        segments.append([f"[ ] {wording.pending_prompt(today.pending_imports)} ", "bold"])
        segments.append([wording.PENDING_ON_HOME, ""])
    return segments


def _plan_panel(today: Today) -> Segments:
    """Today's activities in order, each done one ticked off with its time, then why."""
    from runback_tui.domain.wording import plan_reasons
    from runback_tui.screens.today import activity_label, done_text

    plan = today.plan
    segments: Segments = []
    for number, activity in enumerate(plan.activities, start=1):
        label = activity_label(activity, plan)
        if activity in plan.done:
            segments.append([f"{number}. ✓ ", "bold"])
            segments.append([label, ""])
            segments.append([f" · {done_text(plan, activity)}\n", "bold"])
        else:
            segments.append([f"{number}. ", "bold"])
            segments.append([label + "\n", ""])
    extra = [a for a in plan.done if a not in plan.activities]
    if extra:
        also = ", ".join(f"{activity_label(a, plan)} ({done_text(plan, a)})" for a in extra)
        segments.append([f"✓ Also logged today: {also}\n", ""])
    if plan.complete:
        segments.append(["✓ Today's plan is complete. Well done.\n", "bold"])
    segments += [[f"Why: {reason}\n", "dim"] for reason in plan_reasons(plan)]
    return segments


def _warnings_panel(today: Today) -> Segments:
    """Every warning and advisory in force, each with a word marker and its reason."""
    from runback_tui.screens.today import warning_line

    segments: Segments = []
    for warning in today.plan.warnings:
        marker, joiner, message = warning_line(warning)
        segments += [[marker, "bold"], [f"{joiner}{message}\n", ""]]
    return segments or [["✓ No warnings today.", ""]]


def _tip_panel(today: Today) -> Segments:
    """The day's recovery tip, one that fits the phase and follows the program day, and the
    not-medical-advice note."""
    from runback_tui.domain.exercises import tip_for

    tip = tip_for(today.plan.phase, today.plan.day)
    return [["Tip: ", "bold"], [str(tip), ""], ["\n", ""]] + [[NOT_MEDICAL_ADVICE, "italic"]]


def build_home_view(today: Today, last_ice: IceLog | None) -> dict[str, Any]:
    """Everything home shows for *today*, as JSON-ready data."""
    ice = None
    if last_ice is not None:
        ice = {
            "started_at": last_ice.started_at.isoformat(),
            "minutes": last_ice.minutes,
            "next_due_from": last_ice.next_due_from.isoformat(),
            "next_due_by": last_ice.next_due_by.isoformat(),
        }
    return {
        "format": VIEW_FORMAT,
        "date": today.date.isoformat(),
        "phase": today.plan.phase,
        "panels": {
            "home-paused": _paused_panel(today),
            "home-day": _day_panel(today),
            "home-plan": _plan_panel(today),
            "home-warnings": _warnings_panel(today),
            "home-tip": _tip_panel(today),
        },
        "last_ice": ice,
        "pending_imports": today.pending_imports,
    }


def views_ahead(today: Today, days: int = DAYS_AHEAD) -> dict[str, Any]:
    """Home's views for today and the next *days* - 1 days of the same file version."""
    from runback_tui.domain.protocol import plan_for

    last_ice = today.last_ice
    views = {today.date.isoformat(): build_home_view(today, last_ice)}
    for ahead in range(1, days):
        day = today.date + timedelta(days=ahead)
        later = replace(today, date=day, plan=plan_for(today.profile, today.history, day))
        views[day.isoformat()] = build_home_view(later, last_ice)
    return views


def valid_view(view: object, day: date) -> dict[str, Any] | None:
    """*view* when it is a well-formed view for *day*, else None (the slow path then)."""
    if not isinstance(view, dict) or view.get("format") != VIEW_FORMAT:
        return None
    if view.get("date") != day.isoformat() or not isinstance(view.get("phase"), str):
        return None
    panels = view.get("panels")
    if not isinstance(panels, dict) or set(panels) != set(PANELS):
        return None
    for segments in panels.values():
        if segments is None:
            continue
        if not isinstance(segments, list) or not all(
            isinstance(s, list) and len(s) == 2 and all(isinstance(p, str) for p in s)
            for s in segments
        ):
            return None
    ice = view.get("last_ice")
    if ice is not None and ice_mark(ice) is None:
        return None
    pending = view.get("pending_imports")
    if not isinstance(pending, int) or isinstance(pending, bool) or pending < 0:
        return None
    return view


def ice_mark(data: object) -> IceMark | None:
    """The view's latest ice block, None when there is none or it is malformed."""
    if not isinstance(data, dict):
        return None
    try:
        return IceMark(
            datetime.fromisoformat(data["started_at"]),
            float(data["minutes"]),
            datetime.fromisoformat(data["next_due_from"]),
            datetime.fromisoformat(data["next_due_by"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
