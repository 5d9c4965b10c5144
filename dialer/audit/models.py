"""One row per audited access; rows are only ever added."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, UtcDateTime, enum_values


class AuditAction(enum.StrEnum):
    SEARCH = "search"
    LISTEN = "listen"
    DOWNLOAD = "download"
    EXPORT = "export"
    DELETE = "delete"
    LINK = "link"  # an expiring link was made
    LINK_ACCESS = "link_access"  # someone used one
    SCORE = "score"  # a QA score of a call was given or changed
    CLOSE_PERIOD = "close_period"  # a contract's billing month frozen (dialer.metering)
    PBX_CHECK = "pbx_check"  # a contract's bill checked against Asterisk's record (dialer.billing_check)
    LOCK = "lock"  # an account locked after repeated wrong passwords (dialer.auth)
    UNLOCK = "unlock"  # an administrator unlocked it
    FORCE_PAUSE = "force_pause"  # a supervisor paused an operator (dialer.supervision.control)
    FORCE_LOGOUT = "force_logout"  # a supervisor logged an operator out
    SPY = "spy"  # a supervisor listened to, whispered to or barged into an operator's call (detail: mode)
    REVEAL = "reveal"  # a stored secret shown to someone (an operator's SIP password: dialer.softphones)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_actor_at", "actor", "at"),
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    action: Mapped[AuditAction] = mapped_column(
        Enum(AuditAction, native_enum=False, length=20, values_callable=enum_values)
    )
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    remote_addr: Mapped[str | None] = mapped_column(String(100), nullable=True)
    forwarded_for: Mapped[str | None] = mapped_column(String(500), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(500), nullable=True)
