"""Typed AGI commands on one call: what a route handler uses to talk to the channel.

Every command waits for its reply within a timeout. A ``511`` reply or a ``HANGUP`` notice that
comes with a ``result=-1`` (Asterisk sends it some 40 ms after the reply) raises :class:`AgiHangup`;
``result=-1`` on a live channel (a missing sound file) raises :class:`AgiCommandFailed`. Commands
Asterisk still allows on a dead channel (GET/SET VARIABLE, VERBOSE, NOOP, EXEC) keep working after
a hangup: the captures show GET VARIABLE and VERBOSE answered after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import IntEnum

from agi.connection import AgiConnection
from agi.errors import (
    AgiCommandError,
    AgiCommandFailed,
    AgiHangup,
    AgiProtocolError,
    AgiUnknownCommand,
    AgiUsageError,
)
from agi.request import AgiRequest
from agi.wire import Reply, command_line, quote, word

log = logging.getLogger(__name__)


class ChannelStatus(IntEnum):
    """CHANNEL STATUS results."""

    DOWN_AVAILABLE = 0
    DOWN_RESERVED = 1
    OFF_HOOK = 2
    DIGITS_DIALED = 3
    RINGING = 4
    REMOTE_RINGING = 5
    UP = 6
    BUSY = 7


@dataclass(frozen=True, slots=True)
class StreamResult:
    """STREAM FILE: the escape digit pressed (``None`` if the file played out) and the end offset."""

    digit: str | None
    endpos: int


@dataclass(frozen=True, slots=True)
class DigitsResult:
    """GET DATA: the digits entered (``""`` for none), and whether input ended by timeout."""

    digits: str
    timed_out: bool


@dataclass(frozen=True, slots=True)
class SessionTimeouts:
    """Seconds to wait for a reply: ``reply`` for immediate commands, ``media`` for commands that
    play or wait (EXEC, STREAM FILE, GET DATA, WAIT FOR DIGIT); ``hangup_grace`` for the HANGUP
    notice after a ``result=-1``."""

    reply: float = 10.0
    media: float = 300.0
    hangup_grace: float = 0.2


class AgiSession:
    """The route handler's view of one FastAGI call."""

    def __init__(self, request: AgiRequest, connection: AgiConnection, timeouts: SessionTimeouts) -> None:
        self.request = request
        self._connection = connection
        self._timeouts = timeouts

    @property
    def hung_up(self) -> bool:
        """The caller hung up (HANGUP notice seen, or the connection closed)."""
        return self._connection.hung_up

    # ------------------------------------------------------------------ raw

    async def command(self, *parts: str, reply_timeout: float | None = None) -> Reply:
        """Send one command made of already-formatted ``parts`` and return its ``200`` reply.

        ``511`` raises :class:`AgiHangup`, ``510`` :class:`AgiUnknownCommand`, ``520``
        :class:`AgiUsageError`, any other code :class:`AgiCommandError`. Results are not checked.
        """
        line = command_line(*parts)
        text = line.decode().rstrip("\n")
        log.debug("%s -> %s", self.request.channel, text)
        limit = self._timeouts.reply if reply_timeout is None else reply_timeout
        reply = await self._connection.execute(line, limit)
        log.debug("%s <- %s %s", self.request.channel, reply.code, reply.text)
        if reply.code == 200:
            return reply
        if reply.code == 511:
            raise AgiHangup(f"{text!r}: channel is dead ({reply.text})")
        error = {510: AgiUnknownCommand, 520: AgiUsageError}.get(reply.code, AgiCommandError)
        raise error(text, reply.code, reply.result, reply.text)

    async def _run(self, *parts: str, reply_timeout: float | None = None) -> Reply:
        """A command whose negative result means failure: ``-1`` with a hangup notice is a hangup."""
        reply = await self.command(*parts, reply_timeout=reply_timeout)
        result = reply.result or ""
        if result.startswith("-"):
            text = " ".join(parts)
            if result == "-1" and await self._connection.wait_hangup(self._timeouts.hangup_grace):
                raise AgiHangup(f"{text!r}: caller hung up")
            raise AgiCommandFailed(text, reply.code, reply.result, reply.text)
        return reply

    def _media(self, reply_timeout: float | None) -> float:
        return self._timeouts.media if reply_timeout is None else reply_timeout

    # ------------------------------------------------------------------ commands

    async def answer(self) -> None:
        await self._run("ANSWER")

    async def get_variable(self, name: str) -> str | None:
        """The channel variable's value, ``None`` when it is not set."""
        reply = await self._run("GET VARIABLE", word(name))
        return _value(reply)

    async def get_full_variable(self, expression: str) -> str | None:
        """An expression with ``${...}`` and functions evaluated on the channel."""
        reply = await self._run("GET FULL VARIABLE", word(expression))
        return _value(reply)

    async def set_variable(self, name: str, value: str) -> None:
        await self._run("SET VARIABLE", word(name), quote(value))

    async def exec(self, app: str, *args: str, reply_timeout: float | None = None) -> int:
        """Run a dialplan application with ``args`` joined by commas; its return value."""
        parts = ["EXEC", word(app)]
        if args:
            parts.append(word(",".join(args)))
        reply = await self._run(*parts, reply_timeout=self._media(reply_timeout))
        return reply.result_int or 0

    async def stream_file(
        self, file: str, escape_digits: str = "", *, reply_timeout: float | None = None
    ) -> StreamResult:
        """Play a sound file (no extension); a digit in ``escape_digits`` stops it."""
        reply = await self._run(
            "STREAM FILE", word(file), quote(escape_digits), reply_timeout=self._media(reply_timeout)
        )
        return StreamResult(_digit(reply), int(reply.attrs.get("endpos", "0")))

    async def get_data(
        self,
        file: str,
        digit_timeout: float = 5.0,
        max_digits: int = 1,
        *,
        reply_timeout: float | None = None,
    ) -> DigitsResult:
        """Play ``file`` and collect up to ``max_digits`` DTMF digits (``#`` ends input early);
        ``digit_timeout`` is GET DATA's wait for input, in seconds."""
        ms = str(max(1, round(digit_timeout * 1000)))
        reply = await self._run(
            "GET DATA", word(file), ms, str(max_digits), reply_timeout=self._media(reply_timeout)
        )
        return DigitsResult(reply.result or "", reply.data == "timeout")

    async def wait_for_digit(
        self, seconds: float | None, *, reply_timeout: float | None = None
    ) -> str | None:
        """Wait up to ``seconds`` (``None``: forever) for one digit; ``None`` if none came."""
        ms = "-1" if seconds is None else str(max(0, round(seconds * 1000)))
        reply = await self._run("WAIT FOR DIGIT", ms, reply_timeout=self._media(reply_timeout))
        return _digit(reply)

    async def channel_status(self) -> ChannelStatus:
        reply = await self._run("CHANNEL STATUS")
        try:
            return ChannelStatus(reply.result_int or 0)
        except ValueError:
            raise AgiProtocolError(f"unknown channel status {reply.result!r}") from None

    async def verbose(self, message: str, level: int = 1) -> None:
        """Write ``message`` to Asterisk's console and log at verbosity ``level``."""
        await self._run("VERBOSE", quote(message), str(level))

    async def noop(self) -> None:
        await self._run("NOOP")

    async def hangup(self) -> None:
        """Hang the channel up. Asterisk then sends a HANGUP notice; the session stays usable for
        the variable commands until the handler returns and the socket closes."""
        await self._run("HANGUP")


def _value(reply: Reply) -> str | None:
    if reply.result_int != 1:
        return None
    return reply.data if reply.data is not None else ""


def _digit(reply: Reply) -> str | None:
    code = reply.result_int or 0
    return chr(code) if code > 0 else None
