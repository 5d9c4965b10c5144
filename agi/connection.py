"""One FastAGI connection after its environment: commands out, replies back, HANGUP noticed at once.

A reader task runs for the connection's life, so a ``HANGUP`` line or the peer closing the socket
is known even while no command is waiting. One command is in flight at a time; a reply that came
without a command, an oversized line or a missing reply ends the connection, since what follows
could no longer be matched to its command.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from agi.errors import AgiDisconnected, AgiError, AgiProtocolError, AgiTimeout
from agi.wire import HangupNotice, Reply, ReplyParser

log = logging.getLogger(__name__)

_READ_SIZE: Final = 64 * 1024


class AgiConnection:
    """Sends command lines and returns their replies; see the module docstring."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        leftover: bytes = b"",
        reply_max_bytes: int,
        close_timeout: float = 1.0,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._leftover = leftover
        self._parser = ReplyParser(reply_max_bytes)
        self._close_timeout = close_timeout
        self._lock = asyncio.Lock()
        self._pending: asyncio.Future[Reply] | None = None
        self._hangup = asyncio.Event()
        self._ended = asyncio.Event()
        self._error: AgiError | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._read_loop())

    @property
    def hung_up(self) -> bool:
        """A ``HANGUP`` line arrived, or Asterisk closed the connection."""
        return self._hangup.is_set() or self._ended.is_set()

    async def wait_hangup(self, grace: float) -> bool:
        """Wait up to ``grace`` seconds for the hangup notice; ``True`` if it came."""
        if self.hung_up:
            return True
        waiters = [asyncio.ensure_future(self._hangup.wait()), asyncio.ensure_future(self._ended.wait())]
        try:
            await asyncio.wait(waiters, timeout=grace, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        return self.hung_up

    async def execute(self, line: bytes, reply_timeout: float) -> Reply:
        """Send one command line and return its reply within ``reply_timeout`` seconds."""
        async with self._lock:
            if self._error is not None:
                raise _fresh(self._error)
            future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
            self._pending = future
            try:
                async with asyncio.timeout(reply_timeout):
                    self._writer.write(line)
                    await self._writer.drain()
                    return await future
            except TimeoutError:
                error = AgiTimeout(
                    f"no reply within {reply_timeout:g} s to {line.decode(errors='replace')!r}"
                )
                self._end(error)
                self._writer.transport.abort()
                raise error from None
            except (ConnectionError, OSError) as exc:
                self._end(AgiDisconnected(f"connection lost while sending: {exc}"))
                raise _fresh(self._error or AgiDisconnected(str(exc))) from exc
            finally:
                self._pending = None
                if not future.done():
                    future.cancel()

    async def close(self) -> None:
        """Stop reading and close the socket (aborted if it does not close in time)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.wait([self._task])
        await close_writer(self._writer, self._close_timeout)

    async def _read_loop(self) -> None:
        try:
            if self._leftover:
                self._dispatch(self._parser.feed(self._leftover))
            while True:
                data = await self._reader.read(_READ_SIZE)
                if not data:
                    self._end(AgiDisconnected("Asterisk closed the connection"))
                    return
                self._dispatch(self._parser.feed(data))
        except AgiProtocolError as exc:
            self._end(exc)
            self._writer.transport.abort()
        except (ConnectionError, OSError) as exc:
            self._end(AgiDisconnected(f"connection lost: {exc}"))

    def _dispatch(self, events: list[Reply | HangupNotice]) -> None:
        for event in events:
            if isinstance(event, HangupNotice):
                log.debug("HANGUP notice received")
                self._hangup.set()
            elif self._pending is not None and not self._pending.done():
                self._pending.set_result(event)
            else:
                raise AgiProtocolError(f"reply without a command: {event.code} {event.text[:80]!r}")

    def _end(self, error: AgiError) -> None:
        if self._error is None:
            self._error = error
        self._ended.set()
        if self._pending is not None and not self._pending.done():
            self._pending.set_exception(_fresh(error))


def _fresh(error: AgiError) -> AgiError:
    """A new exception like ``error``, so each raise gets its own traceback."""
    return type(error)(*error.args)


async def close_writer(writer: asyncio.StreamWriter, grace: float) -> None:
    """Close a socket politely, and abort it if the peer does not let it close within ``grace`` s."""
    writer.close()
    try:
        async with asyncio.timeout(grace):
            await writer.wait_closed()
    except (TimeoutError, ConnectionError, OSError):
        writer.transport.abort()
