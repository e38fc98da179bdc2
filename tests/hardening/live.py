"""One app, kept running on its own event loop in a thread, for many hypothesis examples.

Starting an app per example costs ~0.3 s; a hypothesis example here costs a few pilot steps.
``LiveApp`` runs ``app.run_test()`` in a background thread and lets the (synchronous)
hypothesis test body run pilot coroutines on that loop, so shrinking still works.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from textual.app import App
from textual.pilot import Pilot

T = TypeVar("T")

STEP_TIMEOUT_S = 60.0
"""Longest a single driven step may take before the test fails (a frozen app)."""


class LiveApp:
    """``with LiveApp(app, size) as live: live.run(lambda pilot: ...)``."""

    def __init__(self, app: App[Any], size: tuple[int, int] = (80, 24)) -> None:
        self.app = app
        self.size = size
        self.pilot: Pilot[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[tuple[Any, Future[Any]] | None] | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="live-app", daemon=True)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # reported by __enter__/__exit__
            self._failure = error
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        async with self.app.run_test(size=self.size) as pilot:
            self.pilot = pilot
            await pilot.pause()
            self._ready.set()
            # Steps run here, in run_test's own task, exactly as in an async test body.
            while (item := await self._queue.get()) is not None:
                step, future = item
                try:
                    future.set_result(await step(pilot))
                except BaseException as error:
                    future.set_exception(error)

    def __enter__(self) -> LiveApp:
        self._thread.start()
        self._ready.wait(STEP_TIMEOUT_S)
        if self._failure is not None or self.pilot is None:
            raise RuntimeError("the app did not start") from self._failure
        return self

    def run(self, step: Callable[[Pilot[Any]], Awaitable[T]]) -> T:
        """Run ``step(pilot)`` on the app's loop and return its result (or raise its error)."""
        assert self._loop is not None and self._queue is not None
        if not self._thread.is_alive():
            raise RuntimeError("the app is no longer running") from self._failure
        future: Future[T] = Future()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (step, future))
        return future.result(STEP_TIMEOUT_S)

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None and self._queue is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
        self._thread.join(STEP_TIMEOUT_S)
        if self._failure is not None:
            raise self._failure
