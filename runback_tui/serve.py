"""`runback serve`: the TUI in a browser through textual-serve, reachable from this machine only.

textual-serve has no login and starts one app process per browser tab, so Runback binds to a
loopback address only. A non-loopback host is refused with the SSH-tunnel recipe
(../shared/quality.md). On top of that, every request must carry a Host header naming the
served loopback address (against DNS rebinding) and the websocket must come from a page of
that origin (against another site's page in the same browser driving the app).
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path
from typing import Any

TUNNEL_RECIPE = (
    "textual-serve has no login, so Runback serves only on this machine.\n"
    "To use it from another computer, tunnel over SSH instead:\n"
    "  on that computer:  ssh -L 8000:127.0.0.1:8000 you@this-machine\n"
    "  on this machine:   runback serve --port 8000\n"
    "  then open          http://127.0.0.1:8000 in that computer's browser."
)


def is_loopback(host: str) -> bool:
    """True for localhost and any loopback address (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host header values a request may carry."""
    names = {host, "localhost", "127.0.0.1", "[::1]"} if is_loopback(host) else {host}
    return {f"{name}:{port}" for name in names} | (names if port == 80 else set())


def app_command(data_path: Path, speed: float) -> str:
    """The shell command textual-serve runs for each browser tab."""
    parts = [sys.executable, "-m", "runback_tui", "--data", str(data_path)]
    if speed != 1.0:
        parts += ["--speed", repr(speed)]
    return " ".join(shlex.quote(part) for part in parts)


def make_server(data_path: Path, host: str, port: int, speed: float = 1.0) -> Any:
    """A textual-serve Server for Runback with Host and Origin checks."""
    from aiohttp import web
    from textual_serve.server import Server

    hosts = allowed_hosts(host, port)

    class RunbackServer(Server):
        """textual-serve with Host and Origin checks."""

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()

            @web.middleware
            async def check_host(request: web.Request, handler: Any) -> web.StreamResponse:
                if request.host not in hosts:
                    raise web.HTTPForbidden(text="Runback: unknown Host header.\n")
                origin = request.headers.get("Origin")
                foreign = origin is not None and origin.split("://", 1)[-1] not in hosts
                if request.path == "/ws" and foreign:
                    raise web.HTTPForbidden(text="Runback: cross-origin websocket refused.\n")
                response: web.StreamResponse = await handler(request)
                return response

            app.middlewares.append(check_host)
            return app

    shown = f"[{host}]" if ":" in host else host
    return RunbackServer(
        app_command(data_path, speed),
        host=host,
        port=port,
        title="Runback",
        public_url=f"http://{shown}:{port}",
    )


def serve(data_path: Path, host: str, port: int, speed: float = 1.0) -> None:
    """Serve until interrupted."""
    make_server(data_path, host, port, speed).serve()
