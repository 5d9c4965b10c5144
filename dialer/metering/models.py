"""What metering stores: each contract's closed (frozen) billing months and its volume alerts."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, Money, UtcDateTime, enum_values


class ClosedPeriod(Base):
    """A contract's billing month once reported: its cut-off and its statement, frozen.

    A call recorded before ``closed_at`` whose month this is stays here for ever; one recorded at or
    after it is a late call of the next open month (``dialer.metering.periods``). ``statement`` holds the
    whole statement as it was at closing; the totals beside it are for queries and reports.
    """

    __tablename__ = "billing_periods"
    __table_args__ = (UniqueConstraint("contract_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    period_key: Mapped[str] = mapped_column(String(7))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_by: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    pricing_model: Mapped[str] = mapped_column(String(40))
    calls: Mapped[int] = mapped_column(Integer)
    late_calls: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    statement: Mapped[dict[str, Any]] = mapped_column(JsonDocument)


class AlertDelivery(enum.StrEnum):
    """Where an alert's webhook to the client's CRM stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # given up after the last attempt
    NO_WEBHOOK = "no_webhook"  # the client has no CRM webhook: shown in the API and event stream only


class VolumeAlert(Base):
    """A threshold of a contract's committed volume crossed, once per threshold per volume span."""

    __tablename__ = "volume_alerts"
    __table_args__ = (
        UniqueConstraint("contract_id", "span_key", "threshold"),
        Index("ix_volume_alerts_delivery_due", "delivery", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    span_key: Mapped[str] = mapped_column(String(20))  # "2026-11" (monthly volume) or "contract"
    threshold: Mapped[Decimal] = mapped_column(Money)  # a fraction of the committed volume: 0.8, 1
    unit: Mapped[str] = mapped_column(String(20))
    committed: Mapped[Decimal] = mapped_column(Money)
    used: Mapped[Decimal] = mapped_column(Money)
    crossed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stopped_campaigns: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    delivery: Mapped[AlertDelivery] = mapped_column(
        Enum(AlertDelivery, native_enum=False, length=20, values_callable=enum_values)
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
