"""Activities recorded by a watch or phone, read for `runback import` (interface.md v2).

Reads FIT (fitdecode), GPX (gpxpy) and TCX (the Garmin TrainingCenterDatabase XML, read with
defusedxml's hardened ElementTree) files, gzipped ones, and Strava or Garmin export archives
(.zip holding those).  The kind of a file is told by its content, never by its name.

Each file is read whole or refused whole: a bad or foreign file (truncated, no track, not an
activity, not a run, not FIT/GPX/TCX at all) gives a :class:`Refusal` naming it and why, and
nothing of it is used; the other files of the same import go on.

:func:`plan_import` turns what was read into what would be logged: a run-walk log when the
laps (TCX/FIT laps, GPX speed segments) follow a stage's run/walk pattern (protocol.md §5),
else a run log; duplicates and pre-program activities are set apart.  The Store stores the
result (Store.import_activities); nothing here writes.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from struct import error as struct_error
from typing import Any, Literal

from runback_tui.domain import clock, limits, text
from runback_tui.domain import models as m
from runback_tui.storage import durable

MAX_FILE_BYTES = durable.MAX_FILE_BYTES
"""The largest activity file read (after decompression); larger ones are refused."""
MAX_ARCHIVE_FILES = 20_000
"""The most activity files read from one archive."""
PATTERN_TOLERANCE_S = 15.0
"""A lap matches a planned run or walk interval within this many seconds (either way)."""
RUN_SPEED_MS = 2.0
"""GPX speed segments: at or above this speed (m/s, 7.2 km/h) the runner is running."""
STOPPED_SPEED_MS = 0.3
"""GPX: below this speed (m/s) the runner is stopped (not moving time)."""
MIN_SEGMENT_S = 20.0
"""GPX: a run or walk stretch shorter than this is noise, merged into its neighbours."""
DUPLICATE_START_S = 60.0
"""Two activities starting within this many seconds with the same distance are the same."""
DUPLICATE_KM = 0.05
"""…distances within this many km (or 1 %) are the same."""
IMPORT_ID_PREFIX = "imp-"
"""Ids of imported logs: ``imp-<UTC start as YYYYMMDDTHHMMSS>-<metres>``."""

_NOT_RUNS = frozenset({"cycling", "biking", "swimming", "rowing", "e_biking", "multisport"})
"""Sports refused as not a run (running, walking and unknown sports are read)."""


@dataclass(frozen=True)
class Activity:
    """One recorded activity, as read from a file."""

    source: str
    """Where it came from (the file, or ``archive.zip:member``)."""
    start: datetime
    """When it started (aware, UTC)."""
    distance_m: float
    """Distance covered, in metres."""
    moving_s: float
    """Moving (timer) time, in seconds."""
    laps: tuple[float, ...] = ()
    """The laps' lengths in seconds, in order (GPX: run and walk stretches)."""
    lap_kinds: tuple[str, ...] = ()
    """GPX only: "run" or "walk" for each of *laps* (empty when unknown)."""


@dataclass(frozen=True)
class Refusal:
    """A file refused, and why; nothing of it was used."""

    source: str
    reason: str


@dataclass(frozen=True)
class Pattern:
    """A run-walk pattern found in an activity's laps."""

    stage: int
    repeats_done: int
    completed: bool


@dataclass
class ImportPlan:
    """What an import would do."""

    logs: list[tuple[Activity, m.RunWalkLog | m.RunLog]] = field(default_factory=list)
    """Activities to log (their pain was given), with their logs."""
    pending: list[tuple[Activity, m.ImportedActivity]] = field(default_factory=list)
    """Activities to keep waiting for their pain (none was given): not logs, they count for
    nothing until the runner says how their back felt."""
    duplicates: list[tuple[Activity, str]] = field(default_factory=list)
    """Activities skipped as already logged, with what they duplicate."""
    pre_program: list[tuple[Activity, m.ImportedActivity]] = field(default_factory=list)
    """Activities before the program's day 1: kept as history (context for the dashboard's
    load panel), never logged nor judged."""
    future: list[Activity] = field(default_factory=list)
    """Activities dated after today (a wrong clock): not logged."""


class _Refused(Exception):
    """A file cannot be used; the message says why."""


# -- reading ---------------------------------------------------------------------------------


