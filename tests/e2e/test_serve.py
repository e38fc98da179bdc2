"""`runback serve`: loopback only, Host/Origin checks, and a real headless browser check-in."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from runback_tui.serve import allowed_hosts, app_command, is_loopback
from runback_tui.storage.store import Store
from tests.conftest import CliRunner

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("127.5.5.5", True), ("localhost", True), ("::1", True),
     ("[::1]", True), ("0.0.0.0", False), ("192.168.1.4", False), ("::", False),
     ("example.com", False), ("", False)],
)  # fmt: skip
def test_loopback_detection(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_allowed_hosts_and_command(tmp_path: Path) -> None:
    assert allowed_hosts("127.0.0.1", 8123) >= {"127.0.0.1:8123", "localhost:8123"}
    command = app_command(tmp_path / "my data.json", 1.0)
    assert "'" in command and "--data" in command


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.4", "::"])
def test_non_loopback_host_is_refused_with_the_tunnel_recipe(
    host: str, tmp_path: Path, cli: CliRunner
) -> None:
    result = cli("serve", "--host", host)
    assert result.code == 2
    assert "ssh -L 8000:127.0.0.1:8000" in result.err
    assert "--host" in result.err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`runback serve` on a free loopback port with a fresh profile; yields (url, data path)."""
    data = tmp_path / "runback.json"
    runback = [sys.executable, "-m", "runback_tui", "--data", str(data)]
    subprocess.run([*runback, "init", "--start-date", "2026-11-10", "--units", "km",
                    "--accept-disclaimer"], check=True, capture_output=True)  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [*runback, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60  # only ends a wait that would never end
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("runback serve did not answer within 60 s")
    try:
        yield url, data
    finally:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()


@pytest.mark.slow
def test_foreign_host_header_is_refused(served: tuple[str, Path]) -> None:
    url, _ = served
    request = urllib.request.Request(url, headers={"Host": "evil.example:80"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 403


@pytest.mark.slow
def test_cross_origin_websocket_is_refused(served: tuple[str, Path]) -> None:
    url, _ = served
    request = urllib.request.Request(
        url + "ws?width=80&height=24",
        headers={"Origin": "http://evil.example", "Connection": "Upgrade",
                 "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                 "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 403


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_check_in_typed_in_a_real_browser_lands_in_the_file(served: tuple[str, Path]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    url, data = served
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            page.goto(url)
            # the app runs in its own process per tab (real clock): retry until it answers
            deadline = time.monotonic() + 60  # only ends a wait that would never end
            store = Store(data)
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
