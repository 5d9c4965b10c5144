"""Reading the live events a viewer may see, oldest first from an id on.

Scoping by the viewer's rights: supervisors and admins see every event; a client's controller the
events of its client's campaigns and contracts; an operator only their own (their state, the calls
put through to them, their preview offers). Anything else has no ``events:read``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.models import Role
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.live.models import LiveEvent
from dialer.operators.models import Operator


def visible(principal: Principal) -> ColumnElement[bool]:
    """The events ``principal`` may see."""
    if principal.role is Role.OPERATOR:
        if principal.user_id is None:
            return false()
        own = select(Operator.id).where(Operator.user_id == principal.user_id).scalar_subquery()
        return LiveEvent.operator_id == own
    if principal.client_scoped:
        if principal.client_id is None:
            return false()
        return LiveEvent.client_id == principal.client_id
    return true()


async def events_after(
    session: AsyncSession, principal: Principal, after: int, *, limit: int = 200
) -> list[LiveEvent]:
    principal.require(Permission.EVENTS_READ)
    query = (
        select(LiveEvent).where(LiveEvent.id > after, visible(principal)).order_by(LiveEvent.id).limit(limit)
    )
    return list(await session.scalars(query))


async def latest_id(session: AsyncSession, principal: Principal) -> int:
    """The newest event's id (of any viewer: a stream starts after it unless told otherwise)."""
    principal.require(Permission.EVENTS_READ)
    return await session.scalar(select(LiveEvent.id).order_by(LiveEvent.id.desc()).limit(1)) or 0
