"""Acceptance acts as stored: the numbers they certify, and their state (``dialer.billing.acceptance``).

An act is built from the contract's stored monthly report; its amounts are copied, so the act never
changes once issued. A disputed act is settled by issuing a corrected act for the same month, which
names the one it replaces (``replaces_id``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dialer.billing.acceptance import ActState
from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, Money, UtcDateTime, enum_values


class AcceptanceAct(Base):
    __tablename__ = "acceptance_acts"
    __table_args__ = (Index("ix_acceptance_acts_contract_period", "contract_id", "period"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("monthly_reports.id", ondelete="RESTRICT"))
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("acceptance_acts.id", ondelete="SET NULL"), nullable=True
    )
    period: Mapped[str] = mapped_column(String(7))
    currency: Mapped[str] = mapped_column(String(3))
    net: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    state: Mapped[ActState] = mapped_column(
        Enum(ActState, native_enum=False, length=20, values_callable=enum_values), default=ActState.ISSUED
    )
    issued_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    objection: Mapped[str | None] = mapped_column(Text, nullable=True)
    issued_by: Mapped[str] = mapped_column(String(50))
    decided_by: Mapped[str | None] = mapped_column(String(50), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
