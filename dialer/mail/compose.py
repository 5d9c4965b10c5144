"""An outbox row as the e-mail it sends.

A plain message has its text, optional HTML alternative and attachments stored with it. A hot lead's
e-mail is composed at send time from the lead's payload (``dialer.mail.lead_email``), so
it carries the meeting set with the disposition and the recording's absolute link.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.delivery.links import with_links
from dialer.hotleads.models import LeadDelivery
from dialer.mail.lead_email import lead_message
from dialer.mail.models import MailAttachment, MailMessage


def plain_message(
    row: MailMessage, attachments: Sequence[MailAttachment], *, sender: str, at: datetime
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = sender
    message["To"] = ", ".join(row.recipients)
    message["Date"] = format_datetime(at)
    message["Message-ID"] = f"<mail-{row.id}@dialer>"  # the same on every retry
    message.set_content(row.body_text or "")
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


async def compose(
    session: AsyncSession, row: MailMessage, *, sender: str, public_url: str, at: datetime
) -> EmailMessage:
    """The e-mail for ``row``; a hot lead's from its delivery's current payload."""
    if row.lead_delivery_id is not None:
        delivery = await session.get(LeadDelivery, row.lead_delivery_id)
        if delivery is not None:
            payload = with_links(delivery.payload, public_url)
            message = lead_message(payload, sender=sender, to=", ".join(row.recipients), at=at)
            del message["Message-ID"]
            message["Message-ID"] = f"<mail-{row.id}-{payload['lead_id']}@dialer>"
            return message
    attachments = await session.scalars(
        select(MailAttachment).where(MailAttachment.message_id == row.id).order_by(MailAttachment.id)
    )
    return plain_message(row, list(attachments), sender=sender, at=at)
