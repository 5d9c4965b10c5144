"""LISTEN on PostgreSQL: events published by any process (engine, API, jobs) wake this process's
streams at once.

One connection per process, held from the app's start to its stop, listening on
``dialer.live.publish.CHANNEL``; each notification rings the doorbell. A lost connection is opened
again after ``RETRY_S`` and rings once (events published meanwhile are found by the streams' read).
The streams keep their poll as well, so a listener that is down costs latency, not events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from dialer.live import doorbell
from dialer.live.publish import CHANNEL

log = logging.getLogger(__name__)

RETRY_S = 2.0


class PgListener:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="live-events-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _notified(self, *_args: Any) -> None:
        doorbell.ring()

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away: listen again when it is back
                log.warning("live events: LISTEN %s lost (%s); again in %.0f s", CHANNEL, exc, RETRY_S)
            self.listening.clear()
            await asyncio.sleep(RETRY_S)

    async def _listen(self) -> None:
        async with self.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection  # asyncpg's connection
            assert driver is not None
            closed = asyncio.Event()
            driver.add_termination_listener(lambda _connection: closed.set())
            await driver.add_listener(CHANNEL, self._notified)
            try:
                self.listening.set()
                doorbell.ring()  # whatever was published while nobody listened
                await closed.wait()
                raise ConnectionError("the listening connection closed")
            finally:
                if not driver.is_closed():
                    with contextlib.suppress(Exception):
                        await driver.remove_listener(CHANNEL, self._notified)
