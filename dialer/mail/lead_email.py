"""A hot lead as a plain-text e-mail to the client's manager, from the lead's payload.

Sent straight by the hot leads' e-mail channel (``dialer.hotleads.email``) and composed at send time
by the mail outbox (``dialer.mail.compose``). The ``Message-ID`` is derived from the lead id, so a
retry after a lost answer is recognisable as the same lead.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any


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
