"""The benchmark of issues 9 and 16: every budget, against a bare Textual app, in one run.

    python -m tests.bench [--years 1 5 20] [--runs 5] [--quick] [--json PATH]

For each history size it writes a realistic data file (runback_tui.demo.generate_history
through Store.import_records), then measures in fresh subprocesses, interleaved with the
baselines so both see the same machine state:

- start to the home screen's first frame (the child notes the time of its first frame; the
  parent, the time it spawned it), against a bare Textual app showing one Static, both
  headless: with home's view cached in the sidecar (the usual start) and without (the first
  start after another program changed the file);
- peak memory (ru_maxrss) of the app once settled (store loaded, dashboard aggregates and
  home's views computed in the background), against the bare app at its first frame;
- ``runback today --json`` warm (answered from the sidecar) and cold (first call after a
  write), ``runback checkin`` and ``runback log cross`` (both through the Store), against
  ``python -c "import textual.app"``;
- opening the dashboard: key to rendered frame, first open and a second open;
- saving a check-in in-process (lock, validate-or-skip, write, fsync), as the app's worker does;
- the run-walk session screen in a real pty at 80x24 and 120x40: steady bytes/s and CPU share;
- timers: a simulated 24-minute session driven by tick times recorded from a real Textual
  ``set_interval``: shown remaining time against the true deadline, and the drift at the end.

Subprocesses run with bytecode caching on (PYTHONPYCACHEPREFIX in a temporary folder), as an
installed package would; one untimed warm-up precedes each kind of measurement.  Timings are
medians of --runs runs (at least 5 unless --quick).  Budgets are printed, never asserted:
shared machines are noisy, so compare ratios taken in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

BARE_APP = """
import json, time
from textual.app import App
from textual.widgets import Static

marks = {}


class Bare(App):
    def compose(self):
        yield Static("Runback")

    def on_mount(self):
        self.call_after_refresh(self.first_frame)

    def first_frame(self):
        marks["frame"] = time.time()
        self.exit()


Bare().run(headless=True)
print(json.dumps(marks))
"""

# The real entry point (cli.run -> run_tui), headless.  It notes the time of home's first
# frame, then stays until the app has settled (the store loaded in the background, the views
# and the dashboard's aggregates computed), so peak memory is that of the settled app.
OUR_APP = """
import json, sys, time
from runback_tui import app as app_module
from runback_tui.screens import home

marks = {}
_mount = home.HomeScreen.on_mount


def on_mount(self):
    # Queued before home's own after-refresh work (it starts the background load), so the
    # mark is taken as soon as the first frame is out, not after the loader thread starts.
    self.app.call_after_refresh(lambda: marks.setdefault("frame", time.time()))
    _mount(self)


def settled(self):
    marks.setdefault("settled", time.time())
    marks["cached"] = self.home_view is not None
    self.exit()


home.HomeScreen.on_mount = on_mount
app_module.RunbackApp.settled = settled
_run = app_module.RunbackApp.run
app_module.RunbackApp.run = lambda self, **kw: _run(self, headless=True)
from runback_tui.cli import run

code = run(sys.argv[1:])
print(json.dumps(marks))
sys.exit(code)
"""

DASHBOARD = """
import asyncio, json, sys, time
from runback_tui.app import RunbackApp, make_app
from runback_tui.storage.store import Store

marks = {}
hooked = []
_open = RunbackApp.open_screen


def open_screen(self, name):
    # Hook the screen on first use, so its import stays inside the timed interval.
    if name != "dashboard":
        return _open(self, name)
    from runback_tui.screens import dashboard

    if not hooked:
        hooked.append(True)
        mount, show_all = dashboard.DashboardScreen.on_mount, dashboard.DashboardScreen._show_all

        def on_mount(screen):
            mount(screen)
            screen.call_after_refresh(lambda: marks.setdefault("frame", time.perf_counter()))

        def shown(screen):
            show_all(screen)
            if screen.data is not None:
                screen.call_after_refresh(lambda: marks.setdefault("data", time.perf_counter()))

        dashboard.DashboardScreen.on_mount = on_mount
        dashboard.DashboardScreen._show_all = shown
    return _open(self, name)


