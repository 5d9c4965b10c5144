"""The live event stream the pages follow: ``GET /events`` as server-sent events (``text/event-stream``).

Each event has an ``id`` (a reconnecting client sends it back as ``Last-Event-ID`` and misses
nothing: events are stored, ``dialer.live``), a type and JSON data. Who sees what: supervisors and
admins everything; a client's controller its client's campaigns' and contracts' events; an operator
their own. Events published in this process are sent at once; on PostgreSQL those of any other
process too (LISTEN/NOTIFY); otherwise within ``POLL_S``. A comment line every ``KEEPALIVE_S`` keeps
proxies from closing a quiet stream. A client that does not ask for ``text/event-stream`` gets the
events after ``after`` as a JSON list instead (for polling and scripts).

Event types (``data`` fields in the README): ``operator_state``, ``call_connected``,
``call_ended``, ``call_disposed``, ``preview_offer``, ``survey_answered``, ``volume_alert``.
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
from dialer.live import doorbell, feed

router = APIRouter(
    prefix="/events", tags=["events"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)

POLL_S = 5.0
KEEPALIVE_S = 15.0
RETRY_MS = 2000
STREAM = "text/event-stream"


def sse(event: EventOut) -> str:
    """One event in the text/event-stream format."""
    data = json.dumps({**event.data, "at": event.at.isoformat()}, ensure_ascii=False)
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


async def _stream(
    request: Request, sessions: async_sessionmaker[AsyncSession], principal: Principal, after: int
) -> AsyncIterator[str]:
    wake = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_ring() -> None:
        loop.call_soon_threadsafe(wake.set)

    unsubscribe = doorbell.subscribe(on_ring)
    try:
        yield f"retry: {RETRY_MS}\nid: {after}\n\n"  # where it starts: a reconnect resumes from here
        quiet = 0.0
        while not await request.is_disconnected():
            wake.clear()  # before the read: a ring during it is not lost
            async with unit_of_work(sessions) as session:
                found = await feed.events_after(session, principal, after)
            for event in found:
                after = event.id
                yield sse(EventOut.of(event))
            if found:
                quiet = 0.0
                continue
            started = loop.time()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), POLL_S)
            quiet += loop.time() - started
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
    """Live events the caller may see, as they happen (operators: their own; controllers: their
    client's; supervisors and admins: all). Resume with ``Last-Event-ID`` or ``after``."""
    principal.require(Permission.EVENTS_READ)
    if STREAM not in accept:
        found = await feed.events_after(session, principal, after or 0)
        return [EventOut.of(event) for event in found]
    start = after
    if start is None and last_event_id and last_event_id.isdigit():
        start = int(last_event_id)
    if start is None:
        start = await feed.latest_id(session, principal)
    return StreamingResponse(
        _stream(request, sessions, principal, start),
        media_type=STREAM,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
