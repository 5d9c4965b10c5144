"""A client has contracts; a contract's terms fix the pricing model, rates and committed volume."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, false, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialer.billing.money import Rounding
from dialer.billing.seat_time import SeatCount
from dialer.billing.vat import VatMode
from dialer.db.base import Base
from dialer.db.sealed import SealedString
from dialer.db.types import JsonDocument, Money, UtcDateTime, enum_values


class PricingModel(enum.StrEnum):
    PER_TALK_MINUTE = "per_talk_minute"
    PER_PROCESSED_CONTACT = "per_processed_contact"
    PER_SEAT_HOUR = "per_seat_hour"
    PER_SEAT_MONTH = "per_seat_month"
    HOURLY_PLAN = "hourly_plan"  # a block of seat-hours at a fixed price, time beyond at ``rate`` per hour


class ContactCounting(enum.StrEnum):
    """Which dispositions make a processed contact on a per-contact contract."""

    FINAL = "final"  # any final disposition
    MARKED = "marked"  # only the codes the campaign marks ``counts_as_processed`` (pay per result)


class VolumeScope(enum.StrEnum):
    """What ``volume_committed`` covers: each billing month, or the contract's whole period."""

    MONTH = "month"
    CONTRACT = "contract"


def _term(kind: type[enum.Enum], default: enum.Enum) -> Mapped[Any]:
    return mapped_column(
        Enum(kind, native_enum=False, length=30, values_callable=enum_values),
        default=default,
        server_default=str(default.value),
    )


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2), default="RU")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())

    contracts: Mapped[list[Contract]] = relationship(back_populates="client", lazy="raise")


class Contract(Base):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    pricing_model: Mapped[PricingModel] = mapped_column(
        Enum(PricingModel, native_enum=False, length=40, values_callable=enum_values)
    )
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    rate: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    setup_fee: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    vat_rate: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    volume_committed: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Billing terms (dialer.metering.tariffs turns them into dialer.billing's tariffs).
    billing_timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    talk_increment_s: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    talk_minimum_s: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    talk_free_under_s: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    vat_mode: Mapped[VatMode] = _term(VatMode, VatMode.INCLUDED)
    money_rounding: Mapped[Rounding] = _term(Rounding, Rounding.HALF_UP)
    contact_prices: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    contacts_counted: Mapped[ContactCounting] = _term(ContactCounting, ContactCounting.FINAL)
    seat_count: Mapped[SeatCount] = _term(SeatCount, SeatCount.MAX_CONCURRENT)
    seat_pauses_paid: Mapped[bool] = mapped_column(default=True, server_default=true())
    plan_hours: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    plan_price: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    volume_scope: Mapped[VolumeScope] = _term(VolumeScope, VolumeScope.MONTH)
    alert_thresholds: Mapped[list[str]] = mapped_column(JsonDocument, default=lambda: ["0.8", "1"])
    stop_campaigns_when_used_up: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Days a call's recording is kept after the call; None: for ever (dialer.call_recordings.retention).
    recording_retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())

    client: Mapped[Client] = relationship(back_populates="contracts", lazy="raise")


DEFAULT_DEADLINE_MIN = 10
"""Minutes a hot lead has to reach the client's CRM unless its settings say otherwise."""


class ClientCrm(Base):
    """Where a client's hot leads go: its CRM webhook (signed with ``signing_secret``), optionally its
    manager's e-mail, and how soon a lead must reach it (the contract's handoff deadline)."""

    __tablename__ = "client_crm"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    webhook_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    # Sealed at rest (dialer.db.sealed), read back in clear to sign each delivery; never returned by
    # the API nor logged.
    signing_secret: Mapped[str | None] = mapped_column(SealedString(1000), nullable=True)
    manager_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    handoff_deadline_min: Mapped[int] = mapped_column(Integer, default=DEFAULT_DEADLINE_MIN)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
