"""An operator's session as the API drives it: the caller's rights checked, then ``presence``.

An operator (role) may act only on their own operator record (``Operator.user_id``); another
operator's session is simply not found. Supervisors and admins act on anyone's; QA may read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.models import Role
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.errors import NotFound
from dialer.operators import presence
from dialer.operators.models import Operator, OperatorStatus


async def _operator(
    session: AsyncSession, principal: Principal, operator_id: int, permission: Permission
) -> Operator:
    principal.require(permission)
    operator = await session.get(Operator, operator_id)
    own = principal.role is not Role.OPERATOR or (
        operator is not None and principal.user_id is not None and operator.user_id == principal.user_id
    )
    if operator is None or not own:
        raise NotFound(f"operator {operator_id} not found")
    return operator


async def status(session: AsyncSession, principal: Principal, operator_id: int) -> OperatorStatus:
    await _operator(session, principal, operator_id, Permission.SESSIONS_READ)
    return await presence.get_status(session, operator_id)


async def login(
    session: AsyncSession, principal: Principal, operator_id: int, campaign_ids: list[int], at: datetime
) -> OperatorStatus:
    await _operator(session, principal, operator_id, Permission.SESSIONS_WRITE)
    return await presence.login(session, operator_id, campaign_ids, at)


async def ready(
    session: AsyncSession, principal: Principal, operator_id: int, at: datetime
) -> OperatorStatus:
    await _operator(session, principal, operator_id, Permission.SESSIONS_WRITE)
    return await presence.set_ready(session, operator_id, at)


async def pause(
    session: AsyncSession, principal: Principal, operator_id: int, reason: str, at: datetime
) -> OperatorStatus:
    await _operator(session, principal, operator_id, Permission.SESSIONS_WRITE)
    return await presence.set_paused(session, operator_id, reason, at)


async def logout(
    session: AsyncSession, principal: Principal, operator_id: int, at: datetime
) -> OperatorStatus:
    await _operator(session, principal, operator_id, Permission.SESSIONS_WRITE)
    return await presence.logout(session, operator_id, at)
