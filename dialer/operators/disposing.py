"""A call disposed from the operator's desk: the call and its contact move on
(``dialer.calls.dispositions``) and the operator wrapping that call up is ready again, in one
transaction. The operator's state row is locked before the call's, the order every write of an
operator's state and call takes (the engine's wrap-up end, the API's ready, pause and logout), so
none of them can deadlock with another on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.principal import Principal
from dialer.calls.dispositions import set_disposition
from dialer.calls.models import Call
from dialer.operators import presence


async def dispose(
    session: AsyncSession,
    principal: Principal,
    call_id: int,
    code: str,
    *,
    note: str | None = None,
    callback_at: datetime | None = None,
    same_operator: bool = False,
    at: datetime,
) -> Call:
    """``set_disposition``, and the end of the operator's wrap-up of this call (if they are in it)."""
    operator_id = await session.scalar(select(Call.operator_id).where(Call.id == call_id))
    if operator_id is not None:
        await presence.lock(session, operator_id, at)
    call = await set_disposition(
        session, principal, call_id, code,
        note=note, callback_at=callback_at, same_operator=same_operator, at=at,
    )  # fmt: skip
    if call.operator_id is not None:
        await presence.end_wrap_for_call(session, call.operator_id, call.call_uid, at)
    return call
