"""A scripted Asterisk channel that calls the FastAGI server, for the route tests.

It sends a captured environment (nailed_session_01: a real answered customer) with the route
changed, then answers commands the way the captures show Asterisk does: variables from a dict,
STREAM FILE ``200 result=0 endpos=8000``, GET DATA from a list of scripted keypresses, HANGUP as
``200 result=1`` plus the ``HANGUP`` notice. The caller can hang up at a chosen command
(``200 result=-1`` then ``HANGUP``, as in capture c2); after that, commands Asterisk refuses on a
dead channel get ``511``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from agi.wire import split_command
from tests.agi import captures

HANG_UP = object()  # a scripted keypress: the caller hangs up during this GET DATA
TIMEOUT = None  # a scripted keypress: no input before the timeout
_DEAD_OK = {"GET", "SET", "VERBOSE", "NOOP", "EXEC"}
_DEAD = b"511 Command Not Permitted on a dead channel or intercept routine\n"


def environment(script: str) -> bytes:
    """The captured environment of a real answered customer, asking for ``script``."""
    blocks = captures.load("nailed_session_01.log")
    env = captures.environment_bytes(blocks)
    return env.replace(b"nailed?campaign=42", script.encode())


@dataclass
class FakeChannel:
    script: str
    variables: dict[str, str] = field(default_factory=dict)
    keys: list[object] = field(default_factory=list)
    hang_up_on: str | None = None  # first word(s) of the command during which the caller hangs up
    missing_files: set[str] = field(default_factory=set)
    commands: list[list[str]] = field(default_factory=list)
    dead: bool = False

    async def call(self, port: int, within: float = 3.0) -> None:
        """Place the call and answer until the server closes the connection."""
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(environment(self.script))
            async with asyncio.timeout(within):
                while line := await reader.readline():
                    await self._answer(split_command(line.decode()), writer)
        finally:
            writer.close()

    @property
    def played(self) -> list[str]:
        return [c[2] for c in self.commands if c[:2] == ["STREAM", "FILE"]]

    @property
    def asked(self) -> list[str]:
        return [c[2] for c in self.commands if c[:2] == ["GET", "DATA"]]

    async def _answer(self, args: list[str], writer: asyncio.StreamWriter) -> None:
        self.commands.append(args)
        name = " ".join(args[:2]).upper()
        if self.dead and args[0].upper() not in _DEAD_OK:
            writer.write(_DEAD)
        elif self.hang_up_on and " ".join(args).upper().startswith(self.hang_up_on):
            await self._hang_up(writer, b"200 result=-1\n")
        elif name == "GET VARIABLE":
            value = self.variables.get(args[2])
            writer.write(b"200 result=0\n" if value is None else f"200 result=1 ({value})\n".encode())
        elif name == "SET VARIABLE":
            self.variables[args[2]] = args[3]
            writer.write(b"200 result=1\n")
        elif name == "STREAM FILE":
            writer.write(
                b"200 result=-1 endpos=0\n"
                if args[2] in self.missing_files
                else b"200 result=0 endpos=8000\n"
            )
        elif name == "GET DATA":
            key = self.keys.pop(0) if self.keys else TIMEOUT
            if key is HANG_UP:
                await self._hang_up(writer, b"200 result=-1\n")
            elif key is TIMEOUT:
                writer.write(b"200 result= (timeout)\n")
            else:
                writer.write(f"200 result={key}\n".encode())
        elif args[0].upper() == "HANGUP":
            await self._hang_up(writer, b"200 result=1\n")
        else:
            writer.write(b"200 result=0\n")
        await writer.drain()

    async def _hang_up(self, writer: asyncio.StreamWriter, reply: bytes) -> None:
        writer.write(reply)
        await writer.drain()
        await asyncio.sleep(0.01)  # the notice follows the reply (~40 ms in the captures)
        writer.write(b"HANGUP\n")
        self.dead = True
