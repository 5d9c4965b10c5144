"""Text no database can store is refused before any route sees it: NUL characters and lone
surrogates, in any path or query parameter and any string of a JSON or form body, keys included.

PostgreSQL refuses both (NUL in text and JSONB, surrogates as invalid UTF-8: a 500), while SQLite
stores them and hands them on to exports and CRMs. One app-wide dependency answers 422 in FastAPI's
validation shape, with ``loc`` naming the field, on both databases. It runs after FastAPI has read
the body and before the body is validated; it reads only what FastAPI already parsed (an upload
route's stream is never touched).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.params import Form
from fastapi.routing import APIRoute

Loc = tuple[str | int, ...]

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None if it can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "NUL characters (\\u0000) are not allowed in text"
    return "lone surrogates (\\ud800-\\udfff) are not valid Unicode text"


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*loc, key), key
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


async def _body(request: Request) -> Any:
    """The body as FastAPI parsed it for this route (cached on the request), or None."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.body_field is None:
        return None
    if isinstance(route.body_field.field_info, Form):
        return dict((await request.form()).multi_items())
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if content_type == "application/json" or content_type.endswith("+json"):
        return await request.json() if await request.body() else None
    return None


async def refuse_unstorable_text(request: Request) -> None:
    """422 for the first request field holding text no database can store (every such field listed)."""
    found: list[tuple[Loc, str]] = []
    for name, value in request.query_params.multi_items():
        found += [(("query", name), name), (("query", name), value)]
    found += _strings(dict(request.path_params), ("path",))
    found += _strings(await _body(request), ("body",))
    errors = [
        {"type": "string_unstorable", "loc": loc, "msg": reason, "input": text}
        for loc, text in found
        if (reason := problem(text)) is not None
    ]
    if errors:
        raise RequestValidationError(errors)
