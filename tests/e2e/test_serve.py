"""`runback serve`: loopback only, a fresh token, Host/Origin checks, clamped sizes, app
processes that end with their socket, and a real headless browser check-in.

The attacks come from issue 18: a local process opening ``/ws`` with no Origin and no token,
a foreign page's Origin, ``GET /ws?width=10000&height=10000`` then a dropped socket (an app
process of ~640 MB used to live on until `serve` stopped), and ``--host`` values that passed
the check and then crashed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from runback_tui.serve import (
    MAX_SIZE,
    MIN_SIZE,
    allowed_hosts,
    app_command,
    clamp_size,
    is_loopback,
    loopback_host,
    make_server,
    token_matches,
)
from runback_tui.storage.store import Store
from tests.conftest import CliRunner

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DEADLINE_S = 60.0
"""Only ends a wait that would otherwise never end; no test asserts on speed."""
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


# -- hosts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", "127.0.0.1"), ("127.5.5.5", "127.5.5.5"), ("localhost", "localhost"),
     ("LocalHost", "localhost"), ("::1", "::1"), ("[::1]", "::1"),
     ("0.0.0.0", None), ("192.168.1.4", None), ("::", None), ("example.com", None), ("", None),
     (" localhost", None), ("localhost ", None), (" 127.0.0.1", None), ("[127.0.0.1]", None),
     ("127.0.0.1:8000", None), ("[::1]:8000", None), ("::1%lo", None),
     ("::ffff:127.0.0.1", None), ("127.1", None), ("localhost.", None)],
)  # fmt: skip
def test_loopback_detection(host: str, expected: str | None) -> None:
    assert loopback_host(host) == expected
    assert is_loopback(host) is (expected is not None)


@pytest.mark.parametrize(
    "host",
    ["0.0.0.0", "192.168.1.4", "::", " localhost", "[127.0.0.1]", "127.0.0.1:8000",
     "::ffff:127.0.0.1", "example.com", ""],
)  # fmt: skip
def test_bad_host_is_refused_with_exit_2_and_the_tunnel_recipe(
    host: str, cli: CliRunner, tmp_path: Path
) -> None:
    ready = tmp_path / "ready.json"
    assert cli("init", "--start-date", "2026-11-10", "--units", "km", "--accept-disclaimer",
               data=ready).code == 0  # fmt: skip
    result = cli("serve", "--host", host, "--port", "8123", data=ready)
    assert result.code == 2
    assert f"--host: {host!r} is not a loopback address" in result.err
    for allowed in ("127.0.0.1", "::1", "localhost"):
        assert allowed in result.err
    assert "ssh -L 8123:127.0.0.1:8123" in result.err
    assert "http://127.0.0.1:8123/?token=" in result.err
    assert "Traceback" not in result.err


def test_allowed_hosts_and_command(tmp_path: Path) -> None:
    assert allowed_hosts("127.0.0.1", 8123) >= {"127.0.0.1:8123", "localhost:8123"}
    assert "[::1]:8123" in allowed_hosts("::1", 8123)
    command = app_command(tmp_path / "my data.json", 1.0)
    assert "'" in command and "--data" in command


# -- token and sizes, without a server --------------------------------------------------------


def test_every_start_has_its_own_long_token(tmp_path: Path) -> None:
    first = make_server(tmp_path / "r.json", "127.0.0.1", 8123)
    second = make_server(tmp_path / "r.json", "127.0.0.1", 8123)
    assert first.token != second.token
    assert len(first.token) >= 40  # 32 random bytes, URL-safe base64
    assert first.url == f"http://127.0.0.1:8123/?token={first.token}"
    assert make_server(tmp_path / "r.json", "::1", 8123).url.startswith("http://[::1]:8123/?")
    assert token_matches(first.token, first.token)
    assert not token_matches(second.token, first.token)
    assert not token_matches("", first.token) and not token_matches(None, first.token)
    assert not token_matches("é" * 43, first.token)


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [(80, 24, (80, 24)), (10000, 10000, MAX_SIZE), (0, -5, MIN_SIZE), ("120", "40", (120, 40)),
     (10**100, 30, (MAX_SIZE[0], 30)), ("wide", 24, None), (None, 24, None), ([], {}, None)],
)  # fmt: skip
def test_sizes_are_clamped(width: object, height: object, expected: object) -> None:
    assert clamp_size(width, height) == expected


@dataclass
class _Message:
    data: str
    type: Any = None


class _FakeSocket:
    """The browser side of a websocket: messages to deliver, replies recorded."""

    def __init__(self, *payloads: object) -> None:
        from aiohttp import WSMsgType

        self.messages = [
            _Message(p if isinstance(p, str) else json.dumps(p), WSMsgType.TEXT) for p in payloads
        ]
        self.sent: list[object] = []

    def __aiter__(self) -> _FakeSocket:
        return self

    async def __anext__(self) -> _Message:
        if not self.messages:
            raise StopAsyncIteration
        return self.messages.pop(0)

    async def send_json(self, data: object) -> None:
        self.sent.append(data)


class _FakeService:
    """An app service that records what it is told."""

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []
        self.stdin: list[bytes] = []

    async def set_terminal_size(self, width: int, height: int) -> None:
        self.sizes.append((width, height))

    async def send_bytes(self, data: bytes) -> bool:
        self.stdin.append(data)
        return True


def test_resize_messages_are_clamped_and_malformed_ones_ignored(tmp_path: Path) -> None:
    server = make_server(tmp_path / "r.json", "127.0.0.1", 8123)
    browser = _FakeSocket(
        ["resize", {"width": 10000, "height": 10000}],
        ["resize", {"width": 1, "height": 1}],
        ["resize", {"width": "x", "height": 3}],
        ["resize", "not a dict"],
        "{not json",
        [],
        {"a": 1},
        ["stdin", 7],
        ["stdin", "c"],
        ["resize", {"width": 100, "height": 30}],
    )
    service = _FakeService()
    asyncio.run(server._process_messages(browser, service))
    assert service.sizes == [MAX_SIZE, MIN_SIZE, (100, 30)]
    assert service.stdin == [b"c"]


STUBBORN_APP = """
import os, signal, sys
signal.signal(signal.SIGTERM, signal.SIG_IGN)
sys.stdout.write("__GANGLION__\\n")
sys.stdout.flush()
packet = b"D" + (65536).to_bytes(4, "big") + b"x" * 65536
while True:  # never reads its "quit", ignores SIGTERM, writes as fast as it can
    os.write(1, packet)
