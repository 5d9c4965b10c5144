"""LISTEN on PostgreSQL: events published by any process (engine, API, jobs) wake this process's
streams at once; changes the engine acts on wake the engine (``dialer.live.engine_wake``).

One connection per listener, held from its start to its stop, listening on its channels: by default
``dialer.live.publish.CHANNEL``, each notification ringing the doorbell; the engine's runtime listens
on ``dialer.live.engine_wake.CHANNEL``. Each channel's callback gets the notification's payload. A
lost connection is opened again after ``RETRY_S`` and calls every callback once with an empty payload
(whatever was notified meanwhile is found by the readers' next read). The readers keep their poll as
well, so a listener that is down costs latency, not events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from dialer.db.engine import asyncpg_connection
from dialer.live import doorbell
from dialer.live.publish import CHANNEL

log = logging.getLogger(__name__)

RETRY_S = 2.0


def _ring(_payload: str) -> None:
    doorbell.ring()


class PgListener:
    def __init__(
        self, engine: AsyncEngine, channels: Mapping[str, Callable[[str], None]] | None = None
    ) -> None:
        self.engine = engine
        self.channels = dict(channels) if channels is not None else {CHANNEL: _ring}
        self.listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="live-events-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _notified(self, _connection: Any, _pid: int, channel: str, payload: str) -> None:
        callback = self.channels.get(channel)
        if callback is not None:
            callback(payload)

    def _all(self) -> None:
        for callback in self.channels.values():
            callback("")

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away: listen again when it is back
                names = ", ".join(self.channels)
                log.warning("LISTEN %s lost (%s); again in %.0f s", names, exc, RETRY_S)
            self.listening.clear()
            await asyncio.sleep(RETRY_S)

    async def _listen(self) -> None:
        async with self.engine.connect() as connection:
            driver = await asyncpg_connection(connection)
            assert driver is not None
            closed = asyncio.Event()
            driver.add_termination_listener(lambda _connection: closed.set())
            notified = self._notified  # one callable, so remove_listener finds what add_listener added
            for channel in self.channels:
                await driver.add_listener(channel, notified)
            try:
                self.listening.set()
                self._all()  # whatever was notified while nobody listened
                await closed.wait()
                raise ConnectionError("the listening connection closed")
            finally:
                if not driver.is_closed():
                    for channel in self.channels:
                        with contextlib.suppress(Exception):
                            await driver.remove_listener(channel, notified)
