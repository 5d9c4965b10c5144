"""Sending one lead to the client's CRM webhook, signed; 2xx acknowledges it, anything else fails."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

import httpx

from dialer.hotleads.signing import signature


class DeliveryError(Exception):
    """The lead was not acknowledged (the message says why, never the secret)."""


class LeadSender(Protocol):
    async def send(
        self, *, url: str | None, secret: str | None, lead_id: str, payload: dict[str, Any], at: datetime
    ) -> None:
        """Deliver or raise ``DeliveryError``."""


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

    async def send(
        self, *, url: str | None, secret: str | None, lead_id: str, payload: dict[str, Any], at: datetime
    ) -> None:
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
