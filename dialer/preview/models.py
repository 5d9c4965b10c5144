"""Dial requests of preview campaigns: how the API asks the engine, through the database, to call a
contact an operator has been shown."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.types import BigId, UtcDateTime, enum_values


class PreviewStatus(enum.StrEnum):
    PENDING = "pending"  # asked through the API; the engine has not taken it yet
    DIALING = "dialing"  # the engine placed the call (``call_uid``)
    FAILED = "failed"  # the engine could not place it (``error``); the operator may ask again or skip
    CANCELLED = "cancelled"  # the operator skipped the contact before the engine took it


class PreviewRequest(Base):
    __tablename__ = "preview_requests"
    __table_args__ = (Index("ix_preview_requests_status_campaign", "status", "campaign_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    status: Mapped[PreviewStatus] = mapped_column(
        Enum(PreviewStatus, native_enum=False, length=20, values_callable=enum_values),
        default=PreviewStatus.PENDING,
    )
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    engine: Mapped[str | None] = mapped_column(String(100), nullable=True)
    call_uid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