"""


@needs_proc
def test_an_app_that_ignores_quit_and_sigterm_is_killed_and_reaped(tmp_path: Path) -> None:
    from textual_serve.download_manager import DownloadManager

    server = make_server(tmp_path / "r.json", "127.0.0.1", 8123)
    received: list[int] = []

    async def write_bytes(data: bytes) -> None:
        received.append(len(data))

    async def write_str(text: str) -> None:
        pass

    async def close() -> None:
        pass

    async def scenario() -> tuple[int, int | None]:
        service = server.app_service_class(
            "stubborn", write_bytes=write_bytes, write_str=write_str, close=close,
            download_manager=DownloadManager(),
        )  # fmt: skip
        service.argv = [sys.executable, "-c", STUBBORN_APP]
        service.grace_s = 0.5
        await service.start(80, 24)
        deadline = time.monotonic() + DEADLINE_S
        while not received and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await service.stop()
        await service.stop()  # a second stop (textual-serve calls it twice) is harmless
        return service._process.pid, service._process.returncode

    pid, code = asyncio.run(scenario())
    assert received, "the stubborn app's output never arrived"
    assert code == -signal.SIGKILL
    assert not Path(f"/proc/{pid}").exists(), "the process was not reaped"


# -- a real server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    """A running `runback serve`."""

    url: str  # the printed URL, with its token
    base: str  # http://host:port/
    token: str
    port: int
    data: Path
    pid: int


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def _serving(tmp_path: Path, host: str | None = None) -> Iterator[Served]:
    data = tmp_path / "runback.json"
    runback = [sys.executable, "-m", "runback_tui", "--data", str(data)]
    if not data.exists():
        subprocess.run([*runback, "init", "--start-date", "2026-11-10", "--units", "km",
                        "--accept-disclaimer"], check=True, capture_output=True)  # fmt: skip
    port = _free_port()
    printed = tmp_path / f"serve-{port}.out"
    host_args = [] if host is None else ["--host", host]
    with printed.open("wb") as sink:
        server = subprocess.Popen(
            [*runback, "serve", *host_args, "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + DEADLINE_S
        found = None
        while time.monotonic() < deadline and server.poll() is None:
            found = re.search(r"(http://\S+/)\?token=([A-Za-z0-9_-]+)", printed.read_text())
            if found and _answers(found.group(0)):
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"runback serve printed no working URL:\n{printed.read_text()}")
        assert found is not None
        yield Served(found.group(0), found.group(1), found.group(2), port, data, server.pid)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 15)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()


def _answers(url: str) -> bool:
    try:
        return _get(url)[0] == 200
    except OSError:
        return False


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`runback serve` on a free loopback port with a fresh profile."""
    with _serving(tmp_path) as running:
        yield running


def _handshake(served: Served, query: str, **headers: str) -> tuple[int, socket.socket]:
    """Open a raw websocket handshake to /ws; returns (status, the open socket)."""
    lines = [f"GET /ws?{query} HTTP/1.1", f"Host: 127.0.0.1:{served.port}",
             "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]  # fmt: skip
    lines += [f"{name}: {value}" for name, value in headers.items()]
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=DEADLINE_S)
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return int(head.split(b" ", 2)[1]), sock


def _descendants(pid: int) -> set[int]:
    """Every live (or unreaped) process below *pid*, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _app_environment(served: Served) -> dict[str, str]:
    """The environment of the app process serving the websocket (waits for it)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        for pid in _descendants(served.pid):
            try:
                raw = Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:
                continue
            env = dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)
            if env.get("TEXTUAL_DRIVER", "").endswith("WebDriver"):
                return env
        time.sleep(0.1)
    pytest.fail("no app process started for the websocket")


