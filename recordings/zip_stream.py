"""A ZIP export of a selection of recordings, produced as a stream of bytes.

:func:`stream_zip` is an async generator: it reads each recording from the store in chunks and
yields the archive as it is built, with a manifest CSV as the last entry, so an export of 10,000
files needs neither the archive in memory nor on disk. :mod:`zipfile` writes to a sink that cannot
seek, so every entry carries a data descriptor, and ZIP64 records are used where sizes, offsets or
the entry count need them. Audio is stored as is (MP3 and Opus are already compressed; deflating
PCM is slow for little gain); text entries are deflated. Only the central directory grows with the
number of entries (about half a kilobyte each), as in any ZIP.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Iterable, Sequence, Sized
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from recordings.manifest import MANIFEST_COLUMNS, ManifestSpool
from recordings.store import RecordingNotFound, RecordingStore, StoredObject, validate_key

DEFLATED_SUFFIXES = frozenset({".csv", ".txt", ".json", ".xml", ".html"})
FLUSH_SIZE = 256 * 1024


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One recording to export: its store key, its path in the ZIP and its manifest row."""

    key: str
    name: str
    row: object = None  # a mapping or a dataclass instance with the manifest's columns
    modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class ExportProgress:
    files_done: int
    files_total: int | None
    missing: int
    bytes_read: int
    bytes_sent: int


ProgressCallback = Callable[[ExportProgress], None]


class _Sink:
    """A write-only, non-seekable file for :class:`zipfile.ZipFile` that collects what it is given."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.pending = 0
        self.position = 0

    def write(self, data: bytes, /) -> int:
        self._parts.append(bytes(data))
        self.pending += len(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self.pending = 0
        return data


def compression_for(name: str) -> int:
    suffix = posixpath.splitext(name)[1].lower()
    return zipfile.ZIP_DEFLATED if suffix in DEFLATED_SUFFIXES else zipfile.ZIP_STORED


def _zip_time(moment: datetime | None) -> tuple[int, int, int, int, int, int]:
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    if moment.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    stem, suffix = posixpath.splitext(name)
    while candidate in taken:
        number += 1
        candidate = f"{stem} ({number}){suffix}"
    taken.add(candidate)
    return candidate


async def _aiter(items: Iterable[ExportItem] | AsyncIterable[ExportItem]) -> AsyncIterator[ExportItem]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


async def stream_zip(
    store: RecordingStore,
    items: Iterable[ExportItem] | AsyncIterable[ExportItem],
    *,
    total: int | None = None,
    manifest_name: str | None = "manifest.csv",
    columns: Sequence[str] = MANIFEST_COLUMNS,
    progress: ProgressCallback | None = None,
    flush_size: int = FLUSH_SIZE,
) -> AsyncGenerator[bytes, None]:
    """Yield a ZIP of ``items`` read from ``store``, ending with a manifest CSV.

    A recording missing from the store is left out of the archive and its manifest row says
    ``status=missing`` (an export already being sent cannot be taken back). ``file_name`` and
    ``status`` are filled in by the export; the other columns come from each item's ``row``.
    """
    if total is None and isinstance(items, Sized):
        total = len(items)
    sink = _Sink()
    manifest = ManifestSpool(columns) if manifest_name else None
    taken: set[str] = {manifest_name} if manifest_name else set()
    done = missing = bytes_read = bytes_sent = 0

    def report() -> None:
        if progress is not None:
            progress(ExportProgress(done, total, missing, bytes_read, bytes_sent))

    try:
        with zipfile.ZipFile(sink, "w", allowZip64=True) as archive:
            async for item in _aiter(items):
                name = _unique(validate_key(item.name), taken)
                async with aclosing(store.open_range(item.key)) as chunks:
                    try:
                        size = await store.size(item.key)
                        first = await anext(chunks, b"")
                    except RecordingNotFound:
                        missing += 1
                        if manifest is not None:
                            manifest.add(item.row, file_name="", status="missing")
                        done += 1
                        report()
                        continue
                    info = zipfile.ZipInfo(name, date_time=_zip_time(item.modified))
                    info.compress_type = compression_for(name)
                    info.file_size = size  # lets zipfile choose ZIP64 for this entry up front
                    with archive.open(info, "w") as entry:
                        block = first
                        while True:
                            entry.write(block)
                            bytes_read += len(block)
                            if sink.pending >= flush_size:
                                data = sink.take()
                                bytes_sent += len(data)
                                yield data
                            next_block = await anext(chunks, None)
                            if next_block is None:
                                break
                            block = next_block
                if manifest is not None:
                    manifest.add(item.row, file_name=name, status="ok")
                done += 1
                report()
            if manifest is not None and manifest_name is not None:
                info = zipfile.ZipInfo(manifest_name, date_time=_zip_time(None))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.file_size = manifest.size
                with archive.open(info, "w") as entry:
                    for block in manifest.chunks():
                        entry.write(block)
                        if sink.pending >= flush_size:
                            data = sink.take()
                            bytes_sent += len(data)
                            yield data
        data = sink.take()
        bytes_sent += len(data)
        yield data
        report()
    finally:
        if manifest is not None:
            manifest.close()


async def export_to_store(
    source: RecordingStore,
    items: Iterable[ExportItem] | AsyncIterable[ExportItem],
    target: RecordingStore,
    key: str,
    **options: Any,
) -> StoredObject:
    """Stream a ZIP of ``items`` straight into ``target`` (a client's bucket or folder, e.g. the
    daily pack): nothing is staged, and S3 receives it as a multipart upload as it is built."""
    return await target.put(key, stream_zip(source, items, **options), content_type="application/zip")
