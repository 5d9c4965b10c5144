"""Writing the audit log in the caller's transaction, and reading it back.

``record`` only adds and flushes: the access and its audit row commit together or not at all.
``client_id`` is not a foreign key on purpose: the log outlives the clients it mentions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.audit.models import AuditAction, AuditEvent
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.db.paging import page_of, where_given, where_within


@dataclass(frozen=True, slots=True)
class Remote:
    """Where a request came from, as the HTTP layer saw it."""

    address: str | None = None
    forwarded_for: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted: a principal's label and role, or an anonymous link holder."""

    label: str
    role: str

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(principal.actor, principal.role.value)


def _clip(value: str | None, length: int) -> str | None:
    return None if value is None else value[:length]


async def record(
    session: AsyncSession,
    actor: Principal | Actor,
    action: AuditAction,
    object_type: str,
    object_id: object | None,
    *,
    client_id: int | None,
    detail: dict[str, Any] | None = None,
    remote: Remote | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one audit row to ``session``'s transaction."""
    who = actor if isinstance(actor, Actor) else Actor.of(actor)
    remote = remote or Remote()
    event = AuditEvent(
        at=at or datetime.now(UTC),
        actor=who.label[:100],
        role=who.role[:20],
        client_id=client_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id)[:100],
        detail=detail or {},
        remote_addr=_clip(remote.address, 100),
        forwarded_for=_clip(remote.forwarded_for, 500),
        user_agent=_clip(remote.user_agent, 500),
    )
    session.add(event)
    await session.flush()
    return event


async def list_events(
    session: AsyncSession,
    principal: Principal,
    *,
    actor: str | None = None,
    action: AuditAction | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    client_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    """Events in ``[since, until)``, newest first, and how many match."""
    principal.require(Permission.AUDIT_READ)
    query = where_given(
        select(AuditEvent),
        (AuditEvent.actor, actor),
        (AuditEvent.action, action),
        (AuditEvent.object_type, object_type),
        (AuditEvent.object_id, object_id),
        (AuditEvent.client_id, client_id),
    )
    query = where_within(query, AuditEvent.at, since, until)
    order = (AuditEvent.at.desc(), AuditEvent.id.desc())
    return await page_of(session, query, *order, limit=limit, offset=offset)
