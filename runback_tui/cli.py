"""The command line of interface.md: argument parsing and the subcommands.

Nothing here imports textual: only ``runback`` with no subcommand (or ``demo``/``serve``)
loads the UI, so the CLI starts fast.  Exit codes: 0 done; 2 bad usage or invalid value
(stderr names the option and the allowed values); 3 a data-file problem; 1 anything else.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from runback_tui.domain import limits as lim
from runback_tui.domain.text import csv_cell, json_text, printable
from runback_tui.domain.text import problem as text_problem

if TYPE_CHECKING:
    from runback_tui.domain import models as m
    from runback_tui.domain.clock import Clock
    from runback_tui.storage.store import Store

NO_PROFILE = "no profile yet: run `runback init` or open `runback`"
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or an invalid value; exit 2 with this message."""


# -- argument types: each names what is allowed ---------------------------------------------


def parse_date(text: str) -> date:
    """A YYYY-MM-DD calendar date within Runback's range."""
    try:
        if len(text) != 10:
            raise ValueError
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a real date written YYYY-MM-DD (got {text!r})"
        ) from None
    low, high = lim.MIN_DATE, lim.MAX_DATE
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"must be between {low.isoformat()} and {high.isoformat()} (got {text})"
        )
    return value


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type for a whole number from *low* to *high*."""

    def parse(text: str) -> int:
        stripped = text.strip()
        ok = stripped.isascii() and stripped.isdigit() and len(stripped) <= 6
        if not ok or not low <= int(stripped) <= high:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low} to {high} (got {text!r})"
            )
        return int(stripped)

    parse.__name__ = "whole number"
    return parse


pain_type = _whole_number(0, 10)
stage_type = _whole_number(1, 3)
repeats_type = _whole_number(0, 10)
weeks_type = _whole_number(1, 520)


def _positive_number(what: str, allow_zero: bool, limit: float) -> Callable[[str], float]:
    """An argparse type for a finite decimal number from 0 (or above 0) up to *limit*."""

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            value = math.nan
        low_ok = value >= 0 if allow_zero else value > 0
        if not math.isfinite(value) or not low_ok or value > limit:
            bound = "0 or more" if allow_zero else "more than 0"
            raise argparse.ArgumentTypeError(
                f"must be a {what}, {bound} and at most {limit:g} (got {text!r})"
            )
        return value

    parse.__name__ = what
    return parse


distance_type = _positive_number("distance", True, lim.MAX_SHOE_START_KM)
weekly_type = _positive_number("weekly distance", False, lim.MAX_WEEKLY_KM)
minutes_type = _positive_number("number of minutes", False, lim.MAX_MINUTES)


def _text(limit: int, what: str) -> Callable[[str], str]:
    """An argparse type for free text up to *limit* characters without control characters."""

    def parse(text: str) -> str:
        if len(text) > limit:
            raise argparse.ArgumentTypeError(
                f"must be at most {limit} characters (got {len(text)})"
            )
        problem = text_problem(text)  # the models' own check (domain/text.py)
        if problem is not None:
            raise argparse.ArgumentTypeError(problem)
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
            raise argparse.ArgumentTypeError("must be valid text (it holds broken characters)")
        return text

    parse.__name__ = what
    return parse


note_type = _text(lim.MAX_NOTE_CHARS, "note")
name_type = _text(lim.MAX_NAME_CHARS, "name")


# -- parser --------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors exit 2 with the usage line and the problem."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _add_data(parser: argparse.ArgumentParser, top: bool) -> None:
    """--data, accepted before or after the subcommand."""
    parser.add_argument(
        "--data",
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="data file (default: $RUNBACK_DATA or runback.json in the user data folder)",
    )


class _VersionAction(argparse.Action):
    """``--version``: the installed package's version, looked up only when asked for
    (importlib.metadata costs every other command 15 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the version and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            shown = version("runback")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            shown = "unknown"
        print(f"runback {shown}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The whole command line of interface.md."""
    parser = _Parser(
        prog="runback",
        description="A terminal coach for runners coming back from lower back pain. "
        "With no command it opens the app. Not medical advice.",
    )
    _add_data(parser, top=True)
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--speed",
        type=_positive_number("speed factor", False, 1000.0),
        default=1.0,
        metavar="F",
        help="scale session clocks (1 = real time; for demos and tests)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _add_data(p, top=False)
        return p

    p = command("init", "create the profile without the onboarding screen")
    p.add_argument("--start-date", type=parse_date, required=True, metavar="D",
                   help="program day 1, YYYY-MM-DD")  # fmt: skip
    p.add_argument("--units", choices=["km", "mi"], required=True, help="distance unit")
    p.add_argument("--history", nargs="+", action="extend", choices=lim.HISTORY_KEYS,
                   default=[], metavar="KEY",
                   help="history answered yes: " + ", ".join(lim.HISTORY_KEYS))  # fmt: skip
    p.add_argument("--accept-disclaimer", action="store_true",
                   help="acknowledge that Runback is not medical advice")  # fmt: skip
    p.add_argument("--weekly-distance", type=weekly_type, metavar="X",
                   help="starting weekly distance for the first build week, in --units, used "
                   "when phase 2 logged no distance")  # fmt: skip

    p = command("checkin", "record (or replace) a date's check-in")
    p.add_argument("--pain", type=pain_type, required=True, metavar="N", help="pain now, 0-10")
    p.add_argument("--date", type=parse_date, metavar="D", help="YYYY-MM-DD (default today)")
    p.add_argument("--stiffness", type=pain_type, metavar="N", help="stiffness now, 0-10")
    p.add_argument("--red-flag", nargs="+", action="extend", choices=lim.RED_FLAG_KEYS,
                   default=[], metavar="KEY",
                   help="red flags answered yes: " + ", ".join(lim.RED_FLAG_KEYS))  # fmt: skip
    p.add_argument("--walked-30-pain-free", action="store_true",
                   help="gate: walked 30 minutes without pain")  # fmt: skip
    p.add_argument("--single-leg-bridge-ok", action="store_true",
                   help="gate: single-leg bridges without discomfort")  # fmt: skip
    p.add_argument("--pain-meds", action="store_true",
                   help="needed pain medication for daily activities")  # fmt: skip
    p.add_argument("--note", type=note_type, default="", metavar="TEXT")

    p = command("clear", "record a professional's clearance after a red flag")
    p.add_argument("--date", type=parse_date, metavar="D", help="YYYY-MM-DD (default today)")
    p.add_argument("--note", type=note_type, default="", metavar="TEXT")
    p.add_argument("--mistake", action="store_true",
                   help="withdraw today's red flag, answered by mistake (not a clearance by a "
                   "professional; only on the red flag's own date)")  # fmt: skip
    p.add_argument("--yes", action="store_true",
                   help="with --mistake: do not ask for confirmation")  # fmt: skip

    p = command("today", "the day's plan")
    p.add_argument("--date", type=parse_date, metavar="D", help="YYYY-MM-DD (default today)")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    log = command("log", "log a session")
    log_sub = log.add_subparsers(dest="log_kind", metavar="KIND", parser_class=_Parser)
    log_sub.required = True

    def log_command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = log_sub.add_parser(name, help=help_text, description=help_text)
        _add_data(p, top=False)
        p.add_argument("--date", type=parse_date, metavar="D", help="YYYY-MM-DD (default today)")
        return p

    p = log_command("run-walk", "log a run-walk session (K = repeats finished)")
    p.add_argument("--stage", type=stage_type, required=True, metavar="N", help="stage 1-3")
    done = p.add_mutually_exclusive_group(required=True)
    done.add_argument("--completed", action="store_true", help="all repeats finished")
    done.add_argument("--stopped-after", type=repeats_type, metavar="K",
                      help="stopped early after K repeats")  # fmt: skip
    p.add_argument("--pain-during", type=pain_type, required=True, metavar="N")
    p.add_argument("--pain-after", type=pain_type, required=True, metavar="N")
    p.add_argument("--distance", type=distance_type, metavar="X", help="in the profile's unit")
    p.add_argument("--shoe", type=name_type, metavar="NAME")

    p = log_command("run", "log a continuous run")
    p.add_argument("--distance", type=distance_type, required=True, metavar="X",
                   help="in the profile's unit")  # fmt: skip
    p.add_argument("--pain-during", type=pain_type, required=True, metavar="N")
    p.add_argument("--pain-after", type=pain_type, required=True, metavar="N")
    p.add_argument("--minutes", type=minutes_type, metavar="M")
    p.add_argument("--shoe", type=name_type, metavar="NAME")

    p = log_command("routine", "log a finished routine (ids in exercises.md)")
    p.add_argument("routine_id", metavar="ROUTINE_ID", help="e.g. daily_core, post_run")
    p.add_argument("--pain-after", type=pain_type, metavar="N")

    p = log_command("cross", "log cross-training")
    p.add_argument("activity", choices=lim.CROSS_ACTIVITIES, help="pool_run or cycle_easy")
    p.add_argument("--minutes", type=minutes_type, required=True, metavar="M")

    shoe = command("shoe", "add or list shoes")
    shoe_sub = shoe.add_subparsers(dest="shoe_command", metavar="ACTION", parser_class=_Parser)
    shoe_sub.required = True
    p = shoe_sub.add_parser("add", help="add a pair", description="add a pair of shoes")
    _add_data(p, top=False)
    p.add_argument("name", type=name_type, metavar="NAME")
    p.add_argument("--start-distance", type=distance_type, default=0.0, metavar="X",
                   help="distance already on them, in the profile's unit")  # fmt: skip
    p.add_argument("--date", type=parse_date, metavar="D",
                   help="when you started wearing them, YYYY-MM-DD (default today)")  # fmt: skip
    p = shoe_sub.add_parser("list", help="list shoes", description="list shoes and their wear")
    _add_data(p, top=False)
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command("export", "everything, for backup or a spreadsheet")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--out", metavar="PATH",
                   help="file for json (default: standard output); folder for csv")  # fmt: skip

    p = command("restore", "replace the data with a Runback JSON export after checking all of "
                "it; the old file is kept as a dated backup first")  # fmt: skip
    p.add_argument("path", metavar="PATH", help="a file written by `runback export --format json`")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation (scripts)")

    p = command("import", "log runs recorded by a watch or phone: FIT, GPX and TCX files "
                "(also gzipped) and Strava or Garmin export archives (.zip); duplicates are "
                "skipped")  # fmt: skip
    p.add_argument("paths", nargs="+", metavar="PATH", help="activity files or export archives")
    p.add_argument("--pain-during", type=pain_type, metavar="N",
                   help="highest pain during the runs, 0-10 (with --pain-after); without "
                   "both, the runs wait for how your back felt and count for nothing until "
                   "then")  # fmt: skip
    p.add_argument("--pain-after", type=pain_type, metavar="N",
                   help="pain after the runs, 0-10 (with --pain-during)")  # fmt: skip
    p.add_argument("--dry-run", action="store_true",
                   help="show what would be logged and store nothing")  # fmt: skip

    p = command("report", "a clinician-ready summary (Markdown; HTML when PATH ends in .html)")
    p.add_argument("--weeks", type=weeks_type, default=12, metavar="N",
                   help="weeks to cover, ending today, 1-520 (default 12)")  # fmt: skip
    p.add_argument("--out", metavar="PATH",
                   help="file to write (default: standard output); HTML when it ends in "
                   ".html, else Markdown; written with mode 0600")  # fmt: skip

    p = command("serve", "the app in a browser (textual-serve), on this machine only")
    p.add_argument("--host", default="127.0.0.1", metavar="H",
                   help="loopback address to bind (default 127.0.0.1); other addresses are "
                   "refused: use an SSH tunnel")  # fmt: skip
    p.add_argument("--port", type=_whole_number(1, 65535), default=8000, metavar="P",
                   help="port, 1-65535 (default 8000)")  # fmt: skip

    days_type = _whole_number(1, 90)
    p = command("plan", "the road ahead: today's plan, then the projected plan of the coming days")
    p.add_argument("--days", type=days_type, default=21, metavar="N",
                   help="days to show, today included, 1-90 (default 21)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command("calendar", "the road ahead as an iCalendar file (.ics) with a morning "
                "check-in reminder")  # fmt: skip
    p.add_argument("--days", type=days_type, default=21, metavar="N",
                   help="days to cover, today included, 1-90 (default 21)")  # fmt: skip
    p.add_argument("--out", metavar="PATH",
                   help="file to write (default: standard output); written atomically "
                   "with mode 0600")  # fmt: skip

    p = sub.add_parser(
        "demo",
        help="the app on a throwaway copy seeded with ten weeks of realistic history",
        description="Open the app on a temporary data file seeded with ten weeks of realistic, "
        "made-up history ending today (phase 1 to build, a flare, a red flag with its "
        "clearance, two pairs of shoes). Nothing is saved: the temporary file is deleted on "
        "exit, and --data / RUNBACK_DATA are ignored, so your own data is never read or "
        "touched.",
    )
    p.add_argument("--data", metavar="PATH", default=argparse.SUPPRESS,
                   help="ignored: the demo never uses your data file")  # fmt: skip
    p.add_argument("--speed", type=_positive_number("speed factor", False, 1000.0),
                   default=argparse.SUPPRESS, metavar="F",
                   help="scale session clocks (1 = real time)")  # fmt: skip
    return parser


# -- helpers ------------------------------------------------------------------------------


class Context:
    """What a subcommand needs: the store, the clock and the output streams."""

    def __init__(self, store: Store, clock: Clock, out: TextIO, err: TextIO) -> None:
        self.store = store
        self.clock = clock
        self.out = out
        self.err = err

    def say(self, text: str = "") -> None:
        """Print a line to standard output (never a control character: domain/text.py)."""
        print(printable(text), file=self.out)

    def profile(self) -> m.Profile:
        """The profile, or a usage error saying how to create one."""
        profile = self.store.profile()
        if profile is None:
            raise UsageError(NO_PROFILE)
        return profile

    def log_date(self, value: date | None, profile: m.Profile) -> date:
        """The --date of a record: default today, never in the future nor before day 1."""
        return check_log_date(value, self.clock.today(), profile.start_date)


def check_log_date(value: date | None, today: date, start_date: date) -> date:
    """The --date of a record: default *today*, never in the future nor before day 1."""
    day = value or today
    if day > today:
        raise UsageError(
            f"--date: {day.isoformat()} is in the future; "
            f"records can be dated today ({today.isoformat()}) or earlier"
        )
    if day < start_date:
        raise UsageError(
            f"--date: {day.isoformat()} is before your program's start date "
            f"{start_date.isoformat()}; use that date or later"
        )
    return day


def _build(factory: Callable[..., Any], names: dict[str, str], **fields: Any) -> Any:
    """Build a model, turning a validation error into a usage error naming the option."""
    from runback_tui.domain import models as m

    try:
        return factory(**fields)
    except m.ValidationError as error:
        raise UsageError(m.describe_validation_error(error, names)) from None


def _format_km(km: float, units: lim.Units) -> str:
    """A distance in the profile's unit with its unit."""
    return f"{lim.from_km(km, units):.1f} {units}"


# -- subcommands --------------------------------------------------------------------------


def cmd_init(ctx: Context, args: argparse.Namespace) -> int:
    """Create the profile."""
    from runback_tui.domain import models as m

    if ctx.store.profile() is not None:
        raise UsageError(
            f"a profile already exists in {ctx.store.path}; nothing was changed "
            "(edit it in the app's profile screen, or use another file with --data)"
        )
    problem = lim.start_date_problem(args.start_date, ctx.clock.today())
    if problem:
        raise UsageError(f"--start-date {problem}")
    names = {
        "start_date": "--start-date",
        "units": "--units",
        "history": "--history",
        "starting_weekly_km": "--weekly-distance",
    }
    weekly = args.weekly_distance
    profile = _build(
        m.Profile,
        names,
        start_date=args.start_date,
        units=args.units,
        history=args.history,
        accepted_disclaimer=args.accept_disclaimer,
        starting_weekly_km=lim.to_km(weekly, args.units) if weekly is not None else None,
    )
    ctx.store.save_profile(profile)
    ctx.say(f"Profile created in {ctx.store.path}: day 1 is {profile.start_date.isoformat()}.")
    if not profile.accepted_disclaimer:
        ctx.say("Runback is not medical advice; the app will ask you to acknowledge this.")
    return EXIT_OK


def cmd_checkin(ctx: Context, args: argparse.Namespace) -> int:
    """Record or replace a check-in."""
    from runback_tui.domain import models as m

    profile = ctx.profile()
    day = ctx.log_date(args.date, profile)
    names = {"pain": "--pain", "stiffness": "--stiffness", "red_flags": "--red-flag"}
    checkin = _build(
        m.CheckIn,
        names,
        date=day,
        pain=args.pain,
        stiffness=args.stiffness,
        red_flags=args.red_flag,
        walked_30_pain_free=args.walked_30_pain_free,
        single_leg_bridge_ok=args.single_leg_bridge_ok,
        pain_meds_for_daily_life=args.pain_meds,
        note=args.note,
    )
    saved = ctx.store.save_checkin(checkin)
    _say_checkin(
        ctx.out,
        day,
        checkin.pain,
        saved.stored.red_flags,
        saved.replaced,
        answered=checkin.red_flags,
    )
    return EXIT_OK


def _say_checkin(
    out: TextIO,
    day: date,
    pain: int,
    red_flags: Sequence[str],
    replaced: bool,
    *,
    answered: Sequence[str] | None = None,
) -> None:
    """What `runback checkin` prints once the check-in is saved (*red_flags* as stored)."""
    from runback_tui.domain import wording

    verb = "replaced the earlier one" if replaced else "saved"
    print(f"Check-in for {day.isoformat()} {verb}: pain {pain}/10.", file=out)
    if not red_flags:
        return
    named = wording.name_flags(red_flags)
    if wording.is_urgent(red_flags):
        print(f"RED FLAG: {named}. {wording.URGENT_CARE}", file=out)
    else:
        print(
            f"RED FLAG: {named}. Stop running and see a healthcare provider. Record their "
            "clearance with `runback clear` before you run again.",
            file=out,
        )
    kept = [f for f in red_flags if answered is not None and f not in answered]
    if kept:
        print(
            f"A red flag saved earlier for {day.isoformat()} still stands "
            f"({wording.name_flags(kept)}). {wording.HOW_TO_LIFT}",
            file=out,
        )


def fast_today_json(path: Path, clock: Clock, out: TextIO, args: argparse.Namespace) -> int | None:
    """`runback today --json` from the sidecar when it holds the plan for the file as it is."""
    from runback_tui.storage import cache

    text = cache.cached_plan(path, args.date or clock.today())
    if text is None:
        return None
    print(json_text(text), file=out)
    return EXIT_OK


def cmd_clear(ctx: Context, args: argparse.Namespace) -> int:
    """Record a professional's clearance, or (``--mistake``) withdraw today's red flag."""
    from runback_tui.domain import models as m

    profile = ctx.profile()
    day = ctx.log_date(args.date, profile)
    if args.mistake:
        return _withdraw_mistake(ctx, args, day)
    if args.yes:
        raise UsageError("--yes goes with --mistake only")
    clearance = _build(m.Clearance, {"note": "--note"}, date=day, note=args.note)
    ctx.store.add_clearance(clearance)
    ctx.say(f"Clearance recorded for {day.isoformat()}. The program resumes where it was.")
    return EXIT_OK


def _withdraw_mistake(ctx: Context, args: argparse.Namespace, day: date) -> int:
    """`runback clear --mistake`: protocol.md §2, asked first (twice for an urgent flag)."""
    from runback_tui.domain import wording

    today = ctx.clock.today()
    flags = ctx.store.withdrawable_flags(day, today=today)  # the Store's own refusals, exit 2
    named = wording.name_flags(flags)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("--mistake asks for confirmation: run it in a terminal, or add --yes")
        for question in wording.withdraw_questions(flags):
            answer = input(f"{question} [y/N] ").strip().lower()
            if answer not in ("y", "yes"):
                ctx.say("Nothing was changed.")
                return EXIT_OK
    ctx.store.withdraw_red_flags(day, args.note, today=today)
    ctx.say(
        f"Red flag of {day.isoformat()} withdrawn as answered by mistake ({named}). It is kept "
        "in the history as a withdrawal, not as a professional's clearance."
    )
    return EXIT_OK


def cmd_shoe_add(ctx: Context, args: argparse.Namespace) -> int:
    """Add a pair of shoes."""
    from runback_tui.domain import models as m

    profile = ctx.profile()
    start_km = lim.to_km(args.start_distance, profile.units)
    names = {"name": "NAME", "start_distance_km": "--start-distance"}
    today = ctx.clock.today()
    added = args.date or today
    if added > today:
        raise UsageError(
            f"--date must be today or earlier ({today.isoformat()}), "
            f"the day you started wearing them (got {added.isoformat()})"
        )
    shoe = _build(m.Shoe, names, name=args.name, start_distance_km=start_km, added=added)
    ctx.store.add_shoe(shoe)
    ctx.say(f"Added shoes {shoe.name!r} at {_format_km(start_km, profile.units)}.")
    return EXIT_OK


def shoe_rows(profile: m.Profile, history: m.History) -> list[dict[str, Any]]:
    """Each pair with its total distance and wear status."""
    from runback_tui.domain import load

    totals = load.shoe_totals_km(history.shoes, history.sessions)
    rows = []
    for shoe in history.shoes:
        total = totals.get(shoe.name, shoe.start_distance_km)
        rows.append(
            {
                "name": shoe.name,
                "distance": round(lim.from_km(total, profile.units), 1),
                "distance_km": round(total, 2),
                "units": profile.units,
                "status": load.shoe_status(total),
            }
        )
    return rows


def cmd_shoe_list(ctx: Context, args: argparse.Namespace) -> int:
    """List shoes and their wear."""
    profile = ctx.profile()
    rows = shoe_rows(profile, ctx.store.history())
    if args.json:
        ctx.say(json_text(json.dumps(rows, ensure_ascii=False)))
        return EXIT_OK
    if not rows:
        ctx.say("No shoes yet. Add a pair with `runback shoe add NAME`.")
    labels = {"ok": "ok", "replace_soon": "look for a replacement", "replace_now": "replace now"}
    for row in rows:
        ctx.say(f"{row['name']}: {row['distance']:.1f} {row['units']} ({labels[row['status']]})")
    return EXIT_OK


def _csv_text(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV text; lists are joined with ';'."""
    import csv
    import io

    fields: list[str] = []
    for row in rows:
        for key in row:
            if key not in fields:
                fields.append(key)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cells = {k: ";".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()}
        # Text cells never start a formula nor carry a control character; numbers stay numbers.
        writer.writerow({k: csv_cell(v) if isinstance(v, str) else v for k, v in cells.items()})
    return buffer.getvalue()


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    """Export everything as JSON or CSV."""
    from runback_tui.storage import durable

    ctx.profile()
    data = ctx.store.export()
    if args.format == "json":
        text = json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
        if args.out is None:
            ctx.out.write(text)
            return EXIT_OK
        target = Path(args.out)
        if target.is_dir():
            raise UsageError(f"--out: {target} is a folder; give a file path for JSON")
        existed = target.exists()
        try:  # temp file, fsync, rename: a failed export leaves nothing half-written
            durable.atomic_write_bytes(target, text.encode("utf-8"))
        except OSError as error:
            kept = "it was left as it was" if existed else "nothing was written"
            raise durable.export_failed(target, error, kept) from error
        ctx.say(f"Exported to {target}")
        return EXIT_OK
    folder = Path(args.out or f"runback-export-{ctx.clock.today().isoformat()}")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out: {folder} is a file; CSV export writes one file per list")
    tables = {
        "profile": [data["profile"]] if data["profile"] else [],
        "checkins": data["checkins"],
        "clearances": data["clearances"],
        "sessions": data["sessions"],
        "shoes": data["shoes"],
        "pending_imports": data["pending_imports"],
        "pre_program": data["pre_program"],
    }
    files = {f"{name}.csv": _csv_text(rows).encode("utf-8") for name, rows in tables.items()}
    existed = folder.is_dir()
    try:  # all files written and fsynced in a temporary folder first, then renamed
        durable.atomic_write_files(folder, files)
    except durable.PartlyWritten as error:
        done = ", ".join(error.done) or "none"
        raise durable.export_failed(
            folder, error, f"only some files were replaced ({done}); the others are the old ones"
        ) from error
    except OSError as error:
        kept = "it was left as it was" if existed else "nothing was written"
        raise durable.export_failed(folder, error, kept) from error
    ctx.say(f"Exported {len(tables)} CSV files to {folder}")
    return EXIT_OK


def _restore_source(text: str) -> tuple[Path, bytes]:
    """The export file named by `restore PATH` and its bytes: a PATH that is no readable
    regular file is bad usage (exit 2); durable.read_file_bytes refuses the rest."""
    import stat

    from runback_tui.storage import durable

    source = Path(text)
    try:
        st = source.stat()
    except FileNotFoundError:
        raise UsageError(f"PATH: no such file: {source}") from None
    except OSError as error:
        raise UsageError(f"PATH: cannot read {source} ({error.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"PATH: {source} is a folder; give the JSON file `runback export` wrote")
    if not stat.S_ISREG(st.st_mode) or not os.access(source, os.R_OK):
        raise UsageError(f"PATH: {source} is not a regular file that can be read")
    raw = durable.read_file_bytes(source, private=False, role="export")  # may live in /tmp
    if raw is None:
        raise UsageError(f"PATH: no such file: {source}")
    return source, raw


def _span_text(span: tuple[date, date] | None) -> str:
    return "" if span is None else f", {span[0].isoformat()} to {span[1].isoformat()}"


def cmd_restore(ctx: Context, args: argparse.Namespace) -> int:
    """Replace the data with a JSON export after checking all of it (asks unless ``--yes``)."""
    from runback_tui.domain import wording
    from runback_tui.storage import durable
    from runback_tui.storage.migrations import CURRENT_VERSION
    from runback_tui.storage.store import BadExport, check_export

    source, raw = _restore_source(args.path)
    nothing = "Nothing was changed."
    try:
        if not raw.strip():
            raise BadExport("it is empty", "Give a file written by `runback export --format json`.")
        try:
            data = durable.parse_json_bytes(raw)
        except ValueError as error:
            raise BadExport(
                str(error), "Give a file written by `runback export --format json`."
            ) from None
        summary = check_export(data)
    except BadExport as error:
        raise durable.DataFileError(
            source,
            f"cannot restore from this file: {error.problem}.",
            f"{nothing} {error.advice}".strip(),
        ) from None
    # A data file Runback cannot use is refused here (exit 3); an older one is not upgraded yet.
    current = ctx.store.checked_snapshot()
    history = summary.history
    older = ""
    if summary.schema_version < CURRENT_VERSION:
        older = f" (schema_version {summary.schema_version}: upgraded as it is restored)"
    ctx.say(f"{source} is a Runback export{older}:")
    ctx.say(f"  profile: day 1 is {summary.profile.start_date.isoformat()}, units "
            f"{summary.profile.units}")  # fmt: skip
    ctx.say(f"  check-ins: {len(history.checkins)}{_span_text(summary.checkin_dates)}")
    ctx.say(f"  sessions: {len(history.sessions)}{_span_text(summary.session_dates)}")
    ctx.say(f"  shoes: {len(history.shoes)}")
    ctx.say(f"  clearances: {len(history.clearances)}")
    ctx.say(f"  replaced check-ins kept for the record: {len(summary.checkin_edits)}")
    ctx.say(f"  imported runs waiting for how your back felt: {len(summary.pending_imports)}")
    ctx.say(f"  pre-program activities (before day 1): {len(summary.pre_program)}")
    if current is not None:
        now = current.history
        imports = []
        if current.pending_imports:
            imports.append(wording.plural(len(current.pending_imports), "waiting imported run"))
        if current.pre_program:
            imports.append(
                wording.plural(
                    len(current.pre_program), "pre-program activity", "pre-program activities"
                )
            )
        ctx.say(
            f"It replaces the data in {ctx.store.path} "
            f"({wording.plural(len(now.checkins), 'check-in')}, "
            f"{wording.plural(len(now.sessions), 'session')}, "
            f"{wording.plural(len(now.shoes), 'shoe')}"
            f"{''.join(', ' + part for part in imports)}), which "
            "is kept as a dated backup first. Cue settings stay; a session under way and ice "
            "timers are dropped."
        )
    else:
        ctx.say(f"There is no data file yet: {ctx.store.path} will be created.")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(
                f"restore asks for confirmation: run it in a terminal, or add --yes. {nothing}"
            )
        try:
            answer = input("Replace the data with this export? [y/N] ").strip().lower()
        except EOFError:
            answer = ""
        if answer not in ("y", "yes"):
            ctx.say(nothing)
            return EXIT_OK
    done = ctx.store.restore(data)
    ctx.say(
        f"Restored {wording.plural(len(history.checkins), 'check-in')}, "
        f"{wording.plural(len(history.sessions), 'session')}, "
        f"{wording.plural(len(history.shoes), 'shoe')} "
        f"and {wording.plural(len(history.clearances), 'clearance')} "
        f"from {source} into {ctx.store.path}."
    )
    if done.backup is not None:
        ctx.say(f"The previous data file was kept as {done.backup}")
    return EXIT_OK


def cmd_report(ctx: Context, args: argparse.Namespace) -> int:
    """Write the clinician report to standard output or --out (Markdown, or HTML for .html)."""
    from runback_tui.domain.report import report_html, report_markdown
    from runback_tui.storage import durable

    profile = ctx.profile()
    snapshot = ctx.store.snapshot()
    today = ctx.clock.today()
    target = Path(args.out) if args.out is not None else None
    as_html = target is not None and target.suffix.lower() in (".html", ".htm")
    render = report_html if as_html else report_markdown
    text = render(
        profile, snapshot.history, today, args.weeks,
        pre_program=snapshot.pre_program, pending=len(snapshot.pending_imports),
    )  # fmt: skip
    if target is None:
        ctx.out.write(text)
        return EXIT_OK
    if target.is_dir():
        raise UsageError(f"--out: {target} is a folder; give a file path such as report.html")
    if not target.parent.is_dir():
        raise UsageError(f"--out: the folder {target.parent} does not exist")
    with durable.translate_write_errors(target):
        durable.atomic_write_bytes(target, text.encode("utf-8"))
    kind = "HTML" if as_html else "Markdown"
    ctx.say(f"{kind} report for the last {args.weeks} weeks written to {target}")
    return EXIT_OK


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    """Serve the TUI to a browser on a loopback address (each tab is its own process)."""
    from runback_tui.serve import (
        ALLOWED_HOSTS_TEXT,
        ServeError,
        loopback_host,
        serve,
        tunnel_recipe,
    )

    host = loopback_host(args.host)
    if host is None:
        raise UsageError(
            f"--host: {args.host!r} is not a loopback address (allowed: {ALLOWED_HOSTS_TEXT})."
            f"\n{tunnel_recipe(args.port)}"
        )
    ctx.profile()  # refuses a corrupt or newer file, and (interface.md) a file with no profile
    try:
        serve(ctx.store.path, host, args.port, args.speed, out=ctx.out)  # prints the URL
    except ServeError as error:
        raise UsageError(str(error)) from None
    return EXIT_OK


def cmd_demo(clock: Clock | None, speed: float, err: TextIO) -> int:
    """Open the TUI on a temporary copy seeded with ten weeks of history; nothing is kept."""
    from runback_tui.demo import run_demo

    return run_demo(clock=clock, speed=speed, err=err)


def activity_label(activity: str) -> str:
    """A human name for an activity id of the plan."""
    from runback_tui.domain.wording import ACTIVITY_TEXT

    if activity in ACTIVITY_TEXT:
        return ACTIVITY_TEXT[activity]
    from runback_tui.domain.exercises import ROUTINES  # the routines' names (a larger module)

    return ROUTINES[activity].name if activity in ROUTINES else activity


def cmd_today(ctx: Context, args: argparse.Namespace) -> int:
    """Print the day's plan, for people or (``--json``) for scripts."""
    from runback_tui.domain import wording
    from runback_tui.domain.protocol import plan_for

    snapshot = ctx.store.snapshot()  # the profile too: one read of the file
    profile = snapshot.profile
    if profile is None:
        raise UsageError(NO_PROFILE)
    day = args.date or ctx.clock.today()
    plan = plan_for(profile, snapshot.history, day)
    if args.json:
        text = json_text(json.dumps(plan.to_json(), ensure_ascii=False))
        ctx.say(text)
        if snapshot.digest is not None:  # a version the Store vouches for
            from runback_tui.storage import cache

            cache.remember(ctx.store.path, snapshot.digest, plans={day.isoformat(): text})
        return EXIT_OK
    ctx.say(f"{plan.date.strftime('%A')} {plan.date.isoformat()} - program day {plan.day}")
    ctx.say(wording.explain_phase(plan))
    ctx.say(f"Running allowed today: {'yes' if plan.running_allowed else 'no'}")
    ctx.say("")
    ctx.say("Today's plan:")
    done_at = dict(zip(plan.done, plan.done_at, strict=True))
    for number, activity in enumerate(plan.activities, start=1):
        label = activity_label(activity)
        if activity == "run_walk" and plan.stage is not None:
            stage = plan.stage
            label = f"Run-walk {wording.stage_text(stage, ascii=True)}"
        if activity in done_at:
            when = done_at[activity]
            label += f" - done{f' at {when:%H:%M}' if when is not None else ''}"
        ctx.say(f"  {number}. {label}")
    extra = [a for a in plan.done if a not in plan.activities]
    if extra:
        ctx.say("Also done today: " + ", ".join(activity_label(a) for a in extra))
    if plan.complete:
        ctx.say("Today's plan is complete.")
    if plan.build is not None:
        week = plan.build
        volume = (
            _format_km(week.planned_volume_km, profile.units)
            if week.planned_volume_km is not None
            else "no basis yet: keep runs short and easy"
        )
        kind = ", deload" if week.deload else ""
        ctx.say(f"{week.label.capitalize()}{kind}: planned volume {volume}")
    if plan.warnings:
        ctx.say("")
        ctx.say("Warnings and advisories:")
        for warning in plan.warnings:
            ctx.say(f"  ! {warning.message} [{warning.code}]")
    reasons = wording.plan_reasons(plan)  # none that only repeat the plan above (as home)
    if reasons:
        ctx.say("")
        ctx.say("Why:")
        for reason in reasons:
            ctx.say(f"  - {reason}")
    ctx.say("")
    if plan.checked_in:
        ctx.say("Check-in: done.")
    else:
        ctx.say("Check-in: not yet - `runback checkin --pain N` or open `runback`.")
    waiting = len(snapshot.pending_imports)
    if waiting:  # as home's day panel says: they are not in the plan above
        ctx.say(f"{wording.pending_prompt(waiting)} {wording.pending_hint('cli')}")
    ctx.say(wording.NOT_ADVICE)
    return EXIT_OK


def _shoe_for(ctx: Context, requested: str | None, history: m.History) -> str | None:
    """The shoe to log: the one named (it must exist), else domain.shoes.default_shoe."""
    from runback_tui.domain.shoes import default_shoe

    if requested is None:
        return default_shoe(history)
    names = {shoe.name.casefold(): shoe.name for shoe in history.shoes}
    found = names.get(requested.strip().casefold())
    if found is None:
        known = ", ".join(sorted(names.values())) or "none yet"
        raise UsageError(
            f"--shoe: no shoes named {requested!r} (known: {known}); "
            "add them with `runback shoe add NAME`"
        )
    return found


def _say_flare(ctx: Context, pain: int | None, day: date, history: m.History | None = None) -> None:
    """Print the flare advice when *pain*, logged for *day*, reaches the flare threshold (in
    the past tense when no flare's 48 hours reach today); *history*: as stored now, when the
    caller has read it."""
    from runback_tui.domain import wording
    from runback_tui.domain.protocol import flare_acute_on, is_flare

    if pain is not None and is_flare(pain):
        stored = history if history is not None else ctx.store.history()
        over = None if flare_acute_on(stored, ctx.clock.today()) else day
        ctx.say(wording.flare_after_log(pain, over_since=over))


def cmd_log(ctx: Context, args: argparse.Namespace) -> int:
    """Log a run-walk, run, routine or cross-training session."""
    from runback_tui.domain import models as m
    from runback_tui.domain import wording

    profile = ctx.profile()
    day = ctx.log_date(args.date, profile)
    kind = args.log_kind
    if kind == "routine":
        from runback_tui.domain.exercises import ROUTINES

        if args.routine_id not in ROUTINES:
            raise UsageError(
                f"ROUTINE_ID: unknown routine {args.routine_id!r}; allowed: {', '.join(ROUTINES)}"
            )
        session: Any = _build(
            m.RoutineLog, {"pain_after": "--pain-after"},
            date=day, routine_id=args.routine_id, pain_after=args.pain_after,
        )  # fmt: skip
        ctx.store.add_session(session)
        ctx.say(f"Logged {ROUTINES[args.routine_id].name} on {day.isoformat()}.")
        _say_flare(ctx, args.pain_after, day)
        return EXIT_OK
    if kind == "cross":
        session = _build(
            m.CrossLog, {"minutes": "--minutes"},
            date=day, activity=args.activity, minutes=args.minutes,
        )  # fmt: skip
        ctx.store.add_session(session)
        ctx.say(f"Logged {activity_label(args.activity)}: {args.minutes:g} min.")
        return EXIT_OK
    names = {"distance_km": "--distance", "shoe": "--shoe", "minutes": "--minutes"}
    distance_km = None if args.distance is None else lim.to_km(args.distance, profile.units)
    shoe = _shoe_for(ctx, args.shoe, ctx.store.history())
    if kind == "run":
        session = _build(
            m.RunLog, names, date=day, distance_km=distance_km, minutes=args.minutes,
            pain_during=args.pain_during, pain_after=args.pain_after, shoe=shoe,
        )  # fmt: skip
        taken = ctx.store.add_session(session)
        where = f" in {shoe}" if shoe else ""
        ctx.say(f"Logged a {_format_km(session.distance_km, profile.units)} run{where}.")
        if taken is not None:
            ctx.say(wording.pending_taken(taken.started_at))
        _say_flare(ctx, max(args.pain_during, args.pain_after), day)
        return EXIT_OK
    from runback_tui.domain.protocol import STAGES, decide_next_stage

    repeats = STAGES[args.stage].repeats
    if args.stopped_after is not None and args.stopped_after >= repeats:
        raise UsageError(
            f"--stopped-after: stage {args.stage} has {repeats} repeats, so K must be "
            f"0 to {repeats - 1}; use --completed when all {repeats} were done"
        )
    completed = bool(args.completed)
    session = _build(
        m.RunWalkLog, names, date=day, stage=args.stage, completed=completed,
        repeats_done=repeats if completed else args.stopped_after,
        pain_during=args.pain_during, pain_after=args.pain_after,
        distance_km=distance_km, shoe=shoe,
    )  # fmt: skip
    taken = ctx.store.add_session(session)
    done = "completed" if completed else f"stopped after {args.stopped_after} of {repeats}"
    ctx.say(f"Logged run-walk stage {args.stage}, {done}" + (f", in {shoe}." if shoe else "."))
    if taken is not None:
        ctx.say(wording.pending_taken(taken.started_at))
    history = ctx.store.history()
    decision = decide_next_stage(profile, history, session)
    if decision.outcome == "flare":  # said as the day's plan has it: acute care, or over
        _say_flare(ctx, max(args.pain_during, args.pain_after), day, history)
    else:
        ctx.say(f"Next time: {decision.reason}")
    return EXIT_OK


def _road_ahead(ctx: Context, days: int) -> tuple[m.Profile, Any]:
    """The profile and the projection of *days* dates from today (protocol.md §8)."""
    from runback_tui.domain.projection import project

    snapshot = ctx.store.snapshot()
    profile = snapshot.profile
    if profile is None:
        raise UsageError(NO_PROFILE)
    return profile, project(profile, snapshot.history, ctx.clock.today(), days)


def cmd_plan(ctx: Context, args: argparse.Namespace) -> int:
    """Print the road ahead: today's real plan, then the projected days (never stored)."""
    from runback_tui.domain import wording

    profile, projection = _road_ahead(ctx, args.days)
    if args.json:
        ctx.say(json_text(json.dumps(projection.to_json(), ensure_ascii=False)))
        return EXIT_OK
    today = projection.today
    shown = len(projection.days)
    ctx.say(f"The road ahead from {today.isoformat()} ({shown} of {args.days} days): a projection")
    ctx.say(projection.summary())
    for note in projection.notes()[:-1]:
        ctx.say(note)
    ctx.say("")
    for day in projection.days:
        ctx.say(day.line(profile.units, today))
    ctx.say("")
    ctx.say(projection.notes()[-1])
    ctx.say(wording.NOT_ADVICE)
    return EXIT_OK


def cmd_calendar(ctx: Context, args: argparse.Namespace) -> int:
    """Write the road ahead as an iCalendar file to standard output or --out (mode 0600)."""
    import hashlib

    from runback_tui.domain.ics import road_ahead_ics
    from runback_tui.storage import durable

    profile, projection = _road_ahead(ctx, args.days)
    real = os.path.realpath(ctx.store.path)
    seed = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:16] + ".runback"
    data = road_ahead_ics(projection, profile.units, seed=seed, stamp=ctx.clock.now())
    if args.out is None:
        ctx.out.write(data.decode("utf-8"))
        return EXIT_OK
    target = Path(args.out)
    if target.is_dir():
        raise UsageError(f"--out: {target} is a folder; give a file path such as runback.ics")
    if not target.parent.is_dir():
        raise UsageError(f"--out: the folder {target.parent} does not exist")
    with durable.translate_write_errors(target):
        durable.atomic_write_bytes(target, data)
    ctx.say(f"Calendar of {len(projection.days)} days written to {target} (a projection)")
    return EXIT_OK


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    """Log the runs of activity files and export archives (storage/activities.py).

    With --pain-during and --pain-after each new run is logged; without them each is kept
    pending (it counts for nothing until the runner says how their back felt: the TUI asks at
    its next start, or a second import with the pain logs it).  Activities before day 1 are
    kept as pre-program history.  Each file is imported whole or refused whole (named on
    stderr with why); the other files still import, and the exit code is 1 when any file was
    refused.
    """
    from runback_tui.storage import activities as act

    if (args.pain_during is None) != (args.pain_after is None):
        raise UsageError(
            "--pain-during and --pain-after: give both, 0-10, or neither (the runs then wait "
            "for how your back felt)"
        )
    pain = None if args.pain_during is None else (args.pain_during, args.pain_after)
    profile = ctx.profile()
    found, refused = act.read_paths(Path(p) for p in args.paths)
    snapshot = ctx.store.snapshot()
    plan = act.plan_import(
        found, profile, snapshot.history, ctx.clock.today(), pain=pain,
        pending=snapshot.pending_imports, pre_program=snapshot.pre_program,
    )  # fmt: skip
    stored: set[str] = set()
    if (plan.logs or plan.pending or plan.pre_program) and not args.dry_run:
        stored = set(
            ctx.store.import_activities(
                [log for _, log in plan.logs],
                pending=[a for _, a in plan.pending],
                pre_program=[a for _, a in plan.pre_program],
            )
        )
    for line in act.report_lines(
        plan, refused, stored, profile.units, profile.start_date, dry_run=args.dry_run
    ):
        ctx.say(line)
    for refusal in refused:
        print(printable(f"runback import: {act.refusal_line(refusal)}"), file=ctx.err)
    days = [log.date for _, log in plan.logs if log.id in stored]
    if pain is not None and days:
        _say_flare(ctx, max(pain), max(days))
    return EXIT_ERROR if refused else EXIT_OK


COMMANDS: dict[str, Callable[[Context, argparse.Namespace], int]] = {
    "plan": cmd_plan,
    "calendar": cmd_calendar,
    "today": cmd_today,
    "log": cmd_log,
    "init": cmd_init,
    "checkin": cmd_checkin,
    "clear": cmd_clear,
    "export": cmd_export,
    "report": cmd_report,
    "serve": cmd_serve,
    "restore": cmd_restore,
    "import": cmd_import,
}


def dispatch(ctx: Context, args: argparse.Namespace) -> int:
    """Run the chosen subcommand."""
    if args.command == "shoe":
        return cmd_shoe_add(ctx, args) if args.shoe_command == "add" else cmd_shoe_list(ctx, args)
    return COMMANDS[args.command](ctx, args)


short_lived = False
"""Set when run() ran a short-lived subcommand (not the app, ``serve`` or ``demo``)."""


def finish(code: int) -> NoReturn:
    """Exit with *code*: a short-lived subcommand skips the interpreter's teardown.

    Freeing years of records and every module one by one took about 8 ms of a 63 ms
    ``runback today --json`` at 5 years; the operating system reclaims the memory at once.
    Output is flushed first, and every file Runback writes is closed by then (with blocks).
    """
    if short_lived:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, ValueError):
            code = code or EXIT_ERROR
        os._exit(code)
    sys.exit(code)


