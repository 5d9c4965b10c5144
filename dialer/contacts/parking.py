"""Contacts parked outside the calling hours, and putting them back when the hours change.

A lease that finds a due contact outside its calling window parks it: ``next_attempt_at`` moves to
the window's next opening, and ``parked_due`` keeps when the contact was due before (the first
parking's, if it is parked again). When a campaign's calling hours change, :func:`unpark` gives every
parked contact its old due time back, so the next lease judges it by the new hours at once instead of
waiting for the opening of the old window.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.contacts.models import Contact, ContactStatus

PARKABLE = (ContactStatus.NEW, ContactStatus.SCHEDULED, ContactStatus.CALLBACK)


def parked_values(opens: datetime, now: datetime) -> dict[str, Any]:
    """The values that park a contact until ``opens``, remembering when it was due."""
    return {
        "next_attempt_at": opens,
        "parked_due": func.coalesce(Contact.parked_due, Contact.next_attempt_at, now),
    }


async def unpark(session: AsyncSession, campaign_id: int, now: datetime) -> int:
    """Give the campaign's parked contacts their due time back; how many. The caller commits."""
    result = await session.execute(
        update(Contact)
        .where(
            Contact.campaign_id == campaign_id,
            Contact.parked_due.is_not(None),
            Contact.status.in_(PARKABLE),
            or_(Contact.lease_expires_at.is_(None), Contact.lease_expires_at < now),
        )
        .values(next_attempt_at=Contact.parked_due, parked_due=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
