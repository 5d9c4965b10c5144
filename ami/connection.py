"""One AMI TCP connection: send actions, match their answers by ActionID, hand events on.

Why not panoramisk's ``Manager`` (1.4, the AMI library the project was asked to use): read in its
source, it (1) writes to a closed transport and leaves the action's future pending for ever when
disconnected, and re-sends actions that were unanswered when the connection dropped (for an
``Originate`` that dials a customer twice), (2) sends ``Ping`` without ever reading the reply, so a
half-open socket goes unnoticed, (3) wraps coroutine callbacks in ``ensure_future`` with nobody
retrieving their exceptions, (4) keeps headers in a case-insensitive dict, losing repeated ones
(``Variable:`` of ``Status``, ``Output:`` of ``Command``), and decodes each TCP chunk on its own (a
UTF-8 character split across reads is dropped), and (5) logs in silently again with refused
credentials. Correctness needs all of these fixed, which leaves nothing of it, so this thin
connection runs over the product's pure wire parser (``ami.wire``) and panoramisk is not a
dependency.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ami.errors import ActionTimeout, ConnectionLost, NotConnected
from ami.wire import AmiParser, Message, encode

log = logging.getLogger(__name__)

_ACTION_ID_PREFIX = f"dialer/{uuid.uuid4()}"  # unique per process: two engines never share an id
_action_numbers = itertools.count(1)
_READ_SIZE = 65536
_MAX_PENDING = 4 * 1024 * 1024  # an unterminated message this big is not AMI: drop the connection


def next_action_id() -> str:
    """``dialer/<process uuid>/<n>``: unique across processes and reconnects, never reused."""
    return f"{_ACTION_ID_PREFIX}/{next(_action_numbers)}"


@dataclass(slots=True)
class Reply:
    """An action's answer: its ``Response`` message and, for list actions, the events that followed."""

    response: Message
    events: list[Message] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.response.response in ("Success", "Follows", "Goodbye")

    @property
    def message(self) -> str:
        return self.response.get("Message") or ""


@dataclass(slots=True)
class _Pending:
    future: asyncio.Future[Reply]
    reply: Reply | None = None  # set while the items of an event list are coming


class AmiConnection:
    """A connected, not yet logged-in, AMI socket. ``on_event`` gets every message that is not an
    answer to one of our actions; ``on_close`` is called once when the connection ends."""

    def __init__(
        self,
        on_event: Callable[[Message], None],
        on_close: Callable[[BaseException | None], None] = lambda exc: None,
    ) -> None:
        self._on_event = on_event
        self._on_close = on_close
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._read_task: asyncio.Task[None] | None = None
        self._pending: dict[str, _Pending] = {}
        self._closed = asyncio.Event()
        self.banner: str | None = None

    @property
    def is_open(self) -> bool:
        return self._writer is not None and not self._closed.is_set()

    async def open(self, host: str, port: int, within: float) -> str:
        """Connect and read the banner; raises OSError or ``ActionTimeout``."""
        try:
            async with asyncio.timeout(within):
                self._reader, self._writer = await asyncio.open_connection(host, port)
                parser = AmiParser()
                while parser.banner is None:
                    data = await self._reader.read(_READ_SIZE)
                    if not data:
                        raise ConnectionLost(f"AMI at {host}:{port} closed before its banner")
                    first = parser.feed(data)
        except TimeoutError:
            self._abort()
            raise ActionTimeout(f"no AMI banner from {host}:{port} within {within:g} s") from None
        except BaseException:
            self._abort()
            raise
        self.banner = parser.banner
        self._read_task = asyncio.create_task(self._read_loop(parser, first), name=f"ami-read-{host}:{port}")
        return self.banner

    async def request(
        self, pairs: Sequence[tuple[str, str]], within: float, *, action_id: str | None = None
    ) -> Reply:
        """Send one action and wait for its whole answer (list actions: up to their ``*Complete``)."""
        if not self.is_open or self._writer is None:
            raise NotConnected("AMI connection is not open")
        action_id = action_id or next_action_id()
        if action_id in self._pending:
            raise ValueError(f"ActionID {action_id!r} is already waiting for its answer")
        name = pairs[0][1] if pairs else "?"
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = _Pending(future)
        try:
            self._writer.write(encode([*pairs[:1], ("ActionID", action_id), *pairs[1:]]))
            async with asyncio.timeout(within):
                await self._writer.drain()
                return await future
        except TimeoutError:
            raise ActionTimeout(f"no answer to {name} within {within:g} s") from None
        except (ConnectionError, OSError) as exc:
            raise ConnectionLost(f"AMI connection lost while sending {name}: {exc}") from exc
        finally:
            self._pending.pop(action_id, None)

    def close(self) -> None:
        """Close the socket; pending actions fail with ``ConnectionLost`` at once."""
        self._finish(None)

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def _read_loop(self, parser: AmiParser, first: list[Message]) -> None:
        error: BaseException | None = None
        try:
            for message in first:
                self._dispatch(message)
            assert self._reader is not None
            while True:
                data = await self._reader.read(_READ_SIZE)
                if not data:
                    break
                for message in parser.feed(data):
                    self._dispatch(message)
                if parser.pending > _MAX_PENDING:
                    raise ConnectionLost(f"{parser.pending} bytes without a message end: not AMI")
        except asyncio.CancelledError:
            pass
        except (ConnectionError, OSError, ConnectionLost) as exc:
            error = exc
        except Exception as exc:  # a bug in a handler must not leave the connection half-dead
            log.exception("AMI reader failed")
            error = exc
        self._finish(error)

    def _dispatch(self, message: Message) -> None:
        action_id = message.first.get("ActionID")
        pending = self._pending.get(action_id) if action_id is not None else None
        if pending is None or pending.future.done():
            self._on_event(message)
            return
        if message.event is None:  # the Response
            reply = Reply(message)
            if message.first.get("EventList") == "start":
                pending.reply = reply
            else:
                pending.future.set_result(reply)
        elif pending.reply is not None:  # an item of an event list, or its closing *Complete
            if message.first.get("EventList") == "Complete":
                pending.future.set_result(pending.reply)
            else:
                pending.reply.events.append(message)
        else:  # an event that carries our ActionID outside a list (OriginateResponse)
            self._on_event(message)

    def _abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._closed.set()

    def _finish(self, error: BaseException | None) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(ConnectionLost(f"AMI connection closed: {error or 'closed'}"))
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
        task = self._read_task
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        self._on_close(error)
