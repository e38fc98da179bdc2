"""`runback serve`: the TUI in a browser through textual-serve, reachable from this machine only.

textual-serve has no login and starts one app process per browser tab (../shared/quality.md),
so Runback adds its own walls around it:

- it binds to a loopback address only; any other ``--host`` is refused with the SSH-tunnel
  recipe;
- every start makes a fresh secret token (``secrets.token_urlsafe``) and prints the URL that
  holds it, as Jupyter does. Every request must carry it, either as ``?token=`` or in the
  cookie that the first such request sets (HttpOnly, SameSite=Strict); anything else gets 403;
- every request must name the served loopback host in its Host header (against DNS
  rebinding), and the websocket must carry an Origin header equal to the page's own origin
  (against another site's page in the same browser, and against programs that send none);
- terminal sizes, from the websocket's query and from resize messages, are clamped to
  ``MIN_SIZE``..``MAX_SIZE``;
- an app process ends when its socket closes: it is asked to quit, then sent SIGTERM, then
  SIGKILL, and always awaited. (textual-serve alone stops reading the process's output when
  the socket goes, so a process blocked writing a large screen never sees its "quit" and lives
  on until ``serve`` stops.)
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import ipaddress
import json
import logging
import secrets
import signal
import socket
import sys
from pathlib import Path
from typing import IO, Any

ALLOWED_HOSTS_TEXT = "127.0.0.1 (the default), another 127.x.y.z address, ::1 or localhost"
MIN_SIZE = (20, 6)
"""The smallest terminal (columns, rows) an app process is started with or resized to."""
MAX_SIZE = (500, 200)
"""The largest: enough for a 4K screen at a small font, far below what exhausts memory."""
QUIT_GRACE_S = 5.0
"""How long an app process gets to quit by itself (it saves nothing half-way: the store's writes
are atomic), then again after SIGTERM, before SIGKILL."""
TOKEN_BYTES = 32


def tunnel_recipe(port: int) -> str:
    """How to reach `runback serve` from another computer: an SSH tunnel to loopback."""
    return (
        "textual-serve has no login, so Runback serves only on this machine.\n"
        "To use it from another computer, tunnel over SSH instead:\n"
        f"  on that computer:  ssh -L {port}:127.0.0.1:{port} you@this-machine\n"
        f"  on this machine:   runback serve --port {port}\n"
        f"  then open the URL it prints (http://127.0.0.1:{port}/?token=...) in that "
        "computer's browser."
    )


def loopback_host(value: str) -> str | None:
    """The address to bind for ``--host VALUE``, or None when it is not a loopback address.

    Accepted exactly, without surrounding spaces: ``localhost`` (any case; bound as 127.0.0.1,
    so a hosts file that maps it elsewhere cannot widen it), an IPv4 address in 127.0.0.0/8
    in dotted form, and ``::1`` (also written ``[::1]``). Anything else — ``0.0.0.0``, a name,
    `` localhost``, an address with a port or a zone, ``::ffff:127.0.0.1`` — is None.
    """
    if value.lower() == "localhost":
        return "localhost"
    bracketed = value.startswith("[") and value.endswith("]")
    text = value[1:-1] if bracketed else value
    if not text or "%" in text or text != text.strip():
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if not address.is_loopback:
        return None
    if address.version == 6:
        return "::1"  # "::1", "[::1]", "0:0:0:0:0:0:0:1"
    if bracketed or text != str(address):  # "[127.0.0.1]"
        return None
    return text


def is_loopback(host: str) -> bool:
    """True when ``--host HOST`` is accepted (see loopback_host)."""
    return loopback_host(host) is not None


def bind_address(host: str) -> str:
    """The address actually bound for an accepted host."""
    return "127.0.0.1" if host == "localhost" else host


def url_host(host: str) -> str:
    """The host as written in a URL or a Host header (IPv6 in brackets)."""
    return f"[{host}]" if ":" in host else host


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host header values a request may carry (lower case)."""
    names = {url_host(host), "localhost", "127.0.0.1", "[::1]"} if is_loopback(host) else {host}
    return {f"{name}:{port}" for name in names} | (names if port == 80 else set())


def app_argv(data_path: Path, speed: float) -> list[str]:
    """The command textual-serve runs for each browser tab, as an argument list."""
    parts = [sys.executable, "-m", "runback_tui", "--data", str(data_path)]
    if speed != 1.0:
        parts += ["--speed", repr(speed)]
    return parts


def app_command(data_path: Path, speed: float) -> str:
    """The same command as one shell line (for display)."""
    import shlex

    return " ".join(shlex.quote(part) for part in app_argv(data_path, speed))