def read_paths(paths: Iterable[Path]) -> tuple[list[Activity], list[Refusal]]:
    """Every activity in *paths* (files or archives), and every file refused."""
    activities: list[Activity] = []
    refusals: list[Refusal] = []
    for path in paths:
        name = str(path)
        try:  # opened without waiting (a FIFO), then checked on the open descriptor
            with open(path, "rb", opener=durable.open_nonblocking) as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    refusals.append(Refusal(name, "is not a regular file"))
                    continue
                raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            refusals.append(Refusal(name, f"cannot be read ({error.strerror or error})"))
            continue
        found, refused = read_bytes(name, raw)
        activities.extend(found)
        refusals.extend(refused)
    return activities, refusals


def read_bytes(name: str, raw: bytes) -> tuple[list[Activity], list[Refusal]]:
    """The activities in one file's bytes (an archive gives many), and the files refused."""
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"PK\x05\x06"):
        return _read_archive(name, raw)
    try:
        return _read_activities(name, raw), []
    except _Refused as refusal:
        return [], [Refusal(name, str(refusal))]


_NO_ACTIVITY_FILES = "holds no FIT, GPX or TCX file"

MAX_ARCHIVE_DEPTH = 2
"""How deep archives inside archives are read (Garmin's export holds zips of FIT files)."""


def _read_archive(name: str, raw: bytes, depth: int = 0) -> tuple[list[Activity], list[Refusal]]:
    """The activity files of a Strava or Garmin export archive, and of the archives inside it
    (Garmin's ``DI-Connect-Uploaded-Files/UploadedFiles_*.zip``); other members are ignored."""
    if len(raw) > MAX_FILE_BYTES:
        return [], [Refusal(name, f"is larger than {MAX_FILE_BYTES // 2**20} MB")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and (_activity_name(info.filename) or info.filename.lower().endswith(".zip"))
        ]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return [], [Refusal(name, f"is not a readable zip archive ({error})")]
    if not members:
        return [], [Refusal(name, _NO_ACTIVITY_FILES)]
    if len(members) > MAX_ARCHIVE_FILES:
        return [], [Refusal(name, f"holds more than {MAX_ARCHIVE_FILES} activity files")]
    activities: list[Activity] = []
    refusals: list[Refusal] = []
    for info in sorted(members, key=lambda i: i.filename):
        source = f"{name}:{info.filename}"
        try:
            if info.file_size > MAX_FILE_BYTES:
                raise _Refused(f"is larger than {MAX_FILE_BYTES // 2**20} MB")
            with archive.open(info) as member:
                data = member.read(MAX_FILE_BYTES + 1)
            if info.filename.lower().endswith(".zip"):
                if depth + 1 >= MAX_ARCHIVE_DEPTH:
                    raise _Refused("is an archive nested too deep inside archives")
                found, refused = _read_archive(source, data, depth + 1)
                activities.extend(found)
                # an inner zip without activity files is not an activity file: ignored
                refusals.extend(r for r in refused if r != Refusal(source, _NO_ACTIVITY_FILES))
                continue
            activities.extend(_read_activities(source, data))
        except _Refused as refusal:
            refusals.append(Refusal(source, str(refusal)))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            refusals.append(Refusal(source, f"cannot be read from the archive ({error})"))
    return activities, refusals


def _activity_name(filename: str) -> bool:
    """True for a member an export archive holds an activity in (by its name)."""
    lower = filename.lower().removesuffix(".gz")
    return lower.endswith((".fit", ".gpx", ".tcx"))


def _read_activities(source: str, raw: bytes) -> list[Activity]:
    """The activities of a FIT, GPX or TCX file, each one a run could be (_plausible);
    _Refused otherwise."""
    return _plausible(_parse_activities(source, raw))


