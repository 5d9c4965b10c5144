"""Recordings in a local folder: the default backend, one file per key under a root directory.

Writes go to a temporary file in ``<root>/.incoming`` and are renamed into place once complete and
flushed, so a reader never sees half a recording and a crash leaves no partial object behind.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncGenerator, Sequence
from datetime import timedelta
from pathlib import Path
from stat import S_ISREG
from typing import BinaryIO

from recordings.store import (
    DEFAULT_CHUNK,
    InvalidKey,
    PutSource,
    RecordingNotFound,
    StoredObject,
    check_range,
    source_chunks,
    validate_key,
)

INCOMING = ".incoming"
_WRITE_BATCH = 1024 * 1024


class LocalStore:
    """A :class:`~recordings.store.RecordingStore` over a directory."""

    def __init__(self, root: str | os.PathLike[str], *, fsync: bool = True, chunk_size: int = DEFAULT_CHUNK):
        self.root = Path(root).resolve()
        self.fsync = fsync
        self.chunk_size = chunk_size
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, key: str) -> Path:
        """The file that holds ``key``; refuses keys that would leave the root."""
        validate_key(key)
        if key.split("/", 1)[0] == INCOMING:
            raise InvalidKey(f"{INCOMING} is reserved for writes in progress")
        path = self.root.joinpath(*key.split("/"))
        if not path.parent.resolve().is_relative_to(self.root):
            raise InvalidKey(f"key leaves the store through a link: {key!r}")
        return path

    async def put(self, key: str, source: PutSource, *, content_type: str | None = None) -> StoredObject:
        target = self.path_for(key)
        incoming = self.root / INCOMING
        temp = incoming / f"{uuid.uuid4().hex}.part"
        await asyncio.to_thread(incoming.mkdir, exist_ok=True)
        handle = await asyncio.to_thread(temp.open, "wb")
        digest = hashlib.sha256()
        size = 0
        pending: list[bytes] = []
        pending_size = 0
        try:
            async for block in source_chunks(source, self.chunk_size):
                digest.update(block)
                size += len(block)
                pending.append(block)
                pending_size += len(block)
                if pending_size >= _WRITE_BATCH:
                    await asyncio.to_thread(handle.writelines, pending)
                    pending, pending_size = [], 0
            await asyncio.to_thread(self._finish, handle, pending, temp, target)
        except BaseException:
            await asyncio.to_thread(_discard, handle, temp)
            raise
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    def _finish(self, handle: BinaryIO, pending: list[bytes], temp: Path, target: Path) -> None:
        handle.writelines(pending)
        handle.flush()
        if self.fsync:
            os.fsync(handle.fileno())
        handle.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)

    async def open_range(
        self, key: str, start: int = 0, end: int | None = None
    ) -> AsyncGenerator[bytes, None]:
        path = self.path_for(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise RecordingNotFound(key) from exc
        try:
            size = await asyncio.to_thread(os.fstat, handle.fileno())
            first, last = check_range(start, end, size.st_size)
            await asyncio.to_thread(handle.seek, first)
            remaining = last - first + 1
            while remaining > 0:
                block = await asyncio.to_thread(handle.read, min(self.chunk_size, remaining))
                if not block:
                    break
                remaining -= len(block)
                yield block
        finally:
            await asyncio.to_thread(handle.close)

    async def size(self, key: str) -> int:
        size = await asyncio.to_thread(_file_size, self.path_for(key))
        if size is None:
            raise RecordingNotFound(key)
        return size

    async def sizes(self, keys: Sequence[str]) -> dict[str, int | None]:
        return await asyncio.to_thread(self._sizes, keys)

    def _sizes(self, keys: Sequence[str]) -> dict[str, int | None]:
        found: dict[str, int | None] = {}
        for key in keys:
            try:
                found[key] = _file_size(self.path_for(key))
            except InvalidKey:
                found[key] = None
        return found

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path_for(key).is_file)

    async def delete(self, key: str) -> bool:
        path = self.path_for(key)
        try:
            await asyncio.to_thread(path.unlink)
        except (FileNotFoundError, NotADirectoryError):
            return False
        return True

    async def iter_keys(self, prefix: str = "") -> AsyncGenerator[str, None]:
        """Keys starting with ``prefix`` (a plain string prefix, as on S3), directory by directory."""
        head, _, _ = prefix.rpartition("/")
        if head:
            self.path_for(head)
        start = self.root.joinpath(*head.split("/")) if head else self.root
        stack = [start]
        while stack:
            directory = stack.pop()
            entries = await asyncio.to_thread(_scan, directory)
            subdirs: list[Path] = []
            for name, is_dir in entries:
                path = directory / name
                rel = path.relative_to(self.root).as_posix()
                if is_dir:
                    if rel != INCOMING and (rel + "/").startswith(prefix[: len(rel) + 1]):
                        subdirs.append(path)
                elif rel.startswith(prefix):
                    yield rel
            stack.extend(reversed(subdirs))

    async def presigned_url(
        self, key: str, expires_in: timedelta, *, download_name: str | None = None
    ) -> str | None:
        """A folder has no URLs of its own: the API serves local recordings itself."""
        self.path_for(key)
        return None


def _scan(directory: Path) -> list[tuple[str, bool]]:
    try:
        with os.scandir(directory) as entries:
            found = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(found)


def _file_size(path: Path) -> int | None:
    try:
        stat = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return stat.st_size if S_ISREG(stat.st_mode) else None


def _discard(handle: BinaryIO, temp: Path) -> None:
    handle.close()
    temp.unlink(missing_ok=True)
