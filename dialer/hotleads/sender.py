"""Sending one lead: the interface every channel implements, and the signed CRM webhook.

For the webhook, a 2xx answer acknowledges the lead; anything else, or no answer, is an error to
retry. The receiver deduplicates by ``X-Dialer-Lead-Id`` (a retry after a lost answer carries it).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

import httpx

from dialer.hotleads.outbox import Claim
from dialer.hotleads.signing import signature


class DeliveryError(Exception):
    """The lead was not acknowledged (the message says why, never the secret)."""


class LeadSender(Protocol):
    async def send(self, claim: Claim, payload: dict[str, Any], at: datetime) -> None:
        """Deliver ``payload`` (the claimed lead's, with its links) or raise ``DeliveryError``."""


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signed_headers(secret: str, lead_id: str, body: bytes, at: datetime) -> dict[str, str]:
    timestamp = str(int(at.timestamp()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Dialer-Lead-Id": lead_id,
        "X-Dialer-Timestamp": timestamp,
        "X-Dialer-Signature": signature(secret, timestamp, body),
    }


class WebhookSender:
    """POSTs the lead with ``httpx``; the client is the caller's (its timeout bounds each attempt)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def send(self, claim: Claim, payload: dict[str, Any], at: datetime) -> None:
        url, secret, lead_id = claim.webhook_url, claim.secret, claim.lead_id
        if not url or not secret:
            raise DeliveryError("the client has no CRM webhook URL and signing secret configured")
        body = encode(payload)
        try:
            response = await self._client.post(
                url, content=body, headers=signed_headers(secret, lead_id, body, at)
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")
