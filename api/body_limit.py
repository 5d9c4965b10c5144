"""Request bodies capped per route, counted while they stream in.

An ASGI middleware in front of everything (authentication included, so anonymous callers are
capped too): a ``Content-Length`` over the route's cap is answered 413 before a byte is read, and a
body without one (or lying about it) is cut off at the first chunk that takes it past the cap. File
upload routes (contact and do-not-call imports) get the import cap; every other route the general
one. The answer is the usual ``{"detail": "..."}``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fastapi import HTTPException, status
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int, setting: str) -> None:
        super().__init__(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"the request body is larger than the {limit:,}-byte limit ({setting})",
        )


class BodyLimit:
    """Caps each request's body: ``upload_limit`` on paths matching ``upload_paths``, else ``limit``."""

    def __init__(
        self, app: ASGIApp, *, limit: int, upload_limit: int, upload_paths: Sequence[re.Pattern[str]]
    ) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.upload_paths = tuple(upload_paths)

    def _cap(self, path: str) -> tuple[int, str]:
        if any(pattern.match(path) for pattern in self.upload_paths):
            return self.upload_limit, "DIALER_IMPORT_MAX_BYTES"
        return self.limit, "DIALER_BODY_MAX_BYTES"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self._cap(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(BodyTooLarge(limit, setting), scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit, setting)
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as exc:  # raised where no exception handler caught it
            if started:
                raise
            await _refuse(exc, scope, receive, send)


async def _refuse(exc: BodyTooLarge, scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {"detail": exc.detail}, status_code=exc.status_code, headers={"Connection": "close"}
    )
    await response(scope, receive, send)
