"""Sending reports to the client: e-mail through the mail outbox, and the daily report's JSON to
the client's CRM webhook, signed as hot leads are (``X-Dialer-Report-Id`` is its idempotency key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.clients.models import ClientCrm
from dialer.delivery import webhook
from dialer.mail import outbox
from dialer.mail.outbox import Attachment
from dialer.reports.models import ReportRecipients


class WebhookRefused(Exception):
    """The client's webhook did not take the report (the text says why, never the secret)."""


async def recipients_of(session: AsyncSession, client_id: int) -> ReportRecipients | None:
    return await session.get(ReportRecipients, client_id)


async def mail_report(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    to: list[str],
    at: datetime,
    subject: str,
    text: str,
    html: str,
    attachments: list[Attachment],
) -> bool:
    """Store the report's e-mail (once per key); False when there is nobody to send it to."""
    if not to:
        return False
    await outbox.enqueue(
        session,
        key=key,
        kind=kind,
        to=to,
        at=at,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
    )
    return True


async def post_to_webhook(
    client: httpx.AsyncClient, crm: ClientCrm, report_id: str, document: dict[str, Any], at: datetime
) -> None:
    """POST the report to the client's CRM webhook; ``WebhookRefused`` unless it answers 2xx."""
    if not crm.webhook_url or not crm.signing_secret:
        raise WebhookRefused("the client has no CRM webhook URL and signing secret configured")
    body = webhook.encode(document)
    headers = webhook.signed_headers(crm.signing_secret, body, at, {"X-Dialer-Report-Id": report_id})
    try:
        response = await client.post(crm.webhook_url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise WebhookRefused(f"{type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise WebhookRefused(f"HTTP {response.status_code}")
