"""Calls and operators made straight in the database, for the QA tests."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call, CallOutcome, CallState
from dialer.contacts.models import Contact
from dialer.operators.models import Operator

_numbers = itertools.count(1)


async def add_operator(session: AsyncSession, name: str) -> int:
    operator = Operator(name=name, login=name.lower(), sip_endpoint=f"op-{name.lower()}")
    session.add(operator)
    await session.flush()
    return operator.id


async def add_call(
    session: AsyncSession,
    campaign_id: int,
    *,
    operator_id: int | None,
    placed_at: datetime,
    connected: bool = True,
    recorded: bool = True,
    talk_seconds: float = 60.0,
) -> int:
    """An ended call of ``campaign_id``: connected and recorded unless told otherwise."""
    n = next(_numbers)
    phone = f"+7495{n:07d}"
    contact = Contact(campaign_id=campaign_id, phone=phone, attempts=1)
    session.add(contact)
    await session.flush()
    call = Call(
        call_uid=f"qa-{n}-{campaign_id}-{placed_at.timestamp()}",
        campaign_id=campaign_id,
        contact_id=contact.id,
        phone=phone,
        attempt=1,
        operator_id=operator_id,
        state=CallState.ENDED,
        outcome=CallOutcome.HUMAN_CONNECTED if connected else CallOutcome.NO_ANSWER,
        placed_at=placed_at,
        connected_at=placed_at if connected else None,
        ended_at=placed_at,
        talk_seconds=talk_seconds if connected else None,
        recording_key=f"qa/{n}.wav" if recorded else None,
    )
    session.add(call)
    await session.flush()
    return call.id