def _parse_activities(source: str, raw: bytes) -> list[Activity]:
    """The activities of a FIT, GPX or TCX file (gzipped or not; a TCX file may hold several);
    _Refused otherwise."""
    if raw.startswith(b"\x1f\x8b"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzipped:
                raw = unzipped.read(MAX_FILE_BYTES + 1)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise _Refused(f"is a broken gzip file ({error})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _Refused(f"is larger than {MAX_FILE_BYTES // 2**20} MB")
    if len(raw) >= 12 and raw[8:12] == b".FIT":
        return [_read_fit(source, raw)]
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        root = _xml_root(raw)
        tag = root.tag.rsplit("}", 1)[-1]
        if tag == "gpx":
            return [_read_gpx(source, raw)]
        if tag == "TrainingCenterDatabase":
            return _read_tcx(source, root)
        raise _Refused(f"is XML but neither GPX nor TCX (its root is <{tag}>)")
    raise _Refused("is not a FIT, GPX or TCX file")


def _plausible(activities: list[Activity]) -> list[Activity]:
    """*activities* when each could be a run a session logs as it is; _Refused otherwise (the
    file's distance or time is not cut down to fit: the log would not be what was recorded)."""
    for a in activities:
        km, hours = a.distance_m / 1000, a.moving_s / 3600
        where = f"its activity of {clock.local(a.start):%Y-%m-%d %H:%M}"
        if km > limits.MAX_SESSION_KM:
            raise _Refused(
                f"is not a run: {where} covers {km:.1f} km ({limits.from_km(km, 'mi'):.1f} mi), "
                f"more than the {limits.MAX_SESSION_KM:.0f} km a session can log"
            )
        if hours * 60 > limits.MAX_MINUTES:
            raise _Refused(f"is not a run: {where} lasts {hours:.1f} hours, more than a day")
        if hours > 0 and km / hours > limits.MAX_IMPORT_KMH:
            kmh = km / hours
            raise _Refused(
                f"is not a run: {where} averages {kmh:.1f} km/h "
                f"({limits.from_km(kmh, 'mi'):.1f} mph), faster than anyone runs "
                f"(at most {limits.MAX_IMPORT_KMH:.0f} km/h: a ride, a drive or a GPS error?)"
            )
    return activities


# -- FIT -------------------------------------------------------------------------------------


def _read_fit(source: str, raw: bytes) -> Activity:
    """A FIT activity file: its session, laps and first record."""
    import fitdecode

    file_type: Any = None
    sessions: list[Any] = []
    laps: list[Any] = []
    first_time: datetime | None = None
    try:
        with fitdecode.FitReader(io.BytesIO(raw), check_crc=fitdecode.CrcCheck.ENABLED) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "file_id":
                    file_type = frame.get_value("type", fallback=None)
                elif frame.name == "session":
                    sessions.append(frame)
                elif frame.name == "lap":
                    laps.append(frame)
                elif frame.name == "record" and first_time is None:
                    stamp = frame.get_value("timestamp", fallback=None)
                    if isinstance(stamp, datetime):
                        first_time = stamp
    except fitdecode.FitEOFError:
        raise _Refused("is a truncated FIT file") from None
    except fitdecode.FitCRCError:
        raise _Refused("is a damaged FIT file (its checksum does not match)") from None
    except (fitdecode.FitError, ValueError, KeyError, TypeError, struct_error) as error:
        raise _Refused(f"is not a readable FIT file ({error})") from None
    if file_type not in ("activity", 4):
        raise _Refused(f"is a FIT file but not an activity (its type is {file_type!r})")
    if not sessions:
        raise _Refused("is a FIT activity file without a session (no summary of the activity)")
    session = sessions[0]
    sport = str(session.get_value("sport", fallback="") or "").lower()
    if sport in _NOT_RUNS:
        raise _Refused(f"is not a run (its sport is {sport})")
    start = session.get_value("start_time", fallback=None) or first_time
    if not isinstance(start, datetime):
        raise _Refused("is a FIT activity without a start time")
    distance = _number(session.get_value("total_distance", fallback=None))
    moving = _number(session.get_value("total_timer_time", fallback=None))
    if moving is None or moving <= 0:
        moving = _number(session.get_value("total_elapsed_time", fallback=None))
    if moving is None or moving <= 0:
        raise _Refused("is a FIT activity without a duration")
    lap_lengths = tuple(
        length
        for lap in laps
        if (length := _number(lap.get_value("total_timer_time", fallback=None))) is not None
    )
    return Activity(source, _utc(start), distance or 0.0, moving, lap_lengths)


def _number(value: Any) -> float | None:
    """*value* as a float, or None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# -- XML: GPX and TCX ------------------------------------------------------------------------


def _xml_root(raw: bytes) -> Any:
    """The root element of an XML file, parsed without entities or external references."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        return fromstring(raw)
    except ParseError as error:
        raise _Refused(f"is not well-formed XML ({error})") from None
    except DefusedXmlException:
        raise _Refused("is XML with entities or external references (refused)") from None


def _read_gpx(source: str, raw: bytes) -> Activity:
    """A GPX track: distance, moving time and its run and walk stretches by speed."""
    import gpxpy
    import gpxpy.gpx

    try:
        parsed = gpxpy.parse(raw.decode("utf-8", errors="strict"))
    except (gpxpy.gpx.GPXException, UnicodeDecodeError, ValueError) as error:
        raise _Refused(f"is not a readable GPX file ({error})") from None
    for track in parsed.tracks:
        kind = (track.type or "").strip().lower()
        if kind in _NOT_RUNS:
            raise _Refused(f"is not a run (its track type is {kind})")
    points: list[Any] = [
        point
        for track in parsed.tracks
        for segment in track.segments
        for point in segment.points
        if point.time is not None
    ]
    if len(points) < 2:
        raise _Refused("is a GPX file without a timed track (no activity in it)")
    distance = 0.0
    moving = 0.0
    stretches: list[list[Any]] = []  # [kind, seconds]
    for before, after in zip(points, points[1:], strict=False):
        seconds = (after.time - before.time).total_seconds()
        if seconds <= 0:
            continue
        metres = after.distance_2d(before) or 0.0
        distance += metres
        speed = metres / seconds
        if speed < STOPPED_SPEED_MS:
            continue
        moving += seconds
        kind = "run" if speed >= RUN_SPEED_MS else "walk"
        if stretches and stretches[-1][0] == kind:
            stretches[-1][1] += seconds
        else:
            stretches.append([kind, seconds])
    if moving <= 0:
        raise _Refused("is a GPX track without movement")
    merged = _merge_short(stretches)
    return Activity(
        source,
        _utc(points[0].time),
        distance,
        moving,
        tuple(s for _, s in merged),
        tuple(k for k, _ in merged),
    )


def _merge_short(stretches: list[list[Any]]) -> list[list[Any]]:
    """Run/walk stretches with noise (shorter than MIN_SEGMENT_S) folded into the one before."""
    merged: list[list[Any]] = []
    for kind, seconds in stretches:
        if merged and (seconds < MIN_SEGMENT_S or merged[-1][0] == kind):
            merged[-1][1] += seconds
        else:
            merged.append([kind, seconds])
    return merged


def _read_tcx(source: str, root: Any) -> list[Activity]:
    """A TCX file's activities (one, or several: a day's runs exported together), each from
    its laps' times and distances; the file is refused whole when any one is unusable."""
    ns = {"t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"}
    found = root.findall("t:Activities/t:Activity", ns)
    if not found:
        raise _Refused("is a TCX file without an activity (a course or workout file?)")
    activities = []
    for number, activity in enumerate(found, start=1):
        which = f"activity {number} " if len(found) > 1 else ""
        sport = (activity.get("Sport") or "").strip().lower()
        if sport in _NOT_RUNS:
            if len(found) > 1:
                continue  # a ride beside the runs: not a run, and not a reason to refuse them
            raise _Refused(f"is not a run (its sport is {sport})")
        laps = activity.findall("t:Lap", ns)
        if not laps:
            raise _Refused(f"is a TCX {which}without laps".replace("  ", " "))
        lengths: list[float] = []
        distance = 0.0
        try:
            start = _parse_time(laps[0].get("StartTime") or activity.findtext("t:Id", "", ns))
            for lap in laps:
                lengths.append(float(lap.findtext("t:TotalTimeSeconds", "", ns)))
                distance += float(lap.findtext("t:DistanceMeters", "0", ns) or 0)
        except ValueError as error:
            raise _Refused(f"is a TCX file with a bad lap ({error})") from None
        moving = sum(lengths)
        if moving <= 0 or any(length < 0 for length in lengths):
            raise _Refused(f"is a TCX {which}without a duration".replace("  ", " "))
        label = source if len(found) == 1 else f"{source}#{number}"
        activities.append(Activity(label, start, distance, moving, tuple(lengths)))
    if not activities:
        raise _Refused("is not a run (none of its activities is one)")
    return activities


def _parse_time(text: str) -> datetime:
    """An XML date and time (``Z`` or an offset; none is UTC) as aware UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return _utc(value)


def _utc(value: datetime) -> datetime:
    """*value* in UTC (a naive time is UTC, as FIT and GPX times are)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# -- what the activities mean ----------------------------------------------------------------


def find_pattern(activity: Activity) -> Pattern | None:
    """The run-walk stage whose pattern the laps follow, and the repeats done; None when the
    activity is continuous (protocol.md §5: stage 1 = 10 × (1 + 2 min), 2 = 8 × (2 + 1),
    3 = 6 × (3 + 1)).

    Laps must alternate run and walk of the stage's lengths, within PATTERN_TOLERANCE_S,
    from the first lap or after one warm-up lap; a repeat counts when both its laps match
    (the last repeat's walk may be missing or cut short: the runner stopped the watch).
    """
    from runback_tui.domain.protocol import STAGES

    best: Pattern | None = None
    for skip in (0, 1):
        laps = activity.laps[skip:]
        kinds = activity.lap_kinds[skip:]
        for stage in STAGES.values():
            done = _repeats(laps, kinds, stage.run_s, stage.walk_s, stage.repeats)
            if done and (best is None or done > best.repeats_done):
                best = Pattern(stage.number, done, done >= stage.repeats)
        if best is not None:
            return best
    return None


def _repeats(
    laps: Sequence[float], kinds: Sequence[str], run_s: float, walk_s: float, repeats: int
) -> int:
    """How many (run, walk) repeats *laps* start with."""

    def fits(index: int, planned: float, kind: str) -> bool:
        if index >= len(laps):
            return False
        if kinds and kinds[index] != kind:
            return False
        return abs(laps[index] - planned) <= PATTERN_TOLERANCE_S

    done = 0
    while done < repeats:
        run, walk = 2 * done, 2 * done + 1
        if not fits(run, run_s, "run"):
            break
        last = done == repeats - 1
        if fits(walk, walk_s, "walk") or (
            last and (walk >= len(laps) or laps[walk] < walk_s + PATTERN_TOLERANCE_S)
        ):
            done += 1
        else:
            break
    return done


def local_date(activity: Activity) -> date:
    """The local calendar date the activity started on (this machine's time zone)."""
    return clock.local(activity.start).date()


def import_id(activity: Activity) -> str:
    """The id of an imported activity's log: its UTC start and distance (stable per activity)."""
    return f"{IMPORT_ID_PREFIX}{activity.start:%Y%m%dT%H%M%S}-{round(activity.distance_m)}"


def _id_key(session_id: str) -> tuple[datetime, float] | None:
    """The (UTC start, km) an import id holds, or None for another id."""
    if not session_id.startswith(IMPORT_ID_PREFIX):
        return None
    try:
        stamp, metres = session_id[len(IMPORT_ID_PREFIX) :].split("-")
        start = datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        return start, int(metres) / 1000
    except ValueError:
        return None


def _same_km(a: float, b: float) -> bool:
    return abs(a - b) <= max(DUPLICATE_KM, 0.01 * max(a, b))


@dataclass(frozen=True)
class Known:
    """A run already in the file, or earlier in this import, as the duplicate rule sees it."""

    start: datetime | None
    """When it started; None for a log typed by hand (its start is not known)."""
    day: date
    km: float
    """Its distance (0 when a hand log gave none)."""
    stage: int | None
    """Its run-walk stage (None for a run)."""
    what: str
    """What a duplicate of it is told: 'already logged: the log of 2026-11-18'."""


def known_logs(
    sessions: Iterable[m.RunWalkLog | m.RunLog | m.RoutineLog | m.CrossLog],
) -> list[Known]:
    """The run and run-walk logs of *sessions* as the duplicate rule sees them."""
    known = []
    for session in sessions:
        if not isinstance(session, m.RunWalkLog | m.RunLog):
            continue
        stage = session.stage if isinstance(session, m.RunWalkLog) else None
        key = _id_key(session.id)
        if key is not None:
            what = f"already logged: the import of {session.date}"
            known.append(Known(key[0], session.date, key[1], stage, what))
        else:
            what = f"already logged: the log of {session.date}"
            known.append(Known(None, session.date, session.distance_km or 0.0, stage, what))
    return known


def known_imported(activity: m.ImportedActivity, what: str) -> Known:
    """A stored imported activity (pending or pre-program) as the duplicate rule sees it."""
    return Known(
        activity.started_at, activity.date, activity.distance_km, activity.stage,
        f"{what} ({activity.date})",
    )  # fmt: skip


def twin(start: datetime, day: date, km: float, stage: int | None, known: Iterable[Known]) -> (
    Known | None
):  # fmt: skip
    """The run of *known* that an activity (its start, local date, km and run-walk stage) is
    the same as, or None: the one rule for duplicates.

    Two recorded activities are the same when they start within DUPLICATE_START_S with the
    same distance (a watch file and its Strava copy): two runs of one day at different times
    are two runs.  A log typed by hand has no start, so an activity of its date is the same
    when both are run-walks of one stage (a typed distance is rough), or else when the
    distances match.  A typed log is one run: callers take it out of *known* once matched
    (take_twin), so it stands for one activity at most.
    """
    for other in known:
        if other.start is not None:
            if abs((other.start - start).total_seconds()) <= DUPLICATE_START_S and _same_km(
                km, other.km
            ):
                return other
        elif other.day == day:
            if other.stage is not None and stage is not None:
                if other.stage == stage:
                    return other
            elif other.km and _same_km(km, other.km):
                return other
    return None


def take_twin(
    start: datetime, day: date, km: float, stage: int | None, known: list[Known]
) -> Known | None:
    """twin, with a typed log it found taken out of *known* (it is the twin of one run)."""
    found = twin(start, day, km, stage, known)
    if found is not None and found.start is None:
        known.remove(found)
    return found


def pending_twin(
    log: m.RunWalkLog | m.RunLog, pending: Sequence[m.ImportedActivity]
) -> m.ImportedActivity | None:
    """The one waiting run that *log*, a run log being stored, already is (the closest in
    distance when several could be), or None."""
    known = known_logs([log])
    matches = [a for a in pending if twin(a.started_at, a.date, a.distance_km, a.stage, known)]
    return min(matches, key=lambda a: abs(a.distance_km - known[0].km), default=None)


def plan_import(
    activities: Sequence[Activity],
    profile: m.Profile,
    history: m.History,
    today: date,
    *,
    pain: tuple[int, int] | None,
    pending: Sequence[m.ImportedActivity] = (),
    pre_program: Sequence[m.ImportedActivity] = (),
) -> ImportPlan:
    """What importing *activities* would log, keep pending, skip as duplicates, or keep as
    history (the duplicate rule: twin).

    With *pain* (pain during, pain after: the runner said how those runs felt) each new
    activity from day 1 on becomes a log; without it, a pending import that counts for
    nothing until the pain is given.  *pending* and *pre_program* are the imported
    activities already stored (Snapshot): an activity already pending is a duplicate unless
    *pain* is given, when it becomes the log that settles it (under the pending run's id).
    """
    plan = ImportPlan()
    known = known_logs(history.sessions)
    known += [known_imported(a, "already kept as pre-program history") for a in pre_program]
    waiting = [(a, known_imported(a, "already imported, waiting for how your back felt"))
               for a in pending]  # fmt: skip
    for activity in sorted(activities, key=lambda a: a.start):
        km = activity.distance_m / 1000
        day = local_date(activity)
        imported = imported_activity(activity)
        same = take_twin(activity.start, day, km, imported.stage, known)
        waited = next(
            (
                (stored, said)
                for stored, said in waiting
                if stored.id == imported.id
                or twin(activity.start, day, km, imported.stage, [said]) is not None
            ),
            None,
        )
        if same is None and waited is not None and pain is None:
            same = waited[1]
        if same is not None:
            plan.duplicates.append((activity, same.what))
            continue
        known.append(
            Known(
                activity.start, day, km, imported.stage, f"the same activity as {activity.source}"
            )
        )
        if day > today:  # first: a wrong clock's activity is neither history nor a run
            plan.future.append(activity)
            continue
        if day < profile.start_date:
            plan.pre_program.append((activity, imported))
            continue
        if pain is None:
            plan.pending.append((activity, imported))
        else:  # a run already waiting is logged as it was stored, under its id
            plan.logs.append((activity, (waited[0] if waited else imported).log(*pain)))
    return plan


def imported_activity(activity: Activity) -> m.ImportedActivity:
    """What an activity becomes in the file: a run-walk when its laps follow a stage's
    pattern, else a run (models.ImportedActivity; its log once the pain is known)."""
    km = round(activity.distance_m / 1000, 3)  # within the limits: _plausible checked it
    minutes = round(max(activity.moving_s / 60, 0.01), 2)
    pattern = find_pattern(activity)
    return m.ImportedActivity(
        id=import_id(activity),
        date=local_date(activity),
        started_at=clock.local(activity.start),
        kind="run" if pattern is None else "run_walk",
        stage=None if pattern is None else pattern.stage,
        completed=None if pattern is None else pattern.completed,
        repeats_done=None if pattern is None else pattern.repeats_done,
        distance_km=km,
        minutes=minutes,
        source=text.printable(activity.source)[:1000] or "?",
    )


def describe(activity: Activity, units: Literal["km", "mi"]) -> str:
    """One line about an activity: local start, distance and moving time."""
    from runback_tui.domain.limits import from_km

    local = clock.local(activity.start)
    distance = from_km(activity.distance_m / 1000, units)
    minutes = activity.moving_s / 60
    return f"{local:%Y-%m-%d %H:%M} {distance:.2f} {units}, {minutes:.0f} min"


__all__ = [
    "Activity",
    "ImportPlan",
    "Pattern",
    "Refusal",
    "find_pattern",
    "plan_import",
    "read_bytes",
    "read_paths",
]


# -- what an import did, in words (the CLI and the TUI say the same) -------------------------


def logged_as(log: Any) -> str:
    """What an imported activity was logged as: 'run', 'run-walk stage 2, completed',
    'run-walk stage 1, stopped after 5 of 10'."""
    from runback_tui.domain.protocol import STAGES

    if log.kind == "run":
        return "run"
    if log.completed:
        return f"run-walk stage {log.stage}, completed"
    return f"run-walk stage {log.stage}, stopped after {log.repeats_done} of " + str(
        STAGES[log.stage].repeats
    )


def refusal_line(refusal: Refusal) -> str:
    """A refused file, named with why."""
    return f"refused {refusal.source}: it {refusal.reason}; nothing from it was stored"


def report_lines(
    plan: ImportPlan, refused: Sequence[Refusal], stored: set[str], units: m.Units,
    start_date: date, *, dry_run: bool = False, surface: Literal["cli", "tui"] = "cli",
) -> list[str]:  # fmt: skip
    """What an import did (or would do, *dry_run*), a line each; refusals are refusal_line's.
    *surface* says where the runner answers for runs kept pending (wording.pending_hint)."""
    from runback_tui.domain import wording

    def done(items: Sequence[tuple[Activity, Any]]) -> list[tuple[Activity, Any]]:
        return [(a, r) for a, r in items if dry_run or r.id in stored]

    lines: list[str] = []
    logged, pending, history = done(plan.logs), done(plan.pending), done(plan.pre_program)
    everything: list[tuple[Activity, Any]] = [*plan.logs, *plan.pending, *plan.pre_program]
    raced = [a for a, r in everything if not dry_run and r.id not in stored]
    if logged:
        verb = "Would log" if dry_run else "Logged"
        lines.append(f"{verb} {wording.plural(len(logged), 'activity', 'activities')}:")
        lines += [f"  {describe(a, units)}: {logged_as(log)}  ({a.source})" for a, log in logged]
    if pending:
        lines.append(wording.pending_kept(len(pending), dry_run=dry_run))
        lines += [f"  {describe(a, units)}: {logged_as(r)}  ({a.source})" for a, r in pending]
        if not dry_run:
            lines.append(wording.pending_hint(surface))
    if not (logged or pending or history or refused):
        lines.append("Nothing new to log.")
    skipped = [(a, why) for a, why in plan.duplicates]
    skipped += [(a, "imported meanwhile by another Runback") for a in raced]
    if skipped:
        lines.append(f"Skipped {wording.plural(len(skipped), 'duplicate')}:")
        lines += [f"  {describe(a, units)}: {why}  ({a.source})" for a, why in skipped]
    if history:
        lines.append(wording.pre_program_kept(len(history), start_date, dry_run=dry_run))
        lines += [f"  {describe(a, units)}  ({a.source})" for a, _ in history]
    if plan.future:
        count = wording.plural(len(plan.future), "activity", "activities")
        lines.append(f"Not logged, dated after today ({count}):")
        lines += [f"  {describe(a, units)}  ({a.source})" for a in plan.future]
    return lines
