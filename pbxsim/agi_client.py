"""The FastAGI client side of Asterisk: connect to the product's AGI server and obey it.

As captured: the environment block is sent in two segments (split after ``agi_context``), every
command is answered in the ``200 result=...`` forms of the captures, and mirrored on AMI as
AGIExecStart/AGIExecEnd. A customer who hangs up during AGI gets an unsolicited ``HANGUP`` line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pbxsim import events as ev
from pbxsim.channel import UP, Channel
from pbxsim.dtmf import HANG_UP, get_data_reply, wait_for_digit_reply

if TYPE_CHECKING:
    from pbxsim.core import Call, PbxCore

log = logging.getLogger(__name__)

AGI_VERSION = "22.10.1"
MAX_LINE = 8192
SYNTAX_ERROR = "520-Invalid command syntax.  Proper usage follows:\n{usage}\n520 End of proper usage.\n"
PROMPT_S = 1.0  # how long a prompt plays
MAX_DIGITS = 1024  # GET DATA's max digits when none is given
KEY_S = 0.2  # how soon a customer who means to press a key presses it
KNOWN_APPS = {"Playback", "Wait", "NoOp", "Set", "Answer", "Hangup", "Background", "SayDigits", "Verbose"}


@dataclass(frozen=True)
class AgiTarget:
    host: str
    port: int
    script: str  # path and query, as agi_network_script shows it
    url: str


def parse_agi_url(url: str) -> AgiTarget:
    parts = urlsplit(url)
    if parts.scheme != "agi" or not parts.hostname:
        raise ValueError(f"not a FastAGI URL: {url!r}")
    script = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
    return AgiTarget(parts.hostname, parts.port or 4573, script, url)


def environment(channel: Channel, target: AgiTarget, args: list[str]) -> tuple[bytes, bytes]:
    """The agi_* block, in the captured key order, as the two segments Asterisk writes."""
    first = [
        ("agi_network", "yes"),
        ("agi_network_script", target.script),
        ("agi_request", target.url),
        ("agi_channel", channel.name),
        ("agi_language", channel.language),
        ("agi_type", "PJSIP"),
        ("agi_uniqueid", channel.uniqueid),
        ("agi_version", AGI_VERSION),
        ("agi_callerid", channel.caller_num if channel.caller_num != "<unknown>" else "unknown"),
        ("agi_calleridname", channel.caller_name if channel.caller_name != "<unknown>" else "unknown"),
        ("agi_callingpres", "0"),
        ("agi_callingani2", "0"),
        ("agi_callington", "0"),
        ("agi_callingtns", "0"),
        ("agi_dnid", "unknown"),
        ("agi_rdnis", "unknown"),
        ("agi_context", channel.context),
    ]
    second = [
        ("agi_extension", channel.exten),
        ("agi_priority", str(channel.priority)),
        ("agi_enhanced", "0.0"),
        ("agi_accountcode", channel.accountcode),
        ("agi_threadid", str(140305655211712 + random.randrange(1 << 20))),
        *((f"agi_arg_{i}", arg) for i, arg in enumerate(args, start=1)),
    ]
    return _lines(first), _lines(second) + b"\n"


def _lines(pairs: list[tuple[str, str]]) -> bytes:
    return "".join(f"{key}: {value}\n" for key, value in pairs).encode()


def _digit_wait_s(ms: float) -> float:
    """WAIT FOR DIGIT's wait for a customer who types nothing (``-1``: forever, capped at 5 s)."""
    return 5.0 if ms < 0 else min(ms / 1000, 5.0)


