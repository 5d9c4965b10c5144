"""The hot-lead outbox: one delivery per hot-lead call, and the alerts raised while it is late.

A ``LeadDelivery`` is written in the disposition's transaction (``dialer.hotleads.outbox``), so a
lead is never lost between the operator's click and the CRM. ``status`` is ``pending`` until the
client's CRM acknowledges it, then ``delivered`` (within the handoff deadline) or ``late`` (after
it); ``failed`` when the dispatcher gives up; ``not_configured`` while the client has no delivery
set (no webhook with its secret, no manager's e-mail): kept, never tried, and queued once the
client's CRM settings are set. A dispatcher holds a row through ``lease_owner`` and
``lease_expires_at`` while its request is in flight, so no two dispatchers send it at once.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, UtcDateTime, enum_values


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=enum_values)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    LATE = "late"
    FAILED = "failed"
    NOT_CONFIGURED = "not_configured"  # the client has no delivery set: waits, untried, for its CRM


class Channel(enum.StrEnum):
    WEBHOOK = "webhook"
    EMAIL = "email"


class AlertKind(enum.StrEnum):
    AT_RISK = "at_risk"  # half the handoff deadline has passed undelivered
    DEADLINE_MISSED = "deadline_missed"  # the deadline has passed undelivered
    FAILED = "failed"  # the dispatcher gave up


class Escalation(enum.IntEnum):
    NONE = 0
    AT_RISK = 1
    DEADLINE = 2


class LeadDelivery(Base):
    __tablename__ = "lead_deliveries"
    __table_args__ = (
        Index("ix_lead_deliveries_due", "status", "next_attempt_at"),
        Index("ix_lead_deliveries_client_created", "client_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[str] = mapped_column(String(80), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.WEBHOOK)
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the disposition's time
    at_risk_at: Mapped[datetime] = mapped_column(UtcDateTime)  # half the deadline
    deadline_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    escalation: Mapped[int] = mapped_column(Integer, default=Escalation.NONE)
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)


class LeadAlert(Base):
    """An escalation for the supervisor: a lead at risk, past its deadline, or given up."""

    __tablename__ = "lead_alerts"
    __table_args__ = (UniqueConstraint("delivery_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("lead_deliveries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AlertKind] = mapped_column(_enum(AlertKind))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    message: Mapped[str] = mapped_column(Text, default="")
