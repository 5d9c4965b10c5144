"""What to send for one recording: the whole file (200) or one byte range (206), and its type.

``plan`` reads only the object's size; ``body`` streams the chosen bytes from the store, so a
seek in a long recording never reads what comes before it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import PurePosixPath

from dialer.errors import NotFound
from recordings.filing import CONTENT_TYPES
from recordings.ranges import ByteRange, parse_range
from recordings.store import RecordingNotFound, RecordingStore


@dataclass(frozen=True, slots=True)
class ServePlan:
    key: str
    size: int
    byte_range: ByteRange | None  # None: the whole file
    content_type: str

    @property
    def status(self) -> int:
        return 206 if self.byte_range else 200

    @property
    def length(self) -> int:
        return self.byte_range.length if self.byte_range else self.size

    def headers(self, *, download_name: str | None = None) -> dict[str, str]:
        headers = {"Accept-Ranges": "bytes", "Content-Length": str(self.length)}
        if self.byte_range:
            headers["Content-Range"] = self.byte_range.content_range
        if download_name:
            headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
        return headers

    def detail(self) -> dict[str, object]:
        """For the audit log: which bytes were asked for."""
        if self.byte_range is None:
            return {"bytes": self.size}
        return {"range": f"{self.byte_range.start}-{self.byte_range.end}", "bytes": self.byte_range.length}


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(key).suffix.lower(), "application/octet-stream")


async def plan(store: RecordingStore, key: str, range_header: str | None) -> ServePlan:
    """The plan for ``key``: ``NotFound`` without a file, ``RangeNotSatisfiable`` for a bad range."""
    try:
        size = await store.size(key)
    except RecordingNotFound as exc:
        raise NotFound(f"the recording file {key} is missing from storage") from exc
    return ServePlan(key, size, parse_range(range_header, size), content_type_for(key))


async def body(store: RecordingStore, served: ServePlan) -> AsyncGenerator[bytes, None]:
    """The planned bytes, read from the store in chunks."""
    if served.length == 0:
        return
    start, end = (served.byte_range.start, served.byte_range.end) if served.byte_range else (0, None)
    chunks = store.open_range(served.key, start, end)
    try:
        async for chunk in chunks:
            yield chunk
    finally:
        await chunks.aclose()


def download_name(call_id: int, key: str) -> str:
    return f"call-{call_id}{PurePosixPath(key).suffix.lower()}"
