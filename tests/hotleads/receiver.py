"""A client's CRM for the tests: a real HTTP/1.1 server on 127.0.0.1 that checks each lead's
signature and stores it once by its lead id, as an idempotent receiver does."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from typing import Any

from dialer.delivery.webhook import verify


class Receiver:
    def __init__(self, secret: str, *, delay: float = 0.0) -> None:
        self.secret = secret
        self.delay = delay  # seconds before answering (after storing the lead)
        self.delays: list[float] = []  # per request, first to last, before falling back to ``delay``
        self.leads: dict[str, dict[str, Any]] = {}  # stored once per lead id
        self.received_at: dict[str, float] = {}  # time.monotonic() of the first receipt
        self.requests: Counter[str] = Counter()  # every POST per lead id, duplicates included
        self.bad_signatures = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/leads"

    async def start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", port or self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._open):
                writer.transport.abort()
            await self._server.wait_closed()
            self._server = None

    async def reserve_port(self) -> None:
        """Pick a free port and leave it closed: the CRM is down until ``start()``."""
        await self.start()
        await self.stop()

    @property
    def duplicates(self) -> int:
        return sum(self.requests.values()) - len(self.requests)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._open.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in lines[1:] if line)
            }
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            status = self._accept(headers, body)
            delay = self.delays.pop(0) if self.delays else self.delay
            if delay:
                await asyncio.sleep(delay)
            reason = {200: "OK", 401: "Unauthorized"}[status]
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._open.discard(writer)
            writer.close()

    def _accept(self, headers: dict[str, str], body: bytes) -> int:
        timestamp = headers.get("x-dialer-timestamp", "")
        if not verify(self.secret, timestamp, body, headers.get("x-dialer-signature", "")):
            self.bad_signatures += 1
            return 401
        lead_id = headers["x-dialer-lead-id"]
        self.requests[lead_id] += 1
        if lead_id not in self.leads:
            self.leads[lead_id] = json.loads(body)
            self.received_at[lead_id] = time.monotonic()
        return 200

    async def wait_for(self, count: int, within: float = 5.0) -> None:
        deadline = time.monotonic() + within
        while len(self.leads) < count:
            assert time.monotonic() < deadline, f"{len(self.leads)} of {count} leads arrived in {within}s"
            await asyncio.sleep(0.005)
