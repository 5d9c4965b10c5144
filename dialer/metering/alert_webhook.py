"""Volume alerts to the client's CRM: the signed webhook, retried with backoff.

The body is JSON signed like a hot lead's (``dialer.delivery.webhook``: ``X-Dialer-Timestamp`` and
``X-Dialer-Signature`` over ``timestamp.body``), with ``X-Dialer-Event-Id`` for the receiver to
drop a repeat. A sender first takes the alert for ``LEASE`` (moving ``next_attempt_at`` on with a
guarded update), so two processes never send it at once; a 2xx answer delivers it, anything else
schedules the next attempt, and after ``MAX_ATTEMPTS`` the alert is marked failed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.clients.models import ClientCrm, Contract
from dialer.db.engine import unit_of_work
from dialer.delivery import webhook
from dialer.delivery.backoff import doubling_delay
from dialer.metering.models import AlertDelivery, VolumeAlert
from dialer.metering.tariffs import plain

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=10)
LONGEST_RETRY = timedelta(hours=1)


def retry_after(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failed ones: 10 s doubling, at most an hour."""
    return doubling_delay(attempts, FIRST_RETRY, LONGEST_RETRY)


def event_id(alert: VolumeAlert) -> str:
    return f"volume-alert-{alert.id}"


def _number(value: Decimal) -> str:
    """``1.000000`` (as PostgreSQL's NUMERIC gives it back) as ``1``, ``0.800000`` as ``0.8``."""
    return f"{plain(value):f}" if value else "0"


def alert_payload(alert: VolumeAlert, contract: Contract) -> dict[str, Any]:
    """What the client's CRM receives (and the event stream shows)."""
    return {
        "type": "volume_alert",
        "id": event_id(alert),
        "alert_id": alert.id,
        "client_id": contract.client_id,
        "contract_id": contract.id,
        "contract_number": contract.number,
        "span": alert.span_key,
        "threshold": _number(alert.threshold),
        "unit": alert.unit,
        "committed": _number(alert.committed),
        "used": _number(alert.used),
        "crossed_at": alert.crossed_at.isoformat(),
        "stopped_campaigns": list(alert.stopped_campaigns or []),
    }


def signed_headers(secret: str, event: str, body: bytes, at: datetime) -> dict[str, str]:
    return webhook.signed_headers(
        secret, body, at, {"X-Dialer-Event": "volume_alert", "X-Dialer-Event-Id": event}
    )


async def _take(session: AsyncSession, alert: VolumeAlert, now: datetime) -> bool:
    """Hold the alert for ``LEASE``; False when another sender took it first."""
    taken = await session.execute(
        update(VolumeAlert)
        .where(
            VolumeAlert.id == alert.id,
            VolumeAlert.delivery == AlertDelivery.PENDING,
            VolumeAlert.next_attempt_at == alert.next_attempt_at,
        )
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    return getattr(taken, "rowcount", 0) == 1


async def deliver_due(
    sessions: async_sessionmaker[AsyncSession], http: httpx.AsyncClient, now: datetime, limit: int = 50
) -> int:
    """Send the alerts due by ``now``; answers how many the CRM acknowledged."""
    async with unit_of_work(sessions) as session:
        due = list(
            await session.scalars(
                select(VolumeAlert)
                .where(VolumeAlert.delivery == AlertDelivery.PENDING, VolumeAlert.next_attempt_at <= now)
                .order_by(VolumeAlert.next_attempt_at, VolumeAlert.id)
                .limit(limit)
            )
        )
    delivered = 0
    for alert in due:
        async with unit_of_work(sessions) as session:
            if not await _take(session, alert, now):
                continue
        delivered += await _send(sessions, http, alert.id, now)
    return delivered


async def _send(
    sessions: async_sessionmaker[AsyncSession], http: httpx.AsyncClient, alert_id: int, now: datetime
) -> int:
    async with unit_of_work(sessions) as session:
        alert = await session.get(VolumeAlert, alert_id)
        assert alert is not None
        contract = await session.get(Contract, alert.contract_id)
        assert contract is not None
        crm = await session.get(ClientCrm, contract.client_id)
        payload = alert_payload(alert, contract)
        url = crm.webhook_url if crm else None
        secret = crm.signing_secret if crm else None
    error: str | None = None
    if not url or not secret:
        error = "the client has no CRM webhook URL and signing secret configured"
    else:
        body = webhook.encode(payload)
        try:
            response = await http.post(
                url, content=body, headers=signed_headers(secret, payload["id"], body, now)
            )
            if not 200 <= response.status_code < 300:
                error = f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
    async with unit_of_work(sessions) as session:
        alert = await session.get(VolumeAlert, alert_id)
        assert alert is not None
        alert.attempts += 1
        if error is None:
            alert.delivery, alert.delivered_at, alert.next_attempt_at = AlertDelivery.DELIVERED, now, None
            alert.last_error = None
            return 1
        alert.last_error = error[:1000]
        if alert.attempts >= MAX_ATTEMPTS:
            alert.delivery, alert.next_attempt_at = AlertDelivery.FAILED, None
            log.error("volume alert %s: given up after %s attempts: %s", alert_id, alert.attempts, error)
        else:
            alert.next_attempt_at = now + retry_after(alert.attempts)
            log.warning("volume alert %s: attempt %s failed: %s", alert_id, alert.attempts, error)
        return 0


__all__ = ["alert_payload", "deliver_due", "event_id", "retry_after", "signed_headers"]
