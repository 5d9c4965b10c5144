"""Storage writes in the order the facts happened, off the event path: one queue, one task.

The tracker calls the engine synchronously, in event order; each fact's writes are queued here and
run one after the other, so a call's ``ended`` never overtakes its ``answered``. A failing write is
logged with its call and dropped: the record functions are idempotent, and reconciliation at the
next start closes anything left open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from dialer.observability import logs, metrics

log = logging.getLogger(__name__)

Write = Callable[[], Awaitable[None]]


class OrderedWriter:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[tuple[str, Write, logs.Context]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._running = False
        self.failures = 0

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="engine-writer")

    def submit(self, what: str, write: Write) -> None:
        self._queue.put_nowait((what, write, logs.current()))  # its lines carry the fact's call

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing being written: storage shows every fact submitted so far."""
        return not self._running and self._queue.empty()

    async def drain(self) -> None:
        """Wait until every write queued so far has run."""
        await self._queue.join()

    async def stop(self) -> None:
        """Run what is queued, then stop."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.drain()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def abandon(self) -> None:
        """Stop now; what is queued is lost (a crash, for the tests of reconciliation)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            what, write, context = await self._queue.get()
            self._running = True
            try:
                with logs.restored(context):
                    await write()
            except asyncio.CancelledError:
                raise
            except Exception:
                self.failures += 1
                metrics.WRITER_FAILURES.inc()
                with logs.restored(context):
                    log.exception("engine: storing %s failed", what)
            finally:
                self._running = False
                self._queue.task_done()
