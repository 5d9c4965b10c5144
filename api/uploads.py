"""Receiving an uploaded file: streamed to a temporary file, refused as soon as it passes the limit.

FastAPI's ``UploadFile`` parses the whole body before the route runs; an import route must instead
say 413 before it has read a file that is too large. So the body is fed chunk by chunk to
python-multipart's parser: a ``Content-Length`` over the limit is refused before a byte is read, and
a body without one is refused at the first chunk that takes the file past the limit.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from fastapi import HTTPException, Request, status
from python_multipart.multipart import MultipartParser, parse_options_header

FIELD = "file"
MULTIPART_SLACK = 64 * 1024  # room for the part headers and boundaries around the file

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FIELD],
                    "properties": {FIELD: {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


def too_large(limit: int) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        detail=f"the file is larger than the {limit:,}-byte limit (DIALER_IMPORT_MAX_BYTES)",
    )


@dataclass
class _Part:
    """The state of the parse: the current part's headers, and the file part once found."""

    sink: IO[bytes]
    limit: int
    header_field: bytes = b""
    header_value: bytes = b""
    headers: dict[bytes, bytes] = field(default_factory=dict)
    in_file: bool = False
    filename: str | None = None
    size: int = 0
    over: bool = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field = self.header_value = b""

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.in_file = params.get(b"name") == FIELD.encode() and self.filename is None
        if self.in_file:
            raw = params.get(b"filename", b"upload").decode("utf-8", "replace")
            self.filename = os.path.basename(raw.replace("\\", "/")) or "upload"
        self.headers = {}

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self.in_file or self.over:
            return
        self.size += end - start
        if self.size > self.limit:
            self.over = True
            return
        self.sink.write(data[start:end])

    def on_part_end(self) -> None:
        self.in_file = False


@asynccontextmanager
async def received_file(request: Request, *, limit: int, folder: Path) -> AsyncIterator[tuple[BinaryIO, str]]:
    """The uploaded file (field ``file``) as a temporary file open for reading, and its name."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail=f"send the file as multipart/form-data in a field named {FIELD!r}",
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise too_large(limit)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    with cast(BinaryIO, tempfile.TemporaryFile(dir=folder)) as sink:
        part = _Part(sink=sink, limit=limit)
        callbacks: Any = {
            "on_header_field": part.on_header_field,
            "on_header_value": part.on_header_value,
            "on_header_end": part.on_header_end,
            "on_headers_finished": part.on_headers_finished,
            "on_part_data": part.on_part_data,
            "on_part_end": part.on_part_end,
        }
        parser = MultipartParser(boundary, callbacks)
        async for chunk in request.stream():
            parser.write(chunk)
            if part.over:
                raise too_large(limit)
        parser.finalize()
        if part.filename is None:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"no file in the form field {FIELD!r}"
            )
        sink.seek(0)
        yield sink, part.filename
