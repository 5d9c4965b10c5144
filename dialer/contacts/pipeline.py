"""Work done in a worker thread and handed to the event loop in bounded batches.

The API and the dialing engine share one event loop, so parsing a base (CSV decoding, XLSX's XML,
phone numbers) must not run on it. :func:`threaded_batches` runs a producer in its own thread; the
producer hands over batches through ``emit``, which waits while :data:`DEPTH` batches are already
waiting for the loop, so memory stays bounded whatever the file's size. When the consumer stops early
(an error, a cancellation) ``emit`` returns ``False`` and the producer is expected to return.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
DEPTH = 3
"""Batches that may wait for the event loop before the producer waits too."""

Emit = Callable[[list[T]], bool]


class _Done:
    """The producer returned."""


class _Failed(Generic[T]):
    def __init__(self, error: BaseException) -> None:
        self.error = error


async def threaded_batches(
    produce: Callable[[Emit[T]], None], *, name: str = "import-reader"
) -> AsyncGenerator[list[T], None]:
    """The batches ``produce`` emits from its own thread, in order; its exception is raised here."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[list[T] | _Done | _Failed[T]] = asyncio.Queue()
    slots = threading.Semaphore(DEPTH)
    stopped = threading.Event()

    def deliver(item: list[T] | _Done | _Failed[T]) -> None:
        if not stopped.is_set():
            loop.call_soon_threadsafe(queue.put_nowait, item)

    def emit(batch: list[T]) -> bool:
        slots.acquire()
        if stopped.is_set():
            return False
        deliver(batch)
        return True

    def run() -> None:
        try:
            produce(emit)
        except BaseException as error:  # handed to the consumer, raised there
            deliver(_Failed(error))
        else:
            deliver(_Done())

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = await queue.get()
            if isinstance(item, _Done):
                return
            if isinstance(item, _Failed):
                raise item.error
            slots.release()
            yield item
    finally:
        stopped.set()
        for _ in range(DEPTH + 1):
            slots.release()  # a producer waiting in emit wakes, sees the stop, and returns
        await asyncio.shield(asyncio.to_thread(thread.join))
