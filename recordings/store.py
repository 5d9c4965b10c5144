"""The one storage interface every recording backend implements, and the key rules they share.

Keys are relative, slash-separated names (``2026/11/27/call-42.mp3``). The same rules hold for
every backend so that a key valid on a local folder is valid on S3 and back.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncGenerator, AsyncIterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable

# What ``put`` accepts: a local file, an async stream of bytes, or bytes already in memory.
PutSource = str | os.PathLike[str] | AsyncIterable[bytes] | bytes

MAX_KEY_LENGTH = 1024
DEFAULT_CHUNK = 256 * 1024


class RecordingNotFound(KeyError):
    """No object is stored under this key."""


class InvalidKey(ValueError):
    """The key is not a safe relative name (empty, absolute, ``..``, control characters...)."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What a backend reports after storing an object."""

    key: str
    size: int
    sha256: str


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe relative name, else raise :class:`InvalidKey`."""
    if not isinstance(key, str) or not key:
        raise InvalidKey("key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"key longer than {MAX_KEY_LENGTH} characters")
    if key.startswith("/") or "\\" in key or (len(key) > 1 and key[1] == ":"):
        raise InvalidKey(f"key must be relative: {key!r}")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise InvalidKey(f"key contains a control character: {key!r}")
    for part in key.split("/"):
        if part in ("", ".", ".."):
            raise InvalidKey(f"key has an empty, '.' or '..' segment: {key!r}")
    return key


@runtime_checkable
class RecordingStore(Protocol):
    """Where recordings live. All methods are safe to call from the event loop.

    ``open_range`` takes an inclusive ``end`` (as HTTP ``Range`` does; ``None`` means to the last
    byte) and raises :class:`RecordingNotFound` on first iteration when the key is absent; close it
    (``contextlib.aclosing``) when stopping early, so the file or connection is released at once.
    ``presigned_url`` returns ``None`` where the backend cannot hand out direct links.
    """

    async def put(self, key: str, source: PutSource, *, content_type: str | None = None) -> StoredObject: ...

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> AsyncGenerator[bytes, None]: ...

    async def size(self, key: str) -> int: ...

    async def sizes(self, keys: Sequence[str]) -> dict[str, int | None]:
        """Each key's size, None where it is absent or not a valid key (one call for a page)."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> bool: ...

    def iter_keys(self, prefix: str = "") -> AsyncGenerator[str, None]: ...

    async def presigned_url(
        self, key: str, expires_in: timedelta, *, download_name: str | None = None
    ) -> str | None: ...


def check_range(start: int, end: int | None, size: int) -> tuple[int, int]:
    """Clamp an inclusive byte range to an object of ``size`` bytes; ``end < start`` means empty."""
    if start < 0 or (end is not None and end < start - 1):
        raise ValueError(f"bad byte range {start}-{end}")
    last = size - 1 if end is None else min(end, size - 1)
    return start, last


async def read_all(store: RecordingStore, key: str) -> bytes:
    """Whole object in memory: for tests and small files only."""
    return b"".join([chunk async for chunk in store.open_range(key)])


def sha256_file(path: Path, chunk: int = 1024 * 1024) -> tuple[int, str]:
    """Size and SHA-256 hex digest of a local file, read in chunks (blocking)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


async def source_chunks(source: PutSource, chunk: int = DEFAULT_CHUNK) -> AsyncGenerator[bytes, None]:
    """Any ``PutSource`` as an async stream of byte blocks; file reads run in a worker thread."""
    if isinstance(source, bytes):
        for offset in range(0, len(source), chunk):
            yield source[offset : offset + chunk]
        return
    if isinstance(source, str | os.PathLike):
        handle = await asyncio.to_thread(Path(source).open, "rb")
        try:
            while block := await asyncio.to_thread(handle.read, chunk):
                yield block
        finally:
            await asyncio.to_thread(handle.close)
        return
    async for block in source:
        if block:
            yield bytes(block)
