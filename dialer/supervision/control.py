"""A supervisor forces an operator to pause or to log out, each change written to the audit log.

The change is the operator's own state machine's (``dialer.operators.presence``): a pause is refused
while the operator talks to a customer (pause them when the call ends, or log them out: logging out
is always allowed and the engine lets their leg go). The audit row and the change commit together.

Interface::

    force_pause(session, principal, operator_id, reason, at, *, remote=None) -> OperatorStatus
    force_logout(session, principal, operator_id, at, *, remote=None) -> OperatorStatus
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.audit import service as audit
from dialer.audit.models import AuditAction
from dialer.audit.service import Remote
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.operators import presence
from dialer.operators.models import OperatorStatus

SUPERVISOR_PAUSE = "supervisor"  # the pause reason when the supervisor gives none


async def force_pause(
    session: AsyncSession,
    principal: Principal,
    operator_id: int,
    reason: str | None,
    at: datetime,
    *,
    remote: Remote | None = None,
) -> OperatorStatus:
    principal.require(Permission.OPERATORS_SUPERVISE)
    before = await presence.get_status(session, operator_id)
    previous = before.state.value
    status = await presence.set_paused(session, operator_id, reason or SUPERVISOR_PAUSE, at)
    await audit.record(
        session,
        principal,
        AuditAction.FORCE_PAUSE,
        "operator",
        operator_id,
        client_id=None,
        detail={"reason": status.reason, "previous": previous},
        remote=remote,
        at=at,
    )
    return status


async def force_logout(
    session: AsyncSession,
    principal: Principal,
    operator_id: int,
    at: datetime,
    *,
    remote: Remote | None = None,
) -> OperatorStatus:
    principal.require(Permission.OPERATORS_SUPERVISE)
    before = await presence.get_status(session, operator_id)
    previous, call_uid = before.state.value, before.call_uid
    status = await presence.logout(session, operator_id, at)
    await audit.record(
        session,
        principal,
        AuditAction.FORCE_LOGOUT,
        "operator",
        operator_id,
        client_id=None,
        detail={"previous": previous, "call_uid": call_uid},
        remote=remote,
        at=at,
    )
    return status
