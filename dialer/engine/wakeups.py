"""What the engine was told since it last looked (``dialer.live.engine_wake`` topics), and the
event that wakes its loop before the next tick is due.

``tell`` may be called from any thread (a commit's, the LISTEN connection's): it hands the topic
to the engine's loop. An empty topic means "anything may have changed" (the listener reconnected).
"""

from __future__ import annotations

import asyncio
import contextlib

ANYTHING = ""


class Wakeups:
    def __init__(self) -> None:
        self._topics: set[str] = set()
        self._event = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The engine's loop, where the topics are handed."""
        self._loop = loop

    def tell(self, topic: str) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # not running: the first tick reads everything anyway
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._add, topic)

    def _add(self, topic: str) -> None:
        self._topics.add(topic)
        self._event.set()

    def take(self) -> set[str]:
        """The topics told since the last ``take``."""
        topics, self._topics = self._topics, set()
        self._event.clear()
        return topics

    async def wait(self) -> None:
        """Until a topic is told (at once when one is waiting to be taken)."""
        await self._event.wait()
