"""HTTP ``Range`` requests against a recording of known size: a pure parser, for seeking playback.

One range is served (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``). A header that is absent, names
another unit, or asks for several ranges returns ``None``: the whole file is sent with 200, which
RFC 9110 allows. A malformed or unsatisfiable byte range raises :class:`RangeNotSatisfiable`,
which carries what a 416 answer needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPEC = re.compile(r"(\d*)-(\d*)", re.ASCII)


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Inclusive byte positions ``start..end`` of an object of ``size`` bytes (for a 206)."""

    start: int
    end: int
    size: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end}/{self.size}"


class RangeNotSatisfiable(ValueError):
    """Answer 416 with ``Content-Range: bytes */size``."""

    def __init__(self, size: int, reason: str) -> None:
        super().__init__(reason)
        self.size = size
        self.reason = reason

    @property
    def content_range(self) -> str:
        return f"bytes */{self.size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single byte range ``header`` asks of an object of ``size`` bytes, or None for all of it."""
    if size < 0:
        raise ValueError("size must not be negative")
    if not header:
        return None
    unit, sep, spec = header.strip().partition("=")
    if not sep or unit.strip().lower() != "bytes":
        return None
    spec = spec.strip()
    if "," in spec:
        return None
    match = _SPEC.fullmatch(spec)
    if match is None or match.group(0) == "-":
        raise RangeNotSatisfiable(size, f"malformed byte range {spec!r}")
    first, last = match.groups()
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(size, f"suffix range -{suffix} selects nothing of {size} bytes")
        return ByteRange(max(0, size - suffix), size - 1, size)
    start = int(first)
    end = int(last) if last else size - 1
    if end < start:
        raise RangeNotSatisfiable(size, f"range end {end} before start {start}")
    if start >= size:
        raise RangeNotSatisfiable(size, f"range starts at {start}, past the last byte of {size}")
    return ByteRange(start, min(end, size - 1), size)
