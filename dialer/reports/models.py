"""What the reports keep: each client's recipients, and every monthly report as generated.

A monthly report is stored when it is made (its numbers as a JSON document), so the acceptance act
and a later reading show the figures that were sent, even if call records arrive late.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, false, func, true
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, UtcDateTime


class ReportRecipients(Base):
    """Where a client's reports go: e-mail addresses, and whether the daily one goes by webhook too."""

    __tablename__ = "report_recipients"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    emails: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    daily_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    daily_webhook: Mapped[bool] = mapped_column(default=False, server_default=false())
    monthly_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class MonthlyReportRecord(Base):
    """A contract's monthly report as generated (``data`` is the report's JSON form)."""

    __tablename__ = "monthly_reports"
    __table_args__ = (UniqueConstraint("contract_id", "period"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7))  # "2026-11"
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_by: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
