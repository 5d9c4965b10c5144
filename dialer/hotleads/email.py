"""The e-mail channel: a lead sent to the client's manager through an SMTP server.

``smtplib`` is blocking, so each message is sent in a worker thread. The message's ``Message-ID``
is derived from the lead id, so a retry after a lost answer is recognisable as the same lead.
"""

from __future__ import annotations

import asyncio
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from dialer.delivery.smtp import SmtpConfig, send_blocking
from dialer.hotleads.outbox import Claim
from dialer.hotleads.sender import DeliveryError


def lead_message(payload: dict[str, Any], *, sender: str, to: str, at: datetime) -> EmailMessage:
    """The lead as a plain-text e-mail to the client's manager."""
    contact, campaign = payload.get("contact") or {}, payload.get("campaign") or {}
    operator, meeting = payload.get("operator") or {}, payload.get("meeting")
    lines = [
        f"Горячий лид / Hot lead {payload['lead_id']}",
        f"Кампания / Campaign: {campaign.get('name', '')}",
        f"Контакт / Contact: {contact.get('name', '')}, {contact.get('company', '')}",
        f"Телефон / Phone: {contact.get('phone', '')}",
        f"Оператор / Operator: {operator.get('name', '')}",
        f"Комментарий / Comment: {payload.get('comment') or ''}",
    ]
    if meeting:
        lines.append(
            f"Встреча / Meeting: {meeting.get('date')}, {meeting.get('place')}, {meeting.get('manager')}"
        )
    lines += [f"{k}: {v}" for k, v in (contact.get("fields") or {}).items()]
    if payload.get("recording_url"):
        lines.append(f"Запись / Recording: {payload['recording_url']}")
    message = EmailMessage()
    message["Subject"] = f"Горячий лид: {contact.get('name', '')} ({contact.get('company', '')})"
    message["From"], message["To"] = sender, to
    message["Date"] = format_datetime(at)
    message["Message-ID"] = f"<{payload['lead_id']}@dialer>"
    message["X-Dialer-Lead-Id"] = payload["lead_id"]
    message.set_content("\n".join(lines))
    return message


class SmtpLeadSender:
    """Sends a lead's e-mail; an SMTP error or a refused recipient is a ``DeliveryError`` to retry."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, claim: Claim, payload: dict[str, Any], at: datetime) -> None:
        if not claim.email_to:
            raise DeliveryError("the client has no manager e-mail configured")
        message = lead_message(payload, sender=self._config.sender, to=claim.email_to, at=at)
        try:
            await asyncio.to_thread(send_blocking, self._config, message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {type(exc).__name__}: {exc}") from None
