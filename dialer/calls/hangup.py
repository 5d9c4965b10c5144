"""Hanging up a call from the operator's page: the request is stored on the call and the engine
that drives it (maybe another process) hangs it up at its next tick (``Engine._hang_up_asked``).

An operator may hang up only a call put through to them; supervisors any live call they see.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.calls.models import Call
from dialer.calls.repository import get_call
from dialer.errors import Conflict


async def request_hangup(session: AsyncSession, principal: Principal, call_id: int, at: datetime) -> Call:
    """Ask for the call to be hung up (asking twice changes nothing); ``Conflict`` once it ended."""
    principal.require(Permission.CALLS_WRITE)
    call = await get_call(session, principal, call_id, lock=True)
    if call.ended_at is not None:
        raise Conflict(f"call {call_id} has already ended")
    if call.connected_at is None:
        raise Conflict(f"call {call_id} is not put through to an operator")
    if call.hangup_requested_at is None:
        call.hangup_requested_at = at
        await session.flush()
    return call
