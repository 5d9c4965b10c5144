"""One recorded call the caller may reach; anything else is absent (404), never forbidden."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.call_recordings.search import RecordingRow, recorded_calls
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.errors import NotFound
from dialer.operators.models import Operator


async def recorded_call(
    session: AsyncSession, principal: Principal, call_id: int, permission: Permission, *, lock: bool = False
) -> RecordingRow:
    """The call ``call_id`` with its recording, if the caller holds ``permission`` and may see it."""
    principal.require(permission)
    query = recorded_calls(principal).where(Call.id == call_id)
    if lock:
        query = query.with_for_update(of=Call)
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound(f"call {call_id} has no recording you can reach")
    return RecordingRow(*row)


async def call_behind_link(session: AsyncSession, key: str, client_id: str) -> RecordingRow:
    """The call whose recording is ``key`` in a campaign of ``client_id`` (a link's claim)."""
    query = (
        select(Call, Campaign.name, Campaign.client_id, Operator.name)
        .join(Campaign, Campaign.id == Call.campaign_id)
        .outerjoin(Operator, Operator.id == Call.operator_id)
        .where(Call.recording_key == key)
    )
    for row in await session.execute(query):
        if str(row[2]) == client_id:
            return RecordingRow(*row)
    raise NotFound("the recording behind this link is gone")
