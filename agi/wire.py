"""The FastAGI wire format: bytes to environment and replies, commands to bytes. No I/O.

Asterisk opens the TCP connection and sends the environment: ``agi_key: value`` lines ended by an
empty line (it may arrive in several TCP segments). The server then sends one command per line and
Asterisk answers each with a reply line: ``200 result=1 (value)``, ``200 result=-1 endpos=0``,
``510 Invalid or unknown command``, ``511 Command Not Permitted on a dead channel...``, or a
multi-line usage block (``520-...`` lines closed by ``520 End of proper usage.``). When the channel
hangs up, Asterisk also sends an unsolicited ``HANGUP`` line, between or after replies.

Command arguments are split by Asterisk on blanks; double quotes group words and a backslash
escapes the next character (res_agi.c ``parse_args``): :func:`quote` and :func:`word` produce that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from agi.errors import AgiProtocolError

HANGUP_LINE: Final = "HANGUP"
DEFAULT_ENV_MAX_BYTES: Final = 16 * 1024
DEFAULT_REPLY_MAX_BYTES: Final = 64 * 1024

_ENV_KEY = re.compile(rb"agi_[a-z0-9_]{1,64}\Z")
_ENV_KEY_START = re.compile(rb"(?:a(?:g(?:i(?:_[a-z0-9_]{0,64})?)?)?)?\Z")
_REPLY = re.compile(r"(?P<code>\d{3})(?P<sep>[ -]|\Z)(?P<text>.*)\Z", re.DOTALL)
_RESULT = re.compile(r"result=(?P<result>\S*)(?P<rest>.*)\Z", re.DOTALL)
# Greedy data: a GET VARIABLE value may itself hold ")" or "endpos=", the line still ends with ")".
_RESULT_REST = re.compile(r"(?: \((?P<data>.*)\))?(?P<attrs>(?: [A-Za-z_]+=\S*)*)\s*\Z", re.DOTALL)
_NEEDS_QUOTES = re.compile(r'[\s"\\]')
_FORBIDDEN = re.compile(r"[\r\n\x00]")


# --------------------------------------------------------------------------- environment


class EnvironmentParser:
    """Incremental reader of the environment block, with a size limit.

    ``feed`` returns ``None`` until the closing empty line arrived, then the environment; bytes
    that followed the block are left in :attr:`rest`. Raises :class:`AgiProtocolError` on a line
    that is not ``agi_key: value`` or when the block grows past ``max_bytes``.
    """

    __slots__ = ("_env", "_max_bytes", "_pending", "_size", "rest")

    def __init__(self, max_bytes: int = DEFAULT_ENV_MAX_BYTES) -> None:
        self._max_bytes = max_bytes
        self._pending = b""
        self._size = 0
        self._env: dict[str, str] = {}
        self.rest = b""

    def feed(self, data: bytes) -> dict[str, str] | None:
        buffer = self._pending + data
        start = 0
        while (end := buffer.find(b"\n", start)) >= 0:
            line = buffer[start:end]
            self._size += end + 1 - start
            start = end + 1
            self._check_size()
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line:
                if not self._env:
                    raise AgiProtocolError("empty AGI environment")
                self.rest = buffer[start:]
                self._pending = b""
                return self._env
            key, value = _env_line(line)
            self._env[key] = value
        self._pending = buffer[start:]
        if self._size + len(self._pending) > self._max_bytes:
            raise AgiProtocolError(f"AGI environment larger than {self._max_bytes} bytes")
        _check_partial_line(self._pending)
        return None

    def _check_size(self) -> None:
        if self._size > self._max_bytes:
            raise AgiProtocolError(f"AGI environment larger than {self._max_bytes} bytes")


def _env_line(line: bytes) -> tuple[str, str]:
    key, sep, value = line.partition(b":")
    if not sep or not _ENV_KEY.match(key):
        raise AgiProtocolError(f"not an AGI environment line: {line[:80]!r}")
    if value.startswith(b" "):
        value = value[1:]
    return key.decode("ascii"), value.decode("utf-8", "replace")


def _check_partial_line(partial: bytes) -> None:
    """Refuse junk as soon as it arrives, not only when its line ends: the bytes so far must
    start an ``agi_key: value`` line."""
    key, sep, _ = partial.partition(b":")
    if not (_ENV_KEY.match(key) if sep else _ENV_KEY_START.match(key)):
        raise AgiProtocolError(f"not an AGI environment line: {partial[:80]!r}")


def parse_environment(block: bytes, max_bytes: int = DEFAULT_ENV_MAX_BYTES) -> dict[str, str]:
    """The environment of one whole block (its closing empty line included)."""
    parser = EnvironmentParser(max_bytes)
    env = parser.feed(block)
    if env is None:
        raise AgiProtocolError("AGI environment not terminated by an empty line")
    return env


# --------------------------------------------------------------------------- replies


@dataclass(frozen=True, slots=True)
class Reply:
    """One reply to a command.

    ``text`` is everything after the code; for ``200`` replies ``result`` is the raw ``result=``
    value (``""`` for GET DATA with no digits), ``data`` the text in parentheses and ``attrs`` the
    trailing ``key=value`` pairs (``endpos``). ``usage`` holds the lines of a ``520`` block.
    """

    code: int
    text: str
    result: str | None = None
    data: str | None = None
    attrs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    usage: tuple[str, ...] = ()

    @property
    def result_int(self) -> int | None:
        """``result`` as an integer, or ``None`` when absent or not a number (GET DATA digits)."""
        if self.result is None:
            return None
        try:
            return int(self.result)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class HangupNotice:
    """The unsolicited ``HANGUP`` line: the channel hung up."""


HANGUP_NOTICE: Final = HangupNotice()


def parse_reply_line(line: str) -> Reply:
    """Parse one single-line reply (without its newline)."""
    match = _REPLY.match(line)
    if match is None:
        raise AgiProtocolError(f"not an AGI reply: {line[:80]!r}")
    code = int(match["code"])
    text = match["text"]
    if code != 200:
        return Reply(code, text)
    result = _RESULT.match(text)
    if result is None:
        return Reply(code, text)
    rest = _RESULT_REST.match(result["rest"])
    if rest is None:
        return Reply(code, text, result["result"])
    attrs = dict(pair.split("=", 1) for pair in rest["attrs"].split())
    return Reply(code, text, result["result"], rest["data"], MappingProxyType(attrs))


class ReplyParser:
    """Incremental reader of what Asterisk sends after the environment: replies and HANGUP lines.

    Joins a multi-line ``520`` usage block (which can arrive in several segments) into one
    :class:`Reply`. Raises :class:`AgiProtocolError` on a line that is neither, or longer than
    ``max_bytes`` (a usage block counts as a whole).
    """

    __slots__ = ("_max_bytes", "_pending", "_usage", "_usage_size")

    def __init__(self, max_bytes: int = DEFAULT_REPLY_MAX_BYTES) -> None:
        self._max_bytes = max_bytes
        self._pending = b""
        self._usage: list[str] | None = None
        self._usage_size = 0

    def feed(self, data: bytes) -> list[Reply | HangupNotice]:
        buffer = self._pending + data
        events: list[Reply | HangupNotice] = []
        start = 0
        while (end := buffer.find(b"\n", start)) >= 0:
            raw = buffer[start:end]
            start = end + 1
            self._check(len(raw))
            event = self._line(raw.rstrip(b"\r").decode("utf-8", "replace"))
            if event is not None:
                events.append(event)
        self._pending = buffer[start:]
        self._check(len(self._pending))
        return events

    def _check(self, size: int) -> None:
        if size + self._usage_size > self._max_bytes:
            raise AgiProtocolError(f"AGI reply longer than {self._max_bytes} bytes")

    def _line(self, line: str) -> Reply | HangupNotice | None:
        if self._usage is not None:
            if not line.startswith("520 "):
                self._usage.append(line)
                self._usage_size += len(line) + 1
                return None
            usage = (*self._usage, line[4:])
            self._usage, self._usage_size = None, 0
            return Reply(520, "\n".join(usage), usage=usage)
        if line == HANGUP_LINE:
            return HANGUP_NOTICE
        if line.startswith("520-"):
            self._usage = [line[4:]]
            self._usage_size = len(line) + 1
            return None
        if not line:
            return None  # a stray blank line carries nothing
        return parse_reply_line(line)


# --------------------------------------------------------------------------- commands


def _check_text(value: str) -> None:
    if _FORBIDDEN.search(value):
        raise ValueError(f"AGI argument must not contain CR, LF or NUL: {value!r}")


def quote(value: str) -> str:
    """Always a double-quoted argument, ``"`` and ``\\`` escaped (``SET VARIABLE X "value"``)."""
    _check_text(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def word(value: str) -> str:
    """The argument bare when it is one plain word, quoted when empty or holding blanks or quotes."""
    _check_text(value)
    if value and not _NEEDS_QUOTES.search(value):
        return value
    return quote(value)


def command_line(*parts: str) -> bytes:
    """One command line ready to send: already-formatted parts joined by a blank, ``\\n`` ended."""
    line = " ".join(parts)
    _check_text(line)
    return (line + "\n").encode("utf-8")


def split_command(line: str) -> list[str]:
    """Split a command line into arguments as Asterisk does (res_agi.c ``parse_args``).

    For the side that receives commands (a simulator, a test's fake Asterisk).
    """
    args: list[str] = []
    current: list[str] = []
    in_word = quoted = escaped = False
    for char in line.rstrip("\r\n"):
        if escaped:
            current.append(char)
            escaped = False
            in_word = True
        elif char == "\\":
            escaped = True
            in_word = True
        elif char == '"':
            quoted = not quoted
            in_word = True
        elif char in " \t" and not quoted:
            if in_word:
                args.append("".join(current))
                current, in_word = [], False
        else:
            current.append(char)
            in_word = True
    if in_word:
        args.append("".join(current))
    return args
