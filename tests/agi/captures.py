"""The real FastAGI captures (``asterisk-traces/fastagi/*.log``) as blocks of exact bytes.

Each block is one ``#### RX|TX <time> (+seconds) session=N`` header followed by the bytes of that
TCP read or write; ``#### NOTE`` lines are annotations and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
FASTAGI = SHARED / "asterisk-traces" / "fastagi"
_HEADER = re.compile(rb"^#### (RX|TX|NOTE) \S+ \(\+(\d+\.\d+)s\)[^\n]*\n", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    direction: str  # "RX": Asterisk -> server, "TX": server -> Asterisk
    at: float  # seconds since the connection opened
    data: bytes


def load(name: str) -> list[Block]:
    raw = (FASTAGI / name).read_bytes()
    headers = list(_HEADER.finditer(raw))
    blocks = []
    for header, following in zip(headers, [*headers[1:], None], strict=True):
        end = following.start() if following else len(raw)
        direction = header[1].decode()
        if direction != "NOTE":
            blocks.append(Block(direction, float(header[2]), raw[header.end() : end]))
    return blocks


def environment_bytes(blocks: list[Block]) -> bytes:
    """The environment block: the RX segments up to and including the empty line."""
    data = b""
    for block in blocks:
        if block.direction != "RX":
            break
        data += block.data
    assert data.endswith(b"\n\n"), "capture's environment is not terminated"
    return data


def replies(blocks: list[Block]) -> bytes:
    """Everything Asterisk sent after the environment, in order."""
    rx = b"".join(b.data for b in blocks if b.direction == "RX")
    return rx[len(environment_bytes(blocks)) :]


def commands(blocks: list[Block]) -> list[bytes]:
    return [b.data for b in blocks if b.direction == "TX"]


SESSIONS = sorted(p.name for p in FASTAGI.glob("*.log")) if FASTAGI.is_dir() else []
