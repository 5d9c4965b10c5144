"""A client has contracts; a contract's terms fix the pricing model, rates and committed volume."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialer.db.base import Base
from dialer.db.types import Money, UtcDateTime


class PricingModel(enum.StrEnum):
    PER_TALK_MINUTE = "per_talk_minute"
    PER_PROCESSED_CONTACT = "per_processed_contact"
    PER_SEAT_HOUR = "per_seat_hour"
    PER_SEAT_MONTH = "per_seat_month"


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
        Enum(PricingModel, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])
    )
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    rate: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    setup_fee: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    vat_rate: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    volume_committed: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
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
    # Kept in clear because every delivery is signed with it; never returned by the API nor logged.
    signing_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    manager_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    handoff_deadline_min: Mapped[int] = mapped_column(Integer, default=DEFAULT_DEADLINE_MIN)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
