"""Operators of the centre, the SIP endpoint each one's softphone uses, their campaigns, and their
state through a shift (current status and every change)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, Enum, ForeignKey, Index, String, Table, func
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.sealed import SealedString
from dialer.db.types import BigId, JsonDocument, UtcDateTime, enum_values

campaign_operators = Table(
    "campaign_operators",
    Base.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("operator_id", ForeignKey("operators.id", ondelete="CASCADE"), primary_key=True),
)


class Operator(Base):
    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    login: Mapped[str] = mapped_column(String(100), unique=True)
    sip_endpoint: Mapped[str] = mapped_column(String(100), unique=True)
    # The softphone's SIP password (dialer.softphones), generated; sealed at rest (dialer.db.sealed),
    # read back in clear for the generated PJSIP file and the operator's own settings; never logged.
    sip_password: Mapped[str | None] = mapped_column(SealedString(300), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class OperatorState(enum.StrEnum):
    """Where an operator is in their shift (transitions in ``dialer.operators.states``)."""

    LOGGED_OUT = "logged_out"
    READY = "ready"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


_STATE = Enum(OperatorState, native_enum=False, length=20, values_callable=enum_values)


class OperatorStatus(Base):
    """An operator's current state: one row per operator, changed by ``dialer.operators.presence``."""

    __tablename__ = "operator_status"

    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[OperatorState] = mapped_column(_STATE, default=OperatorState.LOGGED_OUT)
    since: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(String(50), nullable=True)
    campaign_ids: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    call_uid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    held_channel: Mapped[str | None] = mapped_column(String(200), nullable=True)
    registered: Mapped[bool] = mapped_column(default=False)
    wrap_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class OperatorStateEvent(Base):
    """One change of an operator's state, kept for seat-hours and operator reports."""

    __tablename__ = "operator_state_events"
    __table_args__ = (Index("ix_operator_state_events_operator_at", "operator_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"))
    state: Mapped[OperatorState] = mapped_column(_STATE)
    previous: Mapped[OperatorState] = mapped_column(_STATE)
    reason: Mapped[str | None] = mapped_column(String(50), nullable=True)
    campaign_ids: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    call_uid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