@pytest.mark.slow
def test_the_page_needs_the_token_and_then_sets_a_strict_cookie(served: Served) -> None:
    assert _get(served.base)[0] == 403
    assert _get(served.base + "?token=" + "x" * len(served.token))[0] == 403
    assert _get(served.base + "static/js/textual.js")[0] == 403
    status, headers, body = _get(served.url)
    assert status == 200 and b"data-session-websocket-url" in body
    cookie = headers["Set-Cookie"]
    assert served.token in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert headers["Referrer-Policy"] == "no-referrer"  # the token never leaves in a Referer
    jar = cookie.split(";", 1)[0]
    assert _get(served.base, Cookie=jar)[0] == 200
    assert _get(served.base + "static/js/textual.js", Cookie=jar)[0] == 200
    assert _get(served.base, Cookie=jar.replace(served.token, "x" * len(served.token)))[0] == 403


@pytest.mark.slow
def test_foreign_host_header_is_refused(served: Served) -> None:
    assert _get(served.url, Host="evil.example:80")[0] == 403


@pytest.mark.slow
@needs_proc
def test_websocket_without_the_token_is_refused(served: Served) -> None:
    origin = f"http://127.0.0.1:{served.port}"
    for query in ("width=80&height=24", "width=80&height=24&token=" + "x" * len(served.token)):
        status, sock = _handshake(served, query, Origin=origin)
        sock.close()
        assert status == 403
    assert _descendants(served.pid) == set(), "an app process was started"


@pytest.mark.slow
@needs_proc
@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "null", "http://127.0.0.1.evil.example", "http://127.0.0.1:1",
     "https://127.0.0.1:PORT", "evil://127.0.0.1:PORT", None],
)  # fmt: skip
def test_websocket_with_a_foreign_or_missing_origin_is_refused(
    served: Served, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": origin.replace("PORT", str(served.port))}
    status, sock = _handshake(served, f"width=80&height=24&token={served.token}", **headers)
    sock.close()
    assert status == 403
    assert _descendants(served.pid) == set(), "an app process was started"


def _open_huge(served: Served) -> socket.socket:
    status, sock = _handshake(
        served, f"width=10000&height=10000&token={served.token}",
        Origin=f"http://127.0.0.1:{served.port}",
    )  # fmt: skip
    assert status == 101
    return sock


@pytest.mark.slow
@needs_proc
def test_a_huge_size_is_clamped(served: Served) -> None:
    sock = _open_huge(served)
    try:
        env = _app_environment(served)
        assert (int(env["COLUMNS"]), int(env["ROWS"])) == MAX_SIZE
    finally:
        sock.close()


def _cpu_ticks(pids: set[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def _wait_until_settled(pids: set[int]) -> None:
    """Wait until *pids* use under 10% of a core over 2 s: done drawing, or blocked."""
    per_second = os.sysconf("SC_CLK_TCK")
    window: list[int] = []
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        window = [*window[-4:], _cpu_ticks(pids)]
        if len(window) == 5 and window[-1] - window[0] < 0.2 * per_second:
            return
        time.sleep(0.5)


@pytest.mark.slow
@needs_proc
def test_the_app_process_ends_when_its_socket_closes(served: Served) -> None:
    sock = _open_huge(served)
    _app_environment(served)  # waits for the app process
    apps = _descendants(served.pid)
    assert apps
    # Let the app draw its first screen while nothing reads it (unclamped, textual-serve's
    # process then blocks writing it), then drop the connection without a close frame.
    assert sock.recv(1), "the app sent nothing"
    _wait_until_settled(apps)
    sock.close()
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline and _descendants(served.pid) & apps:
        time.sleep(0.2)
    left = _descendants(served.pid) & apps
    assert not left, f"app processes still there after the socket closed: {left}"


@pytest.mark.slow
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_loopback_hosts_are_served_with_the_token(tmp_path: Path, host: str) -> None:
    if host == "[::1]":
        try:
            with socket.socket(socket.AF_INET6) as probe:
                probe.bind(("::1", 0))
        except OSError:
            pytest.skip("no IPv6 loopback here")
    with _serving(tmp_path, host) as running:
        assert running.url.startswith(f"http://{host}:{running.port}/?token=")
        assert _get(running.url)[0] == 200
        assert _get(running.base)[0] == 403


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_check_in_typed_in_a_real_browser_lands_in_the_file(served: Served) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            page.goto(served.url)  # the printed URL: the token, then its cookie
            # the app runs in its own process per tab (real clock): retry until it answers
            deadline = time.monotonic() + DEADLINE_S
            store = Store(served.data)
            while time.monotonic() < deadline and store.checkin_on(date.today()) is None:
                page.mouse.click(500, 350)
                page.keyboard.press("c")
                time.sleep(1.0)
                page.keyboard.press("3")
                time.sleep(0.3)
                page.keyboard.press("Control+s")
                time.sleep(1.5)
            checkin = store.checkin_on(date.today())
            assert checkin is not None, "the check-in typed in the browser was not stored"
            assert checkin.pain == 3
        finally:
            browser.close()
