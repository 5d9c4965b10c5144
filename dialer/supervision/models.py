"""A supervisor's requests to listen to, whisper to or barge into an operator's call: how the API
asks the engine, through the database, to ring the supervisor's softphone into ChanSpy."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.types import BigId, UtcDateTime, enum_values


class SpyMode(enum.StrEnum):
    """The extension of ``dialer-supervisor`` (``asterisk-conf/extensions.conf``) the leg runs."""

    LISTEN = "listen"  # hears both sides, heard by nobody
    WHISPER = "whisper"  # hears both sides, heard by the operator only
    BARGE = "barge"  # hears both sides, heard by both


class SpyStatus(enum.StrEnum):
    PENDING = "pending"  # asked through the API; no engine has taken it yet
    DIALING = "dialing"  # the engine rings the supervisor's softphone
    ACTIVE = "active"  # ChanSpy runs on the operator's channel
    ENDED = "ended"  # the spy leg or the operator's call ended
    FAILED = "failed"  # could not be placed, or the supervisor's phone did not answer (``error``)


class SpyRequest(Base):
    __tablename__ = "spy_requests"
    __table_args__ = (Index("ix_spy_requests_status", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    call_uid: Mapped[str] = mapped_column(String(64))  # the operator's call when it was asked
    mode: Mapped[SpyMode] = mapped_column(
        Enum(SpyMode, native_enum=False, length=10, values_callable=enum_values)
    )
    endpoint: Mapped[str] = mapped_column(String(100))  # the supervisor's PJSIP endpoint
    requested_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[SpyStatus] = mapped_column(
        Enum(SpyStatus, native_enum=False, length=10, values_callable=enum_values), default=SpyStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    engine: Mapped[str | None] = mapped_column(String(100), nullable=True)
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the spy leg's call id
    target_channel: Mapped[str | None] = mapped_column(String(200), nullable=True)  # SPYTARGET
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
