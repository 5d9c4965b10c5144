"""Publishing a live event: a row in the writer's own transaction, and a ring once it commits.

The domain calls ``publish`` where the fact happens (``dialer.operators.presence`` for operator
states, ``dialer.calls.service`` for calls put through and ended, ...), in the same transaction as
the fact: an event is stored if and only if its fact is. After the commit the streams of this
process are woken through a ``CommitSignal``; on PostgreSQL a ``NOTIFY dialer_events`` in the same
transaction wakes the streams of every other process (``dialer.live.listener``); elsewhere they
find it at their next poll.

Retention: events older than ``KEEP`` are deleted, once every ``PRUNE_EVERY`` events a process
publishes; a page away for longer than ``KEEP`` reloads its state from the API instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.db.commit_signals import CommitSignal
from dialer.live.models import LiveEvent

CHANNEL = "dialer_events"
KEEP = timedelta(hours=24)
PRUNE_EVERY = 1000

PUBLISHED: CommitSignal[str] = CommitSignal("live.published")  # with the types published
_published = itertools.count(1)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def publish(
    session: AsyncSession,
    type: str,
    data: dict[str, Any],
    *,
    at: datetime,
    client_id: int | None = None,
    campaign_id: int | None = None,
    operator_id: int | None = None,
) -> LiveEvent:
    """Store the event in ``session``'s transaction; the streams hear of it once that commits."""
    event = LiveEvent(
        type=type, at=at, client_id=client_id, campaign_id=campaign_id, operator_id=operator_id, data=data
    )
    session.add(event)
    PUBLISHED.mark(session.sync_session, (type,))
    if session.get_bind().dialect.name == "postgresql":
        # delivered at commit, once per transaction however many events it holds
        await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    if next(_published) % PRUNE_EVERY == 0:
        await prune(session, at - KEEP)
    return event


async def prune(session: AsyncSession, before: datetime) -> int:
    """Delete the events older than ``before``; how many."""
    result = await session.execute(delete(LiveEvent).where(LiveEvent.at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def subscribe(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each commit in this process that published events; the unsubscribe."""
    return PUBLISHED.subscribe(lambda _ids: callback())
