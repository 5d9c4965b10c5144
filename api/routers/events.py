"""The live event stream for supervisors: ``GET /events`` as server-sent events (``text/event-stream``).

Each event has an ``id`` (a reconnecting EventSource sends it back as ``Last-Event-ID`` and misses
nothing), a type (``volume_alert``) and JSON data. Events raised in this process are sent at once;
those raised by another process within ``POLL_S``. A comment line every ``KEEPALIVE_S`` keeps
proxies from closing a quiet stream. A client that does not ask for ``text/event-stream`` gets the
events after ``after`` as a JSON list instead (for polling and scripts).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, SessionsDep
from api.errors import ERROR_RESPONSES
from api.schemas.metering import EventOut
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.db.bounds import BigIntId
from dialer.db.engine import unit_of_work
from dialer.metering import events as metering_events
from dialer.metering import service

router = APIRouter(
    prefix="/events", tags=["events"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)

POLL_S = 5.0
KEEPALIVE_S = 15.0
STREAM = "text/event-stream"


def sse(event: EventOut) -> str:
    """One event in the text/event-stream format."""
    return f"id: {event.id}\nevent: {event.type}\ndata: {json.dumps(event.data, ensure_ascii=False)}\n\n"


async def _stream(
    request: Request, sessions: async_sessionmaker[AsyncSession], principal: Principal, after: int
) -> AsyncIterator[str]:
    wake = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_raised() -> None:
        loop.call_soon_threadsafe(wake.set)

    unsubscribe = metering_events.subscribe(on_raised)
    try:
        yield f"retry: {int(POLL_S * 1000)}\n\n"
        quiet = 0.0
        while not await request.is_disconnected():
            async with unit_of_work(sessions) as session:
                found = await service.events_after(session, principal, after)
            for event in found:
                after = event.id
                yield sse(EventOut.of(event))
            if found:
                quiet = 0.0
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), POLL_S)
            wake.clear()
            quiet += POLL_S
            if quiet >= KEEPALIVE_S:
                quiet = 0.0
                yield ": keepalive\n\n"
    finally:
        unsubscribe()


@router.get(
    "",
    response_model=list[EventOut],
    responses={200: {"content": {STREAM: {"schema": {"type": "string"}}}}},
)
async def live_events(
    request: Request,
    session: SessionDep,
    sessions: SessionsDep,
    principal: PrincipalDep,
    after: Annotated[BigIntId | None, Query(ge=0, description="send events after this id")] = None,
    accept: Annotated[str, Header()] = "",
    last_event_id: Annotated[str | None, Header()] = None,
) -> list[EventOut] | StreamingResponse:
    """Volume alerts as they are raised (supervisors and admins)."""
    principal.require(Permission.EVENTS_READ)
    if STREAM not in accept:
        found = await service.events_after(session, principal, after or 0)
        return [EventOut.of(event) for event in found]
    start = after
    if start is None and last_event_id and last_event_id.isdigit():
        start = int(last_event_id)
    if start is None:
        start = await service.latest_event_id(session, principal)
    return StreamingResponse(
        _stream(request, sessions, principal, start),
        media_type=STREAM,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