def clamp_size(width: object, height: object) -> tuple[int, int] | None:
    """A terminal size within MIN_SIZE..MAX_SIZE, or None when either value is not a number."""
    try:
        columns, rows = int(width), int(height)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return (
        min(max(columns, MIN_SIZE[0]), MAX_SIZE[0]),
        min(max(rows, MIN_SIZE[1]), MAX_SIZE[1]),
    )


def token_matches(candidate: str | None, token: str) -> bool:
    """Constant-time comparison of a presented token with the real one."""
    if not candidate:
        return False
    return hmac.compare_digest(candidate.encode("utf-8", "replace"), token.encode("ascii"))


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port); OSError when that is impossible."""
    address = bind_address(host)
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
    except OSError:
        sock.close()
        raise
    return sock


class ServeError(Exception):
    """`serve` cannot start (the port is taken, the address does not exist here)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


async def _discard(stream: asyncio.StreamReader | None) -> None:
    """Read a stream to its end, so a process writing to it is never blocked."""
    if stream is None:
        return
    with contextlib.suppress(Exception):
        while await stream.read(65536):
            pass


def make_server(
    data_path: Path,
    host: str,
    port: int,
    speed: float = 1.0,
    *,
    token: str | None = None,
    out: IO[str] | None = None,
) -> Any:
    """A textual-serve Server for Runback with the token, Host, Origin and size checks."""
    import aiohttp_jinja2
    from aiohttp import WSMsgType, web
    from aiohttp.abc import AbstractAccessLogger
    from aiohttp.web_runner import GracefulExit
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    secret = token or secrets.token_urlsafe(TOKEN_BYTES)
    hosts = allowed_hosts(host, port)
    cookie = f"runback_token_{port}"  # cookies ignore ports: one name per port
    log = logging.getLogger("textual-serve")

    class AccessLog(AbstractAccessLogger):
        """Method, path and status only: never a query string, so never the token."""

        def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
            self.logger.info("%s %s %s", request.method, request.path, response.status)

    class RunbackAppService(AppService):
        """One app process: started without a shell, sizes clamped, always ended and awaited."""

        _stopping: asyncio.Future[None] | None = None
        argv: list[str] = []
        grace_s = QUIT_GRACE_S

        async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
            self._process = process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._build_environment(width=width, height=height),
            )
            self._stdin = process.stdin
            return process

        async def set_terminal_size(self, width: object, height: object) -> None:
            size = clamp_size(width, height)
            if size is not None:
                await super().set_terminal_size(*size)

        async def stop(self) -> None:
            """End the process (idempotent, and not cut short when the caller is cancelled)."""
            if self._stopping is None:
                self._stopping = asyncio.ensure_future(self._end())
            await asyncio.shield(self._stopping)

        async def _end(self) -> None:
            process = self._process
            task, self._task = self._task, None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id),
                    self.grace_s,
                )
            if process is not None and process.returncode is None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.send_meta({"type": "quit"}), self.grace_s)
                with contextlib.suppress(Exception):
                    self.stdin.close()
            if task is not None:
                # textual-serve's reader: it ends at the process's end of output, or early when
                # the socket is gone (then nobody reads the output any more).
                done, _ = await asyncio.wait({task}, timeout=self.grace_s)
                if not done:
                    task.cancel()
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await task
            if process is None:
                return
            drains = [
                asyncio.ensure_future(_discard(stream))
                for stream in (process.stdout, process.stderr)
            ]
            try:
                for sig in (None, signal.SIGTERM, signal.SIGKILL):
                    if process.returncode is not None:
                        break
                    if sig is not None:
                        with contextlib.suppress(ProcessLookupError):
                            process.send_signal(sig)
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(process.wait(), self.grace_s)
                if process.returncode is None:
                    await process.wait()
            finally:
                for drain in drains:
                    drain.cancel()

    class RunbackServer(Server):
        """textual-serve with the token, Host, Origin and size checks."""

        app_service_class = RunbackAppService

        def __init__(self) -> None:
            super().__init__(
                app_command(data_path, speed),
                host=bind_address(host),
                port=port,
                title="Runback",
                public_url=f"http://{url_host(host)}:{port}",
            )
            self.argv = app_argv(data_path, speed)
            self.token = secret
            self.url = f"{self.public_url}/?token={secret}"
            self.services: set[RunbackAppService] = set()
            self.sockets: set[web.WebSocketResponse] = set()

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()

            @web.middleware
            async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
                if request.host.lower() not in hosts:
                    raise web.HTTPForbidden(text="Runback: unknown Host header.\n")
                from_query = token_matches(request.query.get("token"), secret)
                if not (from_query or token_matches(request.cookies.get(cookie), secret)):
                    raise web.HTTPForbidden(
                        text="Runback: this address needs the token. Open the URL that "
                        "`runback serve` printed (http://...:PORT/?token=...).\n"
                    )
                if request.path == "/ws":
                    origin = request.headers.get("Origin", "").lower()
                    if origin != f"http://{request.host.lower()}":
                        raise web.HTTPForbidden(
                            text="Runback: the websocket needs the served page's own Origin.\n"
                        )
                response: web.StreamResponse = await handler(request)
                if not response.prepared:
                    response.headers["Referrer-Policy"] = "no-referrer"
                    response.headers["X-Frame-Options"] = "DENY"
                    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
                    if request.path == "/":
                        response.headers["Cache-Control"] = "no-store"
                    if from_query:
                        response.set_cookie(
                            cookie, secret, httponly=True, samesite="Strict", path="/"
                        )
                return response

            app.middlewares.append(guard)
            return app

        async def on_startup(self, app: web.Application) -> None:
            stream = out or sys.stdout
            print(
                "Runback in your browser, on this machine only. Open this URL "
                "(it holds a secret token, new each time):\n"
                f"    {self.url}\n"
                "Anyone who has this URL can use Runback and see your data. Ctrl+C stops.",
                file=stream,
                flush=True,
            )

        async def on_shutdown(self, app: web.Application) -> None:
            await asyncio.gather(
                *(service.stop() for service in list(self.services)), return_exceptions=True
            )
            for websocket in list(self.sockets):
                with contextlib.suppress(Exception):
                    await websocket.close()

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            """The page, with every URL on the host the browser used (so its Origin matches)."""
            try:
                font_size = min(max(int(request.query.get("fontsize", "16")), 6), 64)
            except ValueError:
                font_size = 16
            base = f"http://{request.host}"
            return {
                "font_size": font_size,
                "app_websocket_url": f"ws://{request.host}/ws",
                "config": {"static": {"url": f"{base}/static/"}},
                "application": {"name": self.title},
            }

        async def _process_messages(
            self, websocket: web.WebSocketResponse, app_service: AppService
        ) -> None:
            """The browser's messages; malformed ones are ignored, sizes clamped."""
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = json.loads(message.data)
                except ValueError:
                    continue
                if not isinstance(envelope, list) or not envelope:
                    continue
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
                if kind == "stdin" and isinstance(data, str):
                    await app_service.send_bytes(data.encode("utf-8"))
                elif kind == "resize" and isinstance(data, dict):
                    size = clamp_size(data.get("width"), data.get("height"))
                    if size is not None:
                        await app_service.set_terminal_size(*size)
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """One browser tab: one app process, ended when the socket closes."""
            websocket = web.WebSocketResponse(heartbeat=15)
            width, height = clamp_size(
                request.query.get("width", "80"), request.query.get("height", "24")
            ) or (80, 24)
            service: RunbackAppService | None = None
            self.sockets.add(websocket)
            try:
                await websocket.prepare(request)

                async def close() -> None:
                    await websocket.close()

                service = self.app_service_class(
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                service.argv = self.argv
                self.services.add(service)
                await service.start(width, height)
                await self._process_messages(websocket, service)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await websocket.close()
            except Exception as error:  # the socket went away mid-message, and the like
                log.debug("websocket ended: %r", error)
            finally:
                self.sockets.discard(websocket)
                if service is not None:
                    await service.stop()
                    self.services.discard(service)
            return websocket

        def serve(self, debug: bool = False) -> None:
            """Bind (ServeError when impossible), then serve until SIGINT or SIGTERM."""
            try:
                sock = bind_socket(host, port)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    raise ServeError(
                        "--port", f"--port {port}: already in use; choose another port"
                    ) from None
                raise ServeError(
                    "--host",
                    f"--host {host!r}: cannot listen on {bind_address(host)} port {port} "
                    f"here ({error.strerror}); try the default, 127.0.0.1",
                ) from None
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()

            def request_exit() -> None:
                raise GracefulExit()

            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signal.SIGINT, request_exit)
                loop.add_signal_handler(signal.SIGTERM, request_exit)
            web.run_app(
                self._make_app(),
                sock=sock,
                handle_signals=False,
                loop=loop,
                print=lambda *args: None,
                access_log_class=AccessLog,
                shutdown_timeout=QUIT_GRACE_S * 4,
            )

    return RunbackServer()


def serve(
    data_path: Path, host: str, port: int, speed: float = 1.0, out: IO[str] | None = None
) -> None:
    """Serve until interrupted; ServeError when it cannot start."""
    make_server(data_path, host, port, speed, out=out).serve()
