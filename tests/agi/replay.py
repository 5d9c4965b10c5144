"""Asterisk's side of a captured FastAGI session, replayed over TCP against the server.

RX blocks (what Asterisk sent) are written in their captured segments, with the captured gaps
between them scaled down; every TX block (what the capture's server sent) must be exactly the next
line the server sends. Ends by expecting the server to close the connection.
"""

from __future__ import annotations

import asyncio

from tests.agi.captures import Block


async def replay(port: int, blocks: list[Block], *, speed: float = 0.25, max_gap: float = 0.1) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        previous = 0.0
        for block in blocks:
            if block.direction == "RX":
                await asyncio.sleep(min(max_gap, max(0.0, block.at - previous) * speed))
                writer.write(block.data)
                await writer.drain()
            else:
                line = await asyncio.wait_for(reader.readline(), 2.0)
                assert line == block.data, f"server sent {line!r}, the capture has {block.data!r}"
            previous = block.at
        assert await asyncio.wait_for(reader.read(), 2.0) == b"", "server sent more than the capture"
    finally:
        writer.close()