RunbackApp.open_screen = open_screen
RunbackApp.settled = lambda self: marks.setdefault("settled", time.perf_counter())


async def main():
    app = make_app(Store(sys.argv[1]), animations=False)
    times = []
    began = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await asyncio.sleep(1.0)  # the runner reads home first
        while "settled" not in marks and time.perf_counter() - began < 30:
            await asyncio.sleep(0.01)
        settle = marks.get("settled", float("nan")) - began
        for _ in range(2):
            marks.clear()
            start = time.perf_counter()
            await pilot.press("d")
            while "data" not in marks and time.perf_counter() - start < 30:
                await asyncio.sleep(0.002)
            data = marks.get("data", float("nan"))
            times.append((marks.get("frame", data) - start, data - start))
            await pilot.press("h")
            await pilot.pause()
            await asyncio.sleep(0.3)
    print(json.dumps({"times": times, "settled_s": settle}))


asyncio.run(main())
"""

SAVE = """
import json, sys, time
from datetime import date
from runback_tui.domain.models import CheckIn
from runback_tui.storage.store import Store

store = Store(sys.argv[1])
store.snapshot()  # the app has the file loaded (and validated) already
times = []
for n in range(int(sys.argv[2])):
    checkin = CheckIn(date=date.today(), pain=n % 3)
    start = time.perf_counter()
    store.save_checkin(checkin)
    times.append(time.perf_counter() - start)
    store.snapshot()  # the app re-reads after each write, as the home screen does
print(json.dumps(times))
"""

# Records real tick times of Textual's set_interval, then drives a 24-minute session with them.
TIMER = """
import json, random, sys, time
from textual.app import App
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.timeline import build_continuous_run_timeline

seconds = float(sys.argv[1])
ticks = []


class Ticker(App):
    def on_mount(self):
        self.start = time.monotonic()
        self.set_interval(0.1, self.tick)

    def tick(self):
        ticks.append(time.monotonic())
        if ticks[-1] - self.start >= seconds:
            self.exit()


Ticker().run(headless=True)
steps = [b - a for a, b in zip(ticks, ticks[1:])]
late = [t - (ticks[0] + 0.1 * i) for i, t in enumerate(ticks)]

try:
    from runback_tui.sessions.controller import SessionController
except ImportError:
    SessionController = None
timeline = build_continuous_run_timeline(24)
clock = FakeClock()
deadline = clock.monotonic() + timeline.total_s
rng = random.Random(1)
worst = 0.0
count = 0
stalled = False
if SessionController is not None:
    controller = SessionController(timeline, clock, manual_reps=False)
    controller.start()
while True:
    if SessionController is not None:
        shown = controller.poll().state.remaining_s
    else:
        shown = timeline.state_at(clock.monotonic() - (deadline - timeline.total_s)).remaining_s
    true = max(0.0, deadline - clock.monotonic())
    worst = max(worst, abs(shown - true))
    count += 1
    if true <= 0:
        break
    step = rng.choice(steps)
    if not stalled and true < timeline.total_s / 2:
        step, stalled = 2.0, True  # one 2 s event-loop stall half-way
    clock.advance(step)
print(json.dumps({
    "ticks": count, "worst_s": worst, "end_error_s": abs(shown - true),
    "tick_late_max_s": max(late), "tick_late_p99_s": sorted(late)[int(len(late) * 0.99) - 1],
    "controller": SessionController is not None, "total_s": timeline.total_s,
}))
"""

SESSION_SIZES = ((80, 24), (120, 40))
"""Terminal sizes the session screen's output is measured at (the big digits scale with it)."""

