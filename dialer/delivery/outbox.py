"""Claiming the due rows of a leased outbox (the hot leads' deliveries, the e-mail outbox).

An outbox row is due while its ``status`` is pending, its ``next_attempt_at`` has come and nobody
holds it (``lease_expires_at`` empty or past). ``claim_due`` holds up to ``limit`` of them for one
dispatcher: candidates selected ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (oldest
``next_attempt_at`` first, then id), then one ``UPDATE … RETURNING`` guarded by the same conditions
sets the lease (``lease_owner``, ``lease_expires_at``) and counts the attempt, so two dispatchers
never hold the same row (SQLite serialises writers, so the guard alone suffices there). This is the
``dialer.calls.leasing`` pattern.

Interface::

    claim_due(session, Model, pending=Status.PENDING, owner=..., now=..., lease_for=..., limit=20,
              returning=(Model.payload, ...)) -> list[Row]    # (id, *returning), oldest first
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Row, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession


class LeasedOutbox(Protocol):
    """The columns an outbox model needs to be claimed (its table may hold more, in any order)."""

    id: int
    status: Any
    attempts: int
    next_attempt_at: datetime
    lease_owner: str | None
    lease_expires_at: datetime | None


def _claimable(entity: Any, pending: Any, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        entity.status == pending,
        entity.next_attempt_at <= now,
        or_(entity.lease_expires_at.is_(None), entity.lease_expires_at < now),
    )


async def claim_due(
    session: AsyncSession,
    model: type[LeasedOutbox],
    *,
    pending: Any,
    owner: str,
    now: datetime,
    lease_for: timedelta,
    limit: int,
    returning: Sequence[Any] = (),
) -> list[Row[Any]]:
    """Hold up to ``limit`` due rows for ``owner`` until ``now + lease_for``.

    Answers a row per claimed outbox row, oldest first: its ``id``, then the ``returning`` columns
    as they are after the claim (``attempts`` already counts this attempt).
    """
    entity: Any = model  # the mapped class: its attributes are the columns (the protocol checks them)
    claimable = _claimable(entity, pending, now)
    candidates = (
        select(entity.id)
        .where(*claimable)
        .order_by(entity.next_attempt_at, entity.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(await session.scalars(candidates))
    if not ids:
        return []
    claimed = await session.execute(
        update(entity)
        .where(entity.id.in_(ids), *claimable)
        .values(lease_owner=owner, lease_expires_at=now + lease_for, attempts=entity.attempts + 1)
        .returning(entity.id, *returning)
        .execution_options(synchronize_session=False)
    )
    order = {id_: index for index, id_ in enumerate(ids)}
    return sorted(claimed.all(), key=lambda row: order[row.id])
