"""The handoff deadline: alerts for leads at risk or late, and the handoff statistics.

A lead still pending when half its deadline has passed raises an ``at_risk`` alert, and a
``deadline_missed`` one at the deadline (each once: ``LeadDelivery.escalation`` records how far it
went). The supervisor reads them with the lead (``GET /hot-leads``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.hotleads.models import AlertKind, DeliveryStatus, Escalation, LeadAlert, LeadDelivery


async def raise_alerts(session: AsyncSession, now: datetime) -> list[LeadAlert]:
    """Record the escalations due at ``now`` for leads not yet delivered."""
    due = (
        select(LeadDelivery)
        .where(
            LeadDelivery.status == DeliveryStatus.PENDING,
            or_(
                and_(LeadDelivery.escalation < Escalation.AT_RISK, LeadDelivery.at_risk_at <= now),
                and_(LeadDelivery.escalation < Escalation.DEADLINE, LeadDelivery.deadline_at <= now),
            ),
        )
        .with_for_update(skip_locked=True)
    )
    alerts = []
    for delivery in await session.scalars(due):
        if delivery.escalation < Escalation.AT_RISK:
            alerts.append(_alert(delivery, AlertKind.AT_RISK, now, "half the handoff deadline has passed"))
            delivery.escalation = Escalation.AT_RISK
        if delivery.deadline_at <= now:
            alerts.append(_alert(delivery, AlertKind.DEADLINE_MISSED, now, "the handoff deadline has passed"))
            delivery.escalation = Escalation.DEADLINE
    session.add_all(alerts)
    await session.flush()
    return alerts


def _alert(delivery: LeadDelivery, kind: AlertKind, now: datetime, what: str) -> LeadAlert:
    detail = f"; last error: {delivery.last_error}" if delivery.last_error else ""
    message = f"lead {delivery.lead_id}: {what} undelivered ({delivery.attempts} attempts{detail})"
    return LeadAlert(delivery_id=delivery.id, kind=kind, at=now, message=message)


def window_start(at_risk_at: datetime, deadline_at: datetime) -> datetime:
    """When a lead's handoff window opened (at risk halfway, late at its end): the disposition, or for
    a lead that waited for its client's CRM settings, the moment they were set."""
    return deadline_at - 2 * (deadline_at - at_risk_at)


async def handoff_started_at(session: AsyncSession, delivery_id: int) -> datetime | None:
    """The lead's ``window_start`` (what giving up counts from); None for an unknown lead."""
    row = (
        await session.execute(
            select(LeadDelivery.at_risk_at, LeadDelivery.deadline_at).where(LeadDelivery.id == delivery_id)
        )
    ).first()
    return None if row is None else window_start(row.at_risk_at, row.deadline_at)


@dataclass(frozen=True, slots=True)
class HandoffStats:
    """Leads created in a period and how they were handed off (seconds from disposition to ack);
    ``pending`` counts those still waiting, for a retry or for the client's CRM settings."""

    count: int
    on_time: int
    late: int
    failed: int
    pending: int
    median_seconds: float | None
    p90_seconds: float | None


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (as ``statistics.quantiles(method="inclusive")``)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def handoff_stats(
    session: AsyncSession, *, since: datetime, until: datetime, client_id: int | None = None
) -> HandoffStats:
    """Handoff statistics of the leads created in ``[since, until)`` (for the monthly report)."""
    query = select(LeadDelivery.status, LeadDelivery.created_at, LeadDelivery.delivered_at).where(
        LeadDelivery.created_at >= since, LeadDelivery.created_at < until
    )
    if client_id is not None:
        query = query.where(LeadDelivery.client_id == client_id)
    rows = (await session.execute(query)).all()
    counts = {status: 0 for status in DeliveryStatus}
    seconds = []
    for status, created, delivered in rows:
        counts[status] += 1
        if delivered is not None:
            seconds.append((delivered - created).total_seconds())
    return HandoffStats(
        count=len(rows),
        on_time=counts[DeliveryStatus.DELIVERED],
        late=counts[DeliveryStatus.LATE],
        failed=counts[DeliveryStatus.FAILED],
        pending=counts[DeliveryStatus.PENDING] + counts[DeliveryStatus.NOT_CONFIGURED],
        median_seconds=percentile(seconds, 0.5),
        p90_seconds=percentile(seconds, 0.9),
    )
