"""The asyncio FastAGI server: accepts Asterisk's connections and runs one route handler per call.

Each connection is bounded: the environment must arrive within ``env_timeout`` and ``env_max_bytes``,
each reply within its command's timeout, the whole call within ``session_timeout``, and no more
than ``max_sessions`` connections are open at once. A client that stalls, sends garbage or vanishes
costs its own connection only; a handler that raises is logged and its connection closed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from agi.connection import AgiConnection, close_writer
from agi.errors import AgiDisconnected, AgiHangup, AgiProtocolError, AgiTimeout
from agi.request import AgiRequest
from agi.session import AgiSession, SessionTimeouts
from agi.wire import DEFAULT_ENV_MAX_BYTES, DEFAULT_REPLY_MAX_BYTES, EnvironmentParser

log = logging.getLogger(__name__)

AgiHandler = Callable[[AgiSession], Awaitable[None]]
"""A route: called with the session, returns when the call may leave the AGI."""

_ENV_READ_SIZE = 4096


@dataclass(frozen=True, slots=True)
class AgiLimits:
    """Per-connection bounds (seconds, bytes, counts)."""

    env_timeout: float = 5.0
    env_max_bytes: int = DEFAULT_ENV_MAX_BYTES
    reply_timeout: float = 10.0
    media_timeout: float = 300.0
    reply_max_bytes: int = DEFAULT_REPLY_MAX_BYTES
    hangup_grace: float = 0.2
    session_timeout: float = 900.0
    max_sessions: int = 500
    close_timeout: float = 1.0


class FastAgiServer:
    """``FastAgiServer(routes, host, port, limits)``; ``await start()``, ``port``, ``await close()``.

    ``routes`` maps the script path of ``agi://host:port/<route>?query`` to its handler.
    """

    def __init__(
        self,
        routes: Mapping[str, AgiHandler],
        host: str = "127.0.0.1",
        port: int = 4573,
        limits: AgiLimits | None = None,
    ) -> None:
        self._routes: dict[str, AgiHandler] = {name.strip("/"): h for name, h in routes.items()}
        self._host = host
        self._port = port
        self._limits = limits or AgiLimits()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[Any]] = set()

    def add_route(self, name: str, handler: AgiHandler) -> None:
        self._routes[name.strip("/")] = handler

    @property
    def port(self) -> int:
        """The port actually listened on (useful with ``port=0``)."""
        if self._server is None or not self._server.sockets:
            raise RuntimeError("FastAGI server is not started")
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def listening(self) -> bool:
        """Started and accepting connections."""
        return self._server is not None and self._server.is_serving()

    @property
    def active_sessions(self) -> int:
        return len(self._connections)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._on_connection, self._host, self._port)
        log.info("FastAGI server listening on %s:%s, routes: %s", self._host, self.port, sorted(self._routes))

    async def close(self) -> None:
        """Stop listening, end the calls in progress and close their connections."""
        if self._server is None:
            return
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.wait(list(self._connections))
        try:
            async with asyncio.timeout(self._limits.close_timeout):
                await self._server.wait_closed()
        except TimeoutError:
            log.warning("FastAGI server did not close within %s s", self._limits.close_timeout)
        self._server = None

    async def __aenter__(self) -> FastAgiServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._connections) >= self._limits.max_sessions:
            peer = writer.get_extra_info("peername")
            log.warning("FastAGI: %s refused, %d sessions open", peer, self._limits.max_sessions)
            writer.transport.abort()
            return
        # The call runs in a task of its own that close() may cancel: asyncio 3.11's stream server
        # mishandles a cancelled connection callback (task.exception() raises in its done callback).
        task = asyncio.get_running_loop().create_task(self._guarded(reader, writer))
        self._connections.add(task)
        task.add_done_callback(self._connections.discard)
        try:
            await asyncio.wait([task])
        except asyncio.CancelledError:
            task.cancel()

    async def _guarded(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        try:
            await self._serve(reader, writer, peer)
        except Exception:
            log.exception("FastAGI: connection from %s failed", peer)
        finally:  # whatever ended the call (close() included), its socket is not left open
            if not writer.transport.is_closing():
                writer.transport.abort()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: object) -> None:
        """One call; the caller (:meth:`_guarded`) aborts the socket if it is still open after."""
        limits = self._limits
        try:
            request, leftover = await self._read_request(reader)
        except TimeoutError:
            log.warning("FastAGI: %s sent no complete environment within %s s", peer, limits.env_timeout)
            return
        except AgiProtocolError as exc:
            log.warning("FastAGI: %s: %s", peer, exc)
            return
        except (AgiDisconnected, ConnectionError, OSError) as exc:
            log.info("FastAGI: %s left before its environment was complete: %s", peer, exc)
            return
        handler = self._routes.get(request.route)
        if handler is None:
            log.warning("FastAGI: no route %r (from %s, channel %s)", request.route, peer, request.channel)
            await close_writer(writer, limits.close_timeout)
            return
        connection = AgiConnection(
            reader,
            writer,
            leftover=leftover,
            reply_max_bytes=limits.reply_max_bytes,
            close_timeout=limits.close_timeout,
        )
        connection.start()
        timeouts = SessionTimeouts(limits.reply_timeout, limits.media_timeout, limits.hangup_grace)
        session = AgiSession(request, connection, timeouts)
        try:
            await self._run_handler(handler, session)
        finally:
            await connection.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> tuple[AgiRequest, bytes]:
        parser = EnvironmentParser(self._limits.env_max_bytes)
        async with asyncio.timeout(self._limits.env_timeout):
            while True:
                data = await reader.read(_ENV_READ_SIZE)
                if not data:
                    raise AgiDisconnected("connection closed")
                env = parser.feed(data)
                if env is not None:
                    return AgiRequest.from_environment(env), parser.rest

    async def _run_handler(self, handler: AgiHandler, session: AgiSession) -> None:
        route, channel = session.request.route, session.request.channel
        log.debug("FastAGI: route %r for %s", route, channel)
        try:
            async with asyncio.timeout(self._limits.session_timeout):
                await handler(session)
        except AgiHangup as exc:
            log.info("FastAGI: %s hung up during route %r (%s)", channel, route, exc)
        except AgiTimeout as exc:
            log.warning("FastAGI: route %r on %s: %s", route, channel, exc)
        except AgiProtocolError as exc:
            log.warning("FastAGI: route %r on %s: protocol error: %s", route, channel, exc)
        except TimeoutError:
            log.warning("FastAGI: route %r on %s ran past %s s", route, channel, self._limits.session_timeout)
        except Exception:
            log.exception("FastAGI: route %r on %s failed", route, channel)
        else:
            log.debug("FastAGI: route %r for %s done", route, channel)
