"""A campaign belongs to a contract; it carries its script, dialing rules and disposition codes."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint, false, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialer.db.base import Base
from dialer.db.types import JsonDocument, Money, UtcDateTime, enum_values
from dialer.dialing_modes import DialMode


class RecordingPolicy(enum.StrEnum):
    """Which calls of a campaign are recorded (MixMonitor in the dialplan, filed at hangup)."""

    ALL = "all"  # every answered call, from the answer (machines and abandons included)
    CONNECTED = "connected"  # from the moment the customer is put through to an operator
    NONE = "none"


class CampaignState(enum.StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


class DispositionKind(enum.StrEnum):
    FINAL = "final"
    RETRY = "retry"
    CALLBACK = "callback"


class OperatorConnection(enum.StrEnum):
    """How a customer reaches an operator: moved into the operator's held bridge, or by ringing them."""

    NAILED_UP = "nailed_up"
    RINGING = "ringing"


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    brief: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    script: Mapped[str] = mapped_column(Text, default="")
    dialing_mode: Mapped[DialMode] = mapped_column(  # its properties: dialer.dialing_modes.MODES
        Enum(DialMode, name="dialingmode", native_enum=False, length=20, values_callable=enum_values)
    )
    caller_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    default_country: Mapped[str] = mapped_column(String(2), default="RU")
    calling_hours: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    abandon_cap: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.03"))
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    retry_delays: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    state: Mapped[CampaignState] = mapped_column(
        Enum(CampaignState, native_enum=False, length=20, values_callable=enum_values),
        default=CampaignState.DRAFT,
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Dialing rules beyond the basics: the compliance profile (dialer.compliance.PROFILES) and timings.
    compliance_profile: Mapped[str] = mapped_column(String(40), default="custom", server_default="custom")
    advertising: Mapped[bool] = mapped_column(default=True, server_default=true())
    ring_timeout_s: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    connect_limit_ms: Mapped[int] = mapped_column(Integer, default=2000, server_default="2000")
    wrap_up_s: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    operator_connection: Mapped[OperatorConnection] = mapped_column(
        Enum(OperatorConnection, native_enum=False, length=20, values_callable=enum_values),
        default=OperatorConnection.NAILED_UP,
        server_default=OperatorConnection.NAILED_UP.value,
    )
    # Fixed-ratio dialing: lines per ready operator (1.0-5.0), required in that mode.
    dial_ratio: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    # Asterisk sound names; empty: the global DIALER_ABANDON_MESSAGE / DIALER_MACHINE_MESSAGE.
    abandon_message: Mapped[str] = mapped_column(String(200), default="", server_default="")
    machine_message: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Recording (dialer.call_recordings.policy): which calls, and the legs apart for QA.
    recording_policy: Mapped[RecordingPolicy] = mapped_column(
        Enum(RecordingPolicy, native_enum=False, length=20, values_callable=enum_values),
        default=RecordingPolicy.CONNECTED,
        server_default=RecordingPolicy.CONNECTED.value,
    )
    recording_split_legs: Mapped[bool] = mapped_column(default=False, server_default=false())  # r()/t()
    # Ownership lease (dialer.calls.ownership): the engine process driving this campaign now.
    owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    owner_heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    dispositions: Mapped[list[DispositionCode]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="DispositionCode.id",
    )


class DispositionCode(Base):
    __tablename__ = "disposition_codes"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[DispositionKind] = mapped_column(
        Enum(DispositionKind, native_enum=False, length=20, values_callable=enum_values)
    )
    hot_lead: Mapped[bool] = mapped_column(default=False)
    counts_as_processed: Mapped[bool] = mapped_column(default=False)
    adds_to_dnc: Mapped[bool] = mapped_column(default=False)

    campaign: Mapped[Campaign] = relationship(back_populates="dispositions", lazy="raise")
