"""Recordings held in a dict: for tests and demos of code that takes a :class:`RecordingStore`."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator, Sequence
from datetime import timedelta

from recordings.store import (
    DEFAULT_CHUNK,
    PutSource,
    RecordingNotFound,
    StoredObject,
    check_range,
    source_chunks,
    validate_key,
)


class MemoryStore:
    """A :class:`~recordings.store.RecordingStore` in memory; not for real recordings."""

    def __init__(self, *, chunk_size: int = DEFAULT_CHUNK) -> None:
        self.objects: dict[str, bytes] = {}
        self.chunk_size = chunk_size

    async def put(self, key: str, source: PutSource, *, content_type: str | None = None) -> StoredObject:
        validate_key(key)
        data = b"".join([block async for block in source_chunks(source, self.chunk_size)])
        self.objects[key] = data
        return StoredObject(key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest())

    async def open_range(
        self, key: str, start: int = 0, end: int | None = None
    ) -> AsyncGenerator[bytes, None]:
        data = self._get(key)
        first, last = check_range(start, end, len(data))
        for offset in range(first, last + 1, self.chunk_size):
            yield data[offset : min(offset + self.chunk_size, last + 1)]

    async def size(self, key: str) -> int:
        return len(self._get(key))

    async def sizes(self, keys: Sequence[str]) -> dict[str, int | None]:
        return {key: len(data) if (data := self.objects.get(key)) is not None else None for key in keys}

    async def exists(self, key: str) -> bool:
        return validate_key(key) in self.objects

    async def delete(self, key: str) -> bool:
        return self.objects.pop(validate_key(key), None) is not None

    async def iter_keys(self, prefix: str = "") -> AsyncGenerator[str, None]:
        for key in sorted(self.objects):
            if key.startswith(prefix):
                yield key

    async def presigned_url(
        self, key: str, expires_in: timedelta, *, download_name: str | None = None
    ) -> str | None:
        validate_key(key)
        return None

    def _get(self, key: str) -> bytes:
        try:
            return self.objects[validate_key(key)]
        except KeyError:
            raise RecordingNotFound(key) from None