def run(
    argv: Sequence[str] | None = None,
    *,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    environ: dict[str, str] | None = None,
    now: Callable[[], datetime] | None = None,
) -> int:
    """Parse *argv* and run it; returns the exit code (never raises for user errors).

    *now* is the wall clock of stored timestamps (a replaced check-in's ``replaced_at``, the
    daily backup); it defaults to ``datetime.now``.  ``RUNBACK_FAST_PATH=0`` turns the
    sidecar's read cache off (for comparisons; the results are the same either way).
    """
    from runback_tui.storage.durable import StoreError, lock_timeout_from_env, resolve_data_path

    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    if args.command == "demo":
        # The user's --data and RUNBACK_DATA are ignored: the demo never resolves them.
        return cmd_demo(clock, args.speed, err)
    if clock is None:
        from runback_tui.domain.clock import SystemClock

        clock = SystemClock()
    path = resolve_data_path(args.data, environ)
    env = os.environ if environ is None else environ
    fast = env.get("RUNBACK_FAST_PATH", "1") != "0"
    try:  # a bad RUNBACK_LOCK_TIMEOUT is refused by every path, cached answers and TUI too
        lock_timeout = lock_timeout_from_env(env)
    except StoreError as error:
        print(printable(f"runback: error: {error}"), file=err)
        return error.exit_code
    if args.command is None:
        gc.disable()  # until the first frame (run_tui re-enables it): imports allocate much
        from runback_tui.app import run_tui

        return run_tui(path, speed=args.speed, cached=fast)
    prog = " ".join(
        ["runback", args.command]
        + [
            part
            for part in (getattr(args, "log_kind", None), getattr(args, "shoe_command", None))
            if part
        ]
    )
    wall = now or datetime.now
    # A subcommand is short-lived and builds thousands of long-lived records: the cyclic
    # garbage collector would only walk them again and again (about 50 ms on 20 years).
    # `serve` is the one long-lived subcommand.
    collecting = gc.isenabled()
    if args.command != "serve":
        gc.disable()
        global short_lived
        short_lived = True
    try:
        real = Path(os.path.realpath(path))
        if fast and args.command == "today" and args.json:
            code = fast_today_json(real, clock, out, args)
            if code is not None:
                return code
        from runback_tui.storage.store import Store

        store = Store(path, now=wall, lock_timeout=lock_timeout)
        return dispatch(Context(store, clock, out, err), args)
    except UsageError as error:
        print(printable(f"{prog}: error: {error}"), file=err)
        return EXIT_USAGE
    except StoreError as error:
        print(printable(f"{prog}: error: {error}"), file=err)
        return error.exit_code
    except BrokenPipeError:
        return EXIT_ERROR
    finally:
        if collecting:
            gc.enable()
