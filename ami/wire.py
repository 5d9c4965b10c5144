"""The AMI wire format: bytes to messages and messages to bytes, with no I/O.

An AMI message is a block of ``Key: Value`` lines ended by an empty line (CRLF CRLF). Keys may
repeat (``Variable:`` on an action, ``Output:`` on a Command response), so a message keeps every
pair in order and offers the first value of a key for the common case. The connection starts with
a one-line banner (``Asterisk Call Manager/11.0.0``) that is not a message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

BANNER_PREFIX = "Asterisk Call Manager/"
_TERMINATOR = b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class Message:
    """One AMI message: every header in wire order, and the first value of each key."""

    pairs: tuple[tuple[str, str], ...]
    first: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Message:
        ordered = tuple(pairs)
        first: dict[str, str] = {}
        for key, value in ordered:
            first.setdefault(key, value)
        return cls(ordered, first)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.first.get(key, default)

    def __getitem__(self, key: str) -> str:
        return self.first[key]

    def __contains__(self, key: object) -> bool:
        return key in self.first

    def get_all(self, key: str) -> list[str]:
        return [value for k, value in self.pairs if k == key]

    @property
    def event(self) -> str | None:
        return self.first.get("Event")

    @property
    def response(self) -> str | None:
        return self.first.get("Response")

    @property
    def action_id(self) -> str | None:
        return self.first.get("ActionID")


def parse_block(block: str) -> Message:
    """Parse one message's text (without its terminating empty line)."""
    pairs: list[tuple[str, str]] = []
    first: dict[str, str] = {}
    for line in block.split("\r\n"):
        key, sep, value = line.partition(":")
        if not sep:
            # A line without a colon (old-style Command output) is kept under an empty key.
            pairs.append(("", line))
            continue
        if value.startswith(" "):
            value = value[1:]
        pairs.append((key, value))
        if key not in first:
            first[key] = value
    return Message(tuple(pairs), first)


class AmiParser:
    """Incremental parser: feed it bytes as they arrive, get whole messages back."""

    __slots__ = ("_buffer", "_expect_banner", "banner")

    def __init__(self, expect_banner: bool = True) -> None:
        self._buffer = b""
        self.banner: str | None = None
        self._expect_banner = expect_banner

    def feed(self, data: bytes) -> list[Message]:
        buffer = self._buffer + data if self._buffer else data
        if self._expect_banner:
            end = buffer.find(b"\r\n")
            if end < 0:
                self._buffer = buffer
                return []
            self.banner = buffer[:end].decode("utf-8", "replace")
            buffer = buffer[end + 2 :]
            self._expect_banner = False
        blocks = buffer.split(_TERMINATOR)
        self._buffer = blocks.pop()
        return [parse_block(b.decode("utf-8", "replace")) for b in blocks if b.strip(b"\r\n")]

    @property
    def pending(self) -> int:
        """Bytes held back waiting for the rest of a message."""
        return len(self._buffer)


def iter_messages(raw: bytes, expect_banner: bool = True) -> Iterator[Message]:
    """All messages of a whole capture (``*.raw``)."""
    parser = AmiParser(expect_banner=expect_banner and raw.startswith(BANNER_PREFIX.encode()))
    yield from parser.feed(raw)
    yield from parser.feed(_TERMINATOR)  # flush a last message without its terminator


def encode(pairs: Iterable[tuple[str, str]] | Mapping[str, str]) -> bytes:
    """Serialise one message, CRLF line ends and the empty line that closes it."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    lines = []
    for key, value in items:
        text = str(value)
        if "\r" in text or "\n" in text:
            raise ValueError(f"AMI header {key!r} must not contain a line break")
        lines.append(f"{key}: {text}\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("utf-8")