class AgiSession:
    """One AGI() application run: a TCP connection and the commands that come over it."""

    def __init__(self, pbx: PbxCore, call: Call, target: AgiTarget, args: list[str]) -> None:
        self.pbx = pbx
        self.call = call
        self.channel = call.channel
        self.target = target
        self.args = args
        self.dead = False  # the channel hung up while the AGI was running
        self._handlers: dict[str, Callable[[list[str]], Awaitable[str]]] = {
            "ANSWER": self._answer,
            "GET VARIABLE": self._get_variable,
            "GET FULL VARIABLE": self._get_full_variable,
            "SET VARIABLE": self._set_variable,
            "EXEC": self._exec,
            "STREAM FILE": self._stream_file,
            "GET DATA": self._get_data,
            "HANGUP": self._hangup,
            "CHANNEL STATUS": self._channel_status,
            "NOOP": self._ok0,
            "VERBOSE": self._ok1,
            "WAIT FOR DIGIT": self._wait_for_digit,
            "SAY DIGITS": self._ok0,
            "SAY NUMBER": self._ok0,
            "SET MUSIC": self._ok0,
        }

    async def run(self) -> str:
        """Talk to the AGI server until it closes; the result is AGISTATUS."""
        try:
            reader, writer = await asyncio.open_connection(self.target.host, self.target.port)
        except OSError as exc:
            log.warning("FastAGI %s unreachable: %s", self.target.url, exc)
            return "FAILURE"
        try:
            first, second = environment(self.channel, self.target, self.args)
            writer.write(first)
            await writer.drain()
            writer.write(second)
            await writer.drain()
            await self._serve(reader, writer)
        finally:
            writer.close()
        if self.dead:
            self.call.cause = 0  # a channel that dies inside AGI ends with Cause 0 (capture c2)
            return "HANGUP"
        return "FAILURE" if self.call.agi_hungup else "SUCCESS"  # after AGI HANGUP: FAILURE (c1)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer commands until the server closes the socket, even after the channel has died: as
        captured, GET VARIABLE still works after a hangup; only the HANGUP line tells the server."""
        while True:
            try:
                line = await reader.readuntil(b"\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            except asyncio.CancelledError:
                await self._died(writer, b"")  # hung up between commands
                continue
            command = line.decode("utf-8", "replace").strip()
            if not command:
                continue
            try:
                reply = await self.execute(command)
            except asyncio.CancelledError:
                await self._died(writer, b"200 result=-1\n")  # hung up during the command
                continue
            writer.write(reply.encode())
            await writer.drain()
            if self.call.agi_hungup and command.upper().startswith("HANGUP"):
                await self.pbx.clock.sleep(0.04)
                writer.write(b"HANGUP\n")
                await writer.drain()

    async def _died(self, writer: asyncio.StreamWriter, reply: bytes) -> None:
        """The far end hung up (or AMI did): reply to the running command, then the HANGUP line."""
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        if self.dead:
            return
        self.dead = True
        with contextlib.suppress(ConnectionError, RuntimeError):
            writer.write(reply)
            await self.pbx.clock.sleep(0.04)
            writer.write(b"HANGUP\n")
            await writer.drain()

    async def execute(self, command: str) -> str:
        """Run one command; mirror it on AMI; return the reply line(s)."""
        command_id = str(random.randrange(100_000_000, 999_999_999))
        self.pbx.emit(
            ev.channel_event(
                "AGIExecStart",
                self.channel,
                ("CommandId", command_id),
                ("Command", command),
                privilege="agi,all",
            )
        )
        words = command.split()
        handler = None
        for size in (3, 2, 1):
            key = " ".join(w.upper() for w in words[:size])
            if key in self._handlers and len(words) >= size:
                handler, rest = self._handlers[key], command.split(None, size)[size:]
                break
        if handler is None:
            reply, code = "510 Invalid or unknown command\n", "510"
        else:
            try:
                tokens = shlex.split(rest[0]) if rest else []
            except ValueError:
                tokens = rest[0].split() if rest else []
            reply = await handler(tokens)
            code = reply[:3]
        self.pbx.emit(
            ev.channel_event(
                "AGIExecEnd",
                self.channel,
                ("CommandId", command_id),
                ("Command", command),
                ("ResultCode", code),
                ("Result", "Success"),
                privilege="agi,all",
            )
        )
        return reply

    # -- commands ---------------------------------------------------------------------------------
    async def _ok0(self, _: list[str]) -> str:
        return "200 result=0\n"

    async def _ok1(self, _: list[str]) -> str:
        return "200 result=1\n"

    async def _answer(self, _: list[str]) -> str:
        if self.channel.state != UP:
            self.pbx.set_state(self.channel, UP)
        return "200 result=0\n"

    async def _channel_status(self, _: list[str]) -> str:
        return f"200 result={self.channel.state}\n"

    async def _get_variable(self, args: list[str]) -> str:
        if len(args) != 1:
            return SYNTAX_ERROR.format(usage=" Usage: GET VARIABLE <variablename>")
        name = args[0]
        if name in self.channel.variables or name in ("CHANNEL", "UNIQUEID", "EXTEN"):
            return f"200 result=1 ({self.channel.var(name)})\n"
        return "200 result=0\n"

    async def _get_full_variable(self, args: list[str]) -> str:
        """``${NAME}``, ``${CALLERID(num)}``, ``${CHANNEL(state)}`` expanded in an expression."""
        if not args:
            return SYNTAX_ERROR.format(usage=" Usage: GET FULL VARIABLE <variablename> [<channel name>]")
        ch = self.channel
        functions = {
            "CALLERID(num)": ch.caller_num,
            "CALLERID(name)": ch.caller_name,
            "CHANNEL(state)": ch.state_desc,
        }
        expanded = re.sub(r"\$\{([^}]+)\}", lambda m: functions.get(m.group(1), ch.var(m.group(1))), args[0])
        return f"200 result=1 ({expanded})\n"

    async def _set_variable(self, args: list[str]) -> str:
        if len(args) != 2:
            return SYNTAX_ERROR.format(usage="Sets a variable to the current channel.")
        self.pbx.set_var(self.channel, args[0], args[1])
        return "200 result=1\n"

    async def _exec(self, args: list[str]) -> str:
        if not args:
            return SYNTAX_ERROR.format(usage=" Usage: EXEC <application> <options>")
        app, data = args[0], ",".join(args[1:])
        if app.capitalize() not in KNOWN_APPS and app not in KNOWN_APPS:
            return "200 result=-2\n"
        if self.dead:
            return "200 result=-1\n"
        if app.lower() == "wait":
            await self.pbx.clock.sleep(float(data or 0))
        elif app.lower() == "playback":
            await self.pbx.clock.sleep(1.0)
        elif app.lower() == "hangup":
            return await self._hangup([])
        return "200 result=0\n"

    async def _stream_file(self, args: list[str]) -> str:
        if not args:
            return SYNTAX_ERROR.format(usage=" Usage: STREAM FILE <filename> <escape digits> [sample offset]")
        if self.dead or args[0] in self.pbx.config.missing_sounds:
            return "200 result=-1 endpos=0\n"
        await self.pbx.clock.sleep(1.0)
        return "200 result=0 endpos=8000\n"

    async def _get_data(self, args: list[str]) -> str:
        """The prompt plays (a second), then the customer's keys for this prompt (``pbxsim.dtmf``);
        without enough keys or ``#`` the input times out after ``timeout`` ms (default 5 s)."""
        if not args:
            return SYNTAX_ERROR.format(usage=" Usage: GET DATA <file to be streamed> [timeout] [max digits]")
        timeout_ms = int(args[1]) if len(args) > 1 and args[1].isdigit() and int(args[1]) > 0 else 5000
        max_digits = int(args[2]) if len(args) > 2 and args[2].isdigit() else MAX_DIGITS
        entry = self.call.keypad.at_prompt(max_digits)
        if entry == HANG_UP:
            return await self._hang_up_at_prompt()
        reply, timed_out = get_data_reply(entry, max_digits)
        await self.pbx.clock.sleep(PROMPT_S + (timeout_ms / 1000 if timed_out else 0.0))
        return reply

    async def _wait_for_digit(self, args: list[str]) -> str:
        """The customer's next key (its code), or ``0`` after the timeout (``-1``: forever, 5 s here)."""
        try:
            ms = float(args[0]) if args else 0.0
        except ValueError:
            return SYNTAX_ERROR.format(usage=" Usage: WAIT FOR DIGIT <timeout>")
        entry = self.call.keypad.at_prompt(1)
        if entry == HANG_UP:
            return await self._hang_up_at_prompt()
        reply, timed_out = wait_for_digit_reply(entry)
        await self.pbx.clock.sleep(_digit_wait_s(ms) if timed_out else KEY_S)
        return reply

    async def _hang_up_at_prompt(self) -> str:
        """The customer hangs up half-way through the prompt: the command is cut short (its task is
        cancelled by the far end's BYE, see ``_serve``), as on a real channel."""
        call = self.call

        async def bye() -> None:
            await self.pbx.clock.sleep(PROMPT_S / 2)
            self.pbx.far_hangup(call)

        self.pbx.spawn(bye(), f"customer hangs up at a prompt on {self.channel.name}")
        await self.pbx.clock.sleep(PROMPT_S * 10)  # cancelled by the hangup long before
        return "200 result=-1\n"

    async def _hangup(self, _: list[str]) -> str:
        self.call.agi_hungup = True
        self.call.cause = 0
        self.call.hangup_source = self.call.hangup_source or "dialplan/agi"
        self.pbx.emit(ev.soft_hangup_request(self.channel, 32))
        return "200 result=1\n"
