"""The engine's side of preview dial requests: the pending ones of its campaigns, taking one (the
contact passes from the operator's preview hold to the engine's lease, the request to ``dialing``),
and failing one with the reason.

Interface::

    pending_requests(session, campaign_ids) -> list[PreviewRequest]
    take_request(session, request_id, *, owner, call_uid, lease_for, now) -> Contact | None
    fail_request(session, request_id, reason) -> bool
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.contacts.models import Contact, ContactStatus
from dialer.preview.models import PreviewRequest, PreviewStatus
from dialer.preview.service import preview_owner


async def pending_requests(session: AsyncSession, campaign_ids: list[int]) -> list[PreviewRequest]:
    """Requests not taken yet, oldest first."""
    if not campaign_ids:
        return []
    query = select(PreviewRequest).where(
        PreviewRequest.status == PreviewStatus.PENDING, PreviewRequest.campaign_id.in_(campaign_ids)
    )
    return list(await session.scalars(query.order_by(PreviewRequest.id)))


async def take_request(
    session: AsyncSession,
    request_id: int,
    *,
    owner: str,
    call_uid: str,
    lease_for: timedelta,
    now: datetime,
) -> Contact | None:
    """Claim a pending request for ``owner`` (the engine) and lease its contact to it; None when the
    request was taken or cancelled meanwhile, or its contact is no longer held for the operator (the
    request then fails, saying so). The caller commits."""
    query = select(PreviewRequest).where(PreviewRequest.id == request_id).with_for_update()
    request = await session.scalar(query.execution_options(populate_existing=True))
    if request is None or request.status is not PreviewStatus.PENDING:
        return None
    contact = await session.scalar(select(Contact).where(Contact.id == request.contact_id).with_for_update())
    held = (
        contact is not None
        and contact.status is ContactStatus.IN_PROGRESS
        and contact.lease_owner == preview_owner(request.operator_id)
    )
    if not held or contact is None:
        request.status, request.error = PreviewStatus.FAILED, "the contact is no longer held for the operator"
        await session.flush()
        return None
    request.status, request.engine, request.call_uid, request.taken_at = (
        PreviewStatus.DIALING,
        owner,
        call_uid,
        now,
    )
    contact.lease_owner, contact.lease_expires_at = owner, now + lease_for
    await session.flush()
    return contact


async def fail_request(session: AsyncSession, request_id: int, reason: str) -> bool:
    """Mark a pending request failed (the contact stays held for the operator: dial again or skip)."""
    result = await session.execute(
        update(PreviewRequest)
        .where(PreviewRequest.id == request_id, PreviewRequest.status == PreviewStatus.PENDING)
        .values(status=PreviewStatus.FAILED, error=reason[:500])
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
