"""A FastAGI server on a free port with short limits, started per test and closed after it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import pytest

from agi.server import AgiHandler, AgiLimits, FastAgiServer

TEST_LIMITS = dict(
    env_timeout=1.0,
    reply_timeout=1.0,
    media_timeout=2.0,
    hangup_grace=0.3,
    session_timeout=5.0,
    close_timeout=0.5,
)

StartServer = Callable[..., Awaitable[FastAgiServer]]


@pytest.fixture
async def start_server() -> AsyncIterator[StartServer]:
    servers: list[FastAgiServer] = []

    async def start(routes: Mapping[str, AgiHandler], **limits: Any) -> FastAgiServer:
        server = FastAgiServer(
            routes, host="127.0.0.1", port=0, limits=AgiLimits(**{**TEST_LIMITS, **limits})
        )
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()
