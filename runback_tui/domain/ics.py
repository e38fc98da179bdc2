"""The road ahead as an iCalendar file (RFC 5545), for ``runback calendar``.

One all-day ``VEVENT`` per date of a :class:`~runback_tui.domain.projection.Projection`: its
plan in the summary and description (a projected day says it is a projection), and a
``VALARM`` (``DISPLAY``) at 07:00 local time reminding the runner to check in.  Each event's
``UID`` is ``runback-<date>@<seed>``, where the seed stands for the data file, so a re-exported
file updates the same events in a calendar that re-reads it instead of adding new ones.

This module only builds bytes; the CLI writes them (atomically, mode 0600).  It reads no clock:
the caller passes the ``DTSTAMP``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from runback_tui.domain import wording
from runback_tui.domain.models import Units
from runback_tui.domain.projection import ProjectedDay, Projection

PRODID = "-//Runback//The road ahead//EN"
"""The calendar's product id."""
CALENDAR_NAME = "Runback: the road ahead"
"""The name a calendar app shows for the subscribed file."""
CHECK_IN_AT = timedelta(hours=7)
"""The morning check-in reminder: this long after the start of the day (07:00 local)."""
CHECK_IN_TEXT = "Runback: morning check-in (pain, red flags) - `runback checkin` or open `runback`."
"""What the reminder says."""
REFRESH = (
    "Refresh this calendar after each check-in or log: `runback calendar --out PATH` "
    "(a calendar app subscribed to PATH re-reads it)."
)
"""How the events stay true."""
NOT_ADVICE = wording.NOT_ADVICE


def uid(day: ProjectedDay, seed: str) -> str:
    """The event's stable UID: ``runback-<date>@<seed>``."""
    return f"runback-{day.date.isoformat()}@{seed}"


def road_ahead_ics(projection: Projection, units: Units, *, seed: str, stamp: datetime) -> bytes:
    """The projection as an RFC 5545 calendar (bytes), one all-day event a date.

    *seed* makes the UIDs (a stable hash of the data file); *stamp* is the ``DTSTAMP``
    (converted to UTC, as RFC 5545 asks).
    """
    # here: only `runback calendar` needs it; icalendar 6 ships no type information
    from icalendar import Alarm, Calendar, Event

    today = projection.today
    stamp_utc = stamp.astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    notes = projection.notes()
    for day in projection.days:
        text = day.text(units, today)
        head = "Runback (projection)" if day.projected else "Runback today"
        lines = [f"{head}: {text}"]
        if day.projected:
            lines.append(wording.PROJECTION_ASSUMES)
        else:
            if day.after_checkin is not None:
                after = ProjectedDay(day.after_checkin, True, day.events)
                lines.append(f"After a clean check-in today: {after.text(units, today)}")
            lines.append(projection.summary())
            lines += notes[:-1]
            lines += list(wording.plan_reasons(day.plan))
        lines += [REFRESH, NOT_ADVICE]
        event = Event()
        event.add("uid", uid(day, seed))
        event.add("dtstamp", stamp_utc)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + timedelta(days=1))
        event.add("summary", f"{head}: {text}")
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", CHECK_IN_TEXT)
        alarm.add("trigger", CHECK_IN_AT)
        event.add_component(alarm)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
