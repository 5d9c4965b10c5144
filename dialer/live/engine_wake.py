"""Waking the engine: a change it acts on reaches it at once, not at its next poll.

A writer calls ``tell_engine(session, topic)`` in the change's own transaction (a supervisor's
start or pause of a campaign, an operator's state, a preview click). Once that commits:
- on PostgreSQL a ``NOTIFY dialer_engine`` (payload: the topic), sent in the same transaction,
  reaches the engine of every process through its LISTEN connection (``dialer.live.listener``);
- on SQLite, where the engine runs in the writer's process, the ``CHANGED`` commit signal does.
A rollback tells nothing. The engine keeps a slow poll as a safety net (``engine_poll_s``).
"""

from __future__ import annotations

import enum

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.db.commit_signals import CommitSignal

CHANNEL = "dialer_engine"


class Topic(enum.StrEnum):
    CAMPAIGNS = "campaigns"  # started, paused, resumed, stopped, edited, operators assigned
    OPERATORS = "operators"  # an operator's session: logged in or out, ready, paused, wrap-up ended
    PREVIEWS = "previews"  # a preview dial request


CHANGED: CommitSignal[str] = CommitSignal("engine.changed")  # with the topics told


async def tell_engine(session: AsyncSession, topic: Topic) -> None:
    """The engine hears of ``topic`` once ``session``'s transaction commits."""
    CHANGED.mark(session.sync_session, (topic.value,))
    if session.get_bind().dialect.name == "postgresql":
        # delivered at commit; the same topic twice in one transaction is delivered once
        await session.execute(
            text("SELECT pg_notify(:channel, :topic)"), {"channel": CHANNEL, "topic": topic}
        )