# The run-walk session screen, opened straight from home (any key path may change).
SESSION = """
import sys
from runback_tui.screens import home

_mount = home.HomeScreen.on_mount


def on_mount(self):
    _mount(self)
    from runback_tui.screens.run import RunSessionScreen, RunSpec

    self.app.call_later(lambda: self.app.push_screen(RunSessionScreen(RunSpec("run_walk", stage=1))))


home.HomeScreen.on_mount = on_mount
from runback_tui.cli import run

sys.exit(run(sys.argv[1:]))
"""


@dataclass
class Row:
    """One printed figure."""

    figure: str
    years: int | None
    value: float
    unit: str
    budget: str
    ratio: float | None
    ok: bool | None
    note: str = ""


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("RUNBACK_DATA", None)
    env["TERM"] = env.get("TERM", "xterm-256color")
    return env


def timed_rss(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Like timed, but reaps the child itself so its rusage (peak memory) is known."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return wall, usage.ru_maxrss, out.decode()


def first_frame(cmd: list[str], env: dict[str, str]) -> tuple[float, int, dict[str, Any]]:
    """Seconds from spawning *cmd* to its first frame (the child notes the time), peak RSS
    (KiB) and the child's marks."""
    spawned = time.time()
    _, rss, out = timed_rss(cmd, env)
    marks = json.loads(out.strip().splitlines()[-1])
    return marks["frame"] - spawned, rss, marks


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


GENERATE = """
import sys
from datetime import date, timedelta
from pathlib import Path
from runback_tui.demo import generate_history, seed_store
from runback_tui.storage.store import Store

path, days = Path(sys.argv[1]), int(sys.argv[2])
profile, history = generate_history(date.today() - timedelta(days=days - 1), days, 2026)
seed_store(Store(path), profile, history)
"""


def make_history(folder: Path, years: int, env: dict[str, str]) -> Path:
    """A realistic file of *years* years ending today (same seed, same file).

    Written by a subprocess: this process stays small, because a child's peak RSS on Linux
    starts from its parent's size at fork, which would inflate the bare app's baseline.
    """
    path = folder / f"y{years}" / "runback.json"
    path.parent.mkdir(parents=True)
    days = round(365.25 * years)
    subprocess.run([PY, "-c", GENERATE, str(path), str(days)], env=env, cwd=ROOT, check=True)
    return path


def count_records(path: Path) -> dict[str, int]:
    tables = json.loads(path.read_bytes())
    return {name: len(tables.get(name, {})) for name in ("checkins", "sessions", "shoes")}


def measure_pty(
    cmd: list[str],
    env: dict[str, str],
    settle: float,
    seconds: float,
    keys: list[tuple[float, bytes]],
    size: tuple[int, int] = (80, 24),
) -> dict[str, float]:
    """Bytes/s and CPU share of *cmd* in a pty of *size* (columns, rows), after *settle* s."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(ROOT)
        os.execvpe(cmd[0], cmd, env)
    fcntl_size = struct.pack("HHHH", size[1], size[0], 0, 0)
    import fcntl

    fcntl.ioctl(fd, termios.TIOCSWINSZ, fcntl_size)
    start = time.monotonic()
    total = 0
    window = 0
    cpu0 = None
    pending = sorted(keys)
    screen = b""
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    try:
        while True:
            now = time.monotonic() - start
            while pending and pending[0][0] <= now:
                os.write(fd, pending.pop(0)[1])
            if cpu0 is None and now >= settle:
                cpu0, window = cpu(), 0
            if now >= settle + seconds:
                break
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                total += len(data)
                window += len(data)
                screen = (screen + data)[-20000:]
        used = cpu() - (cpu0 or 0.0)
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    text = screen.decode("utf-8", "replace")
    return {
        "bytes_per_s": window / seconds,
        "cpu_share": used / seconds,
        "session_shown": float("RUN" in text or "WALK" in text or "Warm" in text),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--years", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument(
        "--runs", type=int, default=None, help="runs per median (default 7; 3 with --quick)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs, shorter pty and timer windows"
    )
    parser.add_argument("--json", metavar="PATH", help="also write every figure as JSON")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 7)
    pty_s = 5.0 if args.quick else 15.0
    tick_s = 3.0 if args.quick else 10.0

    rows: list[Row] = []
    info: dict[str, Any] = {"runs": runs, "python": sys.version.split()[0], "cpus": os.cpu_count()}
    tmp = Path(tempfile.mkdtemp(prefix="runback-bench-"))
    env = _env(tmp / "pycache")
    bare = tmp / "bare.py"
    bare.write_text(BARE_APP)
    ours = tmp / "ours.py"
    ours.write_text(OUR_APP)
    scripts = {name: tmp / f"{name}.py" for name in ("dashboard", "save", "timer", "session")}
    for name, text in (
        ("dashboard", DASHBOARD),
        ("save", SAVE),
        ("timer", TIMER),
        ("session", SESSION),
    ):
        scripts[name].write_text(textwrap.dedent(text))
    import_textual = [PY, "-c", "import textual.app"]
    runback = [PY, "-m", "runback_tui"]

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        # Warm the bytecode cache for everything measured.
        for cmd in ([PY, str(bare)], import_textual):
            timed_rss(cmd, env)
        base_start: list[float] = []
        base_rss: list[int] = []
        base_import: list[float] = []
        per_year: dict[int, dict[str, float]] = {}
        for years in args.years:
            say(f"-- {years} year(s): generating history")
            path = make_history(tmp, years, env)
            info[f"records_{years}y"] = count_records(path) | {"bytes": path.stat().st_size}
            data = ["--data", str(path)]
            first_frame([PY, str(ours), *data], env)  # warm-up (and the sidecar is written)
            starts, rsss, cold_starts, cold_rsss = [], [], [], []
            sidecar = path.with_name(path.name + ".cache")
            say(f"   start-up x{runs}")
            for _ in range(runs):
                frame, rss, _ = first_frame([PY, str(bare)], env)
                base_start.append(frame)
                base_rss.append(rss)
                frame, rss, marks = first_frame([PY, str(ours), *data], env)
                if not marks.get("cached"):
                    info[f"start_not_cached_{years}y"] = True
                starts.append(frame)
                rsss.append(rss)
                sidecar.unlink()  # cold: as after a write by another program (or an upgrade)
                frame, rss, marks = first_frame([PY, str(ours), *data], env)
                cold_starts.append(frame)
                cold_rsss.append(rss)
            say(f"   CLI x{runs}")
            warm, cold, checkins, logs = [], [], [], []
            timed_rss([*runback, *data, "today", "--json"], env)
            for n in range(runs):
                base_import.append(timed_rss(import_textual, env)[0])
                warm.append(timed_rss([*runback, *data, "today", "--json"], env)[0])
                checkins.append(
                    timed_rss([*runback, *data, "checkin", "--pain", str(n % 3)], env)[0]
                )
                cold.append(timed_rss([*runback, *data, "today", "--json"], env)[0])
                logs.append(
                    timed_rss(
                        [*runback, *data, "log", "cross", "--minutes", "20", "cycle_easy"], env
                    )[0]
                )
                timed_rss([*runback, *data, "today", "--json"], env)  # cache today's plan again
            say(f"   dashboard and saves x{runs}")
            first_open, second_open, first_data, second_data = [], [], [], []
            settles: list[float] = []
            for _ in range(runs):
                result = json.loads(timed_rss([PY, str(scripts["dashboard"]), str(path)], env)[2])
                opened = result["times"]
                settles.append(result["settled_s"])
                first_open.append(opened[0][0])
                first_data.append(opened[0][1])
                second_open.append(opened[1][0])
                second_data.append(opened[1][1])
            saves = json.loads(
                timed_rss([PY, str(scripts["save"]), str(path), str(max(runs, 5))], env)[2]
            )
            per_year[years] = {
                "start": median(starts),
                "rss": median(rsss),
                "start_cold": median(cold_starts),
                "rss_cold": median(cold_rsss),
                "today_warm": median(warm),
                "today_cold": median(cold),
                "checkin": median(checkins),
                "log": median(logs),
                "dash_first": median(first_open),
                "dash_second": median(second_open),
                "dash_first_data": median(first_data),
                "dash_second_data": median(second_data),
                "save": median(saves[1:]) if len(saves) > 1 else saves[0],
                "settle": median(settles),
            }
            for size in SESSION_SIZES:
                name = f"{size[0]}x{size[1]}"
                say(f"   session screen in a pty at {name} ({pty_s:.0f} s)")
                try:
                    measured = measure_pty(
                        [PY, str(scripts["session"]), *data], env, settle=4.0, seconds=pty_s,
                        keys=[(2.5, b"\r")], size=size,
                    )  # fmt: skip
                except Exception as error:  # noqa: BLE001 - report, do not abort the benchmark
                    info[f"session_error_{years}y_{name}"] = str(error)
                    continue
                per_year[years] |= {f"{key} {name}": value for key, value in measured.items()}
        say(f"-- timers ({tick_s:.0f} s of real ticks, then a 24-minute session)")
        timer = json.loads(timed_rss([PY, str(scripts["timer"]), str(tick_s)], env)[2])
        info["timer"] = timer

        bs, br, bi = median(base_start), median(base_rss), median(base_import)
        info |= {"bare_start_s": bs, "bare_rss_kib": br, "import_textual_s": bi}

        def add(figure: str, years: int | None, value: float, unit: str, budget: str,
                limit: float | None, base: float | None = None, note: str = "") -> None:  # fmt: skip
            ratio = value / base if base else None
            measure = value / base if base else value
            ok = None if limit is None else measure <= limit
            rows.append(Row(figure, years, value, unit, budget, ratio, ok, note))

        for years, fig in per_year.items():
            add(
                "start to home's first frame (cached view)",
                years,
                fig["start"] * 1000,
                "ms",
                "<= 1.3x bare",
                1.3,
                bs * 1000,
            )
            add(
                "start, cold (no cached view; reference)",
                years,
                fig["start_cold"] * 1000,
                "ms",
                "<= 1.3x bare",
                1.3,
                bs * 1000,
            )
            add("peak memory (settled)", years, fig["rss"] / 1024, "MiB", "<= 1.6x bare", 1.6,
                br / 1024)  # fmt: skip
            add("peak memory, cold start (settled)", years, fig["rss_cold"] / 1024, "MiB",
                "<= 1.6x bare", 1.6, br / 1024)  # fmt: skip
            add(
                "today --json, warm (sidecar hit)",
                years,
                fig["today_warm"] * 1000,
                "ms",
                "<= 0.3x import textual.app",
                0.3,
                bi * 1000,
            )
            add(
                "today --json, cold (after a write)",
                years,
                fig["today_cold"] * 1000,
                "ms",
                "<= 1.0x import textual.app",
                1.0,
                bi * 1000,
            )
            add(
                "checkin (through the Store)",
                years,
                fig["checkin"] * 1000,
                "ms",
                "<= 0.8x import textual.app",
                0.8,
                bi * 1000,
            )
            add(
                "log cross (through the Store)",
                years,
                fig["log"] * 1000,
                "ms",
                "<= 0.8x import textual.app",
                0.8,
                bi * 1000,
            )
            add(
                "open dashboard: key to frame (first)",
                years,
                fig["dash_first"] * 1000,
                "ms",
                "<= 100 ms",
                100.0,
            )
            add(
                "open dashboard: key to frame (again)",
                years,
                fig["dash_second"] * 1000,
                "ms",
                "<= 100 ms",
                100.0,
            )
            add(
                "open dashboard: key to data shown (first)",
                years,
                fig["dash_first_data"] * 1000,
                "ms",
                "<= 100 ms",
                100.0,
            )
            add(
                "open dashboard: key to data shown (again)",
                years,
                fig["dash_second_data"] * 1000,
                "ms",
                "<= 100 ms",
                100.0,
            )
            add(
                "app start to warm-up done (reference)",
                years,
                fig["settle"] * 1000,
                "ms",
                "-",
                None,
                note="store, dashboard data and views, in a worker",
            )
            add(
                "save a check-in (lock, write, fsync)",
                years,
                fig["save"] * 1000,
                "ms",
                "<= 50 ms",
                50.0,
            )
            for size in SESSION_SIZES:
                name = f"{size[0]}x{size[1]}"
                if f"bytes_per_s {name}" not in fig:
                    continue
                shown = "" if fig[f"session_shown {name}"] else "session screen not detected"
                add(
                    f"session screen output, {name}",
                    years,
                    fig[f"bytes_per_s {name}"] / 1024,
                    "KB/s",
                    "<= 1 KB/s",
                    1.0,
                    note=shown,
                )
                add(
                    f"session screen CPU, {name}",
                    years,
                    fig[f"cpu_share {name}"] * 100,
                    "% core",
                    "<= 3%",
                    3.0,
                    note=shown,
                )
        add(
            "timer: worst |shown - true| over 24 min",
            None,
            timer["worst_s"] * 1000,
            "ms",
            "<= 50 ms",
            50.0,
            note=f"{timer['ticks']} ticks, one 2 s stall; controller={timer['controller']}",
        )
        add(
            "timer: drift at the end", None, timer["end_error_s"] * 1000, "ms", "0 (no drift)", 50.0
        )
        add(
            "Textual tick lateness, max (real loop)",
            None,
            timer["tick_late_max_s"] * 1000,
            "ms",
            "<= 50 ms",
            50.0,
        )
        if len(per_year) > 1:
            years_sorted = sorted(per_year)
            low, high = years_sorted[0], years_sorted[-1]
            if 5 in per_year and 20 in per_year:
                low, high = 5, 20
            for key, name in (("start", "start"), ("rss", "peak memory"), ("today_cold", "today --json cold"),
                              ("today_warm", "today --json warm"), ("checkin", "checkin"), ("log", "log"),
                              ("dash_first", "dashboard"), ("save", "save")):  # fmt: skip
                ratio = per_year[high][key] / per_year[low][key]
                add(f"growth {high}y/{low}y: {name}", None, ratio, "x", "<= 2x", 2.0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"Runback benchmark: {runs} runs per median, Python {info['python']}, {info['cpus']} CPUs"
    )
    print(f"bare Textual app: {info['bare_start_s'] * 1000:.0f} ms start, "
          f"{info['bare_rss_kib'] / 1024:.1f} MiB peak; import textual.app: "
          f"{info['import_textual_s'] * 1000:.0f} ms")  # fmt: skip
    for years in per_year:
        print(f"{years} y: {info[f'records_{years}y']}")
    header = f"{'figure':42} {'yrs':>3} {'measured':>14} {'budget':>28} {'ratio':>6}  result"
    print(header)
    print("-" * len(header))
    for row in rows:
        shown_ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        result = {True: "ok", False: "OVER", None: ""}[row.ok]
        shown_years = str(row.years) if row.years is not None else ""
        print(f"{row.figure:42} {shown_years:>3} {row.value:>9.1f} {row.unit:<4} {row.budget:>28} "
              f"{shown_ratio:>6}  {result} {row.note}")  # fmt: skip
    if args.json:
        Path(args.json).write_text(
            json.dumps({"info": info, "rows": [asdict(r) for r in rows]}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
