"""Sending one lead: the interface every channel implements, and the signed CRM webhook.

For the webhook, a 2xx answer acknowledges the lead; anything else, or no answer, is an error to
retry. The receiver deduplicates by ``X-Dialer-Lead-Id`` (a retry after a lost answer carries it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import httpx

from dialer.delivery import webhook
from dialer.hotleads.outbox import Claim


class DeliveryError(Exception):
    """The lead was not acknowledged (the message says why, never the secret)."""


class LeadSender(Protocol):
    async def send(self, claim: Claim, payload: dict[str, Any], at: datetime) -> None:
        """Deliver ``payload`` (the claimed lead's, with its links) or raise ``DeliveryError``."""


def signed_headers(secret: str, lead_id: str, body: bytes, at: datetime) -> dict[str, str]:
    return webhook.signed_headers(secret, body, at, {"X-Dialer-Lead-Id": lead_id})


class WebhookSender:
    """POSTs the lead with ``httpx``; the client is the caller's (its timeout bounds each attempt)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def send(self, claim: Claim, payload: dict[str, Any], at: datetime) -> None:
        url, secret, lead_id = claim.webhook_url, claim.secret, claim.lead_id
        if not url or not secret:
            raise DeliveryError("the client has no CRM webhook URL and signing secret configured")
        body = webhook.encode(payload)
        try:
            response = await self._client.post(
                url, content=body, headers=signed_headers(secret, lead_id, body, at)
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")
