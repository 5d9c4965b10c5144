"""The HTTP middleware every request passes: a request id for its log lines, and its latency.

The id is the caller's ``X-Request-ID`` when it is a short token (a proxy's), else a new one; it is
set on the log context (``dialer.observability.logs``) for the request's lines and sent back in the
response's ``X-Request-ID``. The latency goes to ``dialer_http_request_duration_seconds`` under the
route's template (``/campaigns/{campaign_id}``), never the raw path, so the labels stay bounded.
A plain ASGI middleware: streamed responses (the event stream) pass through untouched.
"""

from __future__ import annotations

import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialer.observability import logs, metrics

HEADER = b"x-request-id"
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
UNMATCHED = "unmatched"


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == HEADER:
            given: str = bytes(value).decode("latin-1")
            if _GOOD_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    route = scope.get("route")
    path: object = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        started = time.perf_counter()
        observed = False

        def observe(status: int) -> None:
            nonlocal observed
            observed = True
            metrics.HTTP_LATENCY.labels(scope["method"], route_of(scope), str(status)).observe(
                time.perf_counter() - started
            )

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, request_id.encode())]
                observe(message["status"])
            await send(message)

        with logs.bound(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if not observed:  # failed before answering: the server's error page says 500
                    observe(500)
