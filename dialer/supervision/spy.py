"""Listen, whisper, barge: a supervisor asks (API side), the engine that follows the operator's call
rings the supervisor's softphone into ChanSpy on the operator's channel and reports how it goes.

Asking checks the caller's rights and that the operator is on a call now, and writes the audit row
with the request, in one transaction. The engine reads the pending requests each tick
(``dialer.engine.spy``), claims one (``take``), and moves it on as Asterisk's events come in:
``dialing`` (the supervisor's phone rings), ``active`` (ChanSpy started), ``ended`` or ``failed``.

Interface::

    ask(session, principal, operator_id, mode, endpoint, at, *, remote=None) -> SpyRequest
    get(session, principal, request_id) -> SpyRequest
    pending(session) -> list[SpyRequest]                                  # the engine's side
    take(session, request_id, *, engine, session_id, target_channel, at) -> bool
    progress(session, request_id, status, at, error=None) -> None
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.audit import service as audit
from dialer.audit.models import AuditAction
from dialer.audit.service import Remote
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.calls.models import Call
from dialer.errors import Conflict, InvalidInput, NotFound
from dialer.operators import presence
from dialer.operators.models import Operator, OperatorState
from dialer.supervision.models import SpyMode, SpyRequest, SpyStatus

LIVE = (SpyStatus.PENDING, SpyStatus.DIALING, SpyStatus.ACTIVE)
FINAL = (SpyStatus.ENDED, SpyStatus.FAILED)


async def ask(
    session: AsyncSession,
    principal: Principal,
    operator_id: int,
    mode: SpyMode,
    endpoint: str,
    at: datetime,
    *,
    remote: Remote | None = None,
) -> SpyRequest:
    """Ask to spy on the operator's current call from the softphone ``endpoint`` (audited)."""
    principal.require(Permission.OPERATORS_SUPERVISE)
    operator = await session.get(Operator, operator_id)
    if operator is None:
        raise NotFound(f"operator {operator_id} not found")
    if endpoint == operator.sip_endpoint:
        raise InvalidInput("endpoint: that is the operator's own softphone; give the supervisor's")
    status = await presence.get_status(session, operator_id)
    if status.state is not OperatorState.ON_CALL or status.call_uid is None:
        raise Conflict(f"operator {operator_id} is not on a call ({status.state.value})")
    busy = await session.scalar(  # a request whose call ended is over, whatever it says (E: ChanSpy ends)
        select(SpyRequest.id)
        .join(Call, Call.call_uid == SpyRequest.call_uid)
        .where(SpyRequest.endpoint == endpoint, SpyRequest.status.in_(LIVE), Call.ended_at.is_(None))
        .limit(1)
    )
    if busy is not None:
        raise Conflict(f"endpoint {endpoint!r} is already on request {busy}: hang that one up first")
    request = SpyRequest(
        operator_id=operator_id,
        call_uid=status.call_uid,
        mode=mode,
        endpoint=endpoint,
        requested_by=principal.actor,
        status=SpyStatus.PENDING,
        requested_at=at,
    )
    session.add(request)
    await session.flush()
    await audit.record(
        session,
        principal,
        AuditAction.SPY,
        "operator",
        operator_id,
        client_id=None,
        detail={"mode": mode.value, "endpoint": endpoint, "call_uid": status.call_uid, "request": request.id},
        remote=remote,
        at=at,
    )
    return request


async def get(session: AsyncSession, principal: Principal, request_id: int) -> SpyRequest:
    principal.require(Permission.OPERATORS_SUPERVISE)
    request = await session.get(SpyRequest, request_id)
    if request is None:
        raise NotFound(f"spy request {request_id} not found")
    return request


async def pending(session: AsyncSession) -> list[SpyRequest]:
    """Requests no engine has taken yet, oldest first."""
    query = select(SpyRequest).where(SpyRequest.status == SpyStatus.PENDING).order_by(SpyRequest.id)
    return list(await session.scalars(query))


async def take(
    session: AsyncSession,
    request_id: int,
    *,
    engine: str,
    session_id: str,
    target_channel: str,
    at: datetime,
) -> bool:
    """Claim a pending request for ``engine`` (False: another took it, or it is no longer pending)."""
    result = await session.execute(
        update(SpyRequest)
        .where(SpyRequest.id == request_id, SpyRequest.status == SpyStatus.PENDING)
        .values(
            status=SpyStatus.DIALING,
            engine=engine,
            session_id=session_id,
            target_channel=target_channel[:200],
            started_at=at,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def progress(
    session: AsyncSession, request_id: int, status: SpyStatus, at: datetime, error: str | None = None
) -> None:
    """Move a request on; a final one (ended, failed) stays as it is."""
    values: dict[str, object] = {"status": status}
    if status in FINAL:
        values["ended_at"] = at
    if error is not None:
        values["error"] = error[:500]
    await session.execute(
        update(SpyRequest)
        .where(SpyRequest.id == request_id, SpyRequest.status.not_in(FINAL))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
