"""Storage writes run one after the other in the order the facts came; a failing one is counted and
logged, and the ones after it still run."""

from __future__ import annotations

import asyncio

from dialer.engine.writer import OrderedWriter


async def test_writes_run_in_order_and_a_failure_stops_nothing() -> None:
    writer, done = OrderedWriter(), []
    writer.start()

    def write(name: str, delay: float = 0.0, fail: bool = False):
        async def run() -> None:
            await asyncio.sleep(delay)
            if fail:
                raise RuntimeError(name)
            done.append(name)

        return run

    writer.submit("a", write("a", 0.02))
    writer.submit("b", write("b", fail=True))
    writer.submit("c", write("c"))
    assert not writer.idle
    await writer.drain()
    assert done == ["a", "c"] and writer.failures == 1 and writer.idle
    await writer.stop()
