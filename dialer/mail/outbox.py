"""The outbox's writes: a message enqueued in the caller's transaction, claimed by one dispatcher,
settled as sent, retried or given up.

Claiming is ``dialer.delivery.outbox`` (as for the hot leads): candidates ``FOR UPDATE SKIP LOCKED``
on PostgreSQL, then one guarded ``UPDATE … RETURNING``, so two dispatchers never hold the same message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.delivery import outbox as leased_outbox
from dialer.errors import InvalidInput
from dialer.mail.models import MailAttachment, MailMessage, MailStatus

_ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\Z")


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def check_addresses(addresses: Sequence[str], where: str = "recipients") -> list[str]:
    """The addresses stripped; ``InvalidInput`` naming the first that is not an e-mail address."""
    cleaned = [a.strip() for a in addresses]
    for index, address in enumerate(cleaned):
        if not _ADDRESS.match(address):
            raise InvalidInput(f"{where}[{index}]: {address!r} is not an e-mail address")
    return cleaned


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    to: Sequence[str],
    at: datetime,
    subject: str = "",
    text: str = "",
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    lead_delivery_id: int | None = None,
) -> MailMessage:
    """Store a message to send as soon as possible; a second call with the same ``key`` returns the first."""
    existing = await session.scalar(select(MailMessage).where(MailMessage.key == key))
    if existing is not None:
        return existing
    recipients = check_addresses(to)
    if not recipients:
        raise InvalidInput(f"mail {key}: no recipients")
    message = MailMessage(
        key=key,
        kind=kind,
        recipients=recipients,
        subject=subject,
        body_text=text,
        body_html=html,
        lead_delivery_id=lead_delivery_id,
        status=MailStatus.PENDING,
        attempts=0,
        created_at=at,
        next_attempt_at=at,
    )
    session.add(message)
    await session.flush()
    session.add_all(
        MailAttachment(message_id=message.id, filename=a.filename, content_type=a.content_type, data=a.data)
        for a in attachments
    )
    await session.flush()
    return message


async def claim_due(
    session: AsyncSession, *, owner: str, now: datetime, lease_for: timedelta, limit: int = 20
) -> list[int]:
    """Hold up to ``limit`` due messages for ``owner`` until ``now + lease_for``; their ids, oldest first."""
    rows = await leased_outbox.claim_due(
        session,
        MailMessage,
        pending=MailStatus.PENDING,
        owner=owner,
        now=now,
        lease_for=lease_for,
        limit=limit,
    )
    return [row.id for row in rows]


async def settle_sent(session: AsyncSession, message_id: int, *, owner: str, at: datetime) -> None:
    """The SMTP server took the message."""
    message = await session.get(MailMessage, message_id, with_for_update=True, populate_existing=True)
    if message is None or message.status is not MailStatus.PENDING:
        return
    message.status, message.sent_at, message.last_error = MailStatus.SENT, at, None
    message.lease_owner = message.lease_expires_at = None
    await session.flush()


async def settle_failed(
    session: AsyncSession,
    message_id: int,
    *,
    owner: str,
    error: str,
    retry_at: datetime,
    give_up: bool,
) -> MailMessage | None:
    """The attempt failed: try again at ``retry_at`` or give up; only the lease's holder settles it."""
    message = await session.get(MailMessage, message_id, with_for_update=True, populate_existing=True)
    if message is None or message.status is not MailStatus.PENDING or message.lease_owner != owner:
        return None
    message.last_error = error[:2000]
    message.lease_owner = message.lease_expires_at = None
    if give_up:
        message.status = MailStatus.FAILED
    else:
        message.next_attempt_at = retry_at
    await session.flush()
    return message
